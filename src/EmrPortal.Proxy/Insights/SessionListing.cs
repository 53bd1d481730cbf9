using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Proxy.Insights;

/// <summary>
/// What a list request pages through and how its rows are marked: the workspace snapshot (listed=current), the
/// recorded sessions upstream stopped listing (gone), or both (all); "mine" as the caller's owner set; then per row
/// state-since, no-longer-listed, release drift and the caller's pins. All of it from memory: O(pageSize) per page.
/// </summary>
internal sealed class SessionListing(SessionHistoryCache history, ReleaseCatalog releases, PinCache pins, CloudIdentity identity)
{
    /// <summary>
    /// The caller's view with "mine" resolved to their cloud users (none mapped: an empty page). Also starts loading
    /// the release list if needed, so it runs beside a cold scan rather than after it.
    /// </summary>
    public SessionView Resolve(SessionView view, Caller caller)
    {
        Prefetch();
        return view.Mine ? view with { Filter = view.Filter with { Owners = identity.Owners(caller) } } : view;
    }

    /// <summary>Starts loading what <see cref="MarkAsync"/> needs from upstream, so it overlaps the caller's own upstream call.</summary>
    public void Prefetch() => releases.Prefetch();

    /// <summary>The snapshots one workspace contributes for <paramref name="listed"/>.</summary>
    public IEnumerable<Snapshot> Sources(Snapshot current, string listed)
    {
        if (listed != ListedFilter.Gone)
        {
            yield return current;
        }

        if (listed != ListedFilter.Current && history.Get(current.WorkspaceId) is { } h)
        {
            yield return h.Gone(current);
        }
    }

    /// <summary>One page over the sources in the view's order.</summary>
    public static (List<SessionSummaryDto> Items, int Total) Page(IReadOnlyList<Snapshot> sources, SessionView view) =>
        sources.Count == 1 ? sources[0].Page(view) : Apis.SessionsApi.Merge(sources, view);

    /// <summary>Adds the portal's own marks to a page of sessions.</summary>
    public async Task<List<SessionSummaryDto>> MarkAsync(Caller caller, List<SessionSummaryDto> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return items;
        }

        var newest = await releases.NewestOnlineAsync(cancellationToken);
        var pinned = await pins.GetAsync(caller.UserId, cancellationToken);
        var marked = new List<SessionSummaryDto>(items.Count);
        foreach (var s in items)
        {
            marked.Add(s with
            {
                StateSince = history.Get(s.WorkspaceId)?.StateSince(s.SessionClusterId, s.State) ?? s.StateSince,
                ReleaseOutdated = ReleaseCatalog.IsOutdated(s.ReleaseVersion, newest),
                Pinned = pinned.Contains((s.WorkspaceId, s.SessionClusterId)),
            });
        }

        return marked;
    }
}
