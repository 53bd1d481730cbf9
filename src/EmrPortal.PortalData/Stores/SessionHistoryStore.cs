using System.Security.Cryptography;
using System.Text;
using EmrPortal.Contracts;
using EmrPortal.PortalData.Entities;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.PortalData.Stores;

/// <summary>
/// Records what snapshot refreshes observe: the diff against the previous recorded snapshot of the workspace (kept in
/// <see cref="KnownSession"/>, so it survives restarts and is shared by proxy instances) becomes state transitions;
/// sessions a full scan no longer lists are kept as "no longer listed". Recording is idempotent: the workspace's scan
/// mark serializes recorders and skips snapshots that are not newer, and transitions have a unique key.
/// </summary>
public sealed partial class SessionHistoryStore(IPortalDbFactory factory, IEnumerable<IRecordingObserver>? observers = null)
{
    private readonly IRecordingObserver[] _observers = observers?.ToArray() ?? [];

    private const int InsertBatch = 100;

    public async Task<RecordResult> RecordAsync(
        string workspaceId, DateTimeOffset asOf, IReadOnlyList<ObservedSession> sessions, CancellationToken cancellationToken)
    {
        asOf = Truncate(asOf);
        await using var db = factory.CreateDbContext();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var previousMark = await db.WorkspaceScans.AsNoTracking()
                .Where(w => w.WorkspaceId == workspaceId).Select(w => (DateTimeOffset?)w.LastAsOf).FirstOrDefaultAsync(ct);
            if (!await AdvanceMarkAsync(db, workspaceId, asOf, ct))
            {
                await transaction.RollbackAsync(ct);
                return new RecordResult(true, 0, 0, await LoadHistoryAsync(db, workspaceId, ct));
            }

            var known = await db.KnownSessions.AsNoTracking()
                .Where(k => k.WorkspaceId == workspaceId)
                .Select(k => new KnownRow(k.SessionClusterId, k.State, k.SummaryHash, k.NoLongerListed, k.StateSince))
                .ToDictionaryAsync(k => k.SessionClusterId, StringComparer.Ordinal, ct);

            var fresh = new List<Observed>();
            var changed = new Dictionary<string, Observed>(StringComparer.Ordinal);
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var session in sessions)
            {
                if (!listed.Add(session.SessionClusterId))
                {
                    continue;
                }

                var observed = Observed.From(session);
                if (!known.TryGetValue(session.SessionClusterId, out var row))
                {
                    fresh.Add(observed);
                }
                else if (row.NoLongerListed || row.State != observed.State || row.SummaryHash != observed.Hash)
                {
                    changed[session.SessionClusterId] = observed;
                }
            }

            var transitions = new List<StateTransition>();
            var changes = _observers.Length > 0 ? new List<SessionChange>() : null;

            // New sessions: their first observation is a transition from nothing.
            var inserted = await InsertKnownAsync(db, workspaceId, fresh, asOf, ct);
            foreach (var o in fresh)
            {
                if (inserted.Contains(o.Id))
                {
                    transitions.Add(o.Transition(workspaceId, null, asOf));
                    changes?.Add(new SessionChange(o.Id, null, o.Session, null));
                }
            }

            // Known sessions whose state or data changed (or that are listed again).
            if (changed.Count > 0)
            {
                var ids = changed.Keys.ToList();
                foreach (var entity in await db.KnownSessions.Where(k => k.WorkspaceId == workspaceId && ids.Contains(k.SessionClusterId)).ToListAsync(ct))
                {
                    var o = changed[entity.SessionClusterId];
                    changes?.Add(new SessionChange(o.Id, entity.SummaryJson, o.Session, entity.State));
                    if (entity.State != o.State)
                    {
                        transitions.Add(o.Transition(workspaceId, entity.State, asOf));
                        entity.State = o.State;
                        entity.StateSince = asOf;
                    }

                    entity.SummaryJson = o.Json;
                    entity.SummaryHash = o.Hash;
                    entity.LastSeen = asOf;
                    entity.NoLongerListed = false;
                    entity.NoLongerListedSince = null;
                }

                await db.SaveChangesAsync(ct);
            }

            // Sessions this full scan no longer lists: kept with their last known data, marked, never dropped here.
            var gone = known.Values.Where(k => !k.NoLongerListed && !listed.Contains(k.SessionClusterId)).Select(k => k.SessionClusterId).ToList();
            var lastListed = previousMark ?? asOf;
            if (changes is not null)
            {
                foreach (var chunk in gone.Chunk(500))
                {
                    foreach (var row in await db.KnownSessions.AsNoTracking()
                        .Where(k => k.WorkspaceId == workspaceId && chunk.Contains(k.SessionClusterId))
                        .Select(k => new { k.SessionClusterId, k.SummaryJson, k.State }).ToListAsync(ct))
                    {
                        changes.Add(new SessionChange(row.SessionClusterId, row.SummaryJson, null, row.State));
                    }
                }
            }

