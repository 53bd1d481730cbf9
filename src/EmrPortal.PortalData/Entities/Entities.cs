namespace EmrPortal.PortalData.Entities;

// The portal's own records. Nothing here is a cloud credential: sessions are kept as the proxy's allow-listed
// summary (no configs, no connectionToken), users by their identity-provider id and display name.

/// <summary>One observed state change of a session: recorded when a snapshot refresh sees a state the previous one did not.</summary>
public sealed class StateTransition
{
    public long Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string SessionClusterId { get; set; }
    /// <summary>Null for the first observation of a session.</summary>
    public string? FromState { get; set; }
    public required string ToState { get; set; }
    public string? ReasonCode { get; set; }
    public string? ReasonMessage { get; set; }
    /// <summary>The <c>asOf</c> of the snapshot that first showed the new state.</summary>
    public DateTimeOffset ObservedAt { get; set; }
}

/// <summary>
/// The last known data of every session the portal has seen, including ones upstream stopped listing (kept for the
/// retention period, then purged). Also the shared "previous snapshot" every proxy instance diffs against.
/// </summary>
public sealed class KnownSession
{
    public required string WorkspaceId { get; set; }
    public required string SessionClusterId { get; set; }
    public required string State { get; set; }
    /// <summary>When the session entered <see cref="State"/> (as observed; see the recorder for first observations).</summary>
    public DateTimeOffset StateSince { get; set; }
    /// <summary>The allow-listed session summary as JSON (the contract's camelCase shape).</summary>
    public required string SummaryJson { get; set; }
    /// <summary>A hash of <see cref="SummaryJson"/>, so unchanged sessions are found without reading their JSON.</summary>
    public long SummaryHash { get; set; }
    public DateTimeOffset FirstSeen { get; set; }
    /// <summary>The <c>asOf</c> of the snapshot that last wrote this row (for a listed session, the workspace's scan mark is newer).</summary>
    public DateTimeOffset LastSeen { get; set; }
    public bool NoLongerListed { get; set; }
    public DateTimeOffset? NoLongerListedSince { get; set; }
}

/// <summary>
/// The <c>asOf</c> of the newest snapshot of a workspace that was recorded. Recorders advance it first, in their
/// transaction: its row lock serializes recorders of one workspace across proxy instances, and a snapshot no newer
/// than the mark is skipped, so an instance that scanned earlier never rewinds what another recorded.
/// </summary>
public sealed class WorkspaceScan
{
    public required string WorkspaceId { get; set; }
    public DateTimeOffset LastAsOf { get; set; }
}

/// <summary>Who viewed, revealed, exported, started or stopped what, and whether it was allowed.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string UserId { get; set; }
    public string? UserName { get; set; }
    public required string Action { get; set; }
    public string? WorkspaceId { get; set; }
    public string? SessionClusterId { get; set; }
    public required string Outcome { get; set; }

    /// <summary>Identical denials (same user, action, workspace, outcome) within a short window share one entry.</summary>
    public int Count { get; set; } = 1;

    /// <summary>When the last of <see cref="Count"/> repeats happened (null for a single occurrence).</summary>
    public DateTimeOffset? LastAt { get; set; }
}

/// <summary>A named session-list query shared with everyone who may see the workspace.</summary>
public sealed class SavedView
{
    public Guid Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string Name { get; set; }
    public required string Query { get; set; }
    public required string CreatedBy { get; set; }
    public string? CreatedByName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One of a user's own settings (e.g. the session list's hidden columns), kept in the portal database so it follows
/// the user across browsers. <see cref="Value"/> is small JSON the proxy validated.
/// </summary>
public sealed class UserPreference
{
    public required string UserId { get; set; }
    public required string Key { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A session one user pinned to the top of their lists.</summary>
public sealed class Pin
{
    public required string UserId { get; set; }
    public required string WorkspaceId { get; set; }
    public required string SessionClusterId { get; set; }
    public DateTimeOffset PinnedAt { get; set; }
}
