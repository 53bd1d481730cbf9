using EmrPortal.PortalData.Entities;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.PortalData.Stores;

/// <summary>A saved list view as stored (<see cref="Query"/> is a list query string without the leading '?').</summary>
public sealed record StoredView(Guid Id, string WorkspaceId, string Name, string Query, string CreatedBy, DateTimeOffset CreatedAt);

public enum SaveViewOutcome
{
    Created,
    DuplicateName,
}

public enum DeleteViewOutcome
{
    Deleted,
    NotFound,
    Forbidden,
}

/// <summary>Saved team views per workspace. Who may see a workspace is decided by the caller (the proxy's access policy).</summary>
public sealed class SavedViewStore(IPortalDbFactory factory)
{
    /// <summary>One page of the workspace's views by name (case-insensitive, then ordinal), and how many there are.</summary>
    public async Task<(IReadOnlyList<StoredView> Items, int TotalCount)> ListAsync(
        string workspaceId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var inWorkspace = db.SavedViews.AsNoTracking().Where(v => v.WorkspaceId == workspaceId);
        var total = await inWorkspace.CountAsync(cancellationToken);
        var views = await inWorkspace
            .OrderBy(v => v.Name.ToLower()).ThenBy(v => v.Name).ThenBy(v => v.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);
        return (views.Select(ToRecord).ToList(), total);
    }

    /// <summary>How many views <paramref name="userId"/> owns, across all workspaces.</summary>
    public async Task<int> CountByCreatorAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        return await db.SavedViews.CountAsync(v => v.CreatedBy == userId, cancellationToken);
    }

    public async Task<(SaveViewOutcome Outcome, StoredView? View)> AddAsync(
        string workspaceId, string name, string query, string userId, string? userName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        if (await db.SavedViews.AnyAsync(v => v.WorkspaceId == workspaceId && v.Name == name, cancellationToken))
        {
            return (SaveViewOutcome.DuplicateName, null);
        }

        var view = new SavedView
        {
            Id = Guid.CreateVersion7(now),
            WorkspaceId = workspaceId,
            Name = name,
            Query = query,
            CreatedBy = userId,
            CreatedByName = userName is { Length: > PortalDbContext.UserNameLength } ? userName[..PortalDbContext.UserNameLength] : userName,
            CreatedAt = SessionHistoryStore.Truncate(now),
        };
        db.SavedViews.Add(view);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone saved the same name between our check and our insert (the unique index decided).
            if (await NameTakenAsync(workspaceId, name, cancellationToken))
            {
                return (SaveViewOutcome.DuplicateName, null);
            }

            throw;
        }

        return (SaveViewOutcome.Created, ToRecord(view));
    }

    /// <summary>Deletes a view of <paramref name="workspaceId"/> if the caller created it or is an admin.</summary>
    public async Task<DeleteViewOutcome> DeleteAsync(string workspaceId, Guid id, string userId, bool isAdmin, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var view = await db.SavedViews.FirstOrDefaultAsync(v => v.Id == id && v.WorkspaceId == workspaceId, cancellationToken);
        if (view is null)
        {
            return DeleteViewOutcome.NotFound;
        }

        if (!isAdmin && !string.Equals(view.CreatedBy, userId, StringComparison.Ordinal))
        {
            return DeleteViewOutcome.Forbidden;
        }

        db.SavedViews.Remove(view);
        await db.SaveChangesAsync(cancellationToken);
        return DeleteViewOutcome.Deleted;
    }

    private async Task<bool> NameTakenAsync(string workspaceId, string name, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        return await db.SavedViews.AnyAsync(v => v.WorkspaceId == workspaceId && v.Name == name, cancellationToken);
    }

    private static StoredView ToRecord(SavedView v) => new(v.Id, v.WorkspaceId, v.Name, v.Query, v.CreatedBy, v.CreatedAt);
}
