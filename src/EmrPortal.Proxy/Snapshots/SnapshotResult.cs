using EmrPortal.Contracts;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>
/// A snapshot as served to one request: <see cref="Stale"/> when it is older than its fresh TTL, <see cref="Revalidating"/>
/// when a refresh was running or started for it, and <see cref="Failure"/> only when the last refresh failed.
/// </summary>
internal readonly record struct SnapshotResult(Snapshot Snapshot, bool Stale)
{
    public bool Revalidating { get; init; }

    public RefreshFailureDto? Failure { get; init; }
}
