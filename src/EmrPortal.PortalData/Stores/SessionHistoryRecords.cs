namespace EmrPortal.PortalData.Stores;

// The history store's inputs and outputs: its own records, mapped to the HTTP contracts by the proxy (docs/decisions.md, "Contracts only at the edge").

/// <summary>What the portal knows about a workspace's sessions beyond the current snapshot.</summary>
/// <param name="Known">Each known session's recorded state and when it entered it.</param>
/// <param name="Gone">Last known data of sessions upstream no longer lists.</param>
public sealed record WorkspaceHistory(
    string WorkspaceId,
    DateTimeOffset? ScannedAsOf,
    IReadOnlyDictionary<string, KnownState> Known,
    IReadOnlyList<LastKnownSession> Gone)
{
    public static WorkspaceHistory Empty(string workspaceId) =>
        new(workspaceId, null, new Dictionary<string, KnownState>(StringComparer.Ordinal), []);
}

/// <summary>
/// A session as one snapshot showed it. <see cref="SummaryJson"/> is the caller's serialized summary, stored as it is
/// (the store compares it to detect changes and hands it back for sessions no longer listed; it never interprets it).
/// </summary>
public sealed record ObservedSession(
    string SessionClusterId, string? State, string? ReasonCode, string? ReasonMessage, DateTimeOffset? StartTime, string SummaryJson);

/// <summary>A session upstream no longer lists: its last stored summary and since when it was in its last state.</summary>
public sealed record LastKnownSession(string SessionClusterId, DateTimeOffset StateSince, string SummaryJson);

/// <summary>One recorded state change.</summary>
public sealed record ObservedTransition(
    string WorkspaceId, string SessionClusterId, string? FromState, string ToState, string? ReasonCode, string? ReasonMessage, DateTimeOffset ObservedAt);

/// <summary>A session's recorded transitions (oldest first), whether upstream still lists it, and when it was last seen.</summary>
public sealed record SessionHistoryTimeline(
    string WorkspaceId, string SessionClusterId, IReadOnlyList<ObservedTransition> Transitions, bool NoLongerListed, DateTimeOffset? LastSeen);

/// <summary>How many sessions were Running at <see cref="At"/>.</summary>
public readonly record struct RunningCount(DateTimeOffset At, int Running);

/// <summary>A session's recorded state and since when (see <see cref="KnownSession.StateSince"/>).</summary>
public readonly record struct KnownState(string State, DateTimeOffset Since);

/// <summary>The outcome of recording one snapshot: <see cref="Skipped"/> when a newer one was already recorded.</summary>
public sealed record RecordResult(bool Skipped, int Transitions, int NoLongerListed, WorkspaceHistory History);
