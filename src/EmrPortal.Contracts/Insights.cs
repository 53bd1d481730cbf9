namespace EmrPortal.Contracts;

// Contract additions for the portal's own data (issue 10): timeline, triage, saved views, pins, audit, overview.
// Everything here comes from the portal database or the proxy's snapshots — never from a cloud credential.

/// <summary>One observed state change of a session (recorded by the proxy when a snapshot refresh sees it).</summary>
public sealed record StateTransitionDto(
    string WorkspaceId,
    string SessionClusterId,
    string? FromState,
    string ToState,
    string? ReasonCode,
    string? ReasonMessage,
    DateTimeOffset ObservedAt);

/// <summary><c>GET /api/v1/workspaces/{ws}/sessions/{id}/timeline</c>, oldest first.</summary>
public sealed record SessionTimelineDto(
    string WorkspaceId,
    string SessionClusterId,
    IReadOnlyList<StateTransitionDto> Transitions,
    bool NoLongerListed,
    DateTimeOffset? LastSeen);

public sealed record SessionRefDto(string WorkspaceId, string SessionClusterId, string? Name, string? UserName);

/// <summary>Error sessions grouped by <c>stateChangeReason.code</c> (<c>GET /api/v1/errors?workspace=</c>).</summary>
public sealed record ErrorGroupDto(string Code, string? SampleMessage, int Count, IReadOnlyList<SessionRefDto> Sessions);

/// <summary>A named list view shared with everyone who may see the workspace. <see cref="Query"/> is
/// <see cref="SessionQuery.ToQueryString"/> output (no leading '?').</summary>
public sealed record SavedViewDto(Guid Id, string WorkspaceId, string Name, string Query, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>Body of <c>POST /api/v1/workspaces/{ws}/views</c>.</summary>
public sealed record SaveViewRequest(string Name, string Query);

/// <summary>
/// The caller's session-list columns (<c>GET/PUT /api/v1/me/preferences/columns</c>): the keys of the columns they
/// hid. At most <see cref="MaxHidden"/> keys, each matching <see cref="KeyPattern"/>.
/// </summary>
public sealed record ColumnPreferencesDto(IReadOnlyList<string> Hidden)
{
    public const int MaxHidden = 24;
    public const string KeyPattern = "^[a-z][a-z0-9-]{0,31}$";
}

/// <summary>A session pinned to the top of the caller's own lists.</summary>
public sealed record PinDto(string WorkspaceId, string SessionClusterId, DateTimeOffset PinnedAt);

public sealed record AuditEntryDto(
    long Id,
    DateTimeOffset At,
    string UserId,
    string? UserName,
    string Action,
    string? WorkspaceId,
    string? SessionClusterId,
    string Outcome)
{
    /// <summary>How many identical denials this entry stands for (repeats within a short window are aggregated).</summary>
    public int Count { get; init; } = 1;

    /// <summary>When the last repeat happened; null for a single occurrence.</summary>
    public DateTimeOffset? LastAt { get; init; }
}

/// <summary><c>GET /api/v1/audit?page&amp;pageSize&amp;user&amp;action&amp;workspace</c> (Portal.Admin only).</summary>
public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Items, int TotalCount, int Page, int PageSize);

public sealed record RunningPointDto(DateTimeOffset At, int Running);

/// <summary><c>GET /api/v1/workspaces/{ws}/overview</c>: what the charts show.</summary>
public sealed record WorkspaceOverviewDto(
    string WorkspaceId,
    IReadOnlyDictionary<string, int> ByState,
    IReadOnlyDictionary<string, int> ByKind,
    IReadOnlyList<RunningPointDto> Running24h,
    IReadOnlyList<RunningPointDto> Running7d,
    DateTimeOffset? AsOf);

/// <summary>Result of <c>POST .../sessions/{id}/start</c> or <c>/stop</c> (only when the Start/Stop feature is on).</summary>
/// <param name="Outcome">
/// <see cref="SessionActionOutcomes.Applied"/> when the cloud confirmed the action, <see cref="SessionActionOutcomes.Unconfirmed"/>
/// when its answer was lost (5xx, timeout, dropped connection after sending): the action may or may not have been applied,
/// it was not sent again, and <paramref name="State"/> is the state read afterwards (null if that read failed too).
/// </param>
public sealed record SessionActionResultDto(string WorkspaceId, string SessionClusterId, string Action, string? State, string? Outcome = SessionActionOutcomes.Applied);

/// <summary>Values of <see cref="SessionActionResultDto.Outcome"/>.</summary>
public static class SessionActionOutcomes
{
    public const string Applied = "applied";
    public const string Unconfirmed = "unconfirmed";
}

/// <summary>Values of the <c>listed</c> query parameter: sessions upstream still lists, ones it stopped listing, or both.</summary>
public static class ListedFilter
{
    public const string Current = "current";
    public const string Gone = "gone";
    public const string All = "all";
    public static readonly IReadOnlyList<string> Values = [Current, Gone, All];
}
