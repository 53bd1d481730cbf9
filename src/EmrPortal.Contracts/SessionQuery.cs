using System.Globalization;
using System.Text;

namespace EmrPortal.Contracts;

/// <summary>
/// The state of a session list view. The same names are used in the portal's URLs and in the proxy's query strings:
/// <c>page</c> (1-based), <c>pageSize</c>, <c>sort</c>, <c>dir</c>, <c>state</c>, <c>kind</c>, <c>queue</c>,
/// <c>owner</c>, <c>q</c>, <c>reason</c>. Defaults are left out of the query string so shared links stay short.
/// </summary>
public sealed record SessionQuery
{
    public const int DefaultPage = 1;
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;
    public const string DefaultSort = SortKeys.StartTime;
    public const string DefaultDir = SortDirections.Desc;

    public int Page { get; init; } = DefaultPage;
    public int PageSize { get; init; } = DefaultPageSize;
    public string Sort { get; init; } = DefaultSort;
    public string Dir { get; init; } = DefaultDir;
    public string? State { get; init; }
    public string? Kind { get; init; }
    public string? Queue { get; init; }
    public string? Owner { get; init; }
    public string? Q { get; init; }
    /// <summary>Only sessions owned by the caller's mapped cloud user(s).</summary>
    public bool Mine { get; init; }
    /// <summary><see cref="ListedFilter"/>: current (default), gone, or all.</summary>
    public string? Listed { get; init; }
    /// <summary>The cloud's <c>stateChangeReason</c> code (exact), or <see cref="ReasonFilter.NoCode"/> for sessions without one.</summary>
    public string? Reason { get; init; }

    /// <summary>Query-string form (no leading '?'), values RFC 3986-escaped, defaults omitted.</summary>
    public string ToQueryString()
    {
        var sb = new StringBuilder();
        void Add(string name, string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            if (sb.Length > 0) sb.Append('&');
            sb.Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        if (Page != DefaultPage) Add(QueryNames.Page, Page.ToString(CultureInfo.InvariantCulture));
        if (PageSize != DefaultPageSize) Add(QueryNames.PageSize, PageSize.ToString(CultureInfo.InvariantCulture));
        if (Sort != DefaultSort) Add(QueryNames.Sort, Sort);
        if (Dir != DefaultDir) Add(QueryNames.Dir, Dir);
        Add(QueryNames.State, State);
        Add(QueryNames.Kind, Kind);
        Add(QueryNames.Queue, Queue);
        Add(QueryNames.Owner, Owner);
        Add(QueryNames.Q, Q);
        Add(QueryNames.Reason, Reason);
        if (Mine) Add(QueryNames.Mine, "true");
        if (Listed is not null && Listed != ListedFilter.Current) Add(QueryNames.Listed, Listed);
        return sb.ToString();
    }
}

public static class QueryNames
{
    public const string Page = "page";
    public const string PageSize = "pageSize";
    public const string Sort = "sort";
    public const string Dir = "dir";
    public const string State = "state";
    public const string Kind = "kind";
    public const string Queue = "queue";
    public const string Owner = "owner";
    public const string Q = "q";
    public const string Mine = "mine";
    public const string Listed = "listed";
    public const string Reason = "reason";
}

public static class SortKeys
{
    public const string Name = "name";
    public const string State = "state";
    public const string Kind = "kind";
    public const string QueueName = "queueName";
    public const string UserName = "userName";
    public const string GmtCreate = "gmtCreate";
    public const string StartTime = "startTime";
    public const string ReleaseVersion = "releaseVersion";

    public static readonly IReadOnlyList<string> All =
        [Name, State, Kind, QueueName, UserName, GmtCreate, StartTime, ReleaseVersion];

    public static bool IsKnown(string? value) => value is not null && All.Contains(value, StringComparer.Ordinal);
}

public static class SortDirections
{
    public const string Asc = "asc";
    public const string Desc = "desc";
}

/// <summary>Known session states and kinds (upstream may add more: unknown values are displayed, never rejected when read).</summary>
public static class SessionStates
{
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string Stopping = "Stopping";
    public const string Stopped = "Stopped";
    public const string Error = "Error";
    public static readonly IReadOnlyList<string> All = [Starting, Running, Stopping, Stopped, Error];
}

public static class SessionKinds
{
    public const string Sql = "SQL";
    public const string Notebook = "NOTEBOOK";
    public const string Thrift = "THRIFT";
    public static readonly IReadOnlyList<string> All = [Sql, Notebook, Thrift];
}

/// <summary>Role names (Entra app roles) and the API scope.</summary>
public static class PortalRoles
{
    public const string Admin = "Portal.Admin";
    public const string Viewer = "Portal.Viewer";
    public const string Operator = "Portal.Operator";
}

public static class Ids
{
    /// <summary>Workspace and session ids accepted by the proxy: <c>^[A-Za-z0-9_-]{1,64}$</c>.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64) return false;
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) return false;
        }
        return true;
    }
}

/// <summary>The <c>reason</c> filter: a <c>stateChangeReason</c> code as the cloud writes it (error triage links to it).</summary>
public static class ReasonFilter
{
    /// <summary>Matches sessions whose reason has no code (error triage's group for them).</summary>
    public const string NoCode = "unknown";

    /// <summary>At most this long; letters, digits, '_', '-', '.' and ':' (the shapes the cloud's codes take).</summary>
    public const int MaxLength = 64;

    public static bool IsWellFormed(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':');

    /// <summary>Whether a session whose reason code is <paramref name="code"/> matches <paramref name="reason"/>.</summary>
    public static bool Matches(string? code, string reason) =>
        string.IsNullOrEmpty(code) ? reason == NoCode : string.Equals(code, reason, StringComparison.OrdinalIgnoreCase);
}
