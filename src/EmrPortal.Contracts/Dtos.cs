namespace EmrPortal.Contracts;

// The proxy's v1 contract. These are allow-listed shapes: a field is here only if it is safe to show a signed-in
// user. Upstream models never cross this boundary (new upstream fields such as connectionToken are secrets).

/// <summary><c>GET /api/v1/me</c>: who the caller is and what they may see.</summary>
public sealed record MeDto(
    string UserId,
    string Name,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Workspaces,
    bool IsAdmin)
{
    /// <summary>Cloud user names (<c>userName</c> upstream) mapped to this identity, for "my sessions".</summary>
    public IReadOnlyList<string> CloudUserNames { get; init; } = [];

    /// <summary>Whether the caller may start/stop sessions (feature switch on, and owner or Portal.Operator).</summary>
    public bool CanStartStop { get; init; }

    /// <summary>
    /// The token carried Entra's groups overage claim instead of the groups (the user is in too many): the portal
    /// cannot read them without Microsoft Graph, so only app roles count for this user.
    /// </summary>
    public bool GroupsOverage { get; init; }
}

/// <summary>One workspace the caller may see (<c>GET /api/v1/workspaces</c>).</summary>
public sealed record WorkspaceDto(
    string WorkspaceId,
    string Name,
    string? Status,
    string? RegionId,
    string? ResourceSpec,
    string? PaymentType,
    DateTimeOffset? CreateTime,
    // Session counts by state from the workspace snapshot; null until the workspace has been scanned.
    IReadOnlyDictionary<string, int>? SessionCountsByState,
    int? SessionCount)
{
    /// <summary>Where the workspace's snapshot stands (one of <see cref="ScanStates"/>): counts are null while it is Scanning or Failed.</summary>
    public string? ScanState { get; init; }
}

/// <summary>A session as shown in lists and exported to CSV.</summary>
public sealed record SessionSummaryDto(
    string WorkspaceId,
    string SessionClusterId,
    string? Name,
    string? State,
    string? StateChangeReasonCode,
    string? StateChangeReasonMessage,
    string? Kind,
    string? QueueName,
    string? UserId,
    string? UserName,
    string? ReleaseVersion,
    string? DisplayReleaseVersion,
    DateTimeOffset? GmtCreate,
    DateTimeOffset? StartTime,
    bool? AutoStartEnabled,
    bool? AutoStopEnabled,
    int? AutoStopIdleTimeoutMinutes)
{
    /// <summary>
    /// When the session entered its current state: the cloud API's own <c>startTime</c> for a Starting or Running
    /// session, otherwise the portal's observation (<see cref="StateSinceObserved"/>); null if neither is known.
    /// </summary>
    public DateTimeOffset? StateSince { get; init; }

    /// <summary>
    /// <see cref="StateSince"/> is when the portal first saw the session in this state (the API gives no time for it),
    /// so the session may have been in it for longer.
    /// </summary>
    public bool StateSinceObserved { get; init; }

    /// <summary>Upstream no longer lists this session; this is its last known data.</summary>
    public bool NoLongerListed { get; init; }

    /// <summary>The session's release is no longer offered by the cloud, or is a major version behind the newest offered one.</summary>
    public bool ReleaseOutdated { get; init; }

    /// <summary>The caller pinned this session.</summary>
    public bool Pinned { get; init; }
}

/// <summary>One page of a session list. <see cref="Stale"/> is true when the data is older than the freshness TTL:
/// normally because a revalidation is running (<see cref="Revalidating"/>), and only when <see cref="RefreshFailure"/>
/// is set because the cloud API failed.</summary>
public sealed record SessionPageDto(
    IReadOnlyList<SessionSummaryDto> Items,
    int TotalCount,
    int Page,
    int PageSize,
    DateTimeOffset? AsOf,
    bool Stale)
{
    /// <summary>A refresh of the data is running (stale-while-revalidate); the rows are the last good data meanwhile.</summary>
    public bool Revalidating { get; init; }

    /// <summary>Set only when the last refresh actually failed (the first failing workspace across several); null when healthy.</summary>
    public RefreshFailureDto? RefreshFailure { get; init; }
}

/// <summary>
/// Why the proxy could not refresh a workspace's data: since when it has been failing (the first failure of the
/// current failing streak), when it last tried, and the cause it saw, one of <see cref="RefreshFailureCauses"/>.
/// </summary>
public sealed record RefreshFailureDto(string WorkspaceId, DateTimeOffset FailingSince, DateTimeOffset LastAttempt, string Cause);

/// <summary>Values of <see cref="RefreshFailureDto.Cause"/>, categorised from the upstream error.</summary>
public static class RefreshFailureCauses
{
    /// <summary>The cloud API's flow control (<c>Throttling*</c>) or the proxy's own outbound quota.</summary>
    public const string Throttled = "Throttled";

    /// <summary>A call took longer than the client's timeout.</summary>
    public const string TimedOut = "TimedOut";

    /// <summary>RAM does not allow the portal's identity to read this workspace.</summary>
    public const string Permission = "Permission";

    /// <summary>The cloud API refused the portal's credentials (unknown, inactive or expired key, signature).</summary>
    public const string Credentials = "Credentials";

    /// <summary>Anything else: server errors, unreachable endpoint, unexpected answers.</summary>
    public const string Unavailable = "Unavailable";
}

/// <summary><c>GET /api/v1/workspaces/{ws}/scan</c>: progress of the workspace's snapshot (for "4,300 of 10,000 sessions…").</summary>
public sealed record ScanStatusDto(
    string WorkspaceId,
    // One of ScanStates.
    string State,
    int Loaded,
    int? Total,
    DateTimeOffset? AsOf);

/// <summary>Values of <see cref="ScanStatusDto.State"/>.</summary>
public static class ScanStates
{
    public const string Idle = "Idle";
    public const string Scanning = "Scanning";
    public const string Ready = "Ready";
    public const string Failed = "Failed";
}

/// <summary>A session's full detail (<c>GET /api/v1/workspaces/{ws}/sessions/{id}</c>).</summary>
public sealed record SessionDetailDto(
    SessionSummaryDto Summary,
    string? WebUI,
    string? Domain,
    string? DomainInner,
    bool? PublicEndpointEnabled,
    bool? Fusion,
    string? DraftId,
    string? EnvId,
    IReadOnlyList<ApplicationConfigDto> ApplicationConfigs,
    // True when secret-looking values were replaced by ApplicationConfigDto.RedactedValue.
    bool Redacted,
    DateTimeOffset? AsOf);

/// <summary>One application config entry. <see cref="Redacted"/> is true when the value was hidden.</summary>
public sealed record ApplicationConfigDto(string? FileName, string? Key, string? Value, bool Redacted)
{
    /// <summary>What a hidden value is replaced with.</summary>
    public const string RedactedValue = "••••••";
}
