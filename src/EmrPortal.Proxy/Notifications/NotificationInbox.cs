using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// The caller's notification centre and mutes. Only notifications of workspaces the caller may see now are listed or
/// counted, so access revoked after delivery hides them too.
/// </summary>
internal sealed class NotificationInbox(IPortalDbFactory factory, Subscribers subscribers, AccessPolicy policy, TimeProvider time)
{
    public const int MaxPageSize = 100;
    public const int MaxMarkIds = 500;

    public async Task<NotificationPageDto> ListAsync(Caller caller, int page, int pageSize, bool unreadOnly, CancellationToken cancellationToken)
    {
        await subscribers.TouchAsync(caller, cancellationToken);
        await using var db = factory.CreateDbContext();
        var visible = await VisibleWorkspacesAsync(db, caller, cancellationToken);
        var mine = db.UserNotifications.AsNoTracking().Where(n => n.UserId == caller.UserId && visible.Contains(n.WorkspaceId));
        var unread = await mine.CountAsync(n => !n.Read, cancellationToken);
        var query = unreadOnly ? mine.Where(n => !n.Read) : mine;
        var total = unreadOnly ? unread : await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(n => n.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new NotificationPageDto(items.Select(ToDto).ToList(), total, unread, page, pageSize);
    }

    public async Task<UnreadCountDto> UnreadAsync(Caller caller, CancellationToken cancellationToken)
    {
        await subscribers.TouchAsync(caller, cancellationToken);
        await using var db = factory.CreateDbContext();
        var visible = await VisibleWorkspacesAsync(db, caller, cancellationToken);
        var mine = db.UserNotifications.AsNoTracking().Where(n => n.UserId == caller.UserId && visible.Contains(n.WorkspaceId));
        var count = await mine.CountAsync(n => !n.Read, cancellationToken);
        var latest = await mine.MaxAsync(n => (long?)n.Id, cancellationToken) ?? 0;
        return new UnreadCountDto(count, latest);
    }

    public async Task<Results<Ok<MarkReadResultDto>, ValidationProblem>> MarkReadAsync(Caller caller, MarkReadRequest? request, CancellationToken cancellationToken)
    {
        var ids = request?.Ids?.Distinct().ToList() ?? [];
        if (request is null || (!request.All && ids.Count == 0) || ids.Count > MaxMarkIds
            || (request.WorkspaceId is not null && !Ids.IsValid(request.WorkspaceId)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = [$"Give {{ \"ids\": [..] }} (at most {MaxMarkIds}) or {{ \"all\": true, \"workspaceId\"?: … }}."],
            });
        }

        await using var db = factory.CreateDbContext();
        var target = db.UserNotifications.Where(n => n.UserId == caller.UserId && !n.Read);
        target = request.All
            ? (request.WorkspaceId is { } ws ? target.Where(n => n.WorkspaceId == ws) : target)
            : target.Where(n => ids.Contains(n.Id));
        var marked = await target.ExecuteUpdateAsync(s => s.SetProperty(n => n.Read, true), cancellationToken);
        return TypedResults.Ok(new MarkReadResultDto(marked, (await UnreadAsync(caller, cancellationToken)).Count));
    }

    public async Task<IReadOnlyList<MuteDto>> MutesAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow();
        var mutes = await db.NotificationMutes.AsNoTracking()
            .Where(m => m.UserId == caller.UserId && (m.Until == null || m.Until > now)).ToListAsync(cancellationToken);
        return mutes.OrderBy(m => m.CreatedAt).Select(ToDto).ToList();
    }

    public async Task<Results<Created<MuteDto>, ValidationProblem, ProblemHttpResult>> MuteAsync(Caller caller, MuteRequest? request, CancellationToken cancellationToken)
    {
        if (request is null || !Ids.IsValid(request.WorkspaceId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["workspaceId"] = ["Required: a workspace id (^[A-Za-z0-9_-]{1,64}$)."] });
        }

        if (!policy.CanSee(caller, request.WorkspaceId))
        {
            return ApiProblems.Forbidden();
        }

        var now = time.GetUtcNow();
        if (request.Until is { } until && until <= now)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["until"] = ["Must be in the future (or omitted: until removed)."] });
        }

        await using var db = factory.CreateDbContext();
        if (request.RuleId is { } ruleId && !await db.NotificationRules.AnyAsync(r => r.Id == ruleId && r.WorkspaceId == request.WorkspaceId, cancellationToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ruleId"] = ["Not a rule of this workspace."] });
        }

        var mute = new NotificationMute { Id = Guid.NewGuid(), UserId = caller.UserId, WorkspaceId = request.WorkspaceId, RuleId = request.RuleId, Until = request.Until, CreatedAt = now };
        db.NotificationMutes.Add(mute);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/notifications/mutes/{mute.Id}", ToDto(mute));
    }

    public async Task<Results<NoContent, ProblemHttpResult>> UnmuteAsync(Caller caller, Guid muteId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var removed = await db.NotificationMutes.Where(m => m.Id == muteId && m.UserId == caller.UserId).ExecuteDeleteAsync(cancellationToken);
        return removed > 0 ? TypedResults.NoContent() : ApiProblems.NotFound("No such mute.");
    }

    private async Task<List<string>> VisibleWorkspacesAsync(PortalDbContext db, Caller caller, CancellationToken cancellationToken)
    {
        var workspaces = await db.UserNotifications.AsNoTracking().Where(n => n.UserId == caller.UserId)
            .Select(n => n.WorkspaceId).Distinct().ToListAsync(cancellationToken);
        return workspaces.Where(ws => policy.CanSee(caller, ws)).ToList();
    }

    private static NotificationDto ToDto(UserNotification n) =>
        new(n.Id, n.EventId, n.RuleId, n.WorkspaceId, n.SessionClusterId, n.Type, n.Title, n.Text, n.Link, n.OccurredAt, n.Read);

    private static MuteDto ToDto(NotificationMute m) => new(m.Id, m.WorkspaceId, m.RuleId, m.Until, m.CreatedAt);
}
