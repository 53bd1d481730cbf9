using EmrPortal.PortalData.Entities;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.PortalData.Stores;

/// <summary>An audit record on its way to the database (already cleaned of control characters by the caller).</summary>
public sealed record AuditRecord(
    DateTimeOffset At, string UserId, string? UserName, string Action, string? WorkspaceId, string? SessionClusterId, string Outcome,
    int Count = 1, DateTimeOffset? LastAt = null);

/// <summary>Audit filters: exact user id or display name, exact action, exact workspace; 1-based page.</summary>
public sealed record AuditFilter(int Page, int PageSize, string? User, string? Action, string? WorkspaceId);

/// <summary>A stored audit entry; <see cref="Count"/> &gt; 1 when repeats were aggregated (last one at <see cref="LastAt"/>).</summary>
public sealed record AuditLogEntry(
    long Id, DateTimeOffset At, string UserId, string? UserName, string Action, string? WorkspaceId, string? SessionClusterId, string Outcome,
    int Count, DateTimeOffset? LastAt);

/// <summary>One page of the audit log, newest first.</summary>
public sealed record AuditLogPage(IReadOnlyList<AuditLogEntry> Items, int TotalCount, int Page, int PageSize);

/// <summary>The audit log: appended in batches off the request path, read by Portal.Admin newest first, paged on the server.</summary>
public sealed class AuditLog(IPortalDbFactory factory)
{
    public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        await using var db = factory.CreateDbContext();
        db.AuditEntries.AddRange(records.Select(r => new AuditEntry
        {
            At = r.At,
            UserId = Clip(r.UserId, PortalDbContext.UserIdLength)!,
            UserName = Clip(r.UserName, PortalDbContext.UserNameLength),
            Action = Clip(r.Action, PortalDbContext.ActionLength)!,
            WorkspaceId = Clip(r.WorkspaceId, PortalDbContext.IdLength),
            SessionClusterId = Clip(r.SessionClusterId, PortalDbContext.IdLength),
            Outcome = Clip(r.Outcome, PortalDbContext.OutcomeLength)!,
            Count = r.Count,
            LastAt = r.LastAt,
        }));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<AuditLogPage> PageAsync(AuditFilter query, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var entries = db.AuditEntries.AsNoTracking();
        if (query.User is { } user)
        {
            entries = entries.Where(a => a.UserId == user || a.UserName == user);
        }

        if (query.Action is { } action)
        {
            entries = entries.Where(a => a.Action == action);
        }

        if (query.WorkspaceId is { } workspace)
        {
            entries = entries.Where(a => a.WorkspaceId == workspace);
        }

        var total = await entries.CountAsync(cancellationToken);
        var items = await entries
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Select(a => new AuditLogEntry(a.Id, a.At, a.UserId, a.UserName, a.Action, a.WorkspaceId, a.SessionClusterId, a.Outcome, a.Count, a.LastAt))
            .ToListAsync(cancellationToken);
        return new AuditLogPage(items, total, query.Page, query.PageSize);
    }

    public async Task<int> PurgeAsync(DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        var cutoff = now - retention;
        await using var db = factory.CreateDbContext();
        return await db.AuditEntries.Where(a => a.At < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    private static string? Clip(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
