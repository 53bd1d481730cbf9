using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace EmrPortal.AppHost;

/// <summary>A fixed local port the AppHost is about to use, and how a person changes it.</summary>
/// <param name="Port">The TCP port.</param>
/// <param name="What">What listens there (for the message).</param>
/// <param name="Setting">The configuration key that sets it, e.g. <c>Ports:Web</c>.</param>
/// <param name="IsUrl">True when the setting is a URL (the dashboard's), false for a bare port number.</param>
internal sealed record PlannedPort(int Port, string What, string Setting, bool IsUrl = false);

/// <summary>
/// Checks the AppHost's fixed ports before anything starts. Without it, a second run beside a running instance starts
/// its resources, fails to bind, and the console still shows a ready URL — the other instance's. Instead the run stops
/// at once, naming the port and the setting that moves it.
/// </summary>
internal static class PortCheck
{
    /// <summary>Exit code of a run refused because a port is taken.</summary>
    public const int PortInUseExitCode = 2;

    /// <summary>The dashboard's own addresses (launch profile or environment), each a URL setting.</summary>
    private static readonly (string Setting, string What)[] DashboardUrls =
    [
        ("ASPNETCORE_URLS", "the Aspire dashboard"),
        ("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "the Aspire dashboard's OTLP endpoint"),
        ("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", "the Aspire resource service"),
    ];

    /// <summary>Every fixed port this run will listen on (free ports the AppHost chose itself are not listed).</summary>
    public static IReadOnlyList<PlannedPort> Planned(AppHostSettings settings, IConfiguration configuration, bool entra)
    {
        List<PlannedPort> ports =
        [
            new(settings.EmulatorPort, "the emulator", "Ports:Emulator"),
            new(settings.ProxyPort, "the proxy", "Ports:Proxy"),
            new(settings.WebPort, "the portal (web app)", "Ports:Web"),
        ];
        if (entra)
        {
            ports.Add(new(settings.IdentityPort, "the development identity provider", "Ports:Identity"));
            ports.Add(new(settings.IdentityTunnelPort, "the identity provider's tunnel", "Ports:IdentityTunnel"));
        }

        if (settings.UseRedis && configuration["Ports:Redis"] is { Length: > 0 })
        {
            ports.Add(new(settings.RedisPort, "redis-server", "Ports:Redis"));
        }

        if (settings.UsePostgres && !settings.HasPortalDbConnectionString && configuration["Ports:Postgres"] is { Length: > 0 })
        {
            ports.Add(new(settings.PostgresPort, "PostgreSQL", "Ports:Postgres"));
        }

        foreach (var (setting, what) in DashboardUrls)
        {
            var value = configuration[setting] ?? Environment.GetEnvironmentVariable(setting);
            foreach (var url in (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && !uri.IsDefaultPort && uri.Port > 0 && IsLocal(uri.Host))
                {
                    ports.Add(new(uri.Port, what, setting, IsUrl: true));
                }
            }
        }

        return ports;
    }

    /// <summary>The planned ports something else already listens on.</summary>
    public static IReadOnlyList<PlannedPort> Taken(IEnumerable<PlannedPort> ports) =>
        ports.Where(p => !CanListen(p.Port)).ToList();

    /// <summary>What the console says when <paramref name="taken"/> is not empty: each port, and how to pick others.</summary>
    public static string Explain(IReadOnlyList<PlannedPort> taken)
    {
        var lines = new List<string> { "EmrPortal cannot start: a port it needs is already in use (another EmrPortal AppHost, or another program)." };
        foreach (var p in taken)
        {
            lines.Add(p.IsUrl
                ? $"  port {p.Port}: {p.What}, set by {p.Setting}. Pick another with the environment variable {p.Setting}=http://localhost:<port> (or `dotnet run --no-launch-profile` with it set)."
                : $"  port {p.Port}: {p.What}, set by {p.Setting}. Pick another with `dotnet run --project src/EmrPortal.AppHost -- --{p.Setting}=<port>` or the environment variable {p.Setting.Replace(":", "__", StringComparison.Ordinal)}=<port>.");
        }

        lines.Add("Or stop the other instance first (see docs/operations.md, \"Ports\").");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// True when nothing listens on the port on either loopback address (Kestrel's "localhost" binds both, and the
    /// AppHost's endpoints are reached as localhost).
    /// </summary>
    private static bool CanListen(int port)
    {
        foreach (var address in Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : new[] { IPAddress.Loopback })
        {
            try
            {
                var listener = new TcpListener(address, port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                return false;
            }
            catch (SocketException)
            {
                // The address family is not configured here (e.g. IPv6 disabled): nothing can listen on it either.
            }
        }

        return true;
    }

    private static bool IsLocal(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1" or "0.0.0.0" or "[::]" or "*" or "+";
}
