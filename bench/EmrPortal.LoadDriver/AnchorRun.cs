using System.Globalization;
using System.Net;
using EmrPortal.Bench;

namespace EmrPortal.LoadDriver;

/// <summary>
/// The proxy beside its physical limit, in the same run: a bare Kestrel app (bench/EmrPortal.BareKestrel) serving the
/// proxy's own 25-row page JSON, precomputed, to the same 32 clients over the same loopback. Rounds alternate the
/// anchor and the proxy's three kinds of request, so a change in the machine's load shifts both sides of each ratio;
/// the report takes the median of the per-round ratios. Both apps are first warmed to steady state (consecutive
/// one-second windows agreeing within 5 %), and every phase runs for a fixed time: with request counts, the bare app
/// finished a phase in half a second — its ramp-up — and the ratios measured warm-up, not steady state.
/// </summary>
internal static class AnchorRun
{
    public static async Task<AnchorResults> RunAsync(
        LocalApp proxy, HttpClient proxyHttp, DemoTokens tokens, LoadOptions o, string bareDll, CancellationToken ct)
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

        // Warm both sides to steady state (connections, tiered JIT and dynamic PGO, the thread pool) before anything is
        // recorded: the bare app and the proxy's main path until two consecutive windows agree, the proxy's other two
        // kinds of request likewise (they share most of the pipeline, so they usually settle sooner).
        var window = TimeSpan.FromSeconds(1);
        const double Tolerance = 0.05;
        var sideMax = o.AnchorWarmMax / 2 > window * 3 ? o.AnchorWarmMax / 2 : window * 3;
        var warmups = new List<SteadyWarmup>
        {
            await Load.WarmUntilSteadyAsync("anchor warm-up: bare", o.Concurrency, window, Tolerance, 3, o.AnchorWarmMax, barePage, ct),
            await Load.WarmUntilSteadyAsync("anchor warm-up: proxy unfiltered", o.Concurrency, window, Tolerance, 3, o.AnchorWarmMax, unfiltered, ct),
            await Load.WarmUntilSteadyAsync("anchor warm-up: proxy filtered", o.Concurrency, window, Tolerance, 2, sideMax, filtered, ct),
            await Load.WarmUntilSteadyAsync("anchor warm-up: proxy /me", o.Concurrency, window, Tolerance, 2, sideMax, me, ct),
        };

        var gate = await LoadGate.WaitAsync("the anchor phase", TimeSpan.FromSeconds(30), ct);
        var results = new List<AnchorRound>();
        var phase = o.AnchorPhase;
        for (var round = 1; round <= o.AnchorRounds; round++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Anchor round {round}/{o.AnchorRounds} ({o.Concurrency} clients, {phase.TotalSeconds:F1} s per phase)..."));
            var b = await Load.ClosedLoopForAsync("bare Kestrel, precomputed 25-row page", o.Concurrency, phase, barePage, ct);
            var (u, uCpu) = await ProxyPhaseAsync("proxy, unfiltered 25-row pages", proxy, unfiltered, o, phase, ct);
            var (f, fCpu) = await ProxyPhaseAsync("proxy, filtered/searched 25-row pages", proxy, filtered, o, phase, ct);
            var (m, mCpu) = await ProxyPhaseAsync("proxy, /api/v1/me", proxy, me, o, phase, ct);
            results.Add(new AnchorRound(b.All, u, f, m, uCpu, fCpu, mCpu, LoadRun.LoadAverage()));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ratios to bare: unfiltered {u.RequestsPerSecond / b.All.RequestsPerSecond:F2}×, filtered {f.RequestsPerSecond / b.All.RequestsPerSecond:F2}×, /me {m.RequestsPerSecond / b.All.RequestsPerSecond:F2}×; p99 unfiltered/bare {u.P99Ms / b.All.P99Ms:F2}×; proxy CPU/request {uCpu:F0}/{fCpu:F0}/{mCpu:F0} µs; load {LoadRun.LoadAverage()}"));
        }

        return new AnchorResults(o.Concurrency, pageBytes, phase.TotalSeconds, results, LoadGate.Finish(gate)) { Warmups = warmups };
    }

    private static async Task<(LatencySummary Summary, double CpuUs)> ProxyPhaseAsync(
        string name, LocalApp proxy, Load.Request request, LoadOptions o, TimeSpan duration, CancellationToken ct)
    {
        var before = proxy.CpuTime;
        var phase = await Load.ClosedLoopForAsync(name, o.Concurrency, duration, request, ct);
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
