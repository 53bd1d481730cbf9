using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Timeline;

namespace EmrPortal.Proxy.Pins;

/// <summary>Each user's pinned sessions: stored in the portal database, cached per user by <see cref="PinCache"/>.</summary>
internal sealed class SessionPins(PinStore store, PinCache cache, AccessPolicy policy, SnapshotStore snapshots, SessionHistoryCache history, TimeProvider time)
{
    /// <summary>The caller's pins in workspaces they may see (a workspace they lost access to keeps its pins, unshown).</summary>
    public async Task<IReadOnlyList<PinDto>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        (await store.ListAsync(caller.UserId, cancellationToken)).Where(p => policy.CanSee(caller, p.WorkspaceId)).Select(ToDto).ToList();

    /// <summary>Pins a session listed now or known as no longer listed; null for an id nobody has seen.</summary>
    public async Task<PinDto?> PinAsync(Caller caller, string workspaceId, string sessionClusterId, CancellationToken cancellationToken)
    {
        var (snapshot, _) = await snapshots.GetAsync(workspaceId, cancellationToken);
        if (snapshot.Find(sessionClusterId) is null
            && history.Get(workspaceId)?.History.Gone.Any(s => s.SessionClusterId == sessionClusterId) != true)
        {
            return null;
        }

        var pin = await store.PinAsync(caller.UserId, workspaceId, sessionClusterId, time.GetUtcNow(), cancellationToken);
        cache.Invalidate(caller.UserId);
        return ToDto(pin);
    }

    public async Task UnpinAsync(Caller caller, string workspaceId, string sessionClusterId, CancellationToken cancellationToken)
    {
        await store.UnpinAsync(caller.UserId, workspaceId, sessionClusterId, cancellationToken);
        cache.Invalidate(caller.UserId);
    }

    private static PinDto ToDto(PinnedSession pin) => new(pin.WorkspaceId, pin.SessionClusterId, pin.PinnedAt);
}
