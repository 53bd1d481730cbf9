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

    /// <summary>How long a prerendered page waits for the proxy, all its calls together, before it is sent with its
    /// loading state; the circuit then asks again with <see cref="Timeout"/> and the retries (docs/decisions.md#prerender-budget).
    /// Zero sends every prerendered page in its loading state.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan PrerenderBudget { get; set; } = TimeSpan.FromSeconds(1.5);
}
