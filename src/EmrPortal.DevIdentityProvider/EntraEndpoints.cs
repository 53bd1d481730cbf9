using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace EmrPortal.DevIdentityProvider;

/// <summary>
/// The subset of Microsoft Entra ID's v2.0 endpoints that Microsoft.Identity.Web and MSAL use: OpenID metadata (v2.0
/// and v1.0), signing keys, MSAL's instance discovery, authorize (code + PKCE, form_post), token
/// (authorization_code, refresh_token) and logout. Error bodies have Entra's shape (<c>error</c>, AADSTS codes).
/// </summary>
public static class EntraEndpoints
{
    public const string SessionCookie = "devidp.session";
    private static readonly string[] OidcScopes = ["openid", "profile", "offline_access", "email"];

    public static IEndpointRouteBuilder MapEntraEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/common/discovery/instance", InstanceDiscovery);
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant, HttpRequest request, ProviderState state) => Metadata(tenant, request, state, v2: true));
        app.MapGet("/{tenant}/.well-known/openid-configuration", (string tenant, HttpRequest request, ProviderState state) => Metadata(tenant, request, state, v2: false));
        app.MapGet("/{tenant}/discovery/v2.0/keys", (TokenSigner signer) => Results.Json(signer.Jwks()));
        app.MapGet("/{tenant}/discovery/keys", (TokenSigner signer) => Results.Json(signer.Jwks()));
        app.MapMethods("/{tenant}/oauth2/v2.0/authorize", ["GET", "POST"], Authorize);
        app.MapPost("/{tenant}/oauth2/v2.0/token", Token);
        app.MapGet("/{tenant}/oauth2/v2.0/logout", Logout);
        return app;
    }

    /// <summary>MSAL asks this before it trusts an authority; the answer lists the host aliases of the public cloud.</summary>
    private static IResult InstanceDiscovery(HttpRequest request)
    {
        var authorize = request.Query["authorization_endpoint"].ToString();
        var tenant = Uri.TryCreate(authorize, UriKind.Absolute, out var uri) ? uri.Segments.ElementAtOrDefault(1)?.TrimEnd('/') ?? "common" : "common";
        return Results.Json(new JsonObject
        {
            ["tenant_discovery_endpoint"] = $"https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration",
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = "login.microsoftonline.com",
                ["preferred_cache"] = "login.windows.net",
                ["aliases"] = new JsonArray("login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"),
            }),
        });
    }

    private static IResult Metadata(string tenant, HttpRequest request, ProviderState state, bool v2)
    {
        if (!state.Options.IsKnownTenant(tenant))
        {
            return EntraError(400, "invalid_tenant", $"AADSTS90002: Tenant '{tenant}' not found.", 90002);
        }

        var host = $"https://{request.Host}";
        var browser = BrowserBase(request, state);
        var version = v2 ? "/v2.0" : "";
        return Results.Json(new JsonObject
        {
            ["token_endpoint"] = $"{host}/{tenant}/oauth2{version}/token",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "client_secret_basic"),
            ["jwks_uri"] = $"{host}/{tenant}/discovery{version}/keys",
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["issuer"] = v2 ? EntraClaims.V2Issuer(tenant) : EntraClaims.V1Issuer(tenant),
            ["request_uri_parameter_supported"] = false,
            ["userinfo_endpoint"] = "https://graph.microsoft.com/oidc/userinfo",
            ["authorization_endpoint"] = $"{browser}/{tenant}/oauth2/v2.0/authorize",
            ["device_authorization_endpoint"] = $"{host}/{tenant}/oauth2/v2.0/devicecode",
            ["http_logout_supported"] = true,
            ["frontchannel_logout_supported"] = true,
            ["end_session_endpoint"] = $"{browser}/{tenant}/oauth2/v2.0/logout",
            ["claims_supported"] = new JsonArray("sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"),
            ["tenant_region_scope"] = "EU",
            ["cloud_instance_name"] = "microsoftonline.com",
            ["cloud_graph_host_name"] = "graph.windows.net",
            ["msgraph_host"] = "graph.microsoft.com",
        });
    }

    private static async Task<IResult> Authorize(string tenant, HttpContext context, ProviderState state)
    {
        var request = context.Request;
        var parameters = request.HasFormContentType ? ToDictionary(await request.ReadFormAsync(context.RequestAborted)) : ToDictionary(request.Query);
        string Param(string name) => parameters.TryGetValue(name, out var v) ? v : "";

        var client = state.Options.Clients.FirstOrDefault(c => c.ClientId == Param("client_id"));
        if (client is null)
        {
            return ErrorPage($"AADSTS700016: Application with identifier '{Param("client_id")}' was not found in the directory.");
        }

        var redirectUri = Param("redirect_uri");
        if (!RedirectUriAllowed(client, redirectUri))
        {
            return ErrorPage("AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application.");
        }

        if (!state.Options.IsKnownTenant(tenant))
        {
            return ErrorPage($"AADSTS90002: Tenant '{tenant}' not found.");
        }

        if (Param("response_type") != "code")
        {
            return ErrorPage("AADSTS700054: response_type 'code' is the only one this provider supports.");
        }

        var challenge = Param("code_challenge");
        if (challenge.Length > 0 && Param("code_challenge_method") != "S256")
        {
            return ErrorPage("AADSTS501491: Invalid code_challenge_method; only S256 is accepted.");
        }

        var prompt = Param("prompt");
        var session = state.FindSession(request.Cookies[SessionCookie]);
        ProviderUser? user = null;
        if (request.Method == HttpMethods.Post && parameters.TryGetValue("signin_user", out var chosen))
        {
            user = state.FindUser(chosen);
            if (user is null || !string.Equals(state.TenantOf(user), tenant, StringComparison.OrdinalIgnoreCase))
            {
                return SignInPage(tenant, parameters, state, "That account is not in this directory.");
            }

            var id = state.StartSession(new BrowserSession(user.Key, tenant));
            context.Response.Cookies.Append(SessionCookie, id, new CookieOptions
            {
                HttpOnly = true,
                Secure = request.IsHttps,
                SameSite = request.IsHttps ? SameSiteMode.None : SameSiteMode.Lax,
                Path = "/",
            });
            state.Stats(user.Key).SignedIn();
        }
        else if (session is not null && prompt is not ("login" or "select_account")
                 && string.Equals(session.TenantId, tenant, StringComparison.OrdinalIgnoreCase))
        {
            user = state.FindUser(session.UserKey);
        }

        if (user is null)
        {
            return prompt == "none"
                ? ReturnToClient(redirectUri, Param("response_mode"), new()
                {
                    ["error"] = "login_required",
                    ["error_description"] = "AADSTS50058: A silent sign-in request was sent but no user is signed in.",
                    ["state"] = Param("state"),
                })
                : SignInPage(tenant, parameters, state, null);
        }

        var code = state.IssueCode(new AuthorizationCode(
            user.Key, tenant, client.ClientId, redirectUri, NullIfEmpty(Param("nonce")), NullIfEmpty(challenge), state.Now.AddMinutes(5)));
        var response = new Dictionary<string, string> { ["code"] = code, ["state"] = Param("state"), ["session_state"] = Guid.NewGuid().ToString() };
        if (Param("client_info") == "1")
        {
            response["client_info"] = EntraClaims.ClientInfo(user, tenant);
        }

        return ReturnToClient(redirectUri, Param("response_mode"), response);
    }

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

    private static IResult Logout(string tenant, HttpContext context, ProviderState state)
    {
        var session = state.EndSession(context.Request.Cookies[SessionCookie]);
        context.Response.Cookies.Delete(SessionCookie, new CookieOptions { Path = "/", Secure = context.Request.IsHttps, SameSite = context.Request.IsHttps ? SameSiteMode.None : SameSiteMode.Lax });
        if (session is not null)
        {
            state.Stats(session.UserKey).SignedOut();
        }

        var target = context.Request.Query["post_logout_redirect_uri"].ToString();
        if (target.Length > 0 && state.Options.Clients.Any(c => RedirectUriAllowed(c, target)))
        {
            var stateParameter = context.Request.Query["state"].ToString();
            return Results.Redirect(stateParameter.Length > 0 ? $"{target}{(target.Contains('?') ? '&' : '?')}state={Uri.EscapeDataString(stateParameter)}" : target);
        }

        return Html("Signed out", "<h1 data-testid=\"idp-signed-out\">You signed out of your account</h1><p>It's a good idea to close all browser windows.</p>");
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

    private static string BrowserBase(HttpRequest request, ProviderState state) =>
        state.Options.BrowserBaseUrl is { } configured ? configured.ToString().TrimEnd('/') : $"https://{request.Host}";

    private static IResult ReturnToClient(string redirectUri, string responseMode, Dictionary<string, string> values)
    {
        if (responseMode == "form_post")
        {
            var fields = new StringBuilder();
            foreach (var (name, value) in values.Where(v => v.Value.Length > 0))
            {
                fields.Append($"<input type=\"hidden\" name=\"{Encode(name)}\" value=\"{Encode(value)}\">");
            }

            return Html("Working...",
                $"<form method=\"post\" action=\"{Encode(redirectUri)}\" id=\"return\">{fields}<noscript><button type=\"submit\">Continue</button></noscript></form>" +
                "<script>document.getElementById('return').submit();</script>");
        }

        var query = string.Join('&', values.Where(v => v.Value.Length > 0).Select(v => $"{Uri.EscapeDataString(v.Key)}={Uri.EscapeDataString(v.Value)}"));
        return Results.Redirect($"{redirectUri}{(redirectUri.Contains('?') ? '&' : '?')}{query}");
    }

    private static IResult SignInPage(string tenant, Dictionary<string, string> parameters, ProviderState state, string? error)
    {
        var hidden = new StringBuilder();
        foreach (var (name, value) in parameters.Where(p => p.Key != "signin_user"))
        {
            hidden.Append($"<input type=\"hidden\" name=\"{Encode(name)}\" value=\"{Encode(value)}\">");
        }

        var users = new StringBuilder();
        foreach (var user in state.Options.Users.Where(u => string.Equals(state.TenantOf(u), tenant, StringComparison.OrdinalIgnoreCase)))
        {
            var roles = user.Roles.Count > 0 ? string.Join(", ", user.Roles) : "no app role";
            var groups = user.GroupsOverage ? "too many groups (overage)" : user.Groups.Count > 0 ? $"{user.Groups.Count} group(s)" : "no group";
            users.Append($"<li><button type=\"submit\" name=\"signin_user\" value=\"{Encode(user.Key)}\" data-testid=\"idp-signin-as-{Encode(user.Key)}\">")
                .Append($"<strong>{Encode(user.Name)}</strong><br><small>{Encode(user.UserName)} · {Encode(roles)} · {Encode(groups)}</small></button></li>");
        }

        var message = error is null ? "" : $"<p role=\"alert\">{Encode(error)}</p>";
        return Html("Sign in to your account",
            "<h1>Pick an account</h1><p>Development identity provider: a local stand-in for Microsoft Entra ID. No password is asked.</p>" +
            $"{message}<form method=\"post\" data-testid=\"idp-signin\">{hidden}<ul>{users}</ul></form>");
    }

    private static IResult ErrorPage(string message) =>
        Html("Sign-in error", $"<h1>Sorry, but we're having trouble signing you in.</h1><p data-testid=\"idp-error\">{Encode(message)}</p>", 400);

    private static IResult Html(string title, string body, int status = 200) => Results.Content(
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Encode(title)}</title>" +
        "<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto}ul{list-style:none;padding:0}" +
        "button{width:100%;text-align:left;padding:.75rem;margin:.25rem 0;cursor:pointer}</style></head>" +
        $"<body>{body}</body></html>", "text/html; charset=utf-8", Encoding.UTF8, status);

    private static IResult EntraError(int status, string error, string description, int code, string? suberror = null)
    {
        var body = new JsonObject
        {
            ["error"] = error,
            ["error_description"] = description,
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["trace_id"] = Guid.NewGuid().ToString(),
            ["correlation_id"] = Guid.NewGuid().ToString(),
        };
        if (suberror is not null)
        {
            body["suberror"] = suberror;
        }

        return Results.Json(body, statusCode: status);
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static Dictionary<string, string> ToDictionary(IEnumerable<KeyValuePair<string, StringValues>> values) =>
        values.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
}
