using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Web.Options;

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

    /// <summary>How often an open circuit re-checks its sign-in session (revoked, timed out).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often, at most, that re-check also asks the proxy whether the user is still accepted (<c>/api/v1/me</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ProxyRecheckInterval { get; set; } = TimeSpan.FromMinutes(5);
}
