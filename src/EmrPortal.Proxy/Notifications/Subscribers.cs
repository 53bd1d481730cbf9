using System.Collections.Concurrent;
using System.Text.Json;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.Proxy.Access;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// Keeps each notification user's roles and groups as last presented in a token (every notification API call,
/// including the bell's poll, refreshes them), so delivery decides access with them and the current access
/// configuration. Unchanged principals are written at most every <see cref="RefreshEvery"/>.
/// </summary>
internal sealed class Subscribers(IPortalDbFactory factory, TimeProvider time)
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (string Roles, string Groups, DateTimeOffset At)> _recent = new(StringComparer.Ordinal);

    public async Task TouchAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.UserId.Length == 0)
        {
            return;
        }

        var roles = JsonSerializer.Serialize(caller.Roles.Order(StringComparer.Ordinal).ToArray(), NotificationsJsonContext.Default.StringArray);
        var groups = JsonSerializer.Serialize(caller.Groups.Order(StringComparer.Ordinal).ToArray(), NotificationsJsonContext.Default.StringArray);
        var now = time.GetUtcNow();
        if (_recent.TryGetValue(caller.UserId, out var last) && last.Roles == roles && last.Groups == groups && now - last.At < RefreshEvery)
        {
            return;
        }

        await using var db = factory.CreateDbContext();
        var row = await db.NotificationSubscribers.FirstOrDefaultAsync(s => s.UserId == caller.UserId, cancellationToken);
        var name = caller.Name.Length > PortalDbContext.UserNameLength ? caller.Name[..PortalDbContext.UserNameLength] : caller.Name;
        if (row is null)
        {
            db.NotificationSubscribers.Add(new NotificationSubscriber { UserId = caller.UserId, Name = name, RolesJson = roles, GroupsJson = groups, UpdatedAt = now });
        }
        else
        {
            row.Name = name;
            row.RolesJson = roles;
            row.GroupsJson = groups;
            row.UpdatedAt = now;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent first call of the same user inserted it: the next call updates.
            return;
        }

        _recent[caller.UserId] = (roles, groups, now);
    }
}
