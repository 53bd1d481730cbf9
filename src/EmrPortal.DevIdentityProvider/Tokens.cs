using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EmrPortal.DevIdentityProvider;

/// <summary>
/// Signs Entra-shaped JWTs (RS256, <c>kid</c> in the header, key published at <c>discovery/v2.0/keys</c>). The key is
/// created per process: tokens do not survive a restart, as refresh tokens do not either.
/// </summary>
public sealed class TokenSigner : IDisposable
{
    private readonly RSA _key = RSA.Create(2048);

    public string KeyId { get; } = Base64Url(RandomNumberGenerator.GetBytes(16));

    public JsonObject Jwks()
    {
        var parameters = _key.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = KeyId,
                ["n"] = Base64Url(parameters.Modulus!),
                ["e"] = Base64Url(parameters.Exponent!),
            }),
        };
    }

    public string Sign(JsonObject payload)
    {
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = KeyId };
        var input = $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{input}.{Base64Url(signature)}";
    }

    public void Dispose() => _key.Dispose();

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>What goes into an access token, besides the user.</summary>
public sealed record AccessTokenRequest(
    string TenantId,
    string Audience,
    int Version,
    string? Scopes,
    string ClientId,
    DateTimeOffset IssuedAt,
    DateTimeOffset Expires);

/// <summary>The claims Entra puts into its tokens, in its two shapes.</summary>
public static class EntraClaims
{
    public static string V2Issuer(string tenantId) => $"https://login.microsoftonline.com/{tenantId}/v2.0";

    public static string V1Issuer(string tenantId) => $"https://sts.windows.net/{tenantId}/";

    public static JsonObject AccessToken(ProviderUser user, AccessTokenRequest request)
    {
        var payload = new JsonObject
        {
            ["aud"] = request.Audience,
            ["iss"] = request.Version == 1 ? V1Issuer(request.TenantId) : V2Issuer(request.TenantId),
            ["iat"] = request.IssuedAt.ToUnixTimeSeconds(),
            ["nbf"] = request.IssuedAt.ToUnixTimeSeconds(),
            ["exp"] = request.Expires.ToUnixTimeSeconds(),
            ["aio"] = Opaque(),
            ["name"] = user.Name,
            ["oid"] = user.ObjectId,
            ["rh"] = Opaque(),
            ["sub"] = PairwiseSubject(user.ObjectId, request.ClientId),
            ["tid"] = request.TenantId,
            ["uti"] = Opaque(),
            ["ver"] = request.Version == 1 ? "1.0" : "2.0",
        };
        if (request.Version == 1)
        {
            payload["appid"] = request.ClientId;
            payload["appidacr"] = "1";
            payload["upn"] = user.UserName;
            payload["unique_name"] = user.UserName;
        }
        else
        {
            payload["azp"] = request.ClientId;
            payload["azpacr"] = "1";
            payload["preferred_username"] = user.UserName;
        }

        if (!string.IsNullOrEmpty(request.Scopes))
        {
            payload["scp"] = request.Scopes;
        }

        AddRolesAndGroups(payload, user, request.TenantId);
        return payload;
    }

    public static JsonObject IdToken(ProviderUser user, string tenantId, string clientId, string? nonce, DateTimeOffset issuedAt, DateTimeOffset expires)
    {
        var payload = new JsonObject
        {
            ["aud"] = clientId,
            ["iss"] = V2Issuer(tenantId),
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["nbf"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["name"] = user.Name,
            ["oid"] = user.ObjectId,
            ["preferred_username"] = user.UserName,
            ["rh"] = Opaque(),
            ["sub"] = PairwiseSubject(user.ObjectId, clientId),
            ["tid"] = tenantId,
            ["uti"] = Opaque(),
            ["ver"] = "2.0",
        };
        if (nonce is not null)
        {
            payload["nonce"] = nonce;
        }

        AddRolesAndGroups(payload, user, tenantId);
        return payload;
    }

    /// <summary>MSAL's <c>client_info</c>: base64url JSON with the home object and tenant ids.</summary>
    public static string ClientInfo(ProviderUser user, string tenantId) =>
        TokenSigner.Base64Url(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["uid"] = user.ObjectId, ["utid"] = tenantId }));

    private static void AddRolesAndGroups(JsonObject payload, ProviderUser user, string tenantId)
    {
        if (user.Roles.Count > 0)
        {
            payload["roles"] = new JsonArray(user.Roles.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray());
        }

        if (user.GroupsOverage)
        {
            // Too many groups for a token: Entra leaves "groups" out and points at the directory instead.
            payload["_claim_names"] = new JsonObject { ["groups"] = "src1" };
            payload["_claim_sources"] = new JsonObject
            {
                ["src1"] = new JsonObject { ["endpoint"] = $"https://graph.windows.net/{tenantId}/users/{user.ObjectId}/getMemberObjects" },
            };
        }
        else if (user.Groups.Count > 0)
        {
            payload["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray());
        }
    }

    /// <summary>Entra's <c>sub</c> is pairwise: the same user has a different subject per application.</summary>
    private static string PairwiseSubject(string objectId, string clientId) =>
        TokenSigner.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes($"{objectId}|{clientId}")))[..43];

    private static string Opaque() => TokenSigner.Base64Url(RandomNumberGenerator.GetBytes(12));
}
