using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The demo identity for one test run: a fresh ES256 key pair (the Web app gets the private key, the Proxy the public
/// one), and demo bearer tokens minted the way the Web app mints them, so tests can ask the Proxy directly what a
/// page should show.
/// </summary>
internal sealed class DemoIdentity : IDisposable
{
    public const string Issuer = "emrportal-demo";
    public const string Audience = "api://emrportal-proxy";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string PrivateKeyPem => _key.ExportPkcs8PrivateKeyPem();

    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The three demo users (ids, names, roles and groups agreed between Web and Proxy).</summary>
    public static readonly IReadOnlyList<DemoUserInfo> Users =
    [
        new("admin", "Ada Admin", ["Portal.Admin"], []),
        new("viewer", "Vic Viewer", ["Portal.Viewer"], ["grp-analytics"]),
        new("outsider", "Olive Outsider", ["Portal.Viewer"], []),
    ];

    public static DemoUserInfo User(string id) => Users.Single(u => u.Id == id);

    /// <summary>A 5-minute ES256 JWT for <paramref name="userId"/> with the proxy's audience and scope.</summary>
    public string MintToken(string userId)
    {
        var user = User(userId);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = "JWT" };
        var payload = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = user.Id,
            ["oid"] = user.Id,
            ["name"] = user.Name,
            ["scp"] = "access_as_user",
            ["roles"] = user.Roles,
            ["groups"] = user.Groups,
            ["iat"] = now,
            ["nbf"] = now - 5,
            ["exp"] = now + 300,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };

        var signingInput = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload))}";
        // JWS ES256 wants the raw r||s form, which is .NET's default (IEEE P1363) for ECDsa.SignData.
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    public void Dispose() => _key.Dispose();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal sealed record DemoUserInfo(string Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);
