using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EmrPortal.LoadDriver;

/// <summary>
/// The run's demo identity: a fresh ES256 key pair (the proxy gets only the public PEM) and short-lived tokens for
/// several admin users, minted as the Web app mints them (issuer, audience, scp, oid, roles). Spreading requests over
/// several users keeps the proxy's per-user limit out of what is measured.
/// </summary>
internal sealed class DemoTokens : IDisposable
{
    private const string Issuer = "emrportal-demo";
    private const string Audience = "api://emrportal-proxy";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Lock _gate = new();
    private string[] _tokens = [];
    private DateTimeOffset _mintedAt;

    public DemoTokens(int identities)
    {
        Identities = identities;
    }

    public int Identities { get; }

    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>For the Web app in the portal run (it mints the demo users' tokens the proxy then validates).</summary>
    public string PrivateKeyPem => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>The token of identity <paramref name="index"/> (re-minted when the set is older than 4 minutes).</summary>
    public string For(int index)
    {
        var tokens = _tokens;
        if (tokens.Length == 0 || DateTimeOffset.UtcNow - _mintedAt > TimeSpan.FromMinutes(4))
        {
            lock (_gate)
            {
                if (_tokens.Length == 0 || DateTimeOffset.UtcNow - _mintedAt > TimeSpan.FromMinutes(4))
                {
                    _mintedAt = DateTimeOffset.UtcNow;
                    _tokens = [.. Enumerable.Range(1, Identities).Select(i => Mint($"bench-admin-{i}", $"Bench Admin {i}"))];
                }

                tokens = _tokens;
            }
        }

        return tokens[index % tokens.Length];
    }

    private string Mint(string userId, string name)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT" };
        var payload = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = userId,
            ["oid"] = userId,
            ["name"] = name,
            ["scp"] = "access_as_user",
            ["roles"] = new JsonArray("Portal.Admin"),
            ["groups"] = new JsonArray(),
            ["iat"] = now,
            ["nbf"] = now - 5,
            ["exp"] = now + (long)Lifetime.TotalSeconds,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        // JWS ES256 is the raw r||s (IEEE P1363) form, .NET's default for ECDsa.SignData.
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return signingInput + "." + Base64Url(signature);
    }

    public void Dispose() => _key.Dispose();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
