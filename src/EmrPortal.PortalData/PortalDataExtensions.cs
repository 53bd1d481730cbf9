using EmrPortal.PortalData.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmrPortal.PortalData;

public static class PortalDataExtensions
{
    /// <summary>
    /// The portal database (<see cref="PortalDatabaseSettings.Resolve"/> picks the provider), its stores, the migration
    /// on start and the retention job.
    /// </summary>
    public static IHostApplicationBuilder AddPortalDatabase(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var (provider, connectionString) = PortalDatabaseSettings.Resolve(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddOptions<PortalDataOptions>().BindConfiguration(PortalDataOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration($"{PortalDataOptions.SectionName}:{nameof(PortalDataOptions.Retention)}")
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        if (provider == PortalDatabaseProvider.Postgres)
        {
            services.AddPooledDbContextFactory<PostgresPortalDbContext>(o => o.UseNpgsql(connectionString));
            // Aspire's client integration: a readiness health check, EF Core/Npgsql traces and metrics, and retries on
            // transient failures (the stores run their transactions through the execution strategy).
            builder.EnrichNpgsqlDbContext<PostgresPortalDbContext>();
            services.AddSingleton<IPortalDbFactory>(sp => new PortalDbFactory<PostgresPortalDbContext>(
                sp.GetRequiredService<IDbContextFactory<PostgresPortalDbContext>>(), provider));
        }
        else
        {
            services.AddPooledDbContextFactory<SqlitePortalDbContext>(o => o.UseSqlite(connectionString));
            services.AddSingleton<IPortalDbFactory>(sp => new PortalDbFactory<SqlitePortalDbContext>(
                sp.GetRequiredService<IDbContextFactory<SqlitePortalDbContext>>(), provider));
        }

        services.AddSingleton(new PortalDatabaseLocation(provider, connectionString));
        services.AddSingleton<PortalDatabaseReady>();
        services.AddSingleton<SessionHistoryStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<SavedViewStore>();
        services.AddSingleton<PinStore>();
        services.AddSingleton<UserPreferenceStore>();
        // Registered first among the portal's hosted services: the schema is current before anything records.
        services.AddHostedService<PortalDatabaseMigrator>();
        services.AddHostedService<PortalDataPurgeJob>();
        return builder;
    }
}

/// <summary>Which database this process uses (the connection string may hold a password: never log it).</summary>
public sealed record PortalDatabaseLocation(PortalDatabaseProvider Provider, string ConnectionString);

/// <summary>Completes when the schema has been migrated; background writers wait for it.</summary>
public sealed class PortalDatabaseReady
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WhenReady => _ready.Task;

    internal void Set() => _ready.TrySetResult();
}

/// <summary>Applies the checked-in migrations of the configured provider on start (the host waits for it).</summary>
internal sealed partial class PortalDatabaseMigrator(
    IPortalDbFactory factory, PortalDatabaseLocation location, PortalDatabaseReady ready, ILogger<PortalDatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (location.Provider == PortalDatabaseProvider.Sqlite && PortalDatabaseSettings.SqliteDirectory(location.ConnectionString) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await using var db = factory.CreateDbContext();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        await db.Database.MigrateAsync(cancellationToken);
        if (location.Provider == PortalDatabaseProvider.Sqlite)
        {
            // WAL lets page reads go on while the recorder writes; it is a property of the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        LogMigrated(logger, location.Provider.ToString(), pending, Describe(location));
        ready.Set();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Where the data lives, without credentials.</summary>
    private static string Describe(PortalDatabaseLocation location)
    {
        if (location.Provider == PortalDatabaseProvider.Sqlite)
        {
            return new SqliteConnectionStringBuilder(location.ConnectionString).DataSource;
        }

        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = location.ConnectionString };
        var host = builder.TryGetValue("Host", out var h) ? h : builder.TryGetValue("Server", out var s) ? s : "?";
        var database = builder.TryGetValue("Database", out var d) ? d : "";
        return $"{host}/{database}";
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Portal database ({Provider}) ready at {Location}: {Pending} migrations applied")]
    private static partial void LogMigrated(ILogger logger, string provider, int pending, string location);
}

/// <summary>Retention: purges sessions no longer listed (and their timelines), old transitions and old audit entries.</summary>
internal sealed partial class PortalDataPurgeJob(
    SessionHistoryStore history,
    AuditLog audit,
    PortalDatabaseReady ready,
    IOptionsMonitor<PortalDataOptions> options,
    TimeProvider time,
    ILogger<PortalDataPurgeJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ready.WhenReady.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.CurrentValue.PurgeInterval, time);
        do
        {
            try
            {
                var retention = options.CurrentValue.Retention;
                var now = time.GetUtcNow();
                var (sessions, transitions) = await history.PurgeAsync(now, retention.NoLongerListed, retention.Transitions, stoppingToken);
                var entries = await audit.PurgeAsync(now, retention.Audit, stoppingToken);
                if (sessions + transitions + entries > 0)
                {
                    LogPurged(logger, sessions, transitions, entries);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPurgeFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Retention purge: {Sessions} sessions no longer listed, {Transitions} transitions, {AuditEntries} audit entries")]
    private static partial void LogPurged(ILogger logger, int sessions, int transitions, int auditEntries);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Retention purge failed ({ErrorType}); it runs again at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, string errorType);
}
