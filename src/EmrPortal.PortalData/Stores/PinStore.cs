using EmrPortal.PortalData.Entities;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.PortalData.Stores;

/// <summary>A session a user pinned, as stored.</summary>
public sealed record PinnedSession(string WorkspaceId, string SessionClusterId, DateTimeOffset PinnedAt);

/// <summary>Each user's pinned sessions.</summary>
public sealed class PinStore(IPortalDbFactory factory)
{
    public async Task<IReadOnlyList<PinnedSession>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var pins = await db.Pins.AsNoTracking().Where(p => p.UserId == userId).ToListAsync(cancellationToken);
        return pins
            .OrderByDescending(p => p.PinnedAt).ThenBy(p => p.WorkspaceId, StringComparer.Ordinal).ThenBy(p => p.SessionClusterId, StringComparer.Ordinal)
            .Select(p => new PinnedSession(p.WorkspaceId, p.SessionClusterId, p.PinnedAt))
            .ToList();
    }

    /// <summary>Pins a session; pinning it again keeps the first pin.</summary>
    public async Task<PinnedSession> PinAsync(string userId, string workspaceId, string sessionClusterId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var existing = await db.Pins.AsNoTracking()
            .FirstOrDefaultAsync(p => p.UserId == userId && p.WorkspaceId == workspaceId && p.SessionClusterId == sessionClusterId, cancellationToken);
        if (existing is not null)
        {
            return new PinnedSession(existing.WorkspaceId, existing.SessionClusterId, existing.PinnedAt);
        }

        var pin = new Pin { UserId = userId, WorkspaceId = workspaceId, SessionClusterId = sessionClusterId, PinnedAt = SessionHistoryStore.Truncate(now) };
        db.Pins.Add(pin);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent PUT of the same pin won: answer with the stored one.
            await using var again = factory.CreateDbContext();
            var stored = await again.Pins.AsNoTracking()
                .FirstOrDefaultAsync(p => p.UserId == userId && p.WorkspaceId == workspaceId && p.SessionClusterId == sessionClusterId, cancellationToken);
            if (stored is null)
            {
                throw;
            }

            return new PinnedSession(stored.WorkspaceId, stored.SessionClusterId, stored.PinnedAt);
        }

        return new PinnedSession(pin.WorkspaceId, pin.SessionClusterId, pin.PinnedAt);
    }

    public async Task<bool> UnpinAsync(string userId, string workspaceId, string sessionClusterId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        return await db.Pins
            .Where(p => p.UserId == userId && p.WorkspaceId == workspaceId && p.SessionClusterId == sessionClusterId)
            .ExecuteDeleteAsync(cancellationToken) > 0;
    }
}
