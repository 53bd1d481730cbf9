using System.Net;
using System.Net.Sockets;
using EmrPortal.EndToEnd.Tests.Infrastructure;

namespace EmrPortal.EndToEnd.Tests.Smoke;

/// <summary>
/// The run command beside something that already holds one of its ports (another instance, typically): it stops at
/// once and says which port and how to pick another, instead of starting and printing the other instance's URL.
/// </summary>
public sealed class AppHostPortCheckTests
{
    [Fact]
    public async Task AppHost_with_its_web_port_taken_exits_naming_the_port_and_the_setting_that_moves_it()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var held = ((IPEndPoint)holder.LocalEndpoint).Port;

        var ports = AppHostRun.ChoosePorts([]);
        ports["web"] = held;
        await using var run = AppHostRun.Start("apphost-port-taken", ports, []);

        Assert.True(await run.Process.WaitForExitAsync(TimeSpan.FromMinutes(3)), $"The AppHost kept running. Output:\n{run.Process.Tail(40)}");
        var output = run.Process.Output;
        Assert.Equal(2, run.Process.ExitCode);
        Assert.Contains($"port {held}: the portal (web app), set by Ports:Web", output, StringComparison.Ordinal);
        Assert.Contains("-- --Ports:Web=<port>", output, StringComparison.Ordinal);
        Assert.Contains("Ports__Web=<port>", output, StringComparison.Ordinal);
        // Only the taken port is named, and nothing was started or announced.
        Assert.DoesNotContain("Ports:Proxy", output, StringComparison.Ordinal);
        Assert.DoesNotContain("EmrPortal is ready", output, StringComparison.Ordinal);
    }
}
