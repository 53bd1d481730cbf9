using EmrPortal.PortalData.Entities;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.PortalData.Stores;

/// <summary>A user's setting as stored: its value (JSON the proxy validated) and when it last changed.</summary>
public sealed record StoredPreference(string Key, string Value, DateTimeOffset UpdatedAt);

/// <summary>Each user's own settings (one row per user and key), so they follow the user across browsers and devices.</summary>
public sealed class UserPreferenceStore(IPortalDbFactory factory)
{
    public async Task<StoredPreference?> GetAsync(string userId, string key, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var row = await db.UserPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId && p.Key == key, cancellationToken);
        return row is null ? null : new StoredPreference(row.Key, row.Value, row.UpdatedAt);
    }

    /// <summary>Sets the value (the last write wins, also between proxy instances).</summary>
    public async Task<StoredPreference> SetAsync(string userId, string key, string value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, PortalDbContext.PreferenceKeyLength, nameof(key));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, PortalDbContext.PreferenceValueLength, nameof(value));
        var at = SessionHistoryStore.Truncate(now);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = factory.CreateDbContext();
            var row = await db.UserPreferences.FirstOrDefaultAsync(p => p.UserId == userId && p.Key == key, cancellationToken);
            if (row is null)
            {
                db.UserPreferences.Add(new UserPreference { UserId = userId, Key = key, Value = value, UpdatedAt = at });
            }
            else
            {
                row.Value = value;
                row.UpdatedAt = at;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new StoredPreference(key, value, at);
            }
            catch (DbUpdateException) when (row is null && attempt < 3)
            {
                // A concurrent first write of the same key won the insert: write over it as an update.
            }
        }
    }

    public async Task<bool> DeleteAsync(string userId, string key, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        return await db.UserPreferences.Where(p => p.UserId == userId && p.Key == key).ExecuteDeleteAsync(cancellationToken) > 0;
    }
}
