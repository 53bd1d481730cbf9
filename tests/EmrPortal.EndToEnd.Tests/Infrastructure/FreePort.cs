using System.Net;
using System.Net.Sockets;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

internal static class FreePort
{
    /// <summary>A loopback port nobody listens on right now (the OS picks it; callers retry if it is taken meanwhile).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