            foreach (var chunk in gone.Chunk(500))
            {
                await db.KnownSessions
                    .Where(k => k.WorkspaceId == workspaceId && chunk.Contains(k.SessionClusterId) && !k.NoLongerListed)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(k => k.NoLongerListed, true)
                        .SetProperty(k => k.NoLongerListedSince, asOf)
                        .SetProperty(k => k.LastSeen, lastListed), ct);
            }

            var recorded = await InsertTransitionsAsync(db, transitions, ct);
            if (changes is not null)
            {
                await NotifyObserversAsync(db, new RecordedChanges(
                    workspaceId, asOf, previousMark, sessions, changes, StateSince(sessions, fresh, changed, known, asOf)), ct);
            }

            await transaction.CommitAsync(ct);
            return new RecordResult(false, recorded, gone.Count, await LoadHistoryAsync(db, workspaceId, ct));
        }, cancellationToken);
    }

    /// <summary>The history as recorded so far (e.g. when another instance did the recording).</summary>
    public async Task<WorkspaceHistory> GetHistoryAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        return await LoadHistoryAsync(db, workspaceId, cancellationToken);
    }

    /// <summary>A session's recorded transitions, oldest first; null when the portal never saw the session.</summary>
    public async Task<SessionHistoryTimeline?> GetTimelineAsync(string workspaceId, string sessionClusterId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var known = await db.KnownSessions.AsNoTracking()
            .Where(k => k.WorkspaceId == workspaceId && k.SessionClusterId == sessionClusterId)
            .Select(k => new { k.NoLongerListed, k.LastSeen })
            .FirstOrDefaultAsync(cancellationToken);
        var transitions = await db.StateTransitions.AsNoTracking()
            .Where(t => t.WorkspaceId == workspaceId && t.SessionClusterId == sessionClusterId)
            .OrderBy(t => t.ObservedAt).ThenBy(t => t.Id)
            .Select(t => new ObservedTransition(t.WorkspaceId, t.SessionClusterId, t.FromState, t.ToState, t.ReasonCode, t.ReasonMessage, t.ObservedAt))
            .ToListAsync(cancellationToken);
        if (known is null && transitions.Count == 0)
        {
            return null;
        }

        DateTimeOffset? lastSeen = known?.LastSeen;
        if (known is { NoLongerListed: false })
        {
            // A listed session was seen by the newest recorded scan of its workspace.
            var mark = await db.WorkspaceScans.AsNoTracking().Where(w => w.WorkspaceId == workspaceId)
                .Select(w => (DateTimeOffset?)w.LastAsOf).FirstOrDefaultAsync(cancellationToken);
            if (mark > lastSeen)
            {
                lastSeen = mark;
            }
        }

        return new SessionHistoryTimeline(workspaceId, sessionClusterId, transitions, known?.NoLongerListed ?? false, lastSeen);
    }

    /// <summary>
    /// How many sessions were Running at each of <paramref name="points"/>, replayed from the recorded transitions:
    /// a session counts from the observation that showed it Running until the next transition (or until it was
    /// found no longer listed). Sessions are unknown before their first observation.
    /// </summary>
    /// <summary>When the portal first recorded the workspace's sessions (its first scan's transitions), or null if never.</summary>
    public async Task<DateTimeOffset?> FirstObservedAtAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        // Ids grow with each recording, so the first one is the earliest observation.
        return await db.StateTransitions.AsNoTracking()
            .Where(t => t.WorkspaceId == workspaceId)
            .OrderBy(t => t.Id)
            .Select(t => (DateTimeOffset?)t.ObservedAt)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RunningCount>> GetRunningSeriesAsync(
        string workspaceId, IReadOnlyList<DateTimeOffset> points, CancellationToken cancellationToken)
    {
        if (points.Count == 0)
        {
            return [];
        }

        var last = Truncate(points[^1]);
        await using var db = factory.CreateDbContext();
        var events = await db.StateTransitions.AsNoTracking()
            .Where(t => t.WorkspaceId == workspaceId && t.ObservedAt <= last)
            .Select(t => new { t.SessionClusterId, t.ToState, t.ObservedAt, t.Id })
            .ToListAsync(cancellationToken);
        var goneAt = await db.KnownSessions.AsNoTracking()
            .Where(k => k.WorkspaceId == workspaceId && k.NoLongerListed && k.NoLongerListedSince != null)
            .Select(k => new { k.SessionClusterId, k.NoLongerListedSince })
            .ToListAsync(cancellationToken);

        // (time, order, session, running?) — transitions before "gone" marks at the same instant.
        var timeline = events
            .Select(e => (At: e.ObservedAt, Order: e.Id, e.SessionClusterId, Running: e.ToState == SessionStates.Running))
            .Concat(goneAt.Select(g => (At: g.NoLongerListedSince!.Value, Order: long.MaxValue, g.SessionClusterId, Running: false)))
            .OrderBy(e => e.At).ThenBy(e => e.Order)
            .ToList();

        var running = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<RunningCount>(points.Count);
        var next = 0;
        foreach (var point in points)
        {
            while (next < timeline.Count && timeline[next].At <= point)
            {
                var e = timeline[next++];
                if (e.Running) running.Add(e.SessionClusterId);
                else running.Remove(e.SessionClusterId);
            }

            result.Add(new RunningCount(point, running.Count));
        }

        return result;
    }

    private static async Task<WorkspaceHistory> LoadHistoryAsync(PortalDbContext db, string workspaceId, CancellationToken cancellationToken)
    {
        var mark = await db.WorkspaceScans.AsNoTracking().Where(w => w.WorkspaceId == workspaceId)
            .Select(w => (DateTimeOffset?)w.LastAsOf).FirstOrDefaultAsync(cancellationToken);
        var rows = await db.KnownSessions.AsNoTracking()
            .Where(k => k.WorkspaceId == workspaceId)
            .Select(k => new { k.SessionClusterId, k.State, k.StateSince, k.NoLongerListed, Json = k.NoLongerListed ? k.SummaryJson : null })
            .ToListAsync(cancellationToken);
        var known = new Dictionary<string, KnownState>(rows.Count, StringComparer.Ordinal);
        var gone = new List<LastKnownSession>();
        foreach (var row in rows)
        {
            known[row.SessionClusterId] = new KnownState(row.State, row.StateSince);
            if (row.NoLongerListed && row.Json is not null)
            {
                gone.Add(new LastKnownSession(row.SessionClusterId, row.StateSince, row.Json));
            }
        }

        return new WorkspaceHistory(workspaceId, mark, known, gone);
    }

    internal static DateTimeOffset Truncate(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    private static string? Clip(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    /// <summary>Observers write in the recording's transaction: their rows commit or roll back with the transitions.</summary>
    private async Task NotifyObserversAsync(PortalDbContext db, RecordedChanges changes, CancellationToken cancellationToken)
    {
        foreach (var observer in _observers)
        {
            await observer.OnRecordingAsync(db, changes, cancellationToken);
        }
    }

    /// <summary>When each listed session entered its current state, after this recording.</summary>
    private static Dictionary<string, DateTimeOffset> StateSince(
        IReadOnlyList<ObservedSession> sessions, List<Observed> fresh, Dictionary<string, Observed> changed, Dictionary<string, KnownRow> known, DateTimeOffset asOf)
    {
        var since = new Dictionary<string, DateTimeOffset>(sessions.Count, StringComparer.Ordinal);
        foreach (var o in fresh)
        {
            since[o.Id] = o.FirstStateSince(asOf);
        }

        foreach (var session in sessions)
        {
            var id = session.SessionClusterId;
            if (since.ContainsKey(id))
            {
                continue;
            }

            since[id] = known.TryGetValue(id, out var k) && (!changed.TryGetValue(id, out var c) || k.State == c.State) ? k.StateSince : asOf;
        }

        return since;
    }

    private sealed record KnownRow(string SessionClusterId, string State, long SummaryHash, bool NoLongerListed, DateTimeOffset StateSince);

    /// <summary>A session as one snapshot showed it, in the form it is stored.</summary>
    private sealed record Observed(string Id, string State, string? ReasonCode, string? ReasonMessage, DateTimeOffset? StartTime, string Json, long Hash, ObservedSession Session)
    {
        public static Observed From(ObservedSession s)
        {
            var hash = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(s.SummaryJson)), 0);
            var state = Clip(string.IsNullOrEmpty(s.State) ? "Unknown" : s.State, PortalDbContext.StateLength)!;
            return new Observed(s.SessionClusterId, state, Clip(s.ReasonCode, PortalDbContext.ReasonCodeLength),
                Clip(s.ReasonMessage, PortalDbContext.ReasonMessageLength), s.StartTime, s.SummaryJson, hash, s);
        }

        /// <summary>
        /// A first observation says the session is in its state, not when it got there. For Starting/Running the
        /// cloud's own startTime is that moment; otherwise the observation is the best bound there is.
        /// </summary>
        public DateTimeOffset FirstStateSince(DateTimeOffset observedAt) =>
            State is SessionStates.Running or SessionStates.Starting && StartTime is { } started && started <= observedAt
                ? Truncate(started)
                : observedAt;

        public StateTransition Transition(string workspaceId, string? from, DateTimeOffset observedAt) => new()
        {
            WorkspaceId = workspaceId,
            SessionClusterId = Id,
            FromState = from,
            ToState = State,
            ReasonCode = ReasonCode,
            ReasonMessage = ReasonMessage,
            ObservedAt = observedAt,
        };
    }
}
