using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Pins;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Timeline;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// What a list request pages through and how its rows are marked: the workspace snapshot (listed=current), the
/// recorded sessions upstream stopped listing (gone), or both (all); "mine" as the caller's owner set; then per row
/// state-since, no-longer-listed, release drift and the caller's pins. All of it from memory: O(pageSize) per page.
/// </summary>
internal sealed class SessionListing(
    SnapshotStore store, SessionHistoryCache history, ReleaseCatalog releases, PinCache pins, CloudIdentity identity, SessionPageJson json)
{
    /// <summary>
    /// One page of <paramref name="workspaceIds"/>' sessions (one workspace, or every visible one merged) for the
    /// caller: each row as the snapshot holds it with its marks beside it, so the response is written from the row's
    /// cached JSON (<see cref="SessionPageJson"/>) without copying the row.
    /// </summary>
    public async Task<SessionListPage> ListPageAsync(
        Caller caller, IReadOnlyList<string> workspaceIds, SessionView view, CancellationToken cancellationToken)
    {
        view = Resolve(view, caller);
        // Across workspaces, one the cloud refuses to the portal's identity is left out; the others still answer.
        var results = workspaceIds.Count == 1
            ? [await store.GetAsync(workspaceIds[0], cancellationToken)]
            : (await Task.WhenAll(workspaceIds.Select(ws => store.GetUnlessDeniedAsync(ws, cancellationToken)))).OfType<SnapshotResult>().ToArray();
        var (items, total) = results.Length == 1 && view.Listed == ListedFilter.Current
            ? results[0].Snapshot.Page(view)
            : Page(results.SelectMany(r => Sources(r.Snapshot, view.Listed)).ToList(), view);
        DateTimeOffset? asOf = null;
        bool stale = false, revalidating = false;
        RefreshFailureDto? failure = null;
        foreach (var r in results)
        {
            asOf = asOf is { } a && a <= r.Snapshot.AsOf ? a : r.Snapshot.AsOf;
            stale |= r.Stale;
            revalidating |= r.Revalidating;
            // The first failing workspace across several (the earliest failing streak).
            if (r.Failure is { } f && (failure is null || f.FailingSince < failure.FailingSince))
            {
                failure = f;
            }
        }

        var marks = await MarksAsync(caller, items, cancellationToken);
        return new SessionListPage(items, marks, total, view.Page, view.PageSize, asOf, stale, revalidating, failure);
    }

    /// <summary>
    /// Every session of the view in one workspace, in order, with the snapshot's time. The data is resolved here,
    /// before the caller writes a first byte, so failures are still ProblemDetails and not a truncated file.
    /// </summary>
    public async Task<(IEnumerable<SessionSummaryDto> Rows, DateTimeOffset AsOf)> AllAsync(
        Caller caller, string workspaceId, SessionView view, CancellationToken cancellationToken)
    {
        view = Resolve(view, caller);
        var (snapshot, _) = await store.GetAsync(workspaceId, cancellationToken);
        var sources = Sources(snapshot, view.Listed).ToList();
        var rows = sources.Count == 1 ? Rows(sources[0], sources[0].Matching(view.Sort, view.Descending, view.Filter)) : Merged(sources, view);
        return (rows, snapshot.AsOf);

        static IEnumerable<SessionSummaryDto> Rows(Snapshot snapshot, ReadOnlyMemory<int> order)
        {
            for (var i = 0; i < order.Length; i++)
            {
                yield return snapshot[order.Span[i]];
            }
        }

        static IEnumerable<SessionSummaryDto> Merged(IReadOnlyList<Snapshot> sources, SessionView view)
        {
            var total = sources.Sum(s => s.Matching(view.Sort, view.Descending, view.Filter).Length);
            return Merge(sources, view with { Page = 1, PageSize = total }).Items;
        }
    }

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
        sources.Count == 1 ? sources[0].Page(view) : Merge(sources, view);

    /// <summary>
    /// A k-way merge of the sources' precomputed (and filtered) orders: the same total order as one workspace,
    /// with workspaceId as the last tie-break. Costs one filter pass per source plus O((offset + pageSize) log k).
    /// </summary>
    internal static (List<SessionSummaryDto> Items, int Total) Merge(IReadOnlyList<Snapshot> snapshots, SessionView view)
    {
        var orders = snapshots.Select(s => s.Matching(view.Sort, view.Descending, view.Filter)).ToArray();
        var total = orders.Sum(o => o.Length);
        var offset = (long)(view.Page - 1) * view.PageSize;
        var items = new List<SessionSummaryDto>(view.PageSize);
        if (offset >= total)
        {
            return (items, total);
        }

        var comparer = Comparer<SessionSummaryDto>.Create((a, b) => SessionSort.Compare(a, b, view.Sort, view.Descending));
        var heads = new PriorityQueue<(int Source, int Position), SessionSummaryDto>(snapshots.Count, comparer);
        for (var i = 0; i < orders.Length; i++)
        {
            if (orders[i].Length > 0) heads.Enqueue((i, 0), snapshots[i][orders[i].Span[0]]);
        }

        long taken = 0;
        while (items.Count < view.PageSize && heads.TryDequeue(out var head, out var session))
        {
            if (taken++ >= offset) items.Add(session);
            var next = head.Position + 1;
            if (next < orders[head.Source].Length)
            {
                heads.Enqueue((head.Source, next), snapshots[head.Source][orders[head.Source].Span[next]]);
            }
        }

        return (items, total);
    }

    /// <summary>
    /// Since when the session is in its state: the API's own <c>startTime</c> while it is Starting or Running (the cloud
    /// sets it when a start begins), else the portal's recorded observation, flagged as observed.
    /// </summary>
    internal static (DateTimeOffset? Since, bool Observed) StateSinceOf(SessionSummaryDto s, DateTimeOffset? observed) =>
        s is { State: SessionStates.Starting or SessionStates.Running, StartTime: { } started }
            ? (started, false)
            : (observed, observed is not null);

    /// <summary>Adds the portal's own marks to a page of sessions.</summary>
    public async Task<List<SessionSummaryDto>> MarkAsync(Caller caller, List<SessionSummaryDto> items, CancellationToken cancellationToken)
    {
        var marks = await MarksAsync(caller, items, cancellationToken);
        var marked = new List<SessionSummaryDto>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            marked.Add(marks[i].ApplyTo(items[i]));
        }

        return marked;
    }

    /// <summary>The portal's own marks for each row of a page (state-since, release drift, the caller's pins), in row order.</summary>
    public async Task<RowMarks[]> MarksAsync(Caller caller, IReadOnlyList<SessionSummaryDto> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        // Waits (briefly) for the release list on a cold start; the ONLINE set is loaded with the newest one.
        await releases.NewestOnlineAsync(cancellationToken);
        var online = releases.OnlineVersions();
        var newestMajor = online is { Count: > 0 } ? online.Max().Major : 0;
        var pinned = await pins.GetAsync(caller.UserId, cancellationToken);
        var marks = new RowMarks[items.Count];
        HistoryView? recorded = null;
        for (var i = 0; i < items.Count; i++)
        {
            var s = items[i];
            if (recorded is null || !string.Equals(recorded.History.WorkspaceId, s.WorkspaceId, StringComparison.Ordinal))
            {
                recorded = history.Get(s.WorkspaceId);
            }

            var global = GlobalMarks(json, s, recorded, online, newestMajor);
            marks[i] = new RowMarks(
                global.StateSince,
                global.Observed,
                global.Outdated,
                pinned.Count != 0 && pinned.Contains((s.WorkspaceId, s.SessionClusterId)));
        }

        return marks;
    }

    /// <summary>
    /// A row's caller-independent marks (state-since from the recorded history, release drift from the release list),
    /// computed once per row for each version of the history and of the release list and kept with the row's JSON.
    /// The history view and the release set are replaced, never changed, when they move on, so their references are
    /// the version stamps; a row whose stamps differ is computed afresh.
    /// </summary>
    internal static RowMarksJson GlobalMarks(
        SessionPageJson json, SessionSummaryDto s, HistoryView? recorded, IReadOnlySet<EsrVersion>? online, int newestMajor)
    {
        var entry = json.Row(s);
        if (entry.Marks is { } cached && cached.IsFor(recorded, online))
        {
            return cached;
        }

        var (since, observed) = StateSinceOf(s, recorded?.StateSince(s.SessionClusterId, s.State) ?? s.StateSince);
        var outdated = ReleaseCatalog.IsDrifted(s.ReleaseVersion, s.DisplayReleaseVersion, online, newestMajor);
        return json.Remember(entry, s, recorded, online, since, observed, outdated);
    }
}

