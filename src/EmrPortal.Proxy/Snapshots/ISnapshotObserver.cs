namespace EmrPortal.Proxy.Snapshots;

/// <summary>
/// Told about every snapshot the store publishes (scanned here or adopted from another instance). Called on the
/// refresh task, so an observer must hand the work off quickly: a page request may be waiting for that snapshot.
/// </summary>
internal interface ISnapshotObserver
{
    void OnPublished(Snapshot snapshot);

    /// <summary>A refresh of <paramref name="workspaceId"/> failed (upstream error, throttling, permission denial).</summary>
    void OnRefreshFailed(string workspaceId, Exception error)
    {
    }
}
