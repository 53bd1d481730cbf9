using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Web.Options;

/// <summary>Where the proxy is and which scope its tokens need (section <c>Proxy</c>).</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>The proxy's base address. When unset, Aspire's <c>services:proxy:https:0</c>/<c>http:0</c> is used
    /// (resolved here rather than through an <c>https+http://</c> name so the token handler can compare hosts).</summary>
    [Required(ErrorMessage = "Proxy:BaseUrl is required (or run under the AppHost, which provides services:proxy).")]
    public Uri? BaseUrl { get; set; }

    /// <summary>Scopes requested for the proxy's API in Entra mode, e.g. <c>api://emrportal-proxy/access_as_user</c>.</summary>
    public string[] Scopes { get; set; } = [];

    /// <summary>How long a proxy call may take before the UI shows an error (the cold scan of a large workspace is the slow case).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(90);
}

/// <summary>Sign-in settings (section <c>Authentication</c>).</summary>
public sealed class PortalAuthenticationOptions
{
    public const string Section = "Authentication";

    /// <summary><c>Entra</c> or <c>Demo</c>. Demo is never implied: it must be named.</summary>
    public string? Mode { get; set; }

    public DemoAuthenticationOptions Demo { get; set; } = new();

    /// <summary>Idle timeout: the cookie slides while the user is active.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Absolute timeout: a sign-in never lasts longer than this, however active.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often an open circuit re-checks the user against the proxy.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class DemoAuthenticationOptions
{
    /// <summary>PKCS#8 or SEC1 PEM of the ECDSA P-256 key the demo tokens are signed with (generated per run, never committed).</summary>
    public string? PrivateKeyPem { get; set; }

    public string Issuer { get; set; } = "emrportal-demo";

    public string Audience { get; set; } = "api://emrportal-proxy";

    [Range(typeof(TimeSpan), "00:01:00", "00:10:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}

public static class AuthenticationModes
{
    public const string Entra = "Entra";
    public const string Demo = "Demo";
}
