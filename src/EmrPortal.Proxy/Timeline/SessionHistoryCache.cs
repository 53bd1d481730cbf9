using System.Collections.Concurrent;
using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Proxy.Timeline;

/// <summary>
/// The recorded history of each workspace as of its last recording (state-since per session, sessions no longer
/// listed), kept in memory by the recorder so list pages never wait for the database.
/// </summary>
internal sealed class SessionHistoryCache
{
    private readonly ConcurrentDictionary<string, HistoryView> _views = new(StringComparer.Ordinal);

    public HistoryView? Get(string workspaceId) => _views.GetValueOrDefault(workspaceId);

    public void Set(WorkspaceHistory history) => _views[history.WorkspaceId] = new HistoryView(history);
}

/// <summary>One workspace's history and, built on demand, a snapshot of its no-longer-listed sessions to page through.</summary>
internal sealed class HistoryView(WorkspaceHistory history)
{
    // One reference, so a reader never sees the pair half-updated.
    private volatile GoneFor? _gone;

    public WorkspaceHistory History => history;

    /// <summary>When the session entered <paramref name="state"/>, if the recorded state is that one.</summary>
    public DateTimeOffset? StateSince(string sessionClusterId, string? state) =>
        history.Known.TryGetValue(sessionClusterId, out var known)
        && string.Equals(known.State, string.IsNullOrEmpty(state) ? "Unknown" : state, StringComparison.Ordinal)
            ? known.Since
            : null;

    /// <summary>
    /// The sessions no longer listed, as a snapshot with the usual sort orders. Sessions <paramref name="current"/>
    /// lists again (the history may be a refresh behind) are left out, so "all" never shows one twice.
    /// </summary>
    public Snapshot Gone(Snapshot current)
    {
        if (_gone is { } cached && ReferenceEquals(cached.Current, current))
        {
            return cached.Gone;
        }

        var gone = Snapshot.Build(
            history.WorkspaceId,
            history.Gone
                .Where(s => current.Find(s.SessionClusterId) is null)
                .Select(s => SessionHistoryMapping.ToSummary(history.WorkspaceId, s))
                .OfType<SessionSummaryDto>(),
            history.ScannedAsOf ?? current.AsOf,
            upstreamPages: 0,
            TimeSpan.Zero);
        _gone = new GoneFor(current, gone);
        return gone;
    }

    private sealed record GoneFor(Snapshot Current, Snapshot Gone);
}
