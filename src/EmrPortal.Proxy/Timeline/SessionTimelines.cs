using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Proxy.Timeline;

/// <summary>A session's recorded timeline; a session listed but not recorded yet has an empty one.</summary>
internal sealed class SessionTimelines(SessionHistoryStore history, SnapshotStore store)
{
    /// <summary>The timeline, or null when the workspace neither recorded nor lists the session.</summary>
    public async Task<SessionTimelineDto?> GetAsync(string workspaceId, string sessionClusterId, CancellationToken cancellationToken)
    {
        if (await history.GetTimelineAsync(workspaceId, sessionClusterId, cancellationToken) is { } timeline)
        {
            return timeline.ToDto();
        }

        // Listed but not recorded yet (the recorder runs just behind the scan): an empty timeline, not a 404.
        var (snapshot, _) = await store.GetAsync(workspaceId, cancellationToken);
        return snapshot.Find(sessionClusterId) is null
            ? null
            : new SessionTimelineDto(workspaceId, sessionClusterId, [], false, snapshot.AsOf);
    }
}
