using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Proxy;

/// <summary>Snapshot freshness and refresh policy (<c>Snapshots</c> section).</summary>
public sealed class SnapshotOptions
{
    public const string SectionName = "Snapshots";

    /// <summary>A snapshot younger than this is served as fresh (before scaling by scan cost).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FreshTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Each this many upstream pages of a scan add another <see cref="FreshTtl"/>: expensive workspaces are rescanned less often.</summary>
    [Range(1, 10_000)]
    public int PagesPerFreshTtl { get; set; } = 10;

    /// <summary>Upper bound of the scaled freshness TTL.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "06:00:00")]
    public TimeSpan MaxFreshTtl { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>After the fresh TTL, the snapshot is served stale (stale=true) for this long while one background refresh runs.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StaleWhileRevalidate { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After a failed scan, no new scan of that workspace starts for this long (callers get the last snapshot or 503).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After the cloud refused the portal's identity on a workspace (403 <c>NoPermission</c>/<c>Forbidden*</c>), no call
    /// about that workspace goes upstream for this long; callers get the permission problem at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PermissionDeniedTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A workspace counts as watched this long after its last request; only watched workspaces are refreshed in the background.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan WatchWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Snapshots of workspaces nobody asked for during this long are dropped from memory.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan EvictAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Refresh watched workspaces shortly before they go stale, so readers rarely see stale data.</summary>
    public bool BackgroundRefresh { get; set; } = true;

    /// <summary>How often the background refresher looks at the watched workspaces.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BackgroundInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the workspace list waits, when asked to (<c>scan=true</c>, the portal's home page), for the first scans
    /// of workspaces not loaded yet; past it, the list answers at once and says which are still scanning.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan WorkspaceScanBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Upstream page size of a scan (the cloud's maximum is 100).</summary>
    [Range(1, 100)]
    public int ScanPageSize { get; set; } = 100;

    /// <summary>
    /// Read a large workspace as parallel (kind × queue) nextToken chains, reconciled with the unfiltered totalCount
    /// (any mismatch falls back to the sequential scan). Cuts a cold 10k-session scan from pages × latency to the
    /// longest partition's chain, paced by the outbound quota; costs a few more calls (partial last pages).
    /// </summary>
    public bool PartitionedScan { get; set; } = true;

    /// <summary>Only workspaces with more than this many upstream pages are partitioned (small ones: extra calls, no gain).</summary>
    [Range(1, 100_000)]
    public int PartitionedScanMinPages { get; set; } = 20;

    /// <summary>Partition chains in flight at once for one scan (the outbound quota bucket bounds the call rate too).</summary>
    [Range(1, 256)]
    public int PartitionedScanMaxParallel { get; set; } = 16;

    /// <summary>Largest workspace the proxy will hold in memory; a scan beyond it fails rather than exhausting memory.</summary>
    [Range(1, 10_000_000)]
    public int MaxSessionsPerWorkspace { get; set; } = 500_000;

    /// <summary>Session detail (GetSessionCluster) cache lifetime.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DetailTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Workspace list (ListWorkspaces) cache lifetime.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WorkspaceListTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Size limit of one L2 (Redis) cache entry; a compressed 10k-session snapshot needs well above HybridCache's 1 MiB default.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxL2PayloadBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>The fresh TTL of a snapshot that took <paramref name="upstreamPages"/> pages to scan.</summary>
    public TimeSpan FreshTtlFor(int upstreamPages)
    {
        var factor = Math.Max(1, (upstreamPages + PagesPerFreshTtl - 1) / PagesPerFreshTtl);
        var scaled = FreshTtl * factor;
        return scaled < MaxFreshTtl ? scaled : (MaxFreshTtl > FreshTtl ? MaxFreshTtl : FreshTtl);
    }
}