/// <summary>The marks the portal adds to one row of a list (see <see cref="SessionListing.MarksAsync"/>).</summary>
internal readonly record struct RowMarks(DateTimeOffset? StateSince, bool StateSinceObserved, bool ReleaseOutdated, bool Pinned)
{
    public SessionSummaryDto ApplyTo(SessionSummaryDto row) => row with
    {
        StateSince = StateSince,
        StateSinceObserved = StateSinceObserved,
        ReleaseOutdated = ReleaseOutdated,
        Pinned = Pinned,
    };
}

/// <summary>
/// One page of a session list before it is written: the rows as the snapshots hold them and, beside each, its marks
/// for the caller. <see cref="ToDto"/> is the contract's <see cref="SessionPageDto"/>.
/// </summary>
internal sealed record SessionListPage(
    IReadOnlyList<SessionSummaryDto> Rows,
    RowMarks[] Marks,
    int TotalCount,
    int Page,
    int PageSize,
    DateTimeOffset? AsOf,
    bool Stale,
    bool Revalidating,
    RefreshFailureDto? RefreshFailure)
{
    public SessionPageDto ToDto()
    {
        var items = new List<SessionSummaryDto>(Rows.Count);
        for (var i = 0; i < Rows.Count; i++)
        {
            items.Add(Marks[i].ApplyTo(Rows[i]));
        }

        return new SessionPageDto(items, TotalCount, Page, PageSize, AsOf, Stale)
        {
            Revalidating = Revalidating,
            RefreshFailure = RefreshFailure,
        };
    }
}
