using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Sessions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// Detection where snapshots are recorded: inside the recording's transaction it evaluates the workspace's enabled
/// rules against what changed and writes one outbox event per match, so a transition and its events commit together
/// (a crash loses neither; a failed recording is retried with both).
/// </summary>
internal sealed class NotificationDetector(
    NotificationEnvelopes envelopes,
    ReleaseCatalog releases,
    IOptionsMonitor<CloudIdentityOptions> identities,
    IOptionsMonitor<NotificationOptions> options,
    DispatchSignal signal,
    TimeProvider time) : IRecordingObserver
{
    private static readonly string[] SnapshotKinds = [RuleKinds.SessionError, RuleKinds.LongRunning, RuleKinds.ReleaseRetired, RuleKinds.ViewMembership];

    public async Task OnRecordingAsync(PortalDbContext db, RecordedChanges changes, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Enabled)
        {
            return;
        }

        var rules = await db.NotificationRules.AsNoTracking()
            .Where(r => r.WorkspaceId == changes.WorkspaceId && r.Enabled && SnapshotKinds.Contains(r.Kind))
            .ToListAsync(cancellationToken);
        if (rules.Count == 0)
        {
            return;
        }

        var specs = rules.Select(NotificationEnvelopes.Spec).ToList();
        var context = new DetectionContext(
            OwnersOf,
            await LoadViewsAsync(db, changes.WorkspaceId, specs, cancellationToken),
            specs.Any(r => r.Kind == RuleKinds.ReleaseRetired) ? releases.OnlineVersions() : null);
        var input = ToInput(changes, needsActive: specs.Any(r => r.Kind is RuleKinds.LongRunning or RuleKinds.ReleaseRetired));
        var detected = RuleEvaluator.Evaluate(input, specs, context);
        if (detected.Count == 0)
        {
            return;
        }

        await WriteAsync(db, detected.Select(d => (d, envelopes.Create(d.EventId, d.Type, changes.WorkspaceId, d.Rule, d.Session, d.PreviousState, d.OccurredAt))).ToList(), time.GetUtcNow(), cancellationToken);
        signal.Signal();
    }

    /// <summary>Adds the events not yet in the outbox (by their deterministic id) and saves.</summary>
    internal static async Task<int> WriteAsync(PortalDbContext db, IReadOnlyList<(DetectedEvent Event, WebhookEnvelope Envelope)> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = events.Select(e => e.Event.EventId).Distinct(StringComparer.Ordinal).ToList();
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(500))
        {
            existing.UnionWith(await db.OutboxEvents.AsNoTracking().Where(o => chunk.Contains(o.EventId)).Select(o => o.EventId).ToListAsync(cancellationToken));
        }

        var added = 0;
        foreach (var (e, envelope) in events)
        {
            if (!existing.Add(e.EventId))
            {
                continue;
            }

            db.OutboxEvents.Add(new OutboxEvent
            {
                EventId = e.EventId,
                WorkspaceId = envelope.WorkspaceId,
                Type = e.Type,
                RuleId = e.Rule.Id,
                SessionClusterId = e.Session?.SessionClusterId,
                PayloadJson = JsonSerializer.Serialize(envelope, PortalJsonContext.Default.WebhookEnvelope),
                CreatedAt = now,
            });
            added++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return added;
    }

    /// <summary>
    /// The recording in the API's shapes: the stored summary documents of changed sessions are read back; the listed
    /// sessions only when a threshold rule needs them, and then only the Starting/Running ones.
    /// </summary>
    internal static DetectionInput ToInput(RecordedChanges changes, bool needsActive)
    {
        var diffs = new List<SessionDiff>(changes.Changes.Count);
        foreach (var change in changes.Changes)
        {
            diffs.Add(new SessionDiff(change.SessionClusterId, Read(change.PreviousSummaryJson), Read(change.Current?.SummaryJson), change.PreviousState));
        }

        var active = new List<SessionSummaryDto>();
        if (needsActive)
        {
            foreach (var session in changes.Sessions)
            {
                if (session.State is SessionStates.Running or SessionStates.Starting && Read(session.SummaryJson) is { } summary)
                {
                    active.Add(summary);
                }
            }
        }

        return new DetectionInput(changes.WorkspaceId, changes.AsOf, changes.PreviousAsOf, active, diffs, changes.StateSince);
    }

    private static SessionSummaryDto? Read(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, PortalJsonContext.Default.SessionSummaryDto);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private OwnerSet OwnersOf(string userId) =>
        new(identities.CurrentValue.CloudUsers.TryGetValue(userId, out var names) ? names : []);

    private static async Task<IReadOnlyDictionary<Guid, SessionView>> LoadViewsAsync(
        PortalDbContext db, string workspaceId, IReadOnlyList<RuleSpec> rules, CancellationToken cancellationToken)
    {
        var ids = rules.Where(r => r.ViewId is not null).Select(r => r.ViewId!.Value).Distinct().ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<Guid, SessionView>();
        }

        var views = new Dictionary<Guid, SessionView>();
        foreach (var saved in await db.SavedViews.AsNoTracking().Where(v => v.WorkspaceId == workspaceId && ids.Contains(v.Id)).ToListAsync(cancellationToken))
        {
            if (ParseView(saved.Query) is { } view)
            {
                views[saved.Id] = view;
            }
        }

        return views;
    }

    /// <summary>A saved view's stored query as the session list would read it (null if it no longer parses).</summary>
    internal static SessionView? ParseView(string query)
    {
        var parsed = QueryHelpers.ParseQuery(query);
        var list = SessionListQuery.From(key => parsed.TryGetValue(key, out var v) ? v.ToString() : null);
        return list.TryParse(out var view, out _) ? view : null;
    }
}

/// <summary>Wakes the delivery worker of this instance when events were written here.</summary>
internal sealed class DispatchSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
