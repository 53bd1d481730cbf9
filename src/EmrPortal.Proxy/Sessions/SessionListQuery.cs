using System.ComponentModel;
using System.Text.RegularExpressions;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Mvc;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// The raw query of a session list (names as in the portal's URLs). Bound as strings so a malformed value becomes a
/// 400 that names the parameter, instead of a binding failure without detail.
/// </summary>
internal sealed partial class SessionListQuery
{
    [FromQuery(Name = QueryNames.Page), Description("1-based page number.")]
    public string? Page { get; init; }

    [FromQuery(Name = QueryNames.PageSize), Description("Items per page, 1..200 (default 25).")]
    public string? PageSize { get; init; }

    [FromQuery(Name = QueryNames.Sort), Description("name, state, kind, queueName, userName, gmtCreate, startTime (default) or releaseVersion.")]
    public string? Sort { get; init; }

    [FromQuery(Name = QueryNames.Dir), Description("asc or desc (default).")]
    public string? Dir { get; init; }

    [FromQuery(Name = QueryNames.State), Description("Starting, Running, Stopping, Stopped, Error, or any other state the cloud reports (a letter, then letters, digits or _; at most 40).")]
    public string? State { get; init; }

    [FromQuery(Name = QueryNames.Kind), Description("SQL, NOTEBOOK or THRIFT.")]
    public string? Kind { get; init; }

    [FromQuery(Name = QueryNames.Queue), Description("Queue name contains this text (case-insensitive).")]
    public string? Queue { get; init; }

    [FromQuery(Name = QueryNames.Owner), Description("Owner (user name or id) contains this text (case-insensitive).")]
    public string? Owner { get; init; }

    [FromQuery(Name = QueryNames.Q), Description("Free text matched against id, name, owner and queue (case-insensitive).")]
    public string? Q { get; init; }

    [FromQuery(Name = QueryNames.Mine), Description("true: only sessions owned by the caller's mapped cloud user(s).")]
    public string? Mine { get; init; }

    [FromQuery(Name = QueryNames.Listed), Description("current (default): sessions upstream lists; gone: ones it no longer lists (last known data); all.")]
    public string? Listed { get; init; }

    [FromQuery(Name = QueryNames.Reason), Description("stateChangeReason code, exact (case-insensitive); 'unknown' matches sessions without a code. Letters, digits, _ - . : (at most 64).")]
    public string? Reason { get; init; }

