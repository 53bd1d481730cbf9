using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace EmrPortal.PortalData;

/// <summary>Creates contexts of the configured provider; everything else talks to <see cref="PortalDbContext"/>.</summary>
public interface IPortalDbFactory
{
    PortalDatabaseProvider Provider { get; }

    PortalDbContext CreateDbContext();
}

internal sealed class PortalDbFactory<TContext>(IDbContextFactory<TContext> inner, PortalDatabaseProvider provider) : IPortalDbFactory
    where TContext : PortalDbContext
{
    public PortalDatabaseProvider Provider => provider;

    public PortalDbContext CreateDbContext() => inner.CreateDbContext();
}

/// <summary>Which database, from configuration: <c>Portal:Database</c> and <c>ConnectionStrings:portaldb</c>.</summary>
public static class PortalDatabaseSettings
{
    /// <summary>
    /// <c>Portal:Database=Postgres</c>, or a connection string that names a <c>Host</c>, selects PostgreSQL (a connection
    /// string is then required). Otherwise SQLite, at <c>ConnectionStrings:portaldb</c> or <c>&lt;ContentRoot&gt;/data/portal.db</c>.
    /// </summary>
    public static (PortalDatabaseProvider Provider, string ConnectionString) Resolve(IConfiguration configuration, string contentRootPath)
    {
        var configured = configuration[$"{PortalDataOptions.SectionName}:{nameof(PortalDataOptions.Database)}"];
        var connectionString = configuration.GetConnectionString(PortalDataOptions.ConnectionStringName);
        PortalDatabaseProvider provider;
        if (string.IsNullOrWhiteSpace(configured))
        {
            provider = LooksLikePostgres(connectionString) ? PortalDatabaseProvider.Postgres : PortalDatabaseProvider.Sqlite;
        }
        else if (!Enum.TryParse(configured.Trim(), ignoreCase: true, out provider) || !Enum.IsDefined(provider))
        {
            throw new InvalidOperationException("Portal:Database must be Sqlite or Postgres.");
        }

        if (provider == PortalDatabaseProvider.Postgres)
        {
            return string.IsNullOrWhiteSpace(connectionString)
                ? throw new InvalidOperationException("Portal:Database=Postgres needs ConnectionStrings:portaldb (a PostgreSQL connection string).")
                : (provider, connectionString);
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(contentRootPath, "data", "portal.db"),
            }.ToString();
        }

        return (provider, connectionString);
    }

    private static bool LooksLikePostgres(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        try
        {
            var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
            return builder.ContainsKey("Host") || builder.ContainsKey("Server");
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The folder of a SQLite file, so it can be created before the first connection (null for in-memory).</summary>
    public static string? SqliteDirectory(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Path.GetDirectoryName(Path.GetFullPath(source));
    }
}
