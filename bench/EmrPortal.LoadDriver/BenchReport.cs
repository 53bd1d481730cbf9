using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using EmrPortal.Bench;

namespace EmrPortal.LoadDriver;

/// <summary>
/// Writes docs/benchmarks.md from the three result files: every figure next to its target, the baseline measured in
/// the same run, the ratio, and PASS/FAIL; machine facts at the top, headline ratios at the end.
/// </summary>
internal static class BenchReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A growth factor passes when it is at most this multiple of the complexity's expected factor (which
    /// still tells it apart from the next class up: 1k→10k, O(n) would be 10× where O(1) is 1×).</summary>
    private const double GrowthTolerance = 2.0;

    /// <summary>The snapshot build must grow within n log n (issue 19): measured CPU growth at most 1.25× the n log n factor.</summary>
    private const double BuildTolerance = 1.25;
    // The issue's range (10k → 50k → 100k); a 1k build runs from the CPU's caches (docs/decisions.md, "Scaling check").
    private const int MinBuildCheckSessions = 10_000;

    public static int Write(string microPath, string scalingPath, string loadPath, string outPath, string? totalSeconds, string? source, string? soakPath, string? portalPath, string? floodPath = null, string? notifyPath = null)
    {
        var notify = notifyPath is not null && File.Exists(notifyPath) ? JsonSerializer.Deserialize(File.ReadAllBytes(notifyPath), BenchJsonContext.Default.NotificationCostResults) : null;
        var flood = floodPath is not null && File.Exists(floodPath) ? JsonSerializer.Deserialize(File.ReadAllBytes(floodPath), BenchJsonContext.Default.FloodResults) : null;
        var soak = soakPath is not null && File.Exists(soakPath) ? JsonSerializer.Deserialize(File.ReadAllBytes(soakPath), BenchJsonContext.Default.SoakResults) : null;
        var portal = portalPath is not null && File.Exists(portalPath) ? JsonSerializer.Deserialize(File.ReadAllBytes(portalPath), BenchJsonContext.Default.PortalResults) : null;
        var micro = JsonSerializer.Deserialize(File.ReadAllBytes(microPath), BenchJsonContext.Default.MicroResults)!;
        var scaling = JsonSerializer.Deserialize(File.ReadAllBytes(scalingPath), BenchJsonContext.Default.ScalingResults)!;
        var load = JsonSerializer.Deserialize(File.ReadAllBytes(loadPath), BenchJsonContext.Default.LoadResults)!;
        var headlines = new List<string>();
        var failures = new List<string>();
        var md = new StringBuilder();

        md.AppendLine("# EmrPortal benchmarks");
        md.AppendLine();
        md.AppendLine("Written by `./bench.sh` (do not edit by hand; rerun it). Machines here are shared and noisy, so every figure");
        md.AppendLine("sits next to a baseline measured **in the same run** and the ratio between them; absolute numbers are for this");
        md.AppendLine("machine on this day only.");
        md.AppendLine();
        md.AppendLine("## Machine");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine(Inv, $"| Date (UTC) | {load.RunAt:yyyy-MM-dd HH:mm} |");
        md.AppendLine(Inv, $"| CPU | {CpuModel()} |");
        md.AppendLine(Inv, $"| Cores (nproc) | {Environment.ProcessorCount} |");
        md.AppendLine(Inv, $"| Load average during the run (1/5/15 min) | warm phase start: {load.LoadAverageAtWarm}; soak end: {soak?.LoadAverage ?? "—"}; portal end: {portal?.LoadAverage ?? "—"}; report: {LoadAverage()} |");
        md.AppendLine(Inv, $"| OS | {RuntimeInformation.OSDescription} |");
        md.AppendLine(Inv, $"| .NET | {RuntimeInformation.FrameworkDescription} |");
        md.AppendLine(Inv, $"| Micro-benchmark job | {micro.Job} |");
        if (source is not null)
        {
            md.AppendLine(Inv, $"| Code measured | {source} |");
        }

        if (totalSeconds is not null)
        {
            md.AppendLine(Inv, $"| `./bench.sh` wall time | {double.Parse(totalSeconds, Inv) / 60:F1} min (budget 25 min) |");
        }

        md.AppendLine();
        WriteLoad(md, load, headlines, failures);
        if (soak is not null) WriteSoak(md, soak, headlines, failures);
        else failures.Add("soak not run");
        if (portal is not null) WritePortal(md, portal, headlines, failures);
        else failures.Add("portal not run");
        if (flood is not null) WriteFlood(md, flood, headlines, failures);
        else failures.Add("flood not run");
        if (notify is not null) WriteNotify(md, notify, headlines);
        else failures.Add("notification cost not run");
        WriteScaling(md, scaling, headlines, failures);
        WriteMicro(md, micro, headlines, failures);

        md.AppendLine("## Closing note");
        md.AppendLine();
        foreach (var h in headlines)
        {
            md.AppendLine(Inv, $"- {h}");
        }

        md.AppendLine();
        md.AppendLine(failures.Count == 0
            ? "Every measured target passed in this run."
            : $"Targets missed in this run: {string.Join("; ", failures)}. See the notes beside each for the cause.");

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        File.WriteAllText(outPath, md.ToString());
        Console.WriteLine($"Report written to {outPath}");
        return 0;
    }

    private static void WriteLoad(StringBuilder md, LoadResults l, List<string> headlines, List<string> failures)
    {
        var pages = (l.Sessions + l.UpstreamPageSize - 1) / l.UpstreamPageSize;
        var floorMs = pages * (double)l.UpstreamLatencyMs;
        md.AppendLine("## Proxy under load (real processes, loopback)");
        md.AppendLine();
        md.AppendLine(Inv, $"Published Emulator and Proxy started by `bench/EmrPortal.LoadDriver` on free 127.0.0.1 ports. Emulator: {l.Sessions:N0}-session");
        md.AppendLine(Inv, $"workspaces, **{l.UpstreamLatencyMs} ms latency on every upstream call**, its default flow control (50/s, burst 100 per key and action,");
        md.AppendLine("as the cloud's; raised only for the driver's naive baseline, which has no quota bucket). Proxy: demo ES256 tokens minted by the driver");
        md.AppendLine(Inv, $"for {l.Identities} admin identities (and the per-user limit raised for the run, so it is not what is measured); every other setting");
        md.AppendLine(Inv, $"at its default: snapshot TTLs, partitioned scan on, outbound quota **{l.QuotaPermitsPerSecond:G}/s, burst {l.QuotaBurst}** per (account, API).");
        md.AppendLine(Inv, $"Upstream page size {l.UpstreamPageSize} (the API's maximum). Views are random: page, pageSize (25/50/100), all 8 sort keys, both");
        md.AppendLine("directions, and half of them filtered (state, kind, state+kind, queue, owner) or searched (`q`). The driver runs on the same");
        md.AppendLine("cores as the proxy and the emulator.");
        md.AppendLine();

        md.AppendLine("### Cold start and coalescing");
        md.AppendLine();
        var plain = l.ColdPlain;
        var part = l.ColdPartitioned;
        var plainRatio = plain.FirstPageMs / floorMs;
        var partRatio = part.FirstPageMs / floorMs;
        var coalescePass = l.CoalescingUpstreamCalls == l.CoalescingExpectedCalls && l.CoalescingSucceeded == l.CoalescingRequests;
        var plainPass = plainRatio <= 1.2 && plain.ListCalls == plain.ExpectedCalls;
        var partPass = partRatio <= 0.5 && part.ListCalls == part.ExpectedCalls && part.ThrottledCalls == 0;
        md.AppendLine("| Measure | Value | Baseline / expectation (same run) | Ratio | Target | Result |");
        md.AppendLine("|---|---:|---|---:|---|---|");
        md.AppendLine(Inv, $"| Cold first page, sequential scan (a proxy process with `Snapshots:PartitionedScan=false`) | {plain.FirstPageMs:F0} ms, {plain.ListCalls} calls | {pages} pages × {l.UpstreamLatencyMs} ms = {floorMs:N0} ms; {plain.ExpectedCalls} calls | {plainRatio:F3} | ≤ 1.2 (no extra round trips) | {Pass(plainPass)} |");
        md.AppendLine(Inv, $"| Cold first page, partitioned scan (default), median of {part.SamplesMs.Count} fresh workspaces ({string.Join(" / ", part.SamplesMs.Select(x => x.ToString("F0", Inv)))} ms) | {part.FirstPageMs:F0} ms; {part.ListCalls} ListSessionClusters + {part.QueueCalls} ListWorkspaceQueues calls in all, {part.ThrottledCalls} throttled | {floorMs:N0} ms sequential floor; sequential scan in this run {plain.FirstPageMs:F0} ms ({part.FirstPageMs / plain.FirstPageMs:F2}×); expected {part.ExpectedCalls} calls in all | {partRatio:F3} | ≤ 0.5 | {Pass(partPass)} |");
        md.AppendLine(Inv, $"| {l.CoalescingRequests} simultaneous cold requests → upstream ListSessionClusters calls | {l.CoalescingUpstreamCalls} ({l.CoalescingSucceeded}/{l.CoalescingRequests} answered 200, slowest {l.CoalescingMaxMs:F0} ms) | one partitioned scan = {l.CoalescingExpectedCalls} calls; without coalescing {l.CoalescingRequests}× = {l.CoalescingRequests * l.CoalescingExpectedCalls:N0} | {(double)l.CoalescingUpstreamCalls / l.CoalescingExpectedCalls:F2} scans | exactly 1 scan | {Pass(coalescePass)} |");
        md.AppendLine();
        var perScan = part.ListCalls / Math.Max(1, part.SamplesMs.Count);
        var quotaFloorS = Math.Max(0, perScan - l.QuotaBurst) / l.QuotaPermitsPerSecond;
        md.AppendLine(Inv, $"The partitioned scan reads the unfiltered first page (for `totalCount`), ListWorkspaceQueues, then every (kind × queue) `nextToken`");
        md.AppendLine(Inv, $"chain in parallel (3 kinds × 6 queues = 18 chains, at most 16 in flight), and keeps the union only if it reconciles exactly with");
        md.AppendLine(Inv, $"`totalCount` (otherwise: the sequential scan; `tests/EmrPortal.Proxy.Tests/Api/PartitionedScanTests.cs` proves it equals the");
        md.AppendLine(Inv, $"sequential scan id-for-id and falls back on a hidden queue, an inflated total and a failing chain). Its floor here is the quota");
        md.AppendLine(Inv, $"bucket, not latency: {perScan} calls − burst {l.QuotaBurst} = {Math.Max(0, perScan - l.QuotaBurst)} calls at {l.QuotaPermitsPerSecond:G}/s = {quotaFloorS:F2} s, plus the first page and the");
        md.AppendLine(Inv, $"queue list (2 × {l.UpstreamLatencyMs} ms). The default quota is 80 % of the cloud's (and the emulator's) flow control, so one proxy");
        md.AppendLine(Inv, $"never trips Throttling ({part.ThrottledCalls} throttled calls above); the old default (20/s, burst 40) made the ≤ 0.5 target impossible");
        md.AppendLine("(≈ 3.5 s of waiting for tokens alone). With several proxy instances sharing one key, divide the rate by the instance count.");
        md.AppendLine();
        headlines.Add(string.Create(Inv, $"Cold first page of {l.Sessions:N0} sessions: partitioned {part.FirstPageMs:F0} ms = {partRatio:F2}× the {pages} × {l.UpstreamLatencyMs} ms sequential floor (sequential scan in the same run: {plain.FirstPageMs:F0} ms = {plainRatio:F2}×); coalescing: {l.CoalescingRequests} cold requests → {l.CoalescingUpstreamCalls} calls = {(double)l.CoalescingUpstreamCalls / l.CoalescingExpectedCalls:F2} scans."));
        if (!plainPass) failures.Add("cold ratio, sequential scan");
        if (!partPass) failures.Add(string.Create(Inv, $"partitioned cold ratio ({partRatio:F2})"));
        if (!coalescePass) failures.Add("coalescing");

        var w = l.Warm;
        var p = l.WarmPaced;
        var n = l.NaiveConcurrent;
        var s = l.NaiveSingle;
        var h = l.HealthPaced;
        var pacedPass = p.P95Ms < 5 && p.Failures == 0;
        md.AppendLine("### Warm page requests (snapshot in memory)");
        md.AppendLine();
        md.AppendLine("| Phase | Requests (failed) | req/s | p50 ms | p95 ms | p99 ms | max ms | Target | Result |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
        md.AppendLine(Row($"Proxy, {l.Concurrency} clients with think time, paced at {l.WarmPacedOfferedRps:F0} req/s", p, "p95 < 5 ms", Pass(pacedPass)));
        md.AppendLine(Row("&nbsp;&nbsp;of which unfiltered views", l.WarmPacedUnfiltered, "p95 < 5 ms", Pass(l.WarmPacedUnfiltered.P95Ms < 5)));
        md.AppendLine(Row("&nbsp;&nbsp;of which filtered / searched views", l.WarmPacedFiltered, "p95 < 5 ms", Pass(l.WarmPacedFiltered.P95Ms < 5)));
        md.AppendLine(Row($"Floor: `GET /health/live` (no auth, no work), same clients and pacing", h, "same run", "baseline"));
        // Saturating closed loop: latency here is queueing (Little's law), so it carries no ms target; the throughput
        // targets are ratios to the bare-Kestrel anchor below.
        const string closedLoop = "none: queueing (see the bare-Kestrel ratios)";
        md.AppendLine(Row($"Proxy, {l.Concurrency} clients, closed loop (saturating)", w, closedLoop, "info"));
        md.AppendLine(Row("&nbsp;&nbsp;of which unfiltered views", l.WarmUnfiltered, closedLoop, "info"));
        md.AppendLine(Row("&nbsp;&nbsp;of which filtered / searched views", l.WarmFiltered, closedLoop, "info"));
        md.AppendLine(Row($"Baseline: naive scan+sort per request, {l.Concurrency} clients", n, "same run", "baseline"));
        md.AppendLine(Row("Baseline: naive scan+sort per request, 1 client", s, "same run", "baseline"));
        md.AppendLine();
        var speedP50 = n.P50Ms / w.P50Ms;
        var speedP95 = n.P95Ms / w.P95Ms;
        var speedSingle = s.P50Ms / p.P50Ms;
        var throughput = w.RequestsPerSecond / Math.Max(n.RequestsPerSecond, 1e-9);
        var perCore = 1e6 / l.ProxyCpuUsPerWarmRequest;
        var utilisation = l.WarmPacedOfferedRps * l.ProxyCpuUsPerPacedRequest / 1e6;
        md.AppendLine(Inv, $"Speed-up vs the naive strategy, same run: **{speedP50:N0}× at p50** closed loop ({n.P50Ms:F0} ms → {w.P50Ms:F2} ms), {speedP95:N0}× at p95,");
        md.AppendLine(Inv, $"{throughput:N0}× the throughput; a single unloaded naive client (its best case, {s.P50Ms:F0} ms) vs a paced request: {speedSingle:N0}×.");
        md.AppendLine();
        md.AppendLine(Inv, $"**Capacity** (from the proxy process's CPU counters): {l.ProxyCpuUsPerWarmRequest:F0} µs of CPU per warm request in the closed loop,");
        md.AppendLine(Inv, $"{l.ProxyCpuUsPerPacedRequest:F0} µs paced (authentication, routing, the page, JSON; paced requests pay more per request because");
        md.AppendLine(Inv, $"nothing is batched), i.e. **one core serves about {perCore:N0} req/s**; at the paced {l.WarmPacedOfferedRps:F0} req/s the proxy uses {utilisation:P0} of one core.");
        if (l.CpuBreakdown.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Where the proxy's CPU goes (each a closed loop of that kind of request alone, same clients; CPU from the process counters):");
            md.AppendLine();
            md.AppendLine("| Requests | Count | Proxy CPU µs / request | req/s |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var c in l.CpuBreakdown)
            {
                md.AppendLine(Inv, $"| {c.Requests} | {c.Count:N0} | {c.ProxyCpuUsPerRequest:F0} | {c.RequestsPerSecond:N0} |");
            }
        }

        md.AppendLine();
        md.AppendLine(Inv, $"Machine load average when the warm phase started: {l.LoadAverageAtWarm} (on {Environment.ProcessorCount} cores; other work was running).");
        md.AppendLine(Inv, $"Upstream calls during the warm phases: {l.WarmUpstreamCalls} (the naive strategy spends {pages} per request).");
        md.AppendLine();
        var littles = l.Concurrency / Math.Max(w.RequestsPerSecond, 1e-9) * 1000;
        md.AppendLine(Inv, $"Reading the closed loop: {l.Concurrency} clients that never pause keep {l.Concurrency} requests in flight, so by Little's law the mean");
        md.AppendLine(Inv, $"latency is {l.Concurrency} / {w.RequestsPerSecond:N0} req/s = {littles:F1} ms whatever the proxy does per request: the row measures how many");
        md.AppendLine(Inv, $"requests {Environment.ProcessorCount} shared cores (proxy + emulator + this driver) complete per second, i.e. queueing. The paced row is the");
        md.AppendLine(Inv, $"latency a user sees at a realistic {l.WarmPacedOfferedRps:F0} req/s, where the proxy is far from saturated.");
        if (!pacedPass)
        {
            md.AppendLine(Inv, $"It still misses at p95 ({p.P95Ms:F2} ms): the proxy's own work is about {l.ProxyCpuUsPerPacedRequest / 1000:F2} ms of CPU per request, and the");
            md.AppendLine(Inv, $"p50 is {p.P50Ms:F2} ms, but the tail is the machine: the liveness probe, which does no work at all, has p95 {h.P95Ms:F2} ms and");
            md.AppendLine(Inv, $"p99 {h.P99Ms:F2} ms at the same pacing, because with a load average of {l.LoadAverageAtWarm.Split(' ')[0]} on {Environment.ProcessorCount} cores a runnable thread waits");
            md.AppendLine(Inv, $"for a core. Page p95 minus that floor: {p.P95Ms - h.P95Ms:F2} ms.");
        }

        md.AppendLine();
        headlines.Add(string.Create(Inv, $"Warm page, {l.Concurrency} clients: paced at {l.WarmPacedOfferedRps:F0} req/s p50/p95/p99 {p.P50Ms:F2}/{p.P95Ms:F2}/{p.P99Ms:F2} ms (no-work floor p95 {h.P95Ms:F2} ms); closed loop {w.RequestsPerSecond:N0} req/s, p95 {w.P95Ms:F2} ms; {l.ProxyCpuUsPerWarmRequest:F0} µs CPU per request = {perCore:N0} req/s per core; naive baseline p50 {n.P50Ms:N0} ms → {speedP50:N0}× (p50)."));
        if (!pacedPass) failures.Add(string.Create(Inv, $"warm p95 paced ({p.P95Ms:F2} ms; no-work floor {h.P95Ms:F2} ms)"));
        WriteAnchor(md, l, headlines, failures);
        WriteStartups(md, l, headlines, failures);

        foreach (var note in l.Notes)
        {
            md.AppendLine(Inv, $"Note: {note}");
            md.AppendLine();
        }
    }

    private static void WriteFlood(StringBuilder md, FloodResults r, List<string> headlines, List<string> failures)
    {
        var ratioPass = r.P95Ratio <= 2.0;
        var callsPass = r.UpstreamCallsPerSecond <= 1.0;
        md.AppendLine("## One user cannot degrade another (issue 18)");
        md.AppendLine();
        md.AppendLine(Inv, $"`EmrPortal.LoadDriver flood`: published Emulator and Proxy (default settings) on loopback. A reader reads session details of `{LoadRun.Small}` alone, then while a second user sends {r.RandomIds} requests for random session ids of `{LoadRun.Large}` ({r.Concurrency} in flight, {r.FloodSeconds:F1} s). Upstream calls are counted by the emulator per workspace.");
        md.AppendLine();
        md.AppendLine("| | reader alone | reader during the flood | ratio (target ≤ 2×) |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(Inv, $"| detail p50 | {r.ReaderQuiet.P50Ms:F1} ms | {r.ReaderDuringFlood.P50Ms:F1} ms | {r.ReaderDuringFlood.P50Ms / Math.Max(r.ReaderQuiet.P50Ms, 0.001):F2}× |");
        md.AppendLine(Inv, $"| detail p95 | {r.ReaderQuiet.P95Ms:F1} ms | {r.ReaderDuringFlood.P95Ms:F1} ms | **{r.P95Ratio:F2}×** {(ratioPass ? "✅" : "❌")} |");
        md.AppendLine(Inv, $"| requests (failed) | {r.ReaderQuiet.Requests} ({r.ReaderQuiet.Failures}) | {r.ReaderDuringFlood.Requests} ({r.ReaderDuringFlood.Failures}) | |");
        md.AppendLine();
        md.AppendLine(Inv, $"Random ids answered: {string.Join(", ", r.FloodStatuses.Select(s => $"{s.Key} × {s.Value}"))}. Upstream GetSessionCluster calls they caused: {r.UpstreamCallsByRandomIds} (**{r.UpstreamCallsPerSecond:F2}/s**, target ≤ 1/s) {(callsPass ? "✅" : "❌")}. Load average at the end: {r.LoadAverage}.");
        md.AppendLine();
        headlines.Add(string.Create(Inv, $"Flood of {r.RandomIds} random ids: the other user's detail p95 {r.ReaderQuiet.P95Ms:F1} → {r.ReaderDuringFlood.P95Ms:F1} ms ({r.P95Ratio:F2}×, target ≤ 2×); {r.UpstreamCallsByRandomIds} upstream calls ({r.UpstreamCallsPerSecond:F2}/s, target ≤ 1/s)."));
        if (!ratioPass) failures.Add("flood: reader p95 ratio above 2×");
        if (!callsPass) failures.Add("flood: random ids cost more than 1 upstream call/s");
    }

    private static void WriteNotify(StringBuilder md, NotificationCostResults r, List<string> headlines)
    {
        md.AppendLine("## Notifications: detection and outbox per refresh (issue 21)");
        md.AppendLine();
        md.AppendLine(Inv, $"`EmrPortal.Benchmarks notify`: a {r.Sessions:N0}-session workspace refreshed {r.Refreshes} times in process ({r.ChangesPerRefresh} sessions change state each time, half into Error; {r.Rules} rules), recorded into SQLite with and without the detector. The upstream scan is not in the baseline, so the ratio is an upper bound.");
        md.AppendLine();
        md.AppendLine("| snapshot build | recording | recording + detection + outbox | detection + outbox | ratio to the refresh | events |");
        md.AppendLine("|---|---|---|---|---|---|");
        md.AppendLine(Inv, $"| {r.BuildMedianMs:F1} ms | {r.RecordMedianMs:F1} ms | {r.RecordWithDetectionMedianMs:F1} ms | {r.DetectionMedianMs:F2} ms | **{r.Ratio:F3}×** | {r.Events} |");
        md.AppendLine();
        headlines.Add(string.Create(Inv, $"Notifications: detection + outbox add {r.DetectionMedianMs:F1} ms to a {r.Sessions:N0}-session refresh ({r.Ratio:F3}× the in-process refresh)."));
    }

    private static void WriteSoak(StringBuilder md, SoakResults r, List<string> headlines, List<string> failures)
    {
        var start = r.ProxyMemory[0].WorkingSetBytes;
        var endWs = r.ProxyMemory[^1].WorkingSetBytes;
        var max = r.ProxyMemory.Max(m => m.WorkingSetBytes);
        var answeredPass = r.Answered == r.Sent && r.TransportErrors == 0;
        var errorsPass = r.Unexpected5xx == 0;
        var memoryPass = endWs <= start * 1.25;
        md.AppendLine("## Soak with upstream faults (issue 9, bounded)");
        md.AppendLine();
        md.AppendLine(Inv, $"`EmrPortal.LoadDriver soak`: published Emulator and Proxy (default settings) on loopback, {r.Clients} concurrent clients for {r.Seconds:F0} s");
        md.AppendLine(Inv, $"with 25–125 ms think time: list pages of three workspaces (60 / 3,000 / 10,000 sessions) and, one request in four, a session detail.");
        md.AppendLine(Inv, $"The emulator answers **{r.ErrorRate:P0} of all upstream calls with 500/503** (`PUT /admin/faults`) and {r.UpstreamLatencyMs} ms latency; snapshots");
        md.AppendLine("were built before the faults started, so lists must be served from them (stale when a refresh fails).");
        md.AppendLine();
        md.AppendLine("| Measure | Value | Target | Result |");
        md.AppendLine("|---|---:|---|---|");
        md.AppendLine(Inv, $"| Requests sent / answered | {r.Sent:N0} / {r.Answered:N0} ({r.TransportErrors} transport errors) | every request answered | {Pass(answeredPass)} |");
        md.AppendLine(Inv, $"| 200 OK | {r.Ok:N0} (of which {r.StaleOk:N0} lists labelled stale) | — | info |");
        md.AppendLine(Inv, $"| Unexpected 5xx (any 5xx on a list, a 500, or a 5xx without Retry-After/ProblemDetails) | {r.Unexpected5xx} | 0 | {Pass(errorsPass)} |");
        md.AppendLine(Inv, $"| Retryable 502/503 + Retry-After on a detail nobody had cached while upstream failed | {r.RetryableDetail5xx:N0} | designed answer | info |");
        md.AppendLine(Inv, $"| Other 4xx | {r.Other4xx} | 0 | {Pass(r.Other4xx == 0)} |");
        md.AppendLine(Inv, $"| Upstream faults injected (emulator's count) / upstream calls | {r.FaultsInjected:N0} / {r.UpstreamCalls:N0} | ≈ {r.ErrorRate:P0} | info |");
        md.AppendLine(Inv, $"| Latency of answered requests p50 / p95 / p99 | {r.Latency.P50Ms:F1} / {r.Latency.P95Ms:F1} / {r.Latency.P99Ms:F1} ms ({r.Latency.RequestsPerSecond:N0} req/s) | — | info |");
        md.AppendLine(Inv, $"| Proxy working set (VmRSS) start → end (max) | {Mb(start)} → {Mb(endWs)} ({Mb(max)}) | end ≤ 1.25 × start | {Pass(memoryPass)} |");
        md.AppendLine();
        md.AppendLine("Working set every 5 s: " + string.Join(", ", r.ProxyMemory.Select(m => string.Create(Inv, $"{m.AtSeconds:F0} s {Mb(m.WorkingSetBytes)}"))) + ".");
        md.AppendLine(Inv, $"Load average at the end: {r.LoadAverage}.");
        md.AppendLine();
        headlines.Add(string.Create(Inv, $"Soak: {r.Clients} clients × {r.Seconds:F0} s with {r.ErrorRate:P0} upstream faults ({r.FaultsInjected:N0} injected): {r.Sent:N0} requests, {r.Answered:N0} answered, {r.Unexpected5xx} unexpected 5xx, {r.StaleOk:N0} stale lists served; proxy working set {Mb(start)} → {Mb(endWs)}."));
        if (!answeredPass) failures.Add("soak: requests unanswered");
        if (!errorsPass) failures.Add("soak: unexpected 5xx");
        if (r.Other4xx != 0) failures.Add("soak: unexpected 4xx");
        if (!memoryPass) failures.Add("soak: memory growth");
    }

    private static double MedianOf(IEnumerable<double> values) => PortalRun.Median([.. values]);

    /// <summary>The proxy beside the bare-Kestrel anchor: median over rounds of each round's proxy/bare ratio.</summary>
    private static void WriteAnchor(StringBuilder md, LoadResults l, List<string> headlines, List<string> failures)
    {
        md.AppendLine("### Side by side with a bare Kestrel app (same run, same clients)");
        md.AppendLine();
        if (l.Anchor is not { Rounds.Count: > 0 } a)
        {
            md.AppendLine("Not run (the load run was started without `--bare`).");
            md.AppendLine();
            failures.Add("bare-Kestrel anchor not run");
            return;
        }

        md.AppendLine(Inv, $"`bench/EmrPortal.BareKestrel`: Kestrel with no routing, authentication, logging or middleware, answering every `GET /page`");
        md.AppendLine(Inv, $"with the proxy's own first 25-row page of the {l.Sessions:N0}-session workspace ({a.PageBytes:N0} bytes, fetched from the proxy at the start of");
        md.AppendLine(Inv, $"the phase, precomputed). {a.Rounds.Count} rounds, each: the anchor, then the proxy's warm unfiltered 25-row pages (random page, key and");
        md.AppendLine(Inv, $"direction), its filtered/searched 25-row pages (first pages; state, kind, queue, owner, `q`) and `GET /api/v1/me`; every phase");
        md.AppendLine(Inv, $"{a.Concurrency} closed-loop clients over the same loopback with the same bearer header for {a.PhaseSeconds:F1} s. A ratio is");
        md.AppendLine("proxy ÷ anchor **within one round** (both sides see the same machine load), and the table shows the median over rounds.");
        if (a.Warmups.Count > 0)
        {
            md.AppendLine("Before the first round each side was warmed to steady state (one-second closed-loop windows until two consecutive");
            md.AppendLine("windows agree within 5 %; tiered JIT, dynamic PGO and the thread pool take seconds): " + string.Join("; ", a.Warmups.Select(w =>
                string.Create(Inv, $"{w.Name.Replace("anchor warm-up: ", "", StringComparison.Ordinal)} {(w.Steady ? "steady" : "**not steady**")} after {w.WindowRequestsPerSecond.Count} windows ({string.Join(" → ", w.WindowRequestsPerSecond.Select(r => r.ToString("N0", Inv)))} req/s)"))) + ".");
        }

        md.AppendLine();
        double Ratio(Func<AnchorRound, double> proxy, Func<AnchorRound, double> bare) => MedianOf(a.Rounds.Select(r => proxy(r) / bare(r)));
        var unf = Ratio(r => r.Unfiltered.RequestsPerSecond, r => r.Bare.RequestsPerSecond);
        var fil = Ratio(r => r.Filtered.RequestsPerSecond, r => r.Bare.RequestsPerSecond);
        var me = Ratio(r => r.Me.RequestsPerSecond, r => r.Bare.RequestsPerSecond);
        var p99 = Ratio(r => r.Unfiltered.P99Ms, r => r.Bare.P99Ms);
        var p99Filtered = Ratio(r => r.Filtered.P99Ms, r => r.Bare.P99Ms);
        var p99Me = Ratio(r => r.Me.P99Ms, r => r.Bare.P99Ms);
        var noFailures = a.Rounds.All(r => r.Bare.Failures + r.Unfiltered.Failures + r.Filtered.Failures + r.Me.Failures == 0);
        var bareRps = MedianOf(a.Rounds.Select(r => r.Bare.RequestsPerSecond));
        var bareP99 = MedianOf(a.Rounds.Select(r => r.Bare.P99Ms));
        md.AppendLine("| Measure | Proxy (median of rounds) | Bare Kestrel (median of rounds) | Ratio proxy/bare | Target | Result |");
        md.AppendLine("|---|---:|---:|---:|---|---|");
        md.AppendLine(Inv, $"| Warm unfiltered 25-row page, throughput | {MedianOf(a.Rounds.Select(r => r.Unfiltered.RequestsPerSecond)):N0} req/s | {bareRps:N0} req/s | {unf:F2}× | ≥ 0.5× | {Pass(unf >= 0.5 && noFailures)} |");
        md.AppendLine(Inv, $"| Filtered / searched 25-row page, throughput | {MedianOf(a.Rounds.Select(r => r.Filtered.RequestsPerSecond)):N0} req/s | {bareRps:N0} req/s | {fil:F2}× | ≥ 0.35× | {Pass(fil >= 0.35 && noFailures)} |");
        md.AppendLine(Inv, $"| `GET /api/v1/me`, throughput | {MedianOf(a.Rounds.Select(r => r.Me.RequestsPerSecond)):N0} req/s | {bareRps:N0} req/s | {me:F2}× | ≥ 0.6× | {Pass(me >= 0.6 && noFailures)} |");
        md.AppendLine(Inv, $"| Warm unfiltered page, p99 latency | {MedianOf(a.Rounds.Select(r => r.Unfiltered.P99Ms)):F2} ms | {bareP99:F2} ms | {p99:F2}× | ≤ 2× | {Pass(p99 <= 2)} |");
        md.AppendLine(Inv, $"| Filtered / searched page, p99 latency | {MedianOf(a.Rounds.Select(r => r.Filtered.P99Ms)):F2} ms | {bareP99:F2} ms | {p99Filtered:F2}× | — | info |");
        md.AppendLine(Inv, $"| `/me`, p99 latency | {MedianOf(a.Rounds.Select(r => r.Me.P99Ms)):F2} ms | {bareP99:F2} ms | {p99Me:F2}× | — | info |");
        md.AppendLine();
        md.AppendLine("Every round (req/s, p99 ms; proxy CPU µs per request from its process counters; load average after the round):");
        md.AppendLine();
        md.AppendLine("| Round | Bare req/s (p99) | Unfiltered req/s (p99) · CPU | Filtered req/s (p99) · CPU | /me req/s (p99) · CPU | Load average |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|");
        for (var i = 0; i < a.Rounds.Count; i++)
        {
            var r = a.Rounds[i];
            md.AppendLine(Inv, $"| {i + 1} | {r.Bare.RequestsPerSecond:N0} ({r.Bare.P99Ms:F2}) | {r.Unfiltered.RequestsPerSecond:N0} ({r.Unfiltered.P99Ms:F2}) · {r.ProxyCpuUsUnfiltered:F0} µs | {r.Filtered.RequestsPerSecond:N0} ({r.Filtered.P99Ms:F2}) · {r.ProxyCpuUsFiltered:F0} µs | {r.Me.RequestsPerSecond:N0} ({r.Me.P99Ms:F2}) · {r.ProxyCpuUsMe:F0} µs | {r.LoadAverage} |");
        }

        md.AppendLine();
        md.AppendLine(Inv, $"Load average: {a.Load.BeforeWait} before a bounded wait of {a.Load.WaitedSeconds:F0} s for it to settle ({(a.Load.Settled ? "settled" : $"it did not fall to {Environment.ProcessorCount}")}), {a.Load.AtStart} when the rounds started, {a.Load.AtEnd} at the end.");
        md.AppendLine();
        md.AppendLine("Where the proxy's time per page goes (profiles before and after rows were serialized once per snapshot and the marks");
        md.AppendLine("written beside them): [docs/decisions.md, \"Warm page requests: where the time went\"](decisions.md#warm-page-requests-where-the-time-went).");
        md.AppendLine();
        headlines.Add(string.Create(Inv, $"Proxy vs bare Kestrel ({a.Concurrency} clients, median of {a.Rounds.Count} rounds): unfiltered page {unf:F2}× (≥ 0.5), filtered/searched {fil:F2}× (≥ 0.35), /me {me:F2}× (≥ 0.6), unfiltered p99 {p99:F2}× bare's (≤ 2); load average {a.Load.AtStart} → {a.Load.AtEnd}."));
        if (!(unf >= 0.5 && noFailures)) failures.Add(string.Create(Inv, $"unfiltered page vs bare Kestrel ({unf:F2}×)"));
        if (!(fil >= 0.35 && noFailures)) failures.Add(string.Create(Inv, $"filtered page vs bare Kestrel ({fil:F2}×)"));
        if (!(me >= 0.6 && noFailures)) failures.Add(string.Create(Inv, $"/me vs bare Kestrel ({me:F2}×)"));
        if (!(p99 <= 2)) failures.Add(string.Create(Inv, $"p99 vs bare Kestrel ({p99:F2}×)"));
    }

    /// <summary>Process start → ready → first page, ReadyToRun as published vs JIT only (same binaries).</summary>
    private static void WriteStartups(StringBuilder md, LoadResults l, List<string> headlines, List<string> failures)
    {
        if (l.Startups.Count == 0)
        {
            return;
        }

        md.AppendLine("### Start-up (ReadyToRun)");
        md.AppendLine();
        md.AppendLine("Proxy and Web are published ReadyToRun (`./bench.sh`, `./test.sh` and the `Dockerfile` alike). Each app is started fresh twice");
        md.AppendLine("from that same output: as published, and with `DOTNET_ReadyToRun=0` (the runtime ignores the precompiled code and JIT-compiles");
        md.AppendLine("everything): the same-run baseline. *Start → ready*: process start until `/health/live` answers (polled every 10 ms).");
        md.AppendLine("*Ready → first page*: from then until the first page is served in full.");
        md.AppendLine();
        md.AppendLine("| App | Mode | Start → ready ms | Ready → first page ms | First page | Ratio to JIT only (start → first page) |");
        md.AppendLine("|---|---|---:|---:|---|---:|");
        foreach (var t in l.Startups)
        {
            var jit = l.Startups.FirstOrDefault(x => x.App == t.App && x != t && x.Mode.StartsWith("JIT", StringComparison.Ordinal));
            var ratio = jit is null || t.Mode.StartsWith("JIT", StringComparison.Ordinal)
                ? "baseline"
                : string.Create(Inv, $"{(t.StartToReadyMs + t.ReadyToFirstPageMs) / (jit.StartToReadyMs + jit.ReadyToFirstPageMs):F2}×");
            md.AppendLine(Inv, $"| {t.App} | {t.Mode} | {t.StartToReadyMs:F0} | {t.ReadyToFirstPageMs:F0} | {t.FirstPage} | {ratio} |");
        }

        md.AppendLine();
        foreach (var app in l.Startups.Select(t => t.App).Distinct())
        {
            if (l.Startups.FirstOrDefault(t => t.App == app && !t.Mode.StartsWith("JIT", StringComparison.Ordinal)) is { } r2r)
            {
                headlines.Add(string.Create(Inv, $"{app} start-up (ReadyToRun): start → ready {r2r.StartToReadyMs:F0} ms, ready → first page {r2r.ReadyToFirstPageMs:F0} ms."));
            }
        }
    }

    private static void WritePortal(StringBuilder md, PortalResults r, List<string> headlines, List<string> failures)
    {
        var first = PortalRun.Median(r.FirstRowInPageMs);
        var wall = PortalRun.Median(r.FirstRowWallMs);
        var sort = PortalRun.Median(r.SortClickMs);
        var heapDeltaKb = (r.GcHeapAfterBytes - r.GcHeapBeforeBytes) / 1024.0 / r.Circuits;
        var rssKb = (r.WorkingSetAfterBytes - r.WorkingSetBeforeBytes) / 1024.0 / r.Circuits;
        var baselineDeltaKb = r.BaselinePage is null ? double.NaN : (r.BaselineGcHeapAfterBytes - r.BaselineGcHeapBeforeBytes) / 1024.0 / r.Circuits;
        // The checked figure: live objects by heap dump diff when the run had dotnet-dump, else the GC heap delta (which
        // leaves out free space the circuits filled, so it reads low by a varying amount).
        var listLive = r.LiveHeap.FirstOrDefault(h => h.Page == "session list");
        var baselineLive = r.LiveHeap.FirstOrDefault(h => h.Page.StartsWith('/'));
        var perCircuitKb = listLive?.LiveKbPerCircuit ?? heapDeltaKb;
        var baselineKb = baselineLive?.LiveKbPerCircuit ?? baselineDeltaKb;
        var measure = listLive is null ? $"GC heap delta / {r.Circuits}" : $"live objects, heap dumps diffed / {r.Circuits}";
        // Issue 19's targets: prerendered rows, lean and paused circuits.
        var firstPass = first <= 150;
        var memoryPass = perCircuitKb <= 600;
        md.AppendLine("## Portal (Playwright + Debian Chromium, published apps)");
        md.AppendLine();
        md.AppendLine(Inv, $"`EmrPortal.LoadDriver portal`: published Emulator ({r.Sessions:N0}-session workspace, 50 ms upstream latency), Proxy and Web (Production,");
        md.AppendLine("demo sign-in) on loopback; headless `/usr/bin/chromium` through Microsoft.Playwright. Times are taken in the page's own clock:");
        md.AppendLine("navigation start → the first row is painted (Element Timing: the list marks its first row's name link `elementtiming`; the");
        md.AppendLine("time is the presentation of the frame that drew it; nothing is asked of the page before its load event, see");
        md.AppendLine("docs/decisions.md#critical-path), and the sort button's click event → the first row changes. The first row is timed in a");
        md.AppendLine("warm tab (a tab that stays open and starts each timed navigation from a tiny page of the same site: an idle renderer,");
        md.AppendLine("as a person's browser has one ready); in the same rounds, the list in a new tab (a new renderer process each time) and");
        md.AppendLine("the floor, a trivial page (one marked row, no CSS, no script) from the bare Kestrel app in its own warm tab");
        md.AppendLine("(docs/decisions.md#first-row-measurement).");
        md.AppendLine();
        md.AppendLine("Memory per idle circuit: the same page opened in that many separate browser contexts (one circuit each). The figure checked");
        md.AppendLine("is the live objects they add, from heap dumps of the web process before and after (`dotnet-dump`, `dumpheap -stat -live`,");
        md.AppendLine("subtracted by type and divided by the number of tabs; docs/decisions.md, \"Measuring circuit memory\"). Beside it, the GC heap");
        md.AppendLine("size after a forced full GC (EventPipe), which reads lower by whatever free space the new objects filled. The web runs with a");
        md.AppendLine("2 s HTTP keep-alive timeout and memory is read 5 s after the last tab opened, so each tab's idle HTTP/1.1 connections are");
        md.AppendLine("closed by then (Kestrel closes them after 130 s in production): the figure is what an idle tab keeps, its circuit and its");
        md.AppendLine("WebSocket (or, paused, its persisted state).");
        md.AppendLine();
        md.AppendLine("| Measure | Value | Baseline (same run) | Target | Result |");
        md.AppendLine("|---|---:|---|---|---|");
        var newTab = r.NewTabFirstRowPhasesMs.Select(p => p.Count > 5 ? p[5] : -1).Where(v => v >= 0).ToList();
        var floor = r.FloorPhasesMs.Select(p => p.Count > 5 ? p[5] : -1).Where(v => v >= 0).ToList();
        var floorText = floor.Count == 0 ? "" : string.Create(Inv, $"floor (trivial page, warm tab): {PortalRun.Median(floor):F0} ms; ");
        md.AppendLine(Inv, $"| Warm list page, warm tab: navigation → first data row painted, median of {r.FirstRowInPageMs.Count} | {first:F0} ms (p90 {Pct(r.FirstRowInPageMs, 0.9):F0} ms) | {floorText}driver's wall clock goto → load event: {wall:F0} ms | ≤ 150 ms | {Pass(firstPass)} |");
        if (newTab.Count > 0)
        {
            md.AppendLine(Inv, $"| The same list in a new tab (a new renderer process each time), median of {newTab.Count} | {PortalRun.Median(newTab):F0} ms (p90 {Pct(newTab, 0.9):F0} ms) | — | reported | info |");
        }

        if (floor.Count > 0)
        {
            md.AppendLine(Inv, $"| Floor: trivial page (one marked row, no CSS, no script; bare Kestrel) in a warm tab, median of {floor.Count} | {PortalRun.Median(floor):F0} ms (p90 {Pct(floor, 0.9):F0} ms) | — | baseline | info |");
        }
        md.AppendLine(Inv, $"| Sort click → rows updated, median of {r.SortClickMs.Count} | {sort:F0} ms (max {r.SortClickMs.DefaultIfEmpty(double.NaN).Max():F0} ms) | — | ≤ 100 ms (clicked once the list is interactive) | {Pass(sort <= 100)} |");
        md.AppendLine(Inv, $"| Server memory per idle circuit, session list ({measure}) | {perCircuitKb:F0} KB | GC heap {Mb(r.GcHeapBeforeBytes)} → {Mb(r.GcHeapAfterBytes)} = {heapDeltaKb:F0} KB per circuit; working set delta / {r.Circuits}: {rssKb:F0} KB | ≤ 600 KB | {Pass(memoryPass)} |");
        if (r.BaselinePage is not null)
        {
            md.AppendLine(Inv, $"| Server memory per idle circuit, {r.BaselinePage}: same layout, no session list ({measure}) | {baselineKb:F0} KB | GC heap {Mb(r.BaselineGcHeapBeforeBytes)} → {Mb(r.BaselineGcHeapAfterBytes)} = {baselineDeltaKb:F0} KB per circuit | ≤ 250 KB (session list = {perCircuitKb / baselineKb:F2}× this; its own share {perCircuitKb - baselineKb:F0} KB) | {Pass(baselineKb <= 250)} |");
        }

        if (r.PausedGcHeapAfterBytes > 0)
        {
            var pausedDeltaKb = (r.PausedGcHeapAfterBytes - r.PausedGcHeapBeforeBytes) / 1024.0 / r.Circuits;
            var pausedLive = r.LiveHeap.FirstOrDefault(h => h.Page.StartsWith("paused", StringComparison.Ordinal));
            var pausedKb = pausedLive?.LiveKbPerCircuit ?? pausedDeltaKb;
            md.AppendLine(Inv, $"| Server memory per paused circuit (list tab hidden until paused; {(pausedLive is null ? $"GC heap delta / {r.Circuits}" : measure)}) | {pausedKb:F0} KB | GC heap {Mb(r.PausedGcHeapBeforeBytes)} → {Mb(r.PausedGcHeapAfterBytes)} = {pausedDeltaKb:F0} KB per circuit | ≤ 20 KB | {Pass(pausedKb <= 20)} |");
        }

        if (perCircuitKb > 0)
        {
            // 4 GB less what the process needs without circuits (its heap before them, doubled for the GC's headroom).
            var circuitsPer4Gb = (4096.0 * 1024 - 2 * r.GcHeapBeforeBytes / 1024.0) / perCircuitKb;
            md.AppendLine(Inv, $"| Idle list circuits one 2-core/4 GB web instance holds (memory-bound: (4 GB − 2 × heap without circuits) / per-circuit memory) | ≈ {circuitsPer4Gb:N0} | — | reported | info |");
        }

        if (r.LiveHeap.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Where an idle circuit's memory goes (live objects per circuit by type, the types that grew most; from this run's heap dumps):");
            md.AppendLine();
            foreach (var heap in r.LiveHeap.Where(h => !h.Page.StartsWith("paused", StringComparison.Ordinal)))
            {
                md.AppendLine(Inv, $"| {heap.Page}: {heap.LiveKbPerCircuit:F0} KB per circuit | KB | objects |");
                md.AppendLine("|---|---:|---:|");
                foreach (var t in heap.Top)
                {
                    md.AppendLine(Inv, $"| `{t.Type.Replace("|", "\\|", StringComparison.Ordinal)}` | {t.KbPerCircuit:F1} | {t.ObjectsPerCircuit:F1} |");
                }

                md.AppendLine();
            }

            md.AppendLine("Every component instance keeps two render-tree frame buffers (this render and the last; at least 32 frames × 40 B each),");
            md.AppendLine("two builders and MudBlazor's parameter-state objects, so `RenderTreeFrame[]` and the builder types grow with the number of");
            md.AppendLine("components a page renders (`RemoteComponentState` counts them); strings are mostly the rows' markup and attribute values.");
        }

        md.AppendLine();
        if (r.FirstRowPhasesMs.Count > 0)
        {
            // Medians of each phase's end, so the steps show where the first-row time goes.
            double Phase(int i) => PortalRun.Median([.. r.FirstRowPhasesMs.Where(p => p.Count > i && p[i] >= 0).Select(p => p[i])]);
            var (document, parsed, negotiate, row) = (Phase(0), Phase(1), Phase(2), Phase(3));
            md.AppendLine("Where the first-row time goes (medians over the same navigations, page clock):");
            md.AppendLine();
            md.AppendLine("| Step | Ends at | Takes |");
            md.AppendLine("|---|---:|---:|");
            md.AppendLine(Inv, $"| Document received (the server prerenders the rows: docs/decisions.md#prerendering) | {document:F0} ms | {document:F0} ms |");
            md.AppendLine(Inv, $"| Styles and scripts parsed and run (DOMContentLoaded: MudBlazor CSS/JS, blazor.web.js) | {parsed:F0} ms | {parsed - document:F0} ms |");
            md.AppendLine(Inv, $"| Blazor asks for its circuit connection (`_blazor/negotiate` starts) | {negotiate:F0} ms | {negotiate - parsed:F0} ms |");
            md.AppendLine(Inv, $"| First data row in the DOM (prerendered: arrives with the document; MutationObserver callback) | {row:F0} ms | {row - document:F0} ms after the document |");
            var (painted, fcp) = (Phase(5), Phase(6));
            if (!double.IsNaN(painted))
            {
                md.AppendLine(Inv, $"| First data row painted (Element Timing, the headline figure) | {painted:F0} ms | {painted - row:F0} ms after it entered the DOM |");
            }

            if (!double.IsNaN(fcp))
            {
                md.AppendLine(Inv, $"| First contentful paint (anything: app bar, banner) | {fcp:F0} ms | — |");
            }
            var interactive = Phase(4);
            if (!double.IsNaN(interactive))
            {
                md.AppendLine(Inv, $"| Time to interactive: circuit up, state restored, list `data-ready` | {interactive:F0} ms | {interactive - negotiate:F0} ms after negotiate |");
            }

            md.AppendLine();
            if (!firstPass)
            {
                var floorMs = floor.Count == 0 ? double.NaN : PortalRun.Median(floor);
                md.AppendLine(Inv, $"Reading the first-row miss: the rows arrive with the prerendered document ({document:F0} ms: the server's render,");
                md.AppendLine("including its proxy calls for me, the page and the pins). Only the portal's 12 KB stylesheet blocks rendering,");
                md.AppendLine("MudBlazor's rules the page uses come inline and its whole sheet is only preloaded until the first frame, so the parser");
                md.AppendLine("reaches the rows without parsing 638 KB of CSS, and no script runs before them. What remains is");
                md.AppendLine("that frame: style and layout of ~1,600 layout objects, paint, and software raster and compositing on the same two cores");
                md.AppendLine(Inv, $"as the three apps. The trivial page, which has none of that, painted at {floorMs:F0} ms in the same rounds; the list's");
                md.AppendLine(Inv, $"{first - floorMs:F0} ms above it are its server render, its document's size and its first frame (docs/decisions.md#critical-path).");
                md.AppendLine();
            }
        }

        md.AppendLine(Inv, $"Load average at the end: {r.LoadAverage}. {string.Join(" ", r.Notes)}");
        md.AppendLine();
        if (r.Loads.Count > 0)
        {
            md.AppendLine(Inv, $"Load average (1/5/15 min) around each timed step. Before each, the driver waits (bounded) for the 1-minute figure to fall to");
            md.AppendLine(Inv, $"{Environment.ProcessorCount} (one runnable task per core); navigations that still started on a busy machine are repeated once and the quieter attempt kept.");
            md.AppendLine();
            md.AppendLine("| Step | Before waiting | Waited | Settled | At start | At end |");
            md.AppendLine("|---|---|---:|---|---|---|");
            foreach (var g in r.Loads)
            {
                md.AppendLine(Inv, $"| {g.Phase} | {g.BeforeWait} | {g.WaitedSeconds:F0} s | {(g.Settled ? "yes" : "no")} | {g.AtStart} | {g.AtEnd} |");
            }

            md.AppendLine();
        }

        headlines.Add(string.Create(Inv, $"Portal: warm list page first row painted in {first:F0} ms (median of {r.FirstRowInPageMs.Count}), sort click → rows {sort:F0} ms, {perCircuitKb:F0} KB per idle list circuit ({measure})."));
        if (!firstPass) failures.Add(string.Create(Inv, $"portal first row ({first:F0} ms)"));
        if (!memoryPass) failures.Add(string.Create(Inv, $"memory per circuit ({perCircuitKb:F0} KB)"));
    }

    private static string Mb(long bytes) => string.Create(Inv, $"{bytes / 1048576.0:F1} MB");

    private static double Pct(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static void WriteScaling(StringBuilder md, ScalingResults s, List<string> headlines, List<string> failures)
    {
        md.AppendLine("## Scaling curve (in-process, the proxy's real `Snapshot`)");
        md.AppendLine();
        md.AppendLine("Snapshot build = all 8 sort keys × 2 directions (median of several builds). Page times are per request, pageSize 25:");
        md.AppendLine("unfiltered = random page and sort, timed in batches of 64 random views (each sample is a batch's mean per page, so a");
        md.AppendLine("sub-microsecond page is not left to the timer's resolution), beside its memory floor timed the same way; filtered first pass = a cyclic walk over 128 distinct filters (state+kind, free text,");
        md.AppendLine("owner), more than the snapshot keeps match sets for, so every request tests all n sessions (the O(n) pass); known filter,");
        md.AppendLine("new order = first pages of 3 filters under every key and direction (the filter's match set is kept, the page walks the");
        md.AppendLine("precomputed order until it is full); order cached = paging through one filtered view.");
        md.AppendLine();
        md.AppendLine("Build CPU = the process's CPU time per build (the sort and any GC work it causes; unlike wall time it leaves out the");
        md.AppendLine("time other processes held the cores, so it is the figure the growth check uses), with the GC pause time, gen-2");
        md.AppendLine("collections and bytes allocated per build beside it. Each measured build runs alone (the previous snapshot released");
        md.AppendLine("and collected first); *beside the previous* is the same build while the previous snapshot is still alive, as the proxy");
        md.AppendLine("builds (the store serves it until the new one replaces it): consecutive builds then alternate between two costs with");
        md.AppendLine("the memory the two snapshots occupy, so that figure is the median of consecutive pairs' means, reported, not checked");
        md.AppendLine("(docs/decisions.md, \"Scaling check\").");
        md.AppendLine();
        if (s.WarmUp is { } w)
        {
            md.AppendLine(Inv, $"Before the first size, the run builds {WarmUpText(w)}: measured at different stages of tiered compilation, the");
            md.AppendLine("first size ran unoptimized (tier-0) code and the next one paid the background JIT's recompilation in its CPU time,");
            md.AppendLine("so their ratio measured the JIT, not the algorithm. *JIT* = methods the JIT compiled (on any thread) while that size's");
            md.AppendLine("measured builds ran: 0 means every size ran the same optimized code.");
            md.AppendLine();
        }

        md.AppendLine("| Sessions | Build ms (wall) | Build CPU ms | beside the previous | JIT during builds | GC pause ms / gen2 / allocated | Unfiltered page p50 µs (batch means) | p95 µs | its memory floor p50 µs | Filtered page, first pass p50 µs | p95 µs | Known filter, new order p50 µs | Filtered page, order cached p95 µs |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in s.Points)
        {
            md.AppendLine(Inv, $"| {p.Sessions:N0} | {p.BuildMedianMs:F2} | {p.BuildCpuMedianMs:F2} | {p.BuildBesidePreviousCpuMs:F2} | {p.BuildJitMethods} methods, {p.BuildJitMs:F1} ms | {p.BuildGcPauseMedianMs:F1} / {p.BuildGen2Collections} / {p.BuildAllocatedBytes / 1048576.0:F1} MB | {p.UnfilteredP50Us:F2} | {p.UnfilteredP95Us:F2} | {p.UnfilteredFloorP50Us:F2} | {p.FilteredP50Us:F1} | {p.FilteredP95Us:F1} | {p.FilteredWalkP50Us:F2} | {p.CachedFilteredP95Us:F2} |");
        }

        md.AppendLine();
        md.AppendLine(Inv, $"Growth factors between sizes, against the expected complexity (pass: measured ≤ {GrowthTolerance}× expected, the snapshot build ≤ {BuildTolerance}×, which still");
        md.AppendLine("separates each class from the next one up). Filtered pages use the p50 (one full pass each time; p95 mostly measures");
        md.AppendLine("the shared machine's scheduling noise at these sub-millisecond times).");
        md.AppendLine();
        md.AppendLine("| Cost | From → to | Measured growth | Expected | Ratio measured/expected | Result |");
        md.AppendLine("|---|---|---:|---:|---:|---|");
        var points = s.Points.OrderBy(p => p.Sessions).ToList();
        var allPass = true;
        var failed = new List<string>();
        for (var i = 1; i < points.Count; i++)
        {
            var a = points[i - 1];
            var b = points[i];
            var k = (double)b.Sessions / a.Sessions;
            var nlogn = k * Math.Log(b.Sessions) / Math.Log(a.Sessions);
            var buildGrowth = double.IsNaN(a.BuildCpuMedianMs) ? b.BuildMedianMs / a.BuildMedianMs : b.BuildCpuMedianMs / a.BuildCpuMedianMs;
            if (a.Sessions >= MinBuildCheckSessions)
            {
                Check("Snapshot build (CPU), O(n log n): within n log n (≤ 1.25×)", buildGrowth, nlogn, BuildTolerance);
            }
            else
            {
                // Reported, not checked: the issue's range starts at 10k, and a 1k build runs from the CPU's caches at
                // two thirds of the larger sizes' cost per n log n item (docs/decisions.md, "Scaling check").
                md.AppendLine(Inv, $"| Snapshot build (CPU), O(n log n): reported only (below {MinBuildCheckSessions:N0}) | {a.Sessions:N0} → {b.Sessions:N0} | {buildGrowth:F2}× | {nlogn:F2}× | {buildGrowth / nlogn:F2} | info |");
            }

            if (double.IsNaN(a.UnfilteredFloorP50Us) || double.IsNaN(b.UnfilteredFloorP50Us))
            {
                Check("Unfiltered page p95, O(pageSize)", b.UnfilteredP95Us / a.UnfilteredP95Us, 1);
            }
            else
            {
                // Expected: the growth of the same reads with nothing else (the memory floor, measured alternately with
                // the pages): an O(pageSize) page grows no faster than its cache misses do. Compared on the median batch
                // (a batch's mean per page): the tail of batch means is where gen-0 collections of the pages' own small
                // lists and preemption land, which the floor (no allocation) does not have (docs/decisions.md, "Scaling check").
                Check("Unfiltered page p50 of batch means, O(pageSize): growth against its memory floor's", b.UnfilteredP50Us / a.UnfilteredP50Us,
                    b.UnfilteredFloorP50Us / a.UnfilteredFloorP50Us);
            }

            Check("Filtered page first pass p50, O(n)", b.FilteredP50Us / a.FilteredP50Us, k);
            Check("Filtered page order cached p95, O(pageSize)", b.CachedFilteredP95Us / a.CachedFilteredP95Us, 1);

            void Check(string cost, double measured, double expected, double tolerance = GrowthTolerance)
            {
                if (Growth(md, cost, a, b, measured, expected, tolerance)) return;
                allPass = false;
                failed.Add(string.Create(Inv, $"{cost.Split(',')[0].ToLowerInvariant()} {a.Sessions:N0} → {b.Sessions:N0}: {measured:F2}×"));
            }
        }

        md.AppendLine();
        md.AppendLine("An unfiltered page reads 25 entries of a precomputed order and the row references they name: O(pageSize), but a");
        md.AppendLine("random page of a large workspace is a cache miss per row once the orders (16 × 4 bytes × n) and the row array outgrow");
        md.AppendLine("the CPU caches, so its time grows with n on real hardware. Its expected growth is therefore measured, not assumed:");
        md.AppendLine("the *memory floor* makes the same reads for other random views with nothing else, alternating with the pages; the");
        md.AppendLine("check passes when the page grows no more than twice as fast as its floor (docs/decisions.md, \"Scaling check\").");
        md.AppendLine();
        md.AppendLine("A filtered first pass tests every session in storage order (the order the scan allocated them: sequential memory) into");
        md.AppendLine("a flag array, then walks the sort order reading only the flags. Its cost still grows a little faster than n once the");
        md.AppendLine("sessions' strings outgrow the CPU caches (50k sessions are tens of MB), and other processes on a shared machine evict");
        md.AppendLine("those caches too; a growth above the linear expectation at the largest size comes from that, not from extra passes.");
        md.AppendLine();
        var ten = points.FirstOrDefault(p => p.Sessions == 10_000);
        if (ten is not null)
        {
            headlines.Add(string.Create(Inv, $"Scaling: at 10k sessions a snapshot builds in {ten.BuildMedianMs:F0} ms, an unfiltered page takes {ten.UnfilteredP95Us:F1} µs (p95), a filtered first pass {ten.FilteredP50Us:F0} µs (p50), a cached filtered page {ten.CachedFilteredP95Us:F1} µs (p95); growth {(allPass ? "within" : "NOT within")} the expected complexity classes."));
        }

        if (!allPass) failures.Add($"scaling growth ({string.Join("; ", failed)})");
    }

    private static string WarmUpText(ScalingWarmUp w) => string.Create(Inv,
        $"{w.Builds:N0} snapshots of 2,000 sessions with their pages ({w.Seconds:F1} s, {w.MethodsJitted:N0} methods compiled) until the JIT {(w.Quiet ? "compiled nothing for two rounds in a row" : "— still compiling when the 60 s cap ended the warm-up —")}");

    private static bool Growth(StringBuilder md, string cost, ScalingPoint a, ScalingPoint b, double measured, double expected, double tolerance = GrowthTolerance)
    {
        var pass = measured <= expected * tolerance;
        md.AppendLine(Inv, $"| {cost} | {a.Sessions:N0} → {b.Sessions:N0} | {measured:F2}× | {expected:F2}× | {measured / expected:F2} | {Pass(pass)} |");
        return pass;
    }

    private static void WriteMicro(StringBuilder md, MicroResults m, List<string> headlines, List<string> failures)
    {
        md.AppendLine("## Micro-benchmarks (BenchmarkDotNet, MemoryDiagnoser)");
        md.AppendLine();
        md.AppendLine("Synthetic data with the emulator's vocabulary and weights; the proxy's real types (`Snapshot`, `SessionCsv`,");
        md.AppendLine(Inv, $"`SessionMapper`) and the client's (`Acs3Signer`, `Acs3SigningHandler`, `EmrJsonContext`). Page JSON: {Fact(m, "pageJsonBytes")} bytes for");
        md.AppendLine(Inv, $"100 sessions; CSV of 10k rows: {Fact(m, "csv10kBytes")} bytes.");
        md.AppendLine();
        md.AppendLine("| Benchmark | Mean | Allocated / op | Baseline (same run) | Ratio | Target | Result |");
        md.AppendLine("|---|---:|---:|---|---:|---|---|");

        var sign = Find(m, "SigningBenchmarks", "Sign");
        var handler = Find(m, "SigningBenchmarks", "SignHttpRequest");
        if (sign is not null)
        {
            md.AppendLine(MicroRow(sign, handler is null ? "—" : $"full handler: {Time(handler.MeanNs)}, {Bytes(handler.AllocatedBytes)}",
                handler is null ? "—" : string.Create(Inv, $"{handler.MeanNs / sign.MeanNs:F2}× (handler/signer)"),
                "no target (reported)", "info"));
            if (handler is not null)
            {
                md.AppendLine(MicroRow(handler, "—", "—", "no target (reported)", "info"));
            }

            var full = handler ?? sign;
            headlines.Add(string.Create(Inv, $"Signing one request: {Time(sign.MeanNs)} / {Bytes(sign.AllocatedBytes)} (signer), {Time(full.MeanNs)} / {Bytes(full.AllocatedBytes)} through the handler = {full.MeanNs / 50e6 * 100:F3}% of one 50 ms upstream call."));
        }

        var refl = Find(m, "DeserializeBenchmarks", "Reflection");
        var gen = Find(m, "DeserializeBenchmarks", "SourceGenerated");
        if (refl is not null && gen is not null)
        {
            var pass = gen.MeanNs <= refl.MeanNs * 1.05;
            md.AppendLine(MicroRow(gen, $"reflection: {Time(refl.MeanNs)}, {Bytes(refl.AllocatedBytes)}",
                string.Create(Inv, $"{refl.MeanNs / gen.MeanNs:F2}× faster, {Ratio(refl.AllocatedBytes, gen.AllocatedBytes)} the allocations"),
                "source-gen no slower than reflection", Pass(pass)));
            headlines.Add(string.Create(Inv, $"100-session page: source-generated {Time(gen.MeanNs)} vs reflection {Time(refl.MeanNs)} = {refl.MeanNs / gen.MeanNs:F2}×."));
            if (!pass) failures.Add("source-gen deserialization");
        }

        var naive = Find(m, "SnapshotBenchmarks", "NaiveSortPerRequest");
        var build = Find(m, "SnapshotBenchmarks", "BuildSnapshot");
        var prepared = Find(m, "SnapshotBenchmarks", "PreparedPage");
        var filtered = Find(m, "SnapshotBenchmarks", "FilteredFirstPass");
        var search = Find(m, "SnapshotBenchmarks", "SearchFirstPass");
        var filteredCached = Find(m, "SnapshotBenchmarks", "FilteredCachedPage");
        var searchCached = Find(m, "SnapshotBenchmarks", "SearchCachedPage");
        if (naive is not null)
        {
            if (build is not null)
            {
                var pass = build.MeanNs < 1e9;
                md.AppendLine(MicroRow(build, $"one naive sort: {Time(naive.MeanNs)}",
                    string.Create(Inv, $"{build.MeanNs / naive.MeanNs:F1}× one sort (16 orders)"),
                    "< 1 s, off the request path (derived: ≪ the 5 s scan it follows)", Pass(pass)));
                if (!pass) failures.Add("snapshot build");
            }

            const string slice = "< 50 µs (derived: O(pageSize), ≪ 5 ms budget)";
            const string fullPass = "< 5 ms (the whole request budget)";
            foreach (var (r, target, limitNs) in new[] { (prepared, slice, 50_000.0), (filtered, fullPass, 5e6), (search, fullPass, 5e6), (filteredCached, slice, 50_000.0), (searchCached, slice, 50_000.0) })
            {
                if (r is null)
                {
                    continue;
                }

                var pass = r.MeanNs < limitNs;
                md.AppendLine(MicroRow(r, $"naive sort + page: {Time(naive.MeanNs)}",
                    string.Create(Inv, $"{naive.MeanNs / r.MeanNs:F1}× faster"), target, Pass(pass)));
                if (!pass) failures.Add(r.Description);
            }

            md.AppendLine(MicroRow(naive, "—", "1.00", "baseline", "baseline"));
            if (prepared is not null && filtered is not null && search is not null)
            {
                headlines.Add(string.Create(Inv, $"10k snapshot: page from a prepared order {Time(prepared.MeanNs)} ({naive.MeanNs / prepared.MeanNs:N0}× faster than sorting per request); filtered first pass {Time(filtered.MeanNs)}, search first pass {Time(search.MeanNs)} (one O(n) pass), {(filteredCached is null ? "?" : Time(filteredCached.MeanNs))} once the filtered order is cached."));
            }
        }

        var fullToken = Find(m, "TokenValidationBenchmarks", "FullValidation");
        var cachedToken = Find(m, "TokenValidationBenchmarks", "CachedValidation");
        if (fullToken is not null && cachedToken is not null)
        {
            var speedUp = fullToken.MeanNs / cachedToken.MeanNs;
            md.AppendLine(MicroRow(cachedToken, string.Create(Inv, $"full validation: {Time(fullToken.MeanNs)}, {Bytes(fullToken.AllocatedBytes)}"),
                string.Create(Inv, $"{speedUp:F1}× faster"), "cheaper than the signature check it replaces (derived: /me ≥ 0.6× bare Kestrel)", Pass(speedUp > 1)));
            md.AppendLine(MicroRow(fullToken, "—", "1.00", "baseline", "baseline"));
            headlines.Add(string.Create(Inv, $"Bearer token: full ES256 validation {Time(fullToken.MeanNs)}, validated-token cache hit {Time(cachedToken.MeanNs)} ({speedUp:F1}×)."));
            if (!(speedUp > 1)) failures.Add("validated-token cache");
        }

        var csv = Find(m, "CsvBenchmarks", "Csv10k");
        if (csv is not null)
        {
            var pass = csv.MeanNs < 1e9;
            var bytes = Fact(m, "csv10kBytes");
            var mbps = bytes is long b ? b / (csv.MeanNs / 1e9) / 1e6 : double.NaN;
            md.AppendLine(MicroRow(csv, "—", string.Create(Inv, $"{mbps:F0} MB/s of CSV"), "< 1 s for the largest export (derived)", Pass(pass)));
            headlines.Add(string.Create(Inv, $"CSV of 10k rows: {Time(csv.MeanNs)}, {Bytes(csv.AllocatedBytes)} allocated."));
            if (!pass) failures.Add("CSV 10k");
        }

        md.AppendLine();
        md.AppendLine("Targets marked *derived* are not in architecture.md; they are the budget each piece must fit for the stated");
        md.AppendLine("targets (a page request within p95 < 5 ms; a snapshot build well below the scan it follows).");
        md.AppendLine();
    }

    private static string Row(string name, LatencySummary s, string target, string result) =>
        string.Create(Inv, $"| {name} | {s.Requests:N0} ({s.Failures}){(s.StoppedByTimeCap ? " time cap" : "")} | {s.RequestsPerSecond:N1} | {s.P50Ms:F2} | {s.P95Ms:F2} | {s.P99Ms:F2} | {s.MaxMs:F1} | {target} | {result} |");

    private static string MicroRow(MicroResult r, string baseline, string ratio, string target, string result) =>
        $"| {r.Description} | {Time(r.MeanNs)} | {Bytes(r.AllocatedBytes)} | {baseline} | {ratio} | {target} | {result} |";

    private static MicroResult? Find(MicroResults m, string type, string method) =>
        m.Results.FirstOrDefault(r => r.Class == type && r.Method == method);

    private static long? Fact(MicroResults m, string name) => m.Facts.TryGetValue(name, out var v) ? v : null;

    private static string Pass(bool pass) => pass ? "PASS" : "FAIL";

    private static string Ratio(long? a, long? b) =>
        a is > 0 && b is > 0 ? string.Create(Inv, $"{(double)b / a:F2}×") : "?";

    private static string Time(double ns) => ns switch
    {
        < 1_000 => string.Create(Inv, $"{ns:F0} ns"),
        < 1_000_000 => string.Create(Inv, $"{ns / 1_000:F2} µs"),
        < 1_000_000_000 => string.Create(Inv, $"{ns / 1_000_000:F2} ms"),
        _ => string.Create(Inv, $"{ns / 1_000_000_000:F2} s"),
    };

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "?",
        < 10_000 => string.Create(Inv, $"{bytes} B"),
        < 10_000_000 => string.Create(Inv, $"{bytes / 1024.0:F1} KB"),
        _ => string.Create(Inv, $"{bytes / (1024.0 * 1024):F1} MB"),
    };

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} / {parts[1]} / {parts[2]}";
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
