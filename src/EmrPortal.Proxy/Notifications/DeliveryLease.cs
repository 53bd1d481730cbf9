using System.Data;
using System.Data.Common;
using EmrPortal.PortalData;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// A lease row in the portal database: one instance at a time delivers. Acquiring and renewing are one conditional
/// upsert (the same statement on SQLite and PostgreSQL): it succeeds when the row is missing, already ours, or
/// expired. An instance that stops gives the lease up so the next one takes over at once.
/// </summary>
internal sealed class DeliveryLease(IPortalDbFactory factory, TimeProvider time)
{
    public const string Name = "notifications";

    /// <summary>This process's identity in the lease row.</summary>
    public string Owner { get; } = $"{Environment.ProcessId}-{Guid.NewGuid():N}";

    public async Task<bool> TryAcquireAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = factory.CreateDbContext();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText =
            """
            INSERT INTO "WorkerLeases" ("Name", "Owner", "Until") VALUES (@n, @o, @u)
            ON CONFLICT ("Name") DO UPDATE SET "Owner" = excluded."Owner", "Until" = excluded."Until"
            WHERE "WorkerLeases"."Owner" = excluded."Owner" OR "WorkerLeases"."Until" < @now
            """;
        Add(command, "@n", Name);
        Add(command, "@o", Owner);
        Add(command, "@u", (now + duration).ToUnixTimeMilliseconds());
        Add(command, "@now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Gives the lease up if this instance holds it.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        await db.WorkerLeases.Where(l => l.Name == Name && l.Owner == Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Until, DateTimeOffset.FromUnixTimeMilliseconds(0)), cancellationToken);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = value is long ? DbType.Int64 : DbType.String;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
