using System.Diagnostics;
using System.Globalization;
using System.Net;
using EmrPortal.EndToEnd.Tests.Infrastructure;

namespace EmrPortal.EndToEnd.Tests.Smoke;

/// <summary>
/// What the container images would do, proven on the publish output test.sh built with the Dockerfile's commands:
/// each app starts from its folder on a loopback port with only environment configuration, and its health answers —
/// also through the Dockerfile's own HEALTHCHECK command.
/// </summary>
public sealed class PublishedAppsSmokeTests(PortalFixture portal)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Theory]
    [InlineData("Emulator")]
    [InlineData("Proxy")]
    [InlineData("Web")]
    public async Task Published_app_starts_on_a_loopback_port_and_answers_health_live(string app)
    {
        var running = App(app);

        using var response = await Http.GetAsync(new Uri(running.BaseAddress, "/health/live"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", running.BaseAddress.Host);
        Assert.False(running.Process.HasExited);
    }

    [Fact]
    public async Task Published_web_serves_a_non_empty_blazor_web_js_in_production()
    {
        var (status, length) = await PortalFixture.BlazorScriptAsync(App("Web").BaseAddress, TestContext.Current.CancellationToken);

        Assert.Equal(200, status);
        Assert.True(length > 10_000, $"blazor.web.js has {length} bytes");
    }

    [Theory]
    [InlineData("css/portal.css")]
    [InlineData("js/portal.js")]
    [InlineData("favicon.svg")]
    [InlineData("logo.svg")]
    public async Task Published_web_serves_the_top_level_wwwroot_files_with_their_content(string path)
    {
        // The files live in the repository's top-level wwwroot/; the Web project defines them as its static web assets.
        var expected = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot", path), TestContext.Current.CancellationToken);

        using var response = await Http.GetAsync(new Uri(App("Web").BaseAddress, "/" + path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("Emulator")]
    [InlineData("Proxy")]
    [InlineData("Web")]
    public async Task Dockerfile_healthcheck_command_reports_the_published_app_healthy(string app)
    {
        var exitCode = await RunHealthCheckAsync(App(app).Port);

        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task Dockerfile_healthcheck_command_fails_when_nothing_listens()
    {
        var exitCode = await RunHealthCheckAsync(FreePort.Next());

        Assert.NotEqual(0, exitCode);
    }

    private RunningApp App(string app)
    {
        portal.EnsureRunning();
        return app switch
        {
            "Emulator" => portal.Emulator!,
            "Proxy" => portal.Proxy!,
            _ => portal.Web!,
        };
    }

    /// <summary>Runs the HEALTHCHECK's exec-form command as the container would, with the app's port in ASPNETCORE_HTTP_PORTS.</summary>
    private static async Task<int> RunHealthCheckAsync(int port)
    {
        var command = BuildScripts.HealthCheckCommand();
        var startInfo = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["ASPNETCORE_HTTP_PORTS"] = port.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(startInfo)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }
}
