using EmrPortal.Contracts;
using EmrPortal.Proxy.Upstream;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>What the store tells others: observers of new snapshots and failed refreshes, and a result's failure description.</summary>
internal sealed partial class SnapshotStore
{
    /// <summary>Adds what went wrong, if the last refresh failed: since when (first failure of the streak) and why.</summary>
    private static SnapshotResult Describe(Entry entry, SnapshotResult result)
    {
        lock (entry.Gate)
        {
            return entry is { LastError: { } error, LastFailure: { } last, FailingSince: { } since }
                ? result with { Failure = new RefreshFailureDto(entry.WorkspaceId, since, last, RefreshFailureCause.Of(error)) }
                : result;
        }
    }

    /// <summary>Hands a new snapshot to the observers (the timeline recorder); one failing observer never fails a scan.</summary>
    private void Notify(Snapshot snapshot)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnPublished(snapshot);
            }
            catch (Exception ex)
            {
                LogObserverFailed(logger, snapshot.WorkspaceId, ex.GetType().Name);
            }
        }
    }

    /// <summary>Tells the observers a refresh failed (workspace-level notifications); never fails the caller.</summary>
    private void NotifyFailed(string workspaceId, Exception error)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnRefreshFailed(workspaceId, error);
            }
            catch (Exception ex)
            {
                LogObserverFailed(logger, workspaceId, ex.GetType().Name);
            }
        }
    }
}
