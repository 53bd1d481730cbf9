using System.Data;
using System.Data.Common;
using System.Text;
using EmrPortal.PortalData.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace EmrPortal.PortalData.Stores;

/// <summary>Retention and the set-based statements recording uses (one round trip per batch, idempotent on both providers).</summary>
public sealed partial class SessionHistoryStore
{
    /// <summary>
    /// Retention: sessions no longer listed for longer than <paramref name="noLongerListed"/> go with their timeline;
    /// transitions older than <paramref name="transitions"/> go, except each session's latest.
    /// </summary>
    public async Task<(int Sessions, int Transitions)> PurgeAsync(
        DateTimeOffset now, TimeSpan noLongerListed, TimeSpan transitions, CancellationToken cancellationToken)
    {
        var goneCutoff = Truncate(now - noLongerListed);
        var transitionCutoff = Truncate(now - transitions);
        await using var db = factory.CreateDbContext();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var timelines = await db.StateTransitions
                .Where(t => db.KnownSessions.Any(k =>
                    k.WorkspaceId == t.WorkspaceId && k.SessionClusterId == t.SessionClusterId
                    && k.NoLongerListed && k.NoLongerListedSince < goneCutoff))
                .ExecuteDeleteAsync(ct);
            var sessions = await db.KnownSessions
                .Where(k => k.NoLongerListed && k.NoLongerListedSince < goneCutoff)
                .ExecuteDeleteAsync(ct);
            var old = await db.StateTransitions
                .Where(t => t.ObservedAt < transitionCutoff
                    && db.StateTransitions.Any(n => n.WorkspaceId == t.WorkspaceId && n.SessionClusterId == t.SessionClusterId && n.ObservedAt > t.ObservedAt))
                .ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            return (sessions, timelines + old);
        }, cancellationToken);
    }

    /// <summary>Moves the workspace's scan mark to <paramref name="asOf"/> if that is newer; false when it is not.</summary>
    private static async Task<bool> AdvanceMarkAsync(PortalDbContext db, string workspaceId, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        // One statement on both providers (SQLite ≥ 3.24 and PostgreSQL share the upsert syntax). In PostgreSQL the
        // row lock it takes is held to commit, so recorders of one workspace queue here instead of interleaving.
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText =
            """
            INSERT INTO "WorkspaceScans" ("WorkspaceId", "LastAsOf") VALUES (@w, @t)
            ON CONFLICT ("WorkspaceId") DO UPDATE SET "LastAsOf" = excluded."LastAsOf"
            WHERE "WorkspaceScans"."LastAsOf" < excluded."LastAsOf"
            """;
        Add(command, "@w", workspaceId);
        Add(command, "@t", asOf.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static async Task<HashSet<string>> InsertKnownAsync(
        PortalDbContext db, string workspaceId, List<Observed> rows, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        var connection = db.Database.GetDbConnection();
        foreach (var chunk in rows.Chunk(InsertBatch))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var sql = new StringBuilder(
                """INSERT INTO "KnownSessions" ("WorkspaceId", "SessionClusterId", "State", "StateSince", "SummaryJson", "SummaryHash", "FirstSeen", "LastSeen", "NoLongerListed", "NoLongerListedSince") VALUES """);
            Add(command, "@w", workspaceId);
            Add(command, "@t", asOf.ToUnixTimeMilliseconds());
            Add(command, "@f", false);
            for (var i = 0; i < chunk.Length; i++)
            {
                var o = chunk[i];
                sql.Append(i == 0 ? "" : ", ").Append($"(@w, @i{i}, @s{i}, @ss{i}, @j{i}, @h{i}, @t, @t, @f, NULL)");
                Add(command, $"@i{i}", o.Id);
                Add(command, $"@s{i}", o.State);
                Add(command, $"@ss{i}", o.FirstStateSince(asOf).ToUnixTimeMilliseconds());
                Add(command, $"@j{i}", o.Json);
                Add(command, $"@h{i}", o.Hash);
            }

            sql.Append(""" ON CONFLICT ("WorkspaceId", "SessionClusterId") DO NOTHING RETURNING "SessionClusterId" """);
            command.CommandText = sql.ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add(reader.GetString(0));
            }
        }

        return inserted;
    }

    /// <summary>Inserts transitions; one already recorded (same session, instant and state) is left as it is.</summary>
    internal static async Task<int> InsertTransitionsAsync(PortalDbContext db, IReadOnlyList<StateTransition> transitions, CancellationToken cancellationToken)
    {
        var recorded = 0;
        var connection = db.Database.GetDbConnection();
        foreach (var chunk in transitions.Chunk(InsertBatch))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var sql = new StringBuilder(
                """INSERT INTO "StateTransitions" ("WorkspaceId", "SessionClusterId", "FromState", "ToState", "ReasonCode", "ReasonMessage", "ObservedAt") VALUES """);
            for (var i = 0; i < chunk.Length; i++)
            {
                var t = chunk[i];
                sql.Append(i == 0 ? "" : ", ").Append($"(@w{i}, @i{i}, @f{i}, @s{i}, @c{i}, @m{i}, @t{i})");
                Add(command, $"@w{i}", t.WorkspaceId);
                Add(command, $"@i{i}", t.SessionClusterId);
                Add(command, $"@f{i}", t.FromState);
                Add(command, $"@s{i}", t.ToState);
                Add(command, $"@c{i}", t.ReasonCode);
                Add(command, $"@m{i}", t.ReasonMessage);
                Add(command, $"@t{i}", t.ObservedAt.ToUnixTimeMilliseconds());
            }

            sql.Append(""" ON CONFLICT ("WorkspaceId", "SessionClusterId", "ObservedAt", "ToState") DO NOTHING""");
            command.CommandText = sql.ToString();
            recorded += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return recorded;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = value switch
        {
            long => DbType.Int64,
            bool => DbType.Boolean,
            _ => DbType.String,
        };
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
