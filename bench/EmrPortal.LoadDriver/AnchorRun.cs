using System.Globalization;
using System.Net;
using EmrPortal.Bench;

namespace EmrPortal.LoadDriver;

/// <summary>
/// The proxy beside its physical limit, in the same run: a bare Kestrel app (bench/EmrPortal.BareKestrel) serving the
/// proxy's own 25-row page JSON, precomputed, to the same 32 clients over the same loopback. Rounds alternate the
/// anchor and the proxy's three kinds of request, so a change in the machine's load shifts both sides of each ratio;
/// the report takes the median of the per-round ratios.
/// </summary>
internal static class AnchorRun
{
    public static async Task<AnchorResults> RunAsync(
        LocalApp proxy, HttpClient proxyHttp, DemoTokens tokens, LoadOptions o, string bareDll, int rounds, int requestsPerPhase, TimeSpan phaseCap, CancellationToken ct)
    {
        // The page the anchor serves: the proxy's first 25 rows of the large workspace, byte for byte.
        var pageFile = Path.Combine(o.LogDirectory, "anchor-page.json");
        using (var response = await LoadRun.Send(proxyHttp, tokens, 0, $"api/v1/workspaces/{LoadRun.Large}/sessions?page=1&pageSize=25&sort=name&dir=asc", ct))
        {
            response.EnsureSuccessStatusCode();
            Directory.CreateDirectory(o.LogDirectory);
            await File.WriteAllBytesAsync(pageFile, await response.Content.ReadAsByteArrayAsync(ct), ct);
        }

        var pageBytes = (int)new FileInfo(pageFile).Length;
        await using var bare = await LocalApp.StartAsync("bare-kestrel", bareDll, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["BARE_PAGE_FILE"] = pageFile,
        }, o.LogDirectory, ct);
        using var bareHttp = LoadRun.ProxyClient(bare, o);
        var barePage = BarePage(bareHttp, tokens, pageBytes);
        var unfiltered = LoadRun.ProxyPage(proxyHttp, tokens, LoadRun.Large, o.Sessions, ViewMix.Unfiltered, pageSize: 25);
        var filtered = LoadRun.ProxyPage(proxyHttp, tokens, LoadRun.Large, o.Sessions, ViewMix.Filtered, pageSize: 25);
        var me = LoadRun.MeRequest(proxyHttp, tokens);

        // Warm both sides (connections, JIT of the bare app) before anything is recorded.
        await Load.ClosedLoopAsync("anchor warm-up: bare", o.Concurrency, 3_000, TimeSpan.FromSeconds(10), barePage, ct);
        await Load.ClosedLoopAsync("anchor warm-up: proxy", o.Concurrency, 3_000, TimeSpan.FromSeconds(10), unfiltered, ct);

        var gate = await LoadGate.WaitAsync("the anchor phase", TimeSpan.FromSeconds(30), ct);
        var results = new List<AnchorRound>();
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"Anchor round {round}/{rounds} ({o.Concurrency} clients, {requestsPerPhase:N0} requests or {phaseCap.TotalSeconds:F0} s per phase)...");
            var b = await Load.ClosedLoopAsync("bare Kestrel, precomputed 25-row page", o.Concurrency, requestsPerPhase, phaseCap, barePage, ct);
            var (u, uCpu) = await ProxyPhaseAsync("proxy, unfiltered 25-row pages", proxy, unfiltered, o, requestsPerPhase, phaseCap, ct);
            var (f, fCpu) = await ProxyPhaseAsync("proxy, filtered/searched 25-row pages", proxy, filtered, o, requestsPerPhase, phaseCap, ct);
            var (m, mCpu) = await ProxyPhaseAsync("proxy, /api/v1/me", proxy, me, o, requestsPerPhase, phaseCap, ct);
            results.Add(new AnchorRound(b.All, u, f, m, uCpu, fCpu, mCpu, LoadRun.LoadAverage()));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ratios to bare: unfiltered {u.RequestsPerSecond / b.All.RequestsPerSecond:F2}×, filtered {f.RequestsPerSecond / b.All.RequestsPerSecond:F2}×, /me {m.RequestsPerSecond / b.All.RequestsPerSecond:F2}×; p99 unfiltered/bare {u.P99Ms / b.All.P99Ms:F2}×"));
        }

        return new AnchorResults(o.Concurrency, pageBytes, requestsPerPhase, results, LoadGate.Finish(gate));
    }

    private static async Task<(LatencySummary Summary, double CpuUs)> ProxyPhaseAsync(
        string name, LocalApp proxy, Load.Request request, LoadOptions o, int requests, TimeSpan cap, CancellationToken ct)
    {
        var before = proxy.CpuTime;
        var phase = await Load.ClosedLoopAsync(name, o.Concurrency, requests, cap, request, ct);
        var cpuUs = (proxy.CpuTime - before).TotalMicroseconds / Math.Max(1, phase.All.Requests + phase.All.Failures);
        return (phase.All, cpuUs);
    }

    /// <summary>The anchor's request: the same headers as a proxy request (bearer token included), the whole body read.</summary>
    private static Load.Request BarePage(HttpClient http, DemoTokens tokens, int pageBytes) => async (worker, _, ct) =>
    {
        using var response = await LoadRun.Send(http, tokens, worker, "page", ct);
        return response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentLength == pageBytes ? Outcome.Unfiltered : Outcome.Failed;
    };
}
