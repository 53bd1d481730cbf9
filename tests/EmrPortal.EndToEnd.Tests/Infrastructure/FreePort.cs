using System.Net;
using System.Net.Sockets;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

internal static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A loopback port nobody listens on right now (the OS picks it), never one this test run handed out before (the
    /// OS may offer a just-closed port again). The caller binds it later, so something else can take it meanwhile:
    /// prefer letting a server bind port 0 (see <see cref="RunningApp"/>), else retry on a bind conflict.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range, for a server that must come back on the same port after
    /// it was killed. Ports from <see cref="Next"/> are ephemeral ones: while the server is down the kernel may hand the
    /// same port to an outgoing connection (the proxy retrying the dead server, the browser, …) or to another port-0
    /// bind, and the restart fails with "address already in use". Below the range only an explicit bind can take it.
    /// </summary>
    public static int NextOutsideEphemeralRange()
    {
        var low = EphemeralRangeStart();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(Math.Max(1024, low - 10_000), low);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        return Next();
    }

    private static int EphemeralRangeStart()
    {
        const int LinuxDefault = 32768;
        const string Path = "/proc/sys/net/ipv4/ip_local_port_range";
        var first = File.Exists(Path) ? File.ReadAllText(Path).Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
        return int.TryParse(first, System.Globalization.CultureInfo.InvariantCulture, out var start) && start > 2048 ? start : LinuxDefault;
    }
}
