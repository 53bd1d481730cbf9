using EmrPortal.Contracts;
using EmrPortal.Web.Insights;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Components.SessionList;

/// <summary>The queries a list navigates to (sort, filters, pages, mine) and how they read in the URL; pure functions of the shown view.</summary>
public sealed partial class SessionListState
{
    /// <summary>A click on a sort header: the same column flips its direction, another starts in its natural one.</summary>
    public SessionQuery Sorted(string sortKey)
    {
        var dir = Query.Sort == sortKey
            ? (Query.Dir == SortDirections.Asc ? SortDirections.Desc : SortDirections.Asc)
            : SessionColumns.InitialDirection(sortKey);
        return Query with { Sort = sortKey, Dir = dir, Page = SessionQuery.DefaultPage };
    }

    public SessionQuery WithoutFilters() =>
        Query with { State = null, Kind = null, Queue = null, Owner = null, Q = null, Listed = null, Reason = null, Page = SessionQuery.DefaultPage };

    public SessionQuery AtPage(int page) => Query with { Page = page };

    /// <summary>The last page of a view (1 for an empty one).</summary>
    public static int LastPage(SessionPageDto page) =>
        Math.Max(1, (int)Math.Ceiling(page.TotalCount / (double)Math.Max(1, page.PageSize)));

    public SessionQuery WithPageSize(int pageSize) => Query with { PageSize = pageSize, Page = SessionQuery.DefaultPage };

    /// <summary>An explicit choice is always written (mine=true|false), so it survives for a viewer whose default differs.</summary>
    public SessionQuery Mine(bool mine) => Query with { Mine = mine, Page = SessionQuery.DefaultPage };

    /// <summary>"mine" for a URL this list navigates to: true whenever it narrows the view; false where a bare URL
    /// would narrow it (the caller's default is "mine"); else left out (a URL with parameters means everyone).</summary>
    public bool? MineForUrl(SessionQuery query) => query.Mine ? true : MineDefault.For(Me) ? false : null;

    /// <summary>The list's query parameters for the URL, defaults left out (null removes a parameter). "mine" is the
    /// explicit choice only: an absent choice stays absent.</summary>
    public static IReadOnlyDictionary<string, object?> UrlParameters(SessionQuery query, bool? mineChoice) => new Dictionary<string, object?>
    {
        [QueryNames.Page] = query.Page == SessionQuery.DefaultPage ? null : query.Page,
        [QueryNames.PageSize] = query.PageSize == SessionQuery.DefaultPageSize ? null : query.PageSize,
        [QueryNames.Sort] = query.Sort == SessionQuery.DefaultSort ? null : query.Sort,
        [QueryNames.Dir] = query.Dir == SessionQuery.DefaultDir ? null : query.Dir,
        [QueryNames.State] = query.State,
        [QueryNames.Kind] = query.Kind,
        [QueryNames.Queue] = query.Queue,
        [QueryNames.Owner] = query.Owner,
        [QueryNames.Q] = query.Q,
        [QueryNames.Mine] = MineDefault.ToUrl(mineChoice),
        [QueryNames.Listed] = query.Listed,
        [QueryNames.Reason] = query.Reason,
    };

    /// <summary>
    /// Whether a session (a pinned one, fetched on its own) belongs in the view <paramref name="query"/> describes: the
    /// proxy's list semantics (exact state, kind and reason; "contains" for queue, owner and search; "mine" against the
    /// caller's cloud user names; listed/gone), so the pinned section shows what the list's filters let through.
    /// </summary>
    public static bool InView(SessionQuery query, SessionSummaryDto s, IReadOnlyCollection<string>? myUserNames)
    {
        static bool Has(string? field, string text) => field is not null && field.Contains(text, StringComparison.OrdinalIgnoreCase);
        static bool Is(string? field, string value) => string.Equals(field, value, StringComparison.OrdinalIgnoreCase);

        var listed = query.Listed switch
        {
            ListedFilter.Gone => s.NoLongerListed,
            ListedFilter.All => true,
            _ => !s.NoLongerListed,
        };
        return listed
            && (query.State is null || Is(s.State, query.State))
            && (query.Kind is null || Is(s.Kind, query.Kind))
            && (query.Queue is null || Has(s.QueueName, query.Queue))
            && (query.Owner is null || Has(s.UserName, query.Owner) || Has(s.UserId, query.Owner))
            && (query.Reason is null || ReasonFilter.Matches(s.StateChangeReasonCode, query.Reason))
            && (query.Q is null || Has(s.SessionClusterId, query.Q) || Has(s.Name, query.Q) || Has(s.UserName, query.Q)
                || Has(s.UserId, query.Q) || Has(s.QueueName, query.Q))
            && (!query.Mine || (myUserNames ?? []).Any(n => Is(s.UserName, n) || Is(s.UserId, n)));
    }

    // ---- Pins ----

    public static string PinKey(string workspaceId, string sessionId) => $"{workspaceId}/{sessionId}";
}
