using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.Proxy.Notifications;

/// <summary>Rules CRUD (the route group's gate has already decided the caller may see the workspace).</summary>
internal sealed class NotificationRules(IPortalDbFactory factory, Subscribers subscribers, TimeProvider time)
{
    public const int MaxRulesPerUserAndWorkspace = 50;

    public async Task<IReadOnlyList<NotificationRuleDto>> ListAsync(Caller caller, string workspaceId, CancellationToken cancellationToken)
    {
        await subscribers.TouchAsync(caller, cancellationToken);
        await using var db = factory.CreateDbContext();
        var rules = await db.NotificationRules.AsNoTracking()
            .Where(r => r.WorkspaceId == workspaceId && (caller.IsAdmin || r.OwnerId == caller.UserId))
            .ToListAsync(cancellationToken);
        return rules.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(ToDto).ToList();
    }

    public async Task<Results<Created<NotificationRuleDto>, Ok<NotificationRuleDto>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Caller caller, string workspaceId, Guid? ruleId, NotificationRuleRequest? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON body { \"kind\": … } is required."] });
        }

        await subscribers.TouchAsync(caller, cancellationToken);
        await using var db = factory.CreateDbContext();
        NotificationRule? existing = null;
        if (ruleId is { } id)
        {
            existing = await db.NotificationRules.FirstOrDefaultAsync(r => r.Id == id && r.WorkspaceId == workspaceId, cancellationToken);
            if (existing is null)
            {
                return ApiProblems.NotFound("No such rule in this workspace.");
            }

            if (existing.OwnerId != caller.UserId && !caller.IsAdmin)
            {
                return ApiProblems.AdminOnly("Only the rule's owner or Portal.Admin may change it.");
            }
        }

        var kind = RuleKinds.All.FirstOrDefault(k => string.Equals(k, request.Kind?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (kind is not null && RuleKinds.AdminOnly.Contains(kind) && !caller.IsAdmin)
        {
            return ApiProblems.AdminOnly("Only Portal.Admin may create rules about the portal's cloud identity or the cloud API's health.");
        }

        var destinations = request.DestinationIds?.Distinct().ToList() ?? [];
        if (destinations.Count > 0 && !caller.IsAdmin)
        {
            return ApiProblems.AdminOnly("Only Portal.Admin may send a rule's events to webhook destinations.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (kind is null)
        {
            errors["kind"] = [$"Use one of: {string.Join(", ", RuleKinds.All)}."];
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            name = kind ?? "rule";
        }
        else if (name.Length > PortalDbContext.RuleNameLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"1 to {PortalDbContext.RuleNameLength} characters, no control characters."];
        }

        string? queue = null, sessionKind = null;
        int? hours = null, minutes = null;
        Guid? viewId = null;
        var onlyMine = false;
        switch (kind)
        {
            case RuleKinds.SessionError:
                onlyMine = request.OnlyMine;
                queue = string.IsNullOrWhiteSpace(request.Queue) ? null : request.Queue.Trim();
                if (queue is not null && (queue.Length > 200 || queue.Any(char.IsControl)))
                {
                    errors["queue"] = ["At most 200 characters, no control characters."];
                }

                if (!string.IsNullOrWhiteSpace(request.SessionKind))
                {
                    sessionKind = SessionKinds.All.FirstOrDefault(k => string.Equals(k, request.SessionKind.Trim(), StringComparison.OrdinalIgnoreCase));
                    if (sessionKind is null)
                    {
                        errors["sessionKind"] = [$"Use one of: {string.Join(", ", SessionKinds.All)}."];
                    }
                }

                break;
            case RuleKinds.LongRunning:
                hours = request.Hours;
                if (hours is not (>= 1 and <= 720))
                {
                    errors["hours"] = ["Required: 1 to 720."];
                }

                break;
            case RuleKinds.UpstreamDegraded:
                minutes = request.Minutes;
                if (minutes is not (>= 1 and <= 1440))
                {
                    errors["minutes"] = ["Required: 1 to 1440."];
                }

                break;
            case RuleKinds.ViewMembership:
                viewId = request.ViewId;
                if (viewId is not { } v || !await db.SavedViews.AnyAsync(x => x.Id == v && x.WorkspaceId == workspaceId, cancellationToken))
                {
                    errors["viewId"] = ["Required: a saved view of this workspace."];
                }

                break;
        }

        foreach (var destinationId in destinations)
        {
            if (!await db.WebhookDestinations.AnyAsync(d => d.Id == destinationId && d.WorkspaceId == workspaceId, cancellationToken))
            {
                errors["destinationIds"] = ["Every id must be a webhook destination of this workspace."];
                break;
            }
        }

        if (existing is null && await db.NotificationRules.CountAsync(r => r.WorkspaceId == workspaceId && r.OwnerId == caller.UserId, cancellationToken) >= MaxRulesPerUserAndWorkspace)
        {
            errors["kind"] = [$"At most {MaxRulesPerUserAndWorkspace} rules per user and workspace."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var rule = existing ?? new NotificationRule
        {
            Id = Guid.NewGuid(),
            WorkspaceId = workspaceId,
            OwnerId = caller.UserId,
            OwnerName = Clip(caller.Name, PortalDbContext.UserNameLength),
            Kind = kind!,
            Name = name,
            CreatedAt = now,
        };
        rule.Kind = kind!;
        rule.Name = name;
        rule.Enabled = request.Enabled;
        rule.OnlyMine = onlyMine;
        rule.Queue = queue;
        rule.SessionKind = sessionKind;
        rule.Hours = hours;
        rule.Minutes = minutes;
        rule.ViewId = viewId;
        rule.DestinationIdsJson = JsonSerializer.Serialize(destinations, NotificationsJsonContext.Default.ListGuid);
        rule.UpdatedAt = now;
        if (existing is null)
        {
            db.NotificationRules.Add(rule);
        }

        await db.SaveChangesAsync(cancellationToken);
        var dto = ToDto(rule);
        return existing is null
            ? TypedResults.Created($"/api/v1/workspaces/{workspaceId}/notification-rules/{rule.Id}", dto)
            : TypedResults.Ok(dto);
    }

    public async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Caller caller, string workspaceId, Guid ruleId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var rule = await db.NotificationRules.FirstOrDefaultAsync(r => r.Id == ruleId && r.WorkspaceId == workspaceId, cancellationToken);
        if (rule is null)
        {
            return ApiProblems.NotFound("No such rule in this workspace.");
        }

        if (rule.OwnerId != caller.UserId && !caller.IsAdmin)
        {
            return ApiProblems.AdminOnly("Only the rule's owner or Portal.Admin may delete it.");
        }

        db.NotificationRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    internal static NotificationRuleDto ToDto(NotificationRule r) => new(
        r.Id, r.WorkspaceId, r.Kind, r.Name, r.Enabled, r.OnlyMine, r.Queue, r.SessionKind, r.Hours, r.Minutes, r.ViewId,
        NotificationDispatcher.DestinationIds(r.DestinationIdsJson), r.OwnerId, r.OwnerName, r.CreatedAt);

    private static string Clip(string value, int length) => value.Length <= length ? value : value[..length];
}
