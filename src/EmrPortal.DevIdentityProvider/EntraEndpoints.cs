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
public static partial class EntraEndpoints
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
}
