using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.Proxy.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// The delivery worker. While this instance holds the <see cref="DeliveryLease"/> it (1) fans new outbox events out
/// into in-portal notifications and webhook deliveries, deciding access with the rule owner's current roles, and
/// (2) sends due deliveries: at least once, exponential backoff with jitter, dead letter after
/// <see cref="NotificationOptions.MaxAttempts"/>. An attempt in flight when the host stops is finished and recorded
/// (bounded by the request timeout), so a restart does not send it again.
/// </summary>
internal sealed partial class NotificationDispatcher(
    IPortalDbFactory factory,
    PortalDatabaseReady ready,
    DeliveryLease lease,
    DispatchSignal signal,
    WebhookSender sender,
    AccessPolicy policy,
    IOptionsMonitor<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private const int FanOutBatch = 50;
    private const int DeliveryBatch = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ready.WhenReady.WaitAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var o = options.CurrentValue;
                if (o.Enabled)
                {
                    try
                    {
                        if (await lease.TryAcquireAsync(o.LeaseDuration, stoppingToken))
                        {
                            while (await FanOutAsync(stoppingToken) == FanOutBatch && !stoppingToken.IsCancellationRequested)
                            {
                            }

                            await DeliverDueAsync(stoppingToken);
                        }
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        LogCycleFailed(logger, ex.GetType().Name);
                    }
                }

                try
                {
                    await signal.WaitAsync(o.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await lease.ReleaseAsync(timeout.Token);
            }
            catch (Exception ex)
            {
                LogReleaseFailed(logger, ex.GetType().Name);
            }
        }
    }

    /// <summary>Fans out up to one batch of undispatched events; returns how many were handled.</summary>
    internal async Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var pending = await db.OutboxEvents.AsNoTracking().Where(e => e.DispatchedAt == null)
            .OrderBy(e => e.Id).Select(e => e.Id).Take(FanOutBatch).ToListAsync(cancellationToken);
        foreach (var id in pending)
        {
            await FanOutOneAsync(id, cancellationToken);
        }

        return pending.Count;
    }

    private async Task FanOutOneAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var e = await db.OutboxEvents.FirstOrDefaultAsync(x => x.Id == id && x.DispatchedAt == null, ct);
            if (e is null)
            {
                return;
            }

            var now = time.GetUtcNow();
            var rule = e.RuleId is { } ruleId ? await db.NotificationRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == ruleId, ct) : null;
            if (rule is { Enabled: true } && await MayReceiveAsync(db, rule, e.WorkspaceId, ct))
            {
                var envelope = JsonSerializer.Deserialize(e.PayloadJson, PortalJsonContext.Default.WebhookEnvelope)!;
                var muted = await db.NotificationMutes.AnyAsync(m => m.UserId == rule.OwnerId && m.WorkspaceId == e.WorkspaceId
                    && (m.RuleId == null || m.RuleId == rule.Id) && (m.Until == null || m.Until > now), ct);
                if (!muted && !await db.UserNotifications.AnyAsync(n => n.UserId == rule.OwnerId && n.EventId == e.EventId, ct))
                {
                    db.UserNotifications.Add(new UserNotification
                    {
                        UserId = rule.OwnerId,
                        EventId = e.EventId,
                        RuleId = rule.Id,
                        WorkspaceId = e.WorkspaceId,
                        SessionClusterId = e.SessionClusterId,
                        Type = e.Type,
                        Title = envelope.Title,
                        Text = envelope.Text,
                        Link = NotificationEnvelopes.RelativeLink(e.WorkspaceId, e.SessionClusterId),
                        OccurredAt = envelope.OccurredAt,
                    });
                }

                foreach (var destinationId in DestinationIds(rule.DestinationIdsJson))
                {
                    var destination = await db.WebhookDestinations.AsNoTracking().FirstOrDefaultAsync(d => d.Id == destinationId, ct);
                    if (destination is { Enabled: true } && destination.WorkspaceId == e.WorkspaceId
                        && !await db.WebhookDeliveries.AnyAsync(d => d.EventId == e.EventId && d.DestinationId == destinationId, ct))
                    {
                        db.WebhookDeliveries.Add(new WebhookDelivery
                        {
                            EventId = e.EventId,
                            DestinationId = destinationId,
                            WorkspaceId = e.WorkspaceId,
                            EventType = e.Type,
                            State = DeliveryStates.Pending,
                            NextAttemptAt = now,
                            CreatedAt = now,
                        });
                    }
                }
            }

            e.DispatchedAt = now;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    /// <summary>
    /// Roles at send time: the owner's roles and groups as last presented to the API, checked against the current
    /// access configuration; admin-only rule kinds also need Portal.Admin still.
    /// </summary>
    internal async Task<bool> MayReceiveAsync(PortalDbContext db, NotificationRule rule, string workspaceId, CancellationToken cancellationToken)
    {
        var subscriber = await db.NotificationSubscribers.AsNoTracking().FirstOrDefaultAsync(s => s.UserId == rule.OwnerId, cancellationToken);
        if (subscriber is null)
        {
            return false;
        }

        var caller = new Caller(subscriber.UserId, subscriber.Name ?? subscriber.UserId, ReadList(subscriber.RolesJson), ReadList(subscriber.GroupsJson));
        return policy.CanSee(caller, workspaceId) && (!RuleKinds.AdminOnly.Contains(rule.Kind) || caller.IsAdmin);
    }

    /// <summary>Sends the due deliveries of one batch (renewing the lease before each); returns how many were attempted.</summary>
    internal async Task<int> DeliverDueAsync(CancellationToken stoppingToken)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        List<long> due;
        await using (var db = factory.CreateDbContext())
        {
            due = await db.WebhookDeliveries.AsNoTracking()
                .Where(d => d.State == DeliveryStates.Pending && d.NextAttemptAt <= now)
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Select(d => d.Id).Take(DeliveryBatch).ToListAsync(stoppingToken);
        }

        var attempted = 0;
        foreach (var id in due)
        {
            if (stoppingToken.IsCancellationRequested || !await lease.TryAcquireAsync(o.LeaseDuration, stoppingToken))
            {
                break;
            }

            // From here on the attempt is finished and recorded even if the host is stopping (bounded by the request
            // timeout): abandoning it after sending would make the next instance send it again.
            await DeliverOneAsync(id, CancellationToken.None);
            attempted++;
        }

        return attempted;
    }

    private async Task DeliverOneAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var delivery = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id && d.State == DeliveryStates.Pending, cancellationToken);
        if (delivery is null)
        {
            return;
        }

        var destination = await db.WebhookDestinations.AsNoTracking().FirstOrDefaultAsync(d => d.Id == delivery.DestinationId, cancellationToken);
        var e = await db.OutboxEvents.AsNoTracking().FirstOrDefaultAsync(x => x.EventId == delivery.EventId, cancellationToken);
        var rule = e?.RuleId is { } ruleId ? await db.NotificationRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == ruleId, cancellationToken) : null;
        var now = time.GetUtcNow();
        if (destination is not { Enabled: true } || e is null)
        {
            await FinishAsync(db, delivery, DeliveryStates.Cancelled, delivery.Attempts, null, "The destination was removed or disabled.", now, now, cancellationToken);
            return;
        }

        if (rule is null || !rule.Enabled || !await MayReceiveAsync(db, rule, delivery.WorkspaceId, cancellationToken))
        {
            await FinishAsync(db, delivery, DeliveryStates.Cancelled, delivery.Attempts, null, "The rule was removed, or its owner may no longer see this workspace.", now, now, cancellationToken);
            return;
        }

        var envelope = JsonSerializer.Deserialize(e.PayloadJson, PortalJsonContext.Default.WebhookEnvelope)!;
        var outcome = await sender.SendAsync(destination.Format, destination.Url, destination.Secret, envelope, cancellationToken);
        var attempts = delivery.Attempts + 1;
        var finished = time.GetUtcNow();
        if (outcome.Delivered)
        {
            await FinishAsync(db, delivery, DeliveryStates.Delivered, attempts, outcome.StatusCode, null, finished, finished, cancellationToken);
            LogDelivered(logger, delivery.EventId, destination.Id, attempts);
            return;
        }

        var o = options.CurrentValue;
        var dead = !outcome.Retryable || attempts >= o.MaxAttempts;
        var next = dead ? finished : finished + Backoff(attempts, o);
        await FinishAsync(db, delivery, dead ? DeliveryStates.DeadLetter : DeliveryStates.Pending, attempts, outcome.StatusCode, outcome.Error, finished, next, cancellationToken);
        if (dead)
        {
            LogDeadLetter(logger, delivery.EventId, destination.Id, attempts, outcome.StatusCode);
        }
        else
        {
            LogRetrying(logger, delivery.EventId, destination.Id, attempts, outcome.StatusCode, (long)(next - finished).TotalMilliseconds);
        }
    }

    /// <summary>base × 2^(attempt-1), at most the maximum, ±20 % jitter so many failures do not retry in step.</summary>
    internal static TimeSpan Backoff(int attempts, NotificationOptions o)
    {
        var exponent = Math.Min(attempts - 1, 30);
        var raw = o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        var capped = Math.Min(raw, o.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private static async Task FinishAsync(
        PortalDbContext db, WebhookDelivery delivery, string state, int attempts, int? status, string? error,
        DateTimeOffset attemptedAt, DateTimeOffset next, CancellationToken cancellationToken)
    {
        var clipped = error is { Length: > PortalDbContext.ErrorLength } ? error[..PortalDbContext.ErrorLength] : error;
        await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.State == DeliveryStates.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.State, state)
                .SetProperty(d => d.Attempts, attempts)
                .SetProperty(d => d.LastStatusCode, status)
                .SetProperty(d => d.LastError, clipped)
                .SetProperty(d => d.LastAttemptAt, attemptedAt)
                .SetProperty(d => d.NextAttemptAt, next), cancellationToken);
    }

    internal static IReadOnlyList<Guid> DestinationIds(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, NotificationsJsonContext.Default.ListGuid) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string[] ReadList(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, NotificationsJsonContext.Default.StringArray) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    [LoggerMessage(EventId = 7311, Level = LogLevel.Information, Message = "Webhook event {EventId} delivered to destination {DestinationId} (attempt {Attempts})")]
    private static partial void LogDelivered(ILogger logger, string eventId, Guid destinationId, int attempts);

    [LoggerMessage(EventId = 7312, Level = LogLevel.Warning, Message = "Webhook event {EventId} to destination {DestinationId} failed (attempt {Attempts}, HTTP {Status}); retry in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string eventId, Guid destinationId, int attempts, int? status, long delayMs);

    [LoggerMessage(EventId = 7313, Level = LogLevel.Warning, Message = "Webhook event {EventId} to destination {DestinationId} is a dead letter after {Attempts} attempts (HTTP {Status})")]
    private static partial void LogDeadLetter(ILogger logger, string eventId, Guid destinationId, int attempts, int? status);

    [LoggerMessage(EventId = 7314, Level = LogLevel.Warning, Message = "Notification delivery cycle failed ({ErrorType}); it runs again at the next poll")]
    private static partial void LogCycleFailed(ILogger logger, string errorType);

    [LoggerMessage(EventId = 7315, Level = LogLevel.Debug, Message = "Could not release the delivery lease ({ErrorType}); it expires on its own")]
    private static partial void LogReleaseFailed(ILogger logger, string errorType);
}

/// <summary>Source-generated JSON for the notification tables' small JSON columns.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(List<Guid>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class NotificationsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
