using System.Security.Cryptography;

namespace EmrPortal.AppHost;

/// <summary>
/// <c>--entra</c>: the production sign-in (Microsoft.Identity.Web in Web and Proxy) against the development identity
/// provider instead of a tenant. Web and Proxy reach "login.microsoftonline.com" through the provider's CONNECT tunnel
/// (<c>HTTPS_PROXY</c>, loopback excluded) and trust this run's CA (<c>SSL_CERT_FILE</c>); the browser is sent to the
/// provider's own address for the sign-in page (docs/decisions.md#testing-entra-sign-in-without-a-tenant).
/// The ids below are the provider's registrations (src/EmrPortal.DevIdentityProvider/appsettings.json).
/// </summary>
internal static class LocalEntra
{
    public const string TenantId = "e2b309dc-5b61-4b00-a681-e15efb4c8fac";
    public const string WebClientId = "a633a8d4-729d-42db-be74-cac12b32cc15";
    public const string ApiClientId = "d4e5d6ba-802a-46a4-8444-8978efb1536f";
    public const string AnalyticsGroupId = "87fccb01-d6df-47c1-b0cc-053072ffecb6";
    public const string ViewerObjectId = "d6d89b0d-e969-479a-9236-cb7f97835f59";
    public const string AdminObjectId = "09e37282-916e-422d-ad6d-12a538667845";

    /// <summary>The provider, with a client secret and TLS material made for this run only (nothing committed).</summary>
    public static LocalEntraProvider AddDevIdentityProvider(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var tlsDirectory = Path.Combine(Path.GetTempPath(), $"emrportal-apphost-{Environment.UserName}", "identity-tls");
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var browserBase = $"http://localhost:{settings.IdentityPort}";
        var resource = builder.AddProject<Projects.EmrPortal_DevIdentityProvider>("identity", launchProfileName: null)
            .WithPortalDefaults(settings.IdentityPort)
            .WithHttpsEndpoint(name: "https")
            .WithEnvironment("IdentityProvider__TlsDirectory", tlsDirectory)
            .WithEnvironment("IdentityProvider__TunnelPort", settings.IdentityTunnelPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("IdentityProvider__BrowserBaseUrl", browserBase)
            .WithEnvironment("IdentityProvider__Clients__0__ClientSecret", secret)
            .WithUrlForEndpoint("http", url => url.DisplayText = "Sign-in page (development identity provider)");
        return new LocalEntraProvider(resource, secret, Path.Combine(tlsDirectory, "ca-bundle.pem"), $"http://127.0.0.1:{settings.IdentityTunnelPort}", browserBase);
    }

    /// <summary>The proxy validates Entra access tokens for the API registration.</summary>
    public static IResourceBuilder<ProjectResource> WithLocalEntraApi(this IResourceBuilder<ProjectResource> proxy, LocalEntraProvider provider) =>
        proxy.WithLocalEntraRouting(provider)
            .WithEnvironment("Authentication__Mode", "Entra")
            .WithEnvironment("AzureAd__Instance", "https://login.microsoftonline.com/")
            .WithEnvironment("AzureAd__TenantId", TenantId)
            .WithEnvironment("AzureAd__ClientId", ApiClientId)
            .WithEnvironment("Access__Workspaces__w-analytics__0", AnalyticsGroupId)
            .WithEnvironment($"Identity__CloudUsers__{ViewerObjectId}__0", "emma.schmidt")
            .WithEnvironment($"Identity__CloudUsers__{AdminObjectId}__0", "alice.chen");

    /// <summary>The web app signs users in with OpenID Connect and gets proxy tokens through MSAL.</summary>
    public static IResourceBuilder<ProjectResource> WithLocalEntraWebApp(this IResourceBuilder<ProjectResource> web, LocalEntraProvider provider) =>
        web.WithLocalEntraRouting(provider)
            .WithEnvironment("Authentication__Mode", "Entra")
            .WithEnvironment("AzureAd__Instance", "https://login.microsoftonline.com/")
            .WithEnvironment("AzureAd__TenantId", TenantId)
            .WithEnvironment("AzureAd__ClientId", WebClientId)
            .WithEnvironment("AzureAd__ClientSecret", provider.ClientSecret)
            // The browser signs in and out at the provider's own address, not at login.microsoftonline.com.
            .WithEnvironment("Authentication__SignInPageOrigins__0", provider.BrowserBaseUrl)
            .WithEnvironment("Proxy__Scopes__0", $"api://{ApiClientId}/access_as_user");

    private static IResourceBuilder<ProjectResource> WithLocalEntraRouting(this IResourceBuilder<ProjectResource> project, LocalEntraProvider provider) =>
        project
            .WithEnvironment("HTTPS_PROXY", provider.TunnelUrl)
            .WithEnvironment("NO_PROXY", "127.0.0.1,localhost")
            .WithEnvironment("SSL_CERT_FILE", provider.CaBundlePath)
            .WaitFor(provider.Resource);
}

internal sealed record LocalEntraProvider(
    IResourceBuilder<ProjectResource> Resource, string ClientSecret, string CaBundlePath, string TunnelUrl, string BrowserBaseUrl);
