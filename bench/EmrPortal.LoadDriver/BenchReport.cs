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

    public static int Write(string microPath, string scalingPath, string loadPath, string outPath, string? totalSeconds, string? source)
    {
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
        md.AppendLine(Inv, $"| Load average at report time (1/5/15 min) | {LoadAverage()} |");
        md.AppendLine(Inv, $"| OS | {RuntimeInformation.OSDescription} |");
        md.AppendLine(Inv, $"| .NET | {RuntimeInformation.FrameworkDescription} |");
        md.AppendLine(Inv, $"| Micro-benchmark job | {micro.Job} |");
        if (source is not null)
        {
            md.AppendLine(Inv, $"| Code measured | {source} |");
        }

        if (totalSeconds is not null)
        {
            md.AppendLine(Inv, $"| `./bench.sh` wall time | {double.Parse(totalSeconds, Inv) / 60:F1} min (budget 15 min) |");
        }

        md.AppendLine();
        WriteLoad(md, load, headlines, failures);
        WriteScaling(md, scaling, headlines, failures);
        WriteMicro(md, micro, headlines, failures);

        md.AppendLine("## Not measured here");
        md.AppendLine();
        md.AppendLine("- Portal targets (list page interactive < 300 ms with a warm cache; < 300 KB server memory per idle circuit;");
        md.AppendLine("  sort click latency) need Playwright against the published Web app; they are not part of this run.");
        md.AppendLine();
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
        md.AppendLine("## Proxy under load (real processes, loopback)");
        md.AppendLine();
        md.AppendLine(Inv, $"Published Emulator and Proxy started by `bench/EmrPortal.LoadDriver` on free 127.0.0.1 ports. Emulator: {l.Sessions:N0}-session");
        md.AppendLine(Inv, $"workspaces, **{l.UpstreamLatencyMs} ms latency on every upstream call**, throttling on but far above this run's rate");
        md.AppendLine(Inv, $"(5,000 QPS). Proxy: demo ES256 tokens minted by the driver for {l.Identities} admin identities (and the per-user limit");
        md.AppendLine("raised for the run, so it is not what is measured); other settings at their defaults (snapshot TTLs, outbound quota");
        md.AppendLine(Inv, $"20/s burst 40). Upstream page size {l.UpstreamPageSize} (the API's maximum). Views are random: page, pageSize (25/50/100),");
        md.AppendLine("all 8 sort keys, both directions, and half of them filtered (state, kind, state+kind, queue, owner) or searched (`q`).");
        md.AppendLine("The driver runs on the same cores as the proxy and the emulator.");
        md.AppendLine();

        var w = l.Warm;
        var n = l.NaiveConcurrent;
        var s = l.NaiveSingle;
        var warmPass = w.P95Ms < 5 && w.Failures == 0;
        var pacedPass = l.WarmPaced is { } p0 && p0.P95Ms < 5 && p0.Failures == 0;
        md.AppendLine("### Warm page requests (snapshot in memory)");
        md.AppendLine();
        md.AppendLine("| Phase | Requests (failed) | req/s | p50 ms | p95 ms | p99 ms | max ms | Target | Result |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
        md.AppendLine(Row($"Proxy, {l.Concurrency} clients, closed loop (saturating)", w, "p95 < 5 ms", Pass(warmPass)));
        md.AppendLine(Row("&nbsp;&nbsp;of which unfiltered views", l.WarmUnfiltered, "p95 < 5 ms", Pass(l.WarmUnfiltered.P95Ms < 5)));
        md.AppendLine(Row("&nbsp;&nbsp;of which filtered / searched views", l.WarmFiltered, "p95 < 5 ms", Pass(l.WarmFiltered.P95Ms < 5)));
        if (l.WarmPaced is { } p)
        {
            md.AppendLine(Row($"Proxy, {l.Concurrency} clients, paced at {l.WarmPacedOfferedRps:F0} req/s", p, "p95 < 5 ms", Pass(pacedPass)));
            if (l.WarmPacedUnfiltered is { } pu && l.WarmPacedFiltered is { } pf)
            {
                md.AppendLine(Row("&nbsp;&nbsp;of which unfiltered views", pu, "p95 < 5 ms", Pass(pu.P95Ms < 5)));
                md.AppendLine(Row("&nbsp;&nbsp;of which filtered / searched views", pf, "p95 < 5 ms", Pass(pf.P95Ms < 5)));
            }
        }

        md.AppendLine(Row($"Baseline: naive scan+sort per request, {l.Concurrency} clients", n, "same run", "baseline"));
        md.AppendLine(Row("Baseline: naive scan+sort per request, 1 client", s, "same run", "baseline"));
        md.AppendLine();
        var speedP50 = n.P50Ms / w.P50Ms;
        var speedP95 = n.P95Ms / w.P95Ms;
        var speedSingle = s.P50Ms / w.P50Ms;
        var throughput = w.RequestsPerSecond / Math.Max(n.RequestsPerSecond, 1e-9);
        md.AppendLine(Inv, $"Speed-up vs the naive strategy, same run: **{speedP50:N0}× at p50** ({n.P50Ms:F0} ms → {w.P50Ms:F2} ms), {speedP95:N0}× at p95,");
        md.AppendLine(Inv, $"{throughput:N0}× the throughput; against a single unloaded naive client (its best case, {s.P50Ms:F0} ms) {speedSingle:N0}×.");
        md.AppendLine(Inv, $"Proxy CPU time per warm request (from the process's CPU counters): **{l.ProxyCpuUsPerWarmRequest:F0} µs** closed loop,");
        md.AppendLine(Inv, $"{l.ProxyCpuUsPerPacedRequest ?? double.NaN:F0} µs paced (authentication, routing, the page, JSON) — i.e. one core serves about {1e6 / l.ProxyCpuUsPerWarmRequest:N0} req/s.");
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

            md.AppendLine();
        }

        md.AppendLine(Inv, $"Machine load average when the warm phase started: {l.LoadAverageAtWarm} (on {Environment.ProcessorCount} cores; other work was running).");
        md.AppendLine(Inv, $"Upstream calls during the warm phases: {l.WarmUpstreamCalls} (the naive strategy spends {(l.Sessions + l.UpstreamPageSize - 1) / l.UpstreamPageSize} per request).");
        md.AppendLine();
        if (!warmPass)
        {
            var littles = l.Concurrency / Math.Max(w.RequestsPerSecond, 1e-9) * 1000;
            md.AppendLine(Inv, $"Why the closed loop misses: {l.Concurrency} clients that never pause keep {l.Concurrency} requests in flight, so by Little's law");
            md.AppendLine(Inv, $"the mean latency is {l.Concurrency} / throughput = {littles:F1} ms whatever the proxy does per request; the figure measures");
            md.AppendLine(Inv, $"how many requests {Environment.ProcessorCount} shared cores (proxy + emulator + this driver) complete per second, i.e. queueing.");
            md.AppendLine("The paced row offers about half that throughput from the same 32 clients, so requests rarely queue behind each other");
            md.AppendLine("in the proxy; what remains is service time plus the machine's own scheduling delays (load average above).");
            md.AppendLine();
        }

        headlines.Add(string.Create(Inv, $"Warm page, {l.Concurrency} clients: p95 {w.P95Ms:F2} ms closed loop ({w.RequestsPerSecond:N0} req/s){(l.WarmPaced is { } pp ? string.Create(Inv, $", p95 {pp.P95Ms:F2} ms paced at {l.WarmPacedOfferedRps:F0} req/s") : "")}; naive scan-per-request baseline p50 {n.P50Ms:N0} ms → speed-up {speedP50:N0}× (p50), {throughput:N0}× throughput."));
        if (!warmPass) failures.Add(string.Create(Inv, $"warm p95 closed loop ({w.P95Ms:F2} ms)"));
        if (l.WarmPaced is not null && !pacedPass) failures.Add("warm p95 paced");

        md.AppendLine("### Coalescing and cold start");
        md.AppendLine();
        var coalescePass = l.CoalescingUpstreamCalls == l.CoalescingExpectedCalls && l.CoalescingSucceeded == l.CoalescingRequests;
        var coldPass = l.ColdRatio <= 1.2;
        var pages = l.CoalescingExpectedCalls;
        md.AppendLine("| Measure | Value | Baseline / expectation (same run) | Ratio | Target | Result |");
        md.AppendLine("|---|---:|---|---:|---|---|");
        md.AppendLine(Inv, $"| {l.CoalescingRequests} simultaneous cold requests → upstream ListSessionClusters calls | {l.CoalescingUpstreamCalls} ({l.CoalescingSucceeded}/{l.CoalescingRequests} answered 200, slowest {l.CoalescingMaxMs:F0} ms) | one scan = ceil({l.Sessions:N0}/{l.UpstreamPageSize}) = {pages} calls; without coalescing {l.CoalescingRequests}×{pages} = {l.CoalescingRequests * pages:N0} | {(double)l.CoalescingUpstreamCalls / pages:F2} scans | exactly 1 scan | {Pass(coalescePass)} |");
        md.AppendLine(Inv, $"| Cold first page (fresh workspace; proxy process past its first scan) | {l.ColdFirstPageMs:F0} ms, {l.ColdUpstreamCalls} upstream calls | {pages} pages × {l.UpstreamLatencyMs} ms = {pages * l.UpstreamLatencyMs:N0} ms | {l.ColdRatio:F3} | ≤ 1.2 | {Pass(coldPass)} |");
        var pt = l.Partitioned.FirstOrDefault(x => x.Variant.StartsWith("proxy", StringComparison.Ordinal)) ?? l.Partitioned.FirstOrDefault();
        md.AppendLine(Inv, $"| Cold first page with partitioned parallel scans (kinds × queues) | not implemented in the proxy | {pages * l.UpstreamLatencyMs:N0} ms | — | ≤ 0.5 | FAIL (missing feature) |");
        md.AppendLine();
        if (l.Partitioned.Count > 0)
        {
            md.AppendLine("The proxy scans one `nextToken` chain. To show what the partitioned scan the issue asks for would buy, the driver runs a");
            md.AppendLine("prototype of it against the same emulator with the same client: ListWorkspaceQueues + an unfiltered `maxResults=1` call for");
            md.AppendLine("`totalCount`, then every (kind, queue) chain in parallel, reconciled against `totalCount` (any mismatch falls back to the");
            md.AppendLine("plain scan) and compared id-for-id with a plain scan made in the same run:");
            md.AppendLine();
            md.AppendLine("| Variant | Partitions | Upstream calls | Time ms | Plain scan ms (same run) | Ratio vs plain | Ratio vs pages × latency | Same sessions as plain |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var r in l.Partitioned)
            {
                md.AppendLine(Inv, $"| {r.Variant} | {r.Partitions} | {r.UpstreamCalls} | {r.ElapsedMs:F0} | {r.PlainScanMs:F0} | {r.ElapsedMs / r.PlainScanMs:F2} | {r.ElapsedMs / (pages * l.UpstreamLatencyMs):F2} | {(r.SameSessionsAsPlainScan ? "yes" : "NO")} |");
            }

            md.AppendLine();
        }

        headlines.Add(string.Create(Inv, $"Coalescing: {l.CoalescingRequests} cold requests → {l.CoalescingUpstreamCalls} upstream calls (one scan = {pages}). Cold first page {l.ColdFirstPageMs:F0} ms = {l.ColdRatio:F2}× the {pages} × {l.UpstreamLatencyMs} ms sequential floor."));
        if (pt is not null)
        {
            headlines.Add(string.Create(Inv, $"Partitioned scan (driver prototype, not in the proxy): {pt.ElapsedMs / (pages * l.UpstreamLatencyMs):F2}× the sequential floor with the proxy's default quota bucket; the ≤ 0.5 target needs the feature in the proxy."));
        }

        if (!coalescePass) failures.Add("coalescing");
        if (!coldPass) failures.Add("cold ratio");
        failures.Add("partitioned cold ratio ≤ 0.5 (not implemented in the proxy)");
        foreach (var note in l.Notes)
        {
            md.AppendLine(Inv, $"Note: {note}");
            md.AppendLine();
        }
    }

    private static void WriteScaling(StringBuilder md, ScalingResults s, List<string> headlines, List<string> failures)
    {
        md.AppendLine("## Scaling curve (in-process, the proxy's real `Snapshot`)");
        md.AppendLine();
        md.AppendLine("Snapshot build = all 8 sort keys × 2 directions (median of several builds). Page times are per request, pageSize 25:");
        md.AppendLine("unfiltered = random page and sort; filtered first pass = a cyclic walk over 48 distinct filter × sort views (state+kind,");
        md.AppendLine("free text, owner), more than the snapshot's filtered-order cache holds, so every request pays the O(n) pass; order");
        md.AppendLine("cached = paging through one filtered view.");
        md.AppendLine();
        md.AppendLine("| Sessions | Build ms | Unfiltered page p50 µs | p95 µs | Filtered page, first pass p50 µs | p95 µs | Filtered page, order cached p95 µs |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in s.Points)
        {
            md.AppendLine(Inv, $"| {p.Sessions:N0} | {p.BuildMedianMs:F2} | {p.UnfilteredP50Us:F2} | {p.UnfilteredP95Us:F2} | {p.FilteredP50Us:F1} | {p.FilteredP95Us:F1} | {p.CachedFilteredP95Us:F2} |");
        }

        md.AppendLine();
        md.AppendLine(Inv, $"Growth factors between sizes, against the expected complexity (pass: measured ≤ {GrowthTolerance}× expected, which still");
        md.AppendLine("separates each class from the next one up). Filtered pages use the p50 (one full pass each time; p95 mostly measures");
        md.AppendLine("the shared machine's scheduling noise at these sub-millisecond times).");
        md.AppendLine();
        md.AppendLine("| Cost | From → to | Measured growth | Expected | Ratio measured/expected | Result |");
        md.AppendLine("|---|---|---:|---:|---:|---|");
        var points = s.Points.OrderBy(p => p.Sessions).ToList();
        var allPass = true;
        for (var i = 1; i < points.Count; i++)
        {
            var a = points[i - 1];
            var b = points[i];
            var k = (double)b.Sessions / a.Sessions;
            var nlogn = k * Math.Log(b.Sessions) / Math.Log(a.Sessions);
            allPass &= Growth(md, "Snapshot build, O(n log n)", a, b, b.BuildMedianMs / a.BuildMedianMs, nlogn);
            allPass &= Growth(md, "Unfiltered page p95, O(pageSize)", a, b, b.UnfilteredP95Us / a.UnfilteredP95Us, 1);
            allPass &= Growth(md, "Filtered page first pass p50, O(n)", a, b, b.FilteredP50Us / a.FilteredP50Us, k);
            allPass &= Growth(md, "Filtered page order cached p95, O(pageSize)", a, b, b.CachedFilteredP95Us / a.CachedFilteredP95Us, 1);
        }

        md.AppendLine();
        md.AppendLine("A filtered first pass walks a *sort order* and dereferences each session there (random memory access), so once a");
        md.AppendLine("snapshot outgrows the CPU caches each session costs more; on a shared machine other processes also evict those caches.");
        md.AppendLine("A growth above the linear expectation at the largest size comes from that, not from extra passes.");
        md.AppendLine();
        var ten = points.FirstOrDefault(p => p.Sessions == 10_000);
        if (ten is not null)
        {
            headlines.Add(string.Create(Inv, $"Scaling: at 10k sessions a snapshot builds in {ten.BuildMedianMs:F0} ms, an unfiltered page takes {ten.UnfilteredP95Us:F1} µs (p95), a filtered first pass {ten.FilteredP50Us:F0} µs (p50), a cached filtered page {ten.CachedFilteredP95Us:F1} µs (p95); growth {(allPass ? "within" : "NOT within")} the expected complexity classes."));
        }

        if (!allPass) failures.Add("scaling growth");
    }

    private static bool Growth(StringBuilder md, string cost, ScalingPoint a, ScalingPoint b, double measured, double expected)
    {
        var pass = measured <= expected * GrowthTolerance;
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