    /// <summary>Every parameter name of a session list, in URL order.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        QueryNames.Page, QueryNames.PageSize, QueryNames.Sort, QueryNames.Dir, QueryNames.State, QueryNames.Kind,
        QueryNames.Queue, QueryNames.Owner, QueryNames.Q, QueryNames.Mine, QueryNames.Listed, QueryNames.Reason,
    ];

    /// <summary>The raw query from any source of name → value (a saved view's stored query string, for one).</summary>
    public static SessionListQuery From(Func<string, string?> value) => new()
    {
        Page = value(QueryNames.Page),
        PageSize = value(QueryNames.PageSize),
        Sort = value(QueryNames.Sort),
        Dir = value(QueryNames.Dir),
        State = value(QueryNames.State),
        Kind = value(QueryNames.Kind),
        Queue = value(QueryNames.Queue),
        Owner = value(QueryNames.Owner),
        Q = value(QueryNames.Q),
        Mine = value(QueryNames.Mine),
        Listed = value(QueryNames.Listed),
        Reason = value(QueryNames.Reason),
    };

    public const int MaxTextLength = 200;
    public const int MaxPage = 1_000_000;

    /// <summary>Validates and normalizes; on failure <paramref name="errors"/> names every bad parameter.</summary>
    public bool TryParse(out SessionView view, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var page = QueryValues.Int(Page, QueryNames.Page, SessionQuery.DefaultPage, 1, MaxPage, errors);
        var pageSize = QueryValues.Int(PageSize, QueryNames.PageSize, SessionQuery.DefaultPageSize, 1, SessionQuery.MaxPageSize, errors);

        var sort = SessionSortKey.StartTime;
        if (!string.IsNullOrEmpty(Sort) && !SessionSort.TryParse(Sort, out sort))
        {
            errors[QueryNames.Sort] = [$"Unknown sort key. Use one of: {string.Join(", ", SortKeys.All)}."];
        }

        var descending = true;
        if (!string.IsNullOrEmpty(Dir))
        {
            if (string.Equals(Dir, SortDirections.Asc, StringComparison.OrdinalIgnoreCase)) descending = false;
            else if (!string.Equals(Dir, SortDirections.Desc, StringComparison.OrdinalIgnoreCase))
                errors[QueryNames.Dir] = ["Use asc or desc."];
        }

        var state = StateToken(State, errors);
        var kind = Canonical(Kind, QueryNames.Kind, SessionKinds.All, errors);
        var queue = QueryValues.Text(Queue, QueryNames.Queue, MaxTextLength, errors);
        var owner = QueryValues.Text(Owner, QueryNames.Owner, MaxTextLength, errors);
        var q = QueryValues.Text(Q, QueryNames.Q, MaxTextLength, errors);

        var mine = false;
        if (!string.IsNullOrEmpty(Mine))
        {
            if (string.Equals(Mine, "true", StringComparison.OrdinalIgnoreCase) || Mine == "1") mine = true;
            else if (!string.Equals(Mine, "false", StringComparison.OrdinalIgnoreCase) && Mine != "0")
                errors[QueryNames.Mine] = ["Use true or false."];
        }

        var listed = Canonical(Listed, QueryNames.Listed, ListedFilter.Values, errors) ?? ListedFilter.Current;

        string? reason = null;
        if (!string.IsNullOrEmpty(Reason))
        {
            if (ReasonFilter.IsWellFormed(Reason)) reason = Reason;
            else errors[QueryNames.Reason] = [$"Not a reason code. Use letters, digits, _ - . or : (at most {ReasonFilter.MaxLength}), or {ReasonFilter.NoCode}."];
        }

        view = new SessionView(page, pageSize, sort, descending, new SessionFilter(state, kind, queue, owner, q) { Reason = reason })
        {
            Mine = mine,
            Listed = listed,
        };
        return errors.Count == 0;
    }

    /// <summary>A documented state (any case, canonical spelling), or any other well-formed token: the cloud adds states
    /// (e.g. Upgrading) and a list must filter by every value it shows.</summary>
    private static string? StateToken(string? raw, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        var known = SessionStates.All.FirstOrDefault(k => string.Equals(k, raw, StringComparison.OrdinalIgnoreCase));
        if (known is not null) return known;
        if (StateTokenPattern().IsMatch(raw)) return raw;
        errors[QueryNames.State] = ["Not a state. Use a letter, then letters, digits or _ (at most 40), e.g. Running."];
        return null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,39}$")]
    private static partial Regex StateTokenPattern();

    private static string? Canonical(string? raw, string name, IReadOnlyList<string> known, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        foreach (var k in known)
        {
            if (string.Equals(k, raw, StringComparison.OrdinalIgnoreCase))
            {
                return k;
            }
        }

        errors[name] = [$"Unknown value. Use one of: {string.Join(", ", known)}."];
        return null;
    }

}

/// <summary>A validated list view: page, sort and filter; <see cref="Mine"/> is resolved against the caller by the endpoint.</summary>
internal sealed record SessionView(int Page, int PageSize, SessionSortKey Sort, bool Descending, SessionFilter Filter)
{
    public bool Mine { get; init; }

    /// <summary>One of <see cref="ListedFilter.Values"/>.</summary>
    public string Listed { get; init; } = ListedFilter.Current;

    /// <summary>The same view in the contract's query form (canonical values, defaults omitted by <see cref="SessionQuery.ToQueryString"/>).</summary>
    public SessionQuery ToQuery() => new()
    {
        Page = Page,
        PageSize = PageSize,
        Sort = SessionSort.NameOf(Sort),
        Dir = Descending ? SortDirections.Desc : SortDirections.Asc,
        State = Filter.State,
        Kind = Filter.Kind,
        Queue = Filter.Queue,
        Owner = Filter.Owner,
        Q = Filter.Q,
        Reason = Filter.Reason,
        Mine = Mine,
        Listed = Listed,
    };

    public static SessionView Default { get; } =
        new(SessionQuery.DefaultPage, SessionQuery.DefaultPageSize, SessionSortKey.StartTime, true, SessionFilter.None);
}
