using System.Security.Claims;
using System.Security.Cryptography;
using EmrPortal.Proxy.Access;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace EmrPortal.Proxy.Tests.Unit;

/// <summary>The validated-token cache: one full validation per token, and never an answer full validation would not give.</summary>
public sealed class CachingTokenHandlerTests : IDisposable
{
    private const string Issuer = "emrportal-demo";
    private const string Audience = "api://emrportal-proxy";

    private readonly ECDsa _keyA = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _keyB = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CountingHandler _inner = new();

    public void Dispose()
    {
        _keyA.Dispose();
        _keyB.Dispose();
    }

    [Fact]
    public async Task A_token_is_fully_validated_once_and_then_served_from_the_cache()
    {
        var cache = new CachingTokenHandler(_inner, _time);
        var key = new ECDsaSecurityKey(_keyA);
        var token = Mint(_keyA, "user-1");

        var first = await cache.ValidateTokenAsync(token, Parameters(key));
        var second = await cache.ValidateTokenAsync(token, Parameters(key));

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, _inner.Validations);
        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst("oid")?.Value);
        Assert.IsType<JsonWebToken>(second.SecurityToken);
    }

    [Fact]
    public async Task A_cached_token_past_its_exp_is_refused()
    {
        var cache = new CachingTokenHandler(_inner, _time);
        var key = new ECDsaSecurityKey(_keyA);
        var token = Mint(_keyA, "user-1", lifetime: TimeSpan.FromMinutes(5));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(key))).IsValid);

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var late = await cache.ValidateTokenAsync(token, Parameters(key));

        Assert.False(late.IsValid);
        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task A_rotated_signing_key_invalidates_the_tokens_it_signed()
    {
        var cache = new CachingTokenHandler(_inner, _time);
        var token = Mint(_keyA, "user-1");
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(new ECDsaSecurityKey(_keyA)))).IsValid);

        // The validator now trusts only key B: the token signed with A must not be served from the cache.
        var afterRotation = await cache.ValidateTokenAsync(token, Parameters(new ECDsaSecurityKey(_keyB)));

        Assert.False(afterRotation.IsValid);
        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task A_signing_key_removed_from_the_openid_configuration_invalidates_the_tokens_it_signed()
    {
        var cache = new CachingTokenHandler(_inner, _time);
        var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        configuration.SigningKeys.Add(new ECDsaSecurityKey(_keyA));
        var manager = new SwitchableConfigurationManager(configuration);
        var parameters = Parameters(key: null);
        parameters.ConfigurationManager = manager;
        var token = Mint(_keyA, "user-1");
        Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.Equal(1, _inner.Validations);

        var rotated = new OpenIdConnectConfiguration { Issuer = Issuer };
        rotated.SigningKeys.Add(new ECDsaSecurityKey(_keyB));
        manager.Current = rotated;
        var afterRotation = await cache.ValidateTokenAsync(token, parameters);

        Assert.False(afterRotation.IsValid);
        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task Different_tokens_do_not_share_an_entry()
    {
        var cache = new CachingTokenHandler(_inner, _time);
        var key = new ECDsaSecurityKey(_keyA);
        var tokens = Enumerable.Range(1, 20).Select(i => Mint(_keyA, $"user-{i}")).ToArray();

        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                var result = await cache.ValidateTokenAsync(tokens[i], Parameters(key));
                Assert.True(result.IsValid);
                Assert.Equal($"user-{i + 1}", result.ClaimsIdentity.FindFirst("oid")?.Value);
            }
        }

        Assert.Equal(tokens.Length, _inner.Validations);
        Assert.Equal(tokens.Length, cache.Count);
    }

    [Fact]
    public async Task A_tampered_token_is_never_served_from_the_cache()
    {
        var cache = new CachingTokenHandler(_inner, _time);
        var key = new ECDsaSecurityKey(_keyA);
        var token = Mint(_keyA, "user-1");
        var other = Mint(_keyA, "user-2");
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(key))).IsValid);
        Assert.True((await cache.ValidateTokenAsync(other, Parameters(key))).IsValid);

        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[10] = signature[10] == 'A' ? 'B' : 'A';
        string[] tampered =
        [
            $"{parts[0]}.{parts[1]}.{new string(signature)}", // signature changed
            $"{parts[0]}.{other.Split('.')[1]}.{parts[2]}", // another user's (valid, cached) payload under this signature
            $"{parts[0]}.{parts[1]}.", // signature stripped
            token + "x",
        ];

        foreach (var t in tampered)
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                Assert.False((await cache.ValidateTokenAsync(t, Parameters(key))).IsValid, t);
            }
        }

        Assert.Equal(2 + tampered.Length * 2, _inner.Validations);
    }

    [Fact]
    public async Task Each_hit_gets_its_own_identity()
    {
        var cache = new CachingTokenHandler(_inner, _time);
        var key = new ECDsaSecurityKey(_keyA);
        var token = Mint(_keyA, "user-1");
        var first = await cache.ValidateTokenAsync(token, Parameters(key));
        first.ClaimsIdentity.AddClaim(new Claim("roles", "Portal.Admin"));

        var second = await cache.ValidateTokenAsync(token, Parameters(key));

        Assert.DoesNotContain(second.ClaimsIdentity.FindAll("roles"), c => c.Value == "Portal.Admin");
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
    }

    [Fact]
    public async Task The_cache_is_bounded()
    {
        var cache = new CachingTokenHandler(_inner, _time, capacity: 5);
        var key = new ECDsaSecurityKey(_keyA);

        foreach (var token in Enumerable.Range(1, 12).Select(i => Mint(_keyA, $"user-{i}")))
        {
            Assert.True((await cache.ValidateTokenAsync(token, Parameters(key))).IsValid);
            Assert.InRange(cache.Count, 1, 5);
        }
    }

    [Fact]
    public async Task Invalid_tokens_are_not_cached()
    {
        var cache = new CachingTokenHandler(_inner, _time);
        var token = Mint(_keyB, "user-1");

        Assert.False((await cache.ValidateTokenAsync(token, Parameters(new ECDsaSecurityKey(_keyA)))).IsValid);
        Assert.False((await cache.ValidateTokenAsync(token, Parameters(new ECDsaSecurityKey(_keyA)))).IsValid);

        Assert.Equal(0, cache.Count);
        Assert.Equal(2, _inner.Validations);
    }

    private TokenValidationParameters Parameters(SecurityKey? key) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = TimeSpan.Zero,
        // The validator's lifetime check on the same (fake) clock as the cache.
        LifetimeValidator = (notBefore, expires, _, _) => notBefore <= _time.GetUtcNow().UtcDateTime && _time.GetUtcNow().UtcDateTime < expires,
    };

    private string Mint(ECDsa key, string userId, TimeSpan? lifetime = null)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(10)),
            Claims = new Dictionary<string, object> { ["oid"] = userId, ["scp"] = "access_as_user" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>The real handler, counting full validations.</summary>
    private sealed class CountingHandler : JsonWebTokenHandler
    {
        private int _validations;

        public int Validations => _validations;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _validations);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }

    /// <summary>An OpenID configuration source whose key set can be replaced, as a metadata refresh after rotation does.</summary>
    private sealed class SwitchableConfigurationManager(OpenIdConnectConfiguration initial) : BaseConfigurationManager
    {
        public OpenIdConnectConfiguration Current { get; set; } = initial;

        public override Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) => Task.FromResult<BaseConfiguration>(Current);

        public override void RequestRefresh()
        {
        }
    }
}
