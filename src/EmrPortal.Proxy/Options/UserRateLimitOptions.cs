using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Proxy;

/// <summary>Per-user request limit on the proxy's API (<c>RateLimiting</c> section).</summary>
public sealed class UserRateLimitOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>Requests a user may make back to back.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 200;

    /// <summary>Sustained requests per second per user.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 50;
}
