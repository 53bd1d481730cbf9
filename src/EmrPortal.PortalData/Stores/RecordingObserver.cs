namespace EmrPortal.PortalData.Stores;

/// <summary>
/// Sees every snapshot recording from inside its transaction (after the diff, before the commit) and may write to the
/// same context: what it writes commits or rolls back with the recorded transitions. A recording is skipped when the
/// workspace's scan mark already covers it, so across proxy instances each snapshot interval is observed once.
/// </summary>
public interface IRecordingObserver
{
    Task OnRecordingAsync(PortalDbContext db, RecordedChanges changes, CancellationToken cancellationToken);
}

/// <summary>
/// One session that is new, changed (state or data), or no longer listed in this recording. <see cref="PreviousSummaryJson"/>
/// (the summary document as stored before) is null for a session seen for the first time; <see cref="Current"/> is
/// null for one upstream stopped listing.
/// </summary>
public sealed record SessionChange(string SessionClusterId, string? PreviousSummaryJson, ObservedSession? Current, string? PreviousState);

/// <summary>What one recording saw.</summary>
/// <param name="PreviousAsOf">The previous recording's <c>asOf</c> (null: the first recording of the workspace).</param>
/// <param name="Sessions">Every session the snapshot lists.</param>
/// <param name="Changes">Only the sessions that are new, changed or gone.</param>
/// <param name="StateSince">When each listed session entered its current state.</param>
public sealed record RecordedChanges(
    string WorkspaceId,
    DateTimeOffset AsOf,
    DateTimeOffset? PreviousAsOf,
    IReadOnlyList<ObservedSession> Sessions,
    IReadOnlyList<SessionChange> Changes,
    IReadOnlyDictionary<string, DateTimeOffset> StateSince);
