using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace EmrPortal.AppHost;

/// <summary>
/// What the AppHost reads from its configuration (launch profile, env, <c>--Key=value</c> arguments). Ports default to
/// the documented local ones so bookmarks keep working; tests override them to run beside a developer's instance.
/// </summary>
internal sealed record AppHostSettings(int EmulatorPort, int ProxyPort, int WebPort, bool UseRedis, int RedisPort)
{
    /// <summary>The command-line switch that adds Redis: <c>dotnet run --project src/EmrPortal.AppHost -- --redis</c>.</summary>
    public const string RedisSwitch = "--redis";

    public static bool IsRedisSwitch(string arg) => string.Equals(arg, RedisSwitch, StringComparison.OrdinalIgnoreCase);

    public static AppHostSettings From(IConfiguration configuration, bool redisSwitch) => new(
        EmulatorPort: configuration.GetValue("Ports:Emulator", 5180),
        ProxyPort: configuration.GetValue("Ports:Proxy", 5181),
        WebPort: configuration.GetValue("Ports:Web", 5182),
        UseRedis: redisSwitch || configuration.GetValue("UseRedis", false),
        RedisPort: configuration.GetValue<int?>("Ports:Redis") ?? FreeLoopbackPort());

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
