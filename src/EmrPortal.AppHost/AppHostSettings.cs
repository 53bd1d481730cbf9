using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace EmrPortal.AppHost;

/// <summary>
/// What the AppHost reads from its configuration (launch profile, env, <c>--Key=value</c> arguments). Ports default to
/// the documented local ones so bookmarks keep working; tests override them to run beside a developer's instance.
/// </summary>
internal sealed record AppHostSettings(
    int EmulatorPort,
    int ProxyPort,
    int WebPort,
    int IdentityPort,
    int IdentityTunnelPort,
    bool UseRedis,
    int RedisPort,
    bool UsePostgres,
    int PostgresPort,
    string PostgresDirectory,
    bool HasPortalDbConnectionString)
{
    /// <summary>The command-line switch that adds Redis: <c>dotnet run --project src/EmrPortal.AppHost -- --redis</c>.</summary>
    public const string RedisSwitch = "--redis";

    /// <summary>The switch that gives the proxy a local PostgreSQL portal database instead of its SQLite file.</summary>
    public const string PostgresSwitch = "--postgres";

    /// <summary>The switch that signs in through Microsoft.Identity.Web against the development identity provider.</summary>
    public const string EntraSwitch = "--entra";

    /// <summary>The proxy's portal database connection string name (<c>ConnectionStrings:portaldb</c>).</summary>
    public const string PortalDbConnectionName = "portaldb";

    public static bool IsRedisSwitch(string arg) => string.Equals(arg, RedisSwitch, StringComparison.OrdinalIgnoreCase);

    public static bool IsEntraSwitch(string arg) => string.Equals(arg, EntraSwitch, StringComparison.OrdinalIgnoreCase);

    public static bool IsPostgresSwitch(string arg) => string.Equals(arg, PostgresSwitch, StringComparison.OrdinalIgnoreCase);

    public static AppHostSettings From(IConfiguration configuration, bool redisSwitch, bool postgresSwitch) => new(
        EmulatorPort: configuration.GetValue("Ports:Emulator", 5180),
        ProxyPort: configuration.GetValue("Ports:Proxy", 5181),
        WebPort: configuration.GetValue("Ports:Web", 5182),
        IdentityPort: configuration.GetValue("Ports:Identity", 5183),
        IdentityTunnelPort: configuration.GetValue("Ports:IdentityTunnel", 5184),
        UseRedis: redisSwitch || configuration.GetValue("UseRedis", false),
        RedisPort: configuration.GetValue<int?>("Ports:Redis") ?? FreeLoopbackPort(),
        UsePostgres: postgresSwitch || configuration.GetValue("UsePostgres", false),
        PostgresPort: configuration.GetValue<int?>("Ports:Postgres") ?? FreeLoopbackPort(),
        // Kept between runs (saved views, history survive a restart); per OS user, as the cluster belongs to one.
        PostgresDirectory: configuration["Postgres:Directory"] is { Length: > 0 } directory
            ? Path.GetFullPath(directory)
            : Path.Combine(Path.GetTempPath(), $"emrportal-apphost-{Environment.UserName}", "postgres"),
        HasPortalDbConnectionString: !string.IsNullOrWhiteSpace(configuration.GetConnectionString(PortalDbConnectionName)));

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
