using System.Diagnostics;
using System.Globalization;
using EmrPortal.Bench;

namespace EmrPortal.LoadDriver;

/// <summary>
/// How fast the published Proxy and Web start: process start → <c>/health/live</c> answers (polled every 10 ms), then
/// ready → the first page served. Each app twice from the same ReadyToRun publish output: as shipped, and with the
/// runtime told to ignore the precompiled code (<c>DOTNET_ReadyToRun=0</c>: everything JIT-compiled), the same-run
/// baseline of what ReadyToRun saves.
/// </summary>
internal static class StartupRun
{
    public static async Task<List<StartupTiming>> RunAsync(LocalApp emulator, DemoTokens tokens, LoadOptions o, CancellationToken ct)
    {
        var results = new List<StartupTiming>();
        foreach (var readyToRun in new[] { true, false })
        {
            var mode = readyToRun ? "ReadyToRun (as published)" : "JIT only (DOTNET_ReadyToRun=0)";
            var suffix = readyToRun ? "r2r" : "jit";
            var proxyEnv = LoadRun.ProxyEnvironment(emulator, tokens, partitioned: true);
            if (!readyToRun)
            {
                proxyEnv["DOTNET_ReadyToRun"] = "0";
            }

            await using var proxy = await LocalApp.StartAsync($"startup-proxy-{suffix}", o.ProxyDll, proxyEnv, o.LogDirectory, ct);
            using (var http = LoadRun.ProxyClient(proxy, o))
            {
                await LoadRun.Expect200(http, tokens, 0, $"api/v1/workspaces/{LoadRun.Small}/sessions?page=1&pageSize=25", ct);
                var first = Stopwatch.GetElapsedTime(proxy.ReadyAt);
                results.Add(Print(new StartupTiming("Proxy", mode, proxy.StartToReady.TotalMilliseconds, first.TotalMilliseconds,
                    $"GET /api/v1/workspaces/{LoadRun.Small}/sessions: authentication, a cold snapshot of 60 sessions (upstream at {o.LatencyMs} ms per call), the page")));
            }

            if (o.WebDll is not { } webDll)
            {
                continue;
            }

            var webEnv = PortalRun.WebEnvironment(proxy, tokens);
            if (!readyToRun)
            {
                webEnv["DOTNET_ReadyToRun"] = "0";
            }

            await using var web = await LocalApp.StartAsync($"startup-web-{suffix}", webDll, webEnv, o.LogDirectory, ct);
            using var webHttp = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, UseCookies = true }) { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            using var response = await webHttp.GetAsync("/", ct);
            var html = await response.Content.ReadAsStringAsync(ct);
            var elapsed = Stopwatch.GetElapsedTime(web.ReadyAt);
            if (!response.IsSuccessStatusCode || html.Length == 0)
            {
                throw new InvalidOperationException($"The web's first page answered {(int)response.StatusCode}.");
            }

            results.Add(Print(new StartupTiming("Web", mode, web.StartToReady.TotalMilliseconds, elapsed.TotalMilliseconds,
                $"GET / signed out: redirected to {response.RequestMessage?.RequestUri?.AbsolutePath}, rendered on the server ({html.Length:N0} chars)")));
        }

        return results;
    }

    private static StartupTiming Print(StartupTiming t)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t.App}, {t.Mode}: start → ready {t.StartToReadyMs:F0} ms, ready → first page {t.ReadyToFirstPageMs:F0} ms"));
        return t;
    }
}
