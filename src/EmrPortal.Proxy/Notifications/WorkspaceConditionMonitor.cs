using System.Threading.Channels;
using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.Proxy.Snapshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// Workspace-level conditions for the admin rules: a refresh refused for permission starts "cloud permission lost";
/// any other failed refresh (throttling, 5xx, network) starts "upstream failing". The condition's start is kept in
/// the database (shared by instances); events are keyed by rule and that start, so each episode notifies once. A
/// successful refresh ends the episode. Work runs on its own loop: the refresh task only enqueues.
/// </summary>
internal sealed partial class WorkspaceConditionMonitor(
    IPortalDbFactory factory,
    PortalDatabaseReady ready,
    NotificationEnvelopes envelopes,
    IOptionsMonitor<NotificationOptions> options,
    DispatchSignal signal,
    TimeProvider time,
    ILogger<WorkspaceConditionMonitor> logger) : BackgroundService, ISnapshotObserver
{
    public const string PermissionCondition = "cloud-permission";
    public const string FailingCondition = "upstream-failing";

    private readonly Channel<(string WorkspaceId, string? Condition, DateTimeOffset At)> _queue =
        Channel.CreateBounded<(string, string?, DateTimeOffset)>(new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _maybeFailing = new(StringComparer.Ordinal);

    public void OnPublished(Snapshot snapshot)
    {
        // Only workspaces this instance saw failing, or on the first publication after start (another instance may have).
        if (_maybeFailing.TryRemove(snapshot.WorkspaceId, out _) || _seen.TryAdd(snapshot.WorkspaceId, true))
        {
            _queue.Writer.TryWrite((snapshot.WorkspaceId, null, time.GetUtcNow()));
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

    public void OnRefreshFailed(string workspaceId, Exception error)
    {
        _maybeFailing[workspaceId] = true;
        var condition = Extensions.ProxyExceptionHandler.IsCloudPermissionDenied(error) ? PermissionCondition : FailingCondition;
        _queue.Writer.TryWrite((workspaceId, condition, time.GetUtcNow()));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ready.WhenReady.WaitAsync(stoppingToken);
        await foreach (var (workspaceId, condition, at) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (condition is null)
                {
                    await ClearAsync(workspaceId, stoppingToken);
                }
                else if (options.CurrentValue.Enabled)
                {
                    await RecordAsync(workspaceId, condition, at, stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, workspaceId, ex.GetType().Name);
            }
        }
    }

    internal async Task ClearAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        await db.WorkspaceConditions.Where(c => c.WorkspaceId == workspaceId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Starts (or continues) the condition and writes the events of the rules it now satisfies.</summary>
    internal async Task<int> RecordAsync(string workspaceId, string condition, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var strategy = db.Database.CreateExecutionStrategy();
        var added = await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var since = await db.WorkspaceConditions.AsNoTracking()
                .Where(c => c.WorkspaceId == workspaceId && c.Condition == condition).Select(c => (DateTimeOffset?)c.Since).FirstOrDefaultAsync(ct);
            if (since is null)
            {
                db.WorkspaceConditions.Add(new WorkspaceCondition { WorkspaceId = workspaceId, Condition = condition, Since = at });
                try
                {
                    await db.SaveChangesAsync(ct);
                    since = at;
                }
                catch (DbUpdateException)
                {
                    // Another instance started it at the same time: use its start.
                    await transaction.RollbackAsync(ct);
                    return -1;
                }
            }

            var kind = condition == PermissionCondition ? RuleKinds.CloudPermissionLost : RuleKinds.UpstreamDegraded;
            var type = condition == PermissionCondition ? EventTypes.CloudPermissionLost : EventTypes.UpstreamDegraded;
            var rules = await db.NotificationRules.AsNoTracking().Where(r => r.WorkspaceId == workspaceId && r.Enabled && r.Kind == kind).ToListAsync(ct);
            var events = new List<(DetectedEvent, Contracts.Notifications.WebhookEnvelope)>();
            foreach (var rule in rules.Select(NotificationEnvelopes.Spec))
            {
                if (kind == RuleKinds.UpstreamDegraded && (rule.Minutes is not { } minutes || at - since.Value < TimeSpan.FromMinutes(minutes)))
                {
                    continue;
                }

                var id = EventIds.For(rule.Id.ToString(), type, workspaceId, EventIds.Instant(since.Value));
                var detected = new DetectedEvent(id, type, rule, null, null, at);
                events.Add((detected, envelopes.Create(id, type, workspaceId, rule, null, null, at)));
            }

            var written = events.Count == 0 ? 0 : await NotificationDetector.WriteAsync(db, events, at, ct);
            await transaction.CommitAsync(ct);
            return written;
        }, cancellationToken);
        if (added < 0)
        {
            return await RecordAsync(workspaceId, condition, at, cancellationToken);
        }

        if (added > 0)
        {
            signal.Signal();
        }

        return added;
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "Workspace condition of {WorkspaceId} not recorded ({ErrorType})")]
    private static partial void LogFailed(ILogger logger, string workspaceId, string errorType);
}
