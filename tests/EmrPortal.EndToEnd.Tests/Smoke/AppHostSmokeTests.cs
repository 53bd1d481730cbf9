using System.Net;
using EmrPortal.EndToEnd.Tests.Infrastructure;

namespace EmrPortal.EndToEnd.Tests.Smoke;

/// <summary>The README's run command works: the AppHost brings up emulator, proxy and web, and stops them all again.</summary>
public sealed class AppHostSmokeTests
{
    [Fact]
    public async Task AppHost_run_command_serves_the_sign_in_page_and_stops_every_process_it_started()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var run = AppHostRun.Start();

        await run.WaitUntilHealthyAsync(TimeSpan.FromMinutes(3), ct);

        using var http = new HttpClient { BaseAddress = run.Url("web"), Timeout = TimeSpan.FromSeconds(30) };
        using var signIn = await http.GetAsync("/signin", ct);
        var html = await signIn.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("data-testid=\"signin-admin\"", html, StringComparison.Ordinal);

        // Under the AppHost the web app runs in Development from its build output: the static-assets trap shows here.
        var (status, length) = await PortalFixture.BlazorScriptAsync(run.Url("web"), ct);
        Assert.Equal(200, status);
        Assert.True(length > 10_000, $"blazor.web.js has {length} bytes under the AppHost");

        Assert.NotNull(await AppHostRun.StatusAsync(run.Url("dashboard"), ct));
        Assert.Contains($"open http://localhost:{run.Ports["web"]}", await WaitForOutputAsync(run, "EmrPortal is ready", ct), StringComparison.Ordinal);

        var killed = await run.StopAsync(TimeSpan.FromSeconds(45));

        Assert.Empty(killed);
        foreach (var resource in new[] { "emulator", "proxy", "web", "dashboard" })
        {
            Assert.Null(await AppHostRun.StatusAsync(new Uri(run.Url(resource), "/health/live"), ct));
        }
    }

    private static async Task<string> WaitForOutputAsync(AppHostRun run, string text, CancellationToken ct)
    {
        for (var i = 0; i < 40 && !run.Process.Output.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(250, ct);
        }

        return run.Process.Output;
    }
}
