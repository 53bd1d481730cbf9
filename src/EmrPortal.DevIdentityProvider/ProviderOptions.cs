using System.ComponentModel.DataAnnotations;

namespace EmrPortal.DevIdentityProvider;

/// <summary>The <c>IdentityProvider</c> section: tenants, app registrations, users, lifetimes and the local routing.</summary>
public sealed class ProviderOptions
{
    public const string Section = "IdentityProvider";

    /// <summary>The tenant (directory) the users live in, as Entra's tenant id (a GUID).</summary>
    [Required]
    public string TenantId { get; set; } = "";

    /// <summary>Other tenants this provider also answers for (tokens from there must be refused by a single-tenant API).</summary>
    public List<string> OtherTenantIds { get; set; } = [];

    /// <summary>Access and id token lifetime. Entra's default is 60–90 minutes; tests shorten it to exercise refresh.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Where browsers reach the sign-in and sign-out pages, when that is not the Microsoft host itself (the AppHost:
    /// a person's browser cannot be routed to login.microsoftonline.com, so the metadata sends it here). Unset: the
    /// pages are advertised on the host the metadata was asked on, as Entra does.
    /// </summary>
    public Uri? BrowserBaseUrl { get; set; }

    /// <summary>
    /// A CONNECT proxy on this loopback port tunnels the Microsoft hosts (<see cref="MicrosoftHosts"/>) to this
    /// provider's https endpoint: apps started with <c>HTTPS_PROXY</c> pointing here reach "Entra" with their
    /// production code. 0: no tunnel.
    /// </summary>
    [Range(0, 65535)]
    public int TunnelPort { get; set; }

    /// <summary>The https port the tunnel forwards to (this provider's own https endpoint).</summary>
    [Range(0, 65535)]
    public int HttpsPort { get; set; }

    /// <summary>
    /// Folder for this run's TLS material: the provider creates a CA and a server certificate for the Microsoft
    /// hosts there and writes <c>ca-bundle.pem</c> (the system CAs plus this CA) for clients' <c>SSL_CERT_FILE</c>.
    /// </summary>
    public string? TlsDirectory { get; set; }

    public List<ClientRegistration> Clients { get; set; } = [];

    public List<ApiRegistration> Apis { get; set; } = [];

    public List<ProviderUser> Users { get; set; } = [];

    public static readonly string[] MicrosoftHosts =
        ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"];

    public bool IsKnownTenant(string tenant) =>
        string.Equals(tenant, TenantId, StringComparison.OrdinalIgnoreCase)
        || OtherTenantIds.Contains(tenant, StringComparer.OrdinalIgnoreCase);
}

/// <summary>An app registration that signs users in (the Web app): client id, secret, redirect URIs.</summary>
public sealed class ClientRegistration
{
    [Required]
    public string ClientId { get; set; } = "";

    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary>As Entra: for <c>localhost</c>/<c>127.0.0.1</c> redirect URIs the port is ignored.</summary>
    public List<string> RedirectUris { get; set; } = [];
}

/// <summary>An API registration (the Proxy): client id, App ID URI, scopes, and the access token version it accepts.</summary>
public sealed class ApiRegistration
{
    [Required]
    public string ClientId { get; set; } = "";

    [Required]
    public string AppIdUri { get; set; } = "";

    public List<string> Scopes { get; set; } = ["access_as_user"];

    /// <summary>Entra's <c>accessTokenAcceptedVersion</c>: 2 (aud = client id, v2.0 issuer) or 1 (aud = App ID URI, sts.windows.net issuer).</summary>
    [Range(1, 2)]
    public int AccessTokenVersion { get; set; } = 2;
}

/// <summary>A directory user with the app roles and group ids assigned to them.</summary>
public sealed class ProviderUser
{
    /// <summary>Short name shown on the sign-in page and used by the admin API (admin, viewer, …).</summary>
    [Required]
    public string Key { get; set; } = "";

    [Required]
    public string ObjectId { get; set; } = "";

    [Required]
    public string UserName { get; set; } = "";

    [Required]
    public string Name { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    public List<string> Groups { get; set; } = [];

    /// <summary>Member of more groups than a token carries: the token has the overage claim instead of <c>groups</c>.</summary>
    public bool GroupsOverage { get; set; }

    /// <summary>The tenant this user belongs to; empty means the provider's <see cref="ProviderOptions.TenantId"/>.</summary>
    public string? TenantId { get; set; }
}
