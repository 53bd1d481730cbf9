using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Proxy;

/// <summary>
/// Outbound token bucket per (account, API) (<c>UpstreamQuota</c> section): the cloud's flow control is per account and
/// shared by every user and every proxy instance, so the proxy spends it deliberately instead of hitting Throttling.
/// </summary>
public sealed class UpstreamQuotaOptions
{
    public const string SectionName = "UpstreamQuota";

    /// <summary>
    /// Tokens added per second to each (account, API) bucket. Default 40/s, burst 80: 80 % of the cloud's (and the
    /// emulator's default) flow control of 50/s, burst 100 per key and action, so one instance never trips Throttling
    /// and the rest is headroom for retries and other tools using the key; a partitioned 10k-session scan (~110 calls)
    /// then takes about 1 s instead of the 3.5 s a 20/s bucket imposes. With N instances sharing one key, divide by N.
    /// </summary>
    [Range(0.01, 100_000)]
    public double PermitsPerSecond { get; set; } = 40;

    /// <summary>Bucket size: how many calls may go out back to back (below the cloud's burst of 100).</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 80;

    /// <summary>Calls that may wait for a token; beyond it a call fails fast (503 to the caller).</summary>
    [Range(0, 1_000_000)]
    public int QueueLimit { get; set; } = 10_000;

    /// <summary>Per-API overrides of <see cref="PermitsPerSecond"/>, e.g. <c>UpstreamQuota:PerApi:ListSessionClusters = 10</c>.</summary>
    public Dictionary<string, double> PerApi { get; set; } = new(StringComparer.Ordinal);
}
