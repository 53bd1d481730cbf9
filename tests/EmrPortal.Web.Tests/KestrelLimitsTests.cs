using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EmrPortal.Web.Tests;

/// <summary>
/// Kestrel's limits come from configuration (<c>Kestrel__Limits__*</c>), which Kestrel does not read by itself: the
/// real server on a loopback port, an idle HTTP/1.1 connection, closed by the server after the configured keep-alive.
/// </summary>
public sealed class KestrelLimitsTests
{
    [Fact]
    public async Task An_idle_keep_alive_connection_is_closed_after_the_configured_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var factory = new WebApplicationFactory<WebApp>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Authentication:Mode", "Demo");
            b.UseSetting("Authentication:Demo:PrivateKeyPem", key.ExportPkcs8PrivateKeyPem());
            b.UseSetting("Authentication:Demo:AllowInProduction", "true");
            b.UseSetting("Proxy:BaseUrl", "http://127.0.0.1:9/");
            // Kestrel's default is 130 s; the test waits at most 60 s for the close.
            b.UseSetting("Kestrel:Limits:KeepAliveTimeout", "00:00:01");
        });
        factory.UseKestrel(0);
        factory.StartServer();
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", address.Port, ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"), ct);

        // Read the answer, then nothing more until the server closes the idle connection (a read of 0 bytes).
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromSeconds(60));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, wait.Token)) > 0)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 ", received.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, read);
    }
}
