using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using EmrPortal.Proxy.Access;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EmrPortal.Benchmarks.Micro;

/// <summary>
/// A bearer token as the proxy checks it on every request: the full validation (ES256 signature, issuer, audience,
/// lifetime) against a hit in the proxy's validated-token cache (SHA-256 of the token, the trusted-key check and a copy
/// of the identity). Demo-mode parameters, the same as the proxy's.
/// </summary>
public class TokenValidationBenchmarks : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JsonWebTokenHandler _handler = new();
    private CachingTokenHandler _cache = null!;
    private TokenValidationParameters _parameters = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        var key = new ECDsaSecurityKey(_key);
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = "emrportal-demo",
            ValidAudience = "api://emrportal-proxy",
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
        };
        var now = DateTime.UtcNow;
        _token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "emrportal-demo",
            Audience = "api://emrportal-proxy",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            Claims = new Dictionary<string, object>
            {
                ["oid"] = "bench-user",
                ["sub"] = "bench-user",
                ["name"] = "Bench User",
                ["scp"] = "access_as_user",
                ["roles"] = new[] { "Portal.Admin" },
                ["groups"] = Array.Empty<string>(),
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
        _cache = new CachingTokenHandler(new JsonWebTokenHandler(), TimeProvider.System);
        if (!_cache.ValidateTokenAsync(_token, _parameters).GetAwaiter().GetResult().IsValid)
        {
            throw new InvalidOperationException("The benchmark token does not validate.");
        }
    }

    [Benchmark(Baseline = true, Description = "Bearer token, full validation (ES256)")]
    public async Task<bool> FullValidation() => (await _handler.ValidateTokenAsync(_token, _parameters)).IsValid;

    [Benchmark(Description = "Bearer token, validated-token cache hit")]
    public async Task<bool> CachedValidation() => (await _cache.ValidateTokenAsync(_token, _parameters)).IsValid;

    public void Dispose()
    {
        _key.Dispose();
        GC.SuppressFinalize(this);
    }
}
