using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// Webhook destinations of a workspace (Portal.Admin), "send test", and the dead-letter list. URLs are checked
/// against the SSRF policy when saved (and again at every connection); URL and secret never leave the proxy.
/// </summary>
internal sealed class WebhookDestinations(
    IPortalDbFactory factory, WebhookUrlPolicy urls, WebhookSender sender, NotificationEnvelopes envelopes, TimeProvider time)
{
    public const string AdminOnlyDetail = "Only Portal.Admin may manage webhook destinations and deliveries.";

    public async Task<IReadOnlyList<WebhookDestinationDto>> ListAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var rows = await db.WebhookDestinations.AsNoTracking().Where(d => d.WorkspaceId == workspaceId).ToListAsync(cancellationToken);
        return rows.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase).Select(ToDto).ToList();
    }

    public async Task<Results<Created<WebhookDestinationDto>, Ok<WebhookDestinationDto>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Caller caller, string workspaceId, Guid? destinationId, WebhookDestinationRequest? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON body { \"name\", \"format\", \"url\", \"secret\"? } is required."] });
        }

        await using var db = factory.CreateDbContext();
        WebhookDestination? existing = null;
        if (destinationId is { } id)
        {
            existing = await db.WebhookDestinations.FirstOrDefaultAsync(d => d.Id == id && d.WorkspaceId == workspaceId, cancellationToken);
            if (existing is null)
            {
                return ApiProblems.NotFound("No such webhook destination in this workspace.");
            }
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > PortalDbContext.RuleNameLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"1 to {PortalDbContext.RuleNameLength} characters, no control characters."];
        }

        var format = WebhookFormats.All.FirstOrDefault(f => string.Equals(f, request.Format?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (format is null)
        {
            errors["format"] = [$"Use one of: {string.Join(", ", WebhookFormats.All)}."];
        }

        var url = request.Url?.Trim();
        if (existing is null || url is not null)
        {
            if (await urls.CheckAsync(url, cancellationToken) is { } refusal)
            {
                errors["url"] = [refusal];
            }
        }

        if (request.Secret is { } secret && (secret.Length > PortalDbContext.SecretLength || secret.Any(char.IsControl)))
        {
            errors["secret"] = [$"At most {PortalDbContext.SecretLength} characters, no control characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await db.WebhookDestinations.AnyAsync(d => d.WorkspaceId == workspaceId && d.Name == name && d.Id != (existing == null ? Guid.Empty : existing.Id), cancellationToken))
        {
            return ApiProblems.Conflict("A webhook destination with this name already exists in this workspace.");
        }

        var now = time.GetUtcNow();
        var destination = existing ?? new WebhookDestination
        {
            Id = Guid.NewGuid(),
            WorkspaceId = workspaceId,
            Name = name!,
            Format = format!,
            Url = url!,
            CreatedBy = caller.UserId,
            CreatedAt = now,
        };
        destination.Name = name!;
        destination.Format = format!;
        destination.Enabled = request.Enabled;
        destination.UpdatedAt = now;
        if (url is not null)
        {
            destination.Url = url;
        }

        if (request.Secret is { } newSecret)
        {
            destination.Secret = newSecret.Length == 0 ? null : newSecret;
        }

        if (existing is null)
        {
            db.WebhookDestinations.Add(destination);
        }

        await db.SaveChangesAsync(cancellationToken);
        var dto = ToDto(destination);
        return existing is null ? TypedResults.Created($"/api/v1/workspaces/{workspaceId}/webhooks/{destination.Id}", dto) : TypedResults.Ok(dto);
    }

    public async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string workspaceId, Guid destinationId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var removed = await db.WebhookDestinations.Where(d => d.Id == destinationId && d.WorkspaceId == workspaceId).ExecuteDeleteAsync(cancellationToken);
        return removed > 0 ? TypedResults.NoContent() : ApiProblems.NotFound("No such webhook destination in this workspace.");
    }

    /// <summary>Sends a test event now (not queued, not retried) and reports the receiver's answer.</summary>
    public async Task<Results<Ok<WebhookTestResultDto>, ProblemHttpResult>> TestAsync(string workspaceId, Guid destinationId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var destination = await db.WebhookDestinations.AsNoTracking().FirstOrDefaultAsync(d => d.Id == destinationId && d.WorkspaceId == workspaceId, cancellationToken);
        if (destination is null)
        {
            return ApiProblems.NotFound("No such webhook destination in this workspace.");
        }

        var now = time.GetUtcNow();
        var eventId = EventIds.For("test", destinationId.ToString(), Guid.NewGuid().ToString());
        var envelope = envelopes.Create(eventId, EventTypes.Test, workspaceId, null, null, null, now);
        var outcome = await sender.SendAsync(destination.Format, destination.Url, destination.Secret, envelope, cancellationToken);
        return TypedResults.Ok(new WebhookTestResultDto(outcome.Delivered, outcome.StatusCode, outcome.Error, eventId));
    }

    public async Task<DeliveryPageDto> DeadLettersAsync(string? workspaceId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.State == DeliveryStates.DeadLetter);
        if (workspaceId is not null)
        {
            query = query.Where(d => d.WorkspaceId == workspaceId);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(d => d.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.DestinationId).Distinct().ToList();
        var names = await db.WebhookDestinations.AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var items = rows.Select(d => new DeliveryDto(d.Id, d.EventId, d.EventType, d.WorkspaceId, d.DestinationId,
            names.GetValueOrDefault(d.DestinationId) ?? "(removed)", d.State, d.Attempts, d.LastError, d.LastStatusCode, d.CreatedAt, d.LastAttemptAt)).ToList();
        return new DeliveryPageDto(items, total, page, pageSize);
    }

    public async Task<Results<Accepted, ProblemHttpResult>> RetryAsync(long deliveryId, DispatchSignal signal, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow();
        var updated = await db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.State == DeliveryStates.DeadLetter)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryStates.Pending).SetProperty(d => d.Attempts, 0).SetProperty(d => d.NextAttemptAt, now), cancellationToken);
        if (updated == 0)
        {
            return ApiProblems.NotFound("No such dead letter.");
        }

        signal.Signal();
        return TypedResults.Accepted($"/api/v1/notifications/dead-letters/{deliveryId}");
    }

    internal static WebhookDestinationDto ToDto(WebhookDestination d) => new(
        d.Id, d.WorkspaceId, d.Name, d.Format, UrlHint(d.Url), d.Secret is not null, SecretHint(d.Secret), d.Enabled, d.CreatedBy, d.CreatedAt, d.UpdatedAt);

    /// <summary>Scheme and host only: paths and queries of webhook URLs are often the credential (Slack, Teams, DingTalk).</summary>
    internal static string UrlHint(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "…";

    internal static string? SecretHint(string? secret) =>
        secret is null ? null : secret.Length >= 16 ? "••••" + secret[^4..] : "••••";
}
