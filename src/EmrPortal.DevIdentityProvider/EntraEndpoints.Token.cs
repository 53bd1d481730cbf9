using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace EmrPortal.DevIdentityProvider;

/// <summary>The token endpoint: authorization_code with PKCE and refresh_token grants, Entra-shaped tokens.</summary>
public static partial class EntraEndpoints
{
    private static async Task<IResult> Token(string tenant, HttpContext context, ProviderState state, TokenSigner signer)
    {
        if (!context.Request.HasFormContentType)
        {
            return EntraError(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'.", 900144);
        }

        var form = ToDictionary(await context.Request.ReadFormAsync(context.RequestAborted));
        string Param(string name) => form.TryGetValue(name, out var v) ? v : "";

        var (clientId, secret) = ClientCredentials(context.Request, Param("client_id"), Param("client_secret"));
        var client = state.Options.Clients.FirstOrDefault(c => c.ClientId == clientId);
        if (client is null)
        {
            return EntraError(400, "unauthorized_client", $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory.", 700016);
        }

        if (!FixedTimeEquals(client.ClientSecret, secret))
        {
            return EntraError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.", 7000215);
        }

        if (!state.Options.IsKnownTenant(tenant))
        {
            return EntraError(400, "invalid_request", $"AADSTS90002: Tenant '{tenant}' not found.", 90002);
        }

        ProviderUser? user;
        string? nonce = null;
        switch (Param("grant_type"))
        {
            case "authorization_code":
                var code = state.RedeemCode(Param("code"));
                if (code is null || code.ClientId != client.ClientId || !string.Equals(code.TenantId, tenant, StringComparison.OrdinalIgnoreCase))
                {
                    return EntraError(400, "invalid_grant", "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.", 70008);
                }

                if (code.RedirectUri != Param("redirect_uri"))
                {
                    return EntraError(400, "invalid_grant", "AADSTS500112: The reply address does not match the reply address provided when requesting the authorization code.", 500112);
                }

                if (code.CodeChallenge is not null && !PkceMatches(code.CodeChallenge, Param("code_verifier")))
                {
                    return EntraError(400, "invalid_grant", "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.", 501481);
                }

                user = state.FindUser(code.UserKey);
                nonce = code.Nonce;
                if (user is not null)
                {
                    state.Stats(user.Key).CodeRedeemed();
                }

                break;
            case "refresh_token":
                var grant = state.FindRefreshToken(Param("refresh_token"));
                if (grant is null || grant.ClientId != client.ClientId || !string.Equals(grant.TenantId, tenant, StringComparison.OrdinalIgnoreCase))
                {
                    if (state.OwnerOf(Param("refresh_token")) is { } owner)
                    {
                        state.Stats(owner).RefreshRefused();
                    }

                    return EntraError(400, "invalid_grant",
                        "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
                        50173, suberror: "bad_token");
                }

                user = state.FindUser(grant.UserKey);
                if (user is not null)
                {
                    state.Stats(user.Key).Refreshed();
                }

                break;
            default:
                return EntraError(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.", 70003);
        }

        if (user is null)
        {
            return EntraError(400, "invalid_grant", "AADSTS50034: The user account does not exist in the directory.", 50034);
        }

        var requested = Param("scope").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var resource = ResolveResource(state.Options, requested, out var grantedScopes);
        if (resource.Error is not null)
        {
            return EntraError(400, "invalid_scope", resource.Error, 70011);
        }

        var now = state.Now;
        var expires = now + state.Options.AccessTokenLifetime;
        var accessToken = signer.Sign(EntraClaims.AccessToken(user, new AccessTokenRequest(
            tenant, resource.Audience, resource.Version, resource.Scp, client.ClientId, now, expires)));
        state.Stats(user.Key).TokenIssued(now);
        var lifetime = (long)state.Options.AccessTokenLifetime.TotalSeconds;
        var body = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["scope"] = grantedScopes,
            ["expires_in"] = lifetime,
            ["ext_expires_in"] = lifetime,
            ["access_token"] = accessToken,
        };
        if (requested.Contains("offline_access", StringComparer.Ordinal) || Param("grant_type") == "refresh_token")
        {
            body["refresh_token"] = state.IssueRefreshToken(user.Key, tenant, client.ClientId);
        }

        if (requested.Contains("openid", StringComparer.Ordinal))
        {
            body["id_token"] = signer.Sign(EntraClaims.IdToken(user, tenant, client.ClientId, nonce, now, expires));
        }

        if (Param("client_info") == "1")
        {
            body["client_info"] = EntraClaims.ClientInfo(user, tenant);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(body);
    }

    /// <summary>Which API the requested scopes are for: its audience, token version, <c>scp</c> and the granted scope string.</summary>
    private static (string Audience, int Version, string? Scp, string? Error) ResolveResource(ProviderOptions options, string[] requested, out string granted)
    {
        granted = "";
        var resourceScopes = requested.Where(s => !OidcScopes.Contains(s, StringComparer.Ordinal)).ToList();
        if (resourceScopes.Count == 0)
        {
            // Only OpenID scopes: Entra gives a Microsoft Graph token; nothing here accepts it.
            granted = "openid profile email User.Read";
            return ("00000003-0000-0000-c000-000000000000", 1, "openid profile email User.Read", null);
        }

        ApiRegistration? api = null;
        var names = new List<string>();
        foreach (var scope in resourceScopes)
        {
            var match = options.Apis.FirstOrDefault(a =>
                scope.StartsWith(a.AppIdUri + "/", StringComparison.Ordinal) || scope.StartsWith(a.ClientId + "/", StringComparison.Ordinal));
            if (match is null || (api is not null && api != match))
            {
                return ("", 0, null, $"AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope '{scope}' is not valid.");
            }

            api = match;
            var name = scope[(scope.LastIndexOf('/') + 1)..];
            if (name == ".default")
            {
                names.AddRange(api.Scopes);
            }
            else if (api.Scopes.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
            else
            {
                return ("", 0, null, $"AADSTS65005: The application asked for scope '{name}' that doesn't exist on the resource.");
            }
        }

        var distinct = names.Distinct(StringComparer.Ordinal).ToList();
        granted = string.Join(' ', distinct.Select(n => $"{api!.AppIdUri}/{n}"));
        return (api!.AccessTokenVersion == 1 ? api.AppIdUri : api.ClientId, api.AccessTokenVersion, string.Join(' ', distinct), null);
    }

    /// <summary>Exact match, except that for loopback redirect URIs the port is ignored (as Entra does).</summary>
    public static bool RedirectUriAllowed(ClientRegistration client, string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var actual))
        {
            return false;
        }

        foreach (var registered in client.RedirectUris)
        {
            if (!Uri.TryCreate(registered, UriKind.Absolute, out var expected))
            {
                continue;
            }

            if (actual.IsLoopback && expected.IsLoopback)
            {
                if (actual.Scheme == expected.Scheme && string.Equals(actual.Host, expected.Host, StringComparison.OrdinalIgnoreCase)
                    && actual.AbsolutePath == expected.AbsolutePath && actual.Query == expected.Query)
                {
                    return true;
                }
            }
            else if (string.Equals(registered, redirectUri, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool PkceMatches(string challenge, string verifier) =>
        verifier.Length > 0 && FixedTimeEquals(challenge, TokenSigner.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    private static (string ClientId, string Secret) ClientCredentials(HttpRequest request, string formClientId, string formSecret)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
                return ("", "");
            }
        }

        return (formClientId, formSecret);
    }
}
