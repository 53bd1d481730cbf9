using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EmrPortal.Bench;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;
using Microsoft.Extensions.DependencyInjection;

namespace EmrPortal.LoadDriver;

/// <summary>Settings of one load run (command-line options of <c>run</c>).</summary>
internal sealed record LoadOptions
{
    public required string EmulatorDll { get; init; }
    public required string ProxyDll { get; init; }
    public string? WebDll { get; init; }
    public string? BareDll { get; init; }
    public required string ResultsPath { get; init; }
    public required string LogDirectory { get; init; }
    public int Sessions { get; init; } = 10_000;
    public int LatencyMs { get; init; } = 50;
    public int Concurrency { get; init; } = 32;
    public int Identities { get; init; } = 8;
    public int WarmRequests { get; init; } = 30_000;
    public TimeSpan WarmCap { get; init; } = TimeSpan.FromSeconds(30);
    public int NaiveRequests { get; init; } = 64;
    public TimeSpan NaiveCap { get; init; } = TimeSpan.FromSeconds(60);
    public int Coalescing { get; init; } = 50;
    public double PacedRps { get; init; } = 400;
    public int PacedSeconds { get; init; } = 15;
    public int AnchorRounds { get; init; } = 3;
    /// <summary>Only the anchor rounds (after the proxy's warm-up): for iterating on the request path; needs <see cref="BareDll"/>.</summary>
    public bool AnchorOnly { get; init; }
    /// <summary>Length of each phase of an anchor round (time-based: at 10k–50k req/s, seconds of steady state, not a ramp).</summary>
    public TimeSpan AnchorPhase { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Upper bound of each side's warm-up to steady state before the rounds.</summary>
    public TimeSpan AnchorWarmMax { get; init; } = TimeSpan.FromSeconds(12);
    public TimeSpan RunCap { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// The load run: Emulator and Proxy as real processes on free loopback ports (published builds), upstream latency
/// injected by the emulator, demo ES256 identities minted here. Phases: cold first page, coalescing, warm (closed
/// loop and paced), the naive baseline, and the partitioned-scan prototype. Everything is bounded; processes are
/// stopped by PID when the run ends or fails.
/// </summary>
internal static class LoadRun
{
    private const string AccessKeyId = "LTAI5tEmrPortalDemoKey";
    private const string AccessKeySecret = "EmrPortalDemoSecret-NotForProduction";
    internal const string Large = "w-large";
    private const string LargeCold = "w-large-cold";
    private static readonly string[] ColdWorkspaces = [LargeCold, LargeCold + "2", LargeCold + "3"];
    private const string LargePlain = "w-large-plain";
    internal const string Small = "w-small";
    internal const string Medium = "w-medium";
    internal const int MediumSessions = 3_000;
    private const int UpstreamPageSize = 100;

    public static async Task<int> RunAsync(LoadOptions o)
    {
        using var cts = new CancellationTokenSource(o.RunCap);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        var ct = cts.Token;
        var notes = new List<string>();
        using var tokens = new DemoTokens(o.Identities);
        var expectedPages = (o.Sessions + UpstreamPageSize - 1) / UpstreamPageSize;

        Console.WriteLine("Starting the emulator (published build, loopback only)...");
        await using var emulator = await LocalApp.StartAsync("emulator", o.EmulatorDll, EmulatorEnvironment(o), o.LogDirectory, ct);
        if (o.AnchorOnly)
        {
            return await AnchorOnlyAsync(emulator, tokens, o, ct);
        }

        using var admin = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        // The driver's own client (same library, signing and emulator as the proxy): the naive baseline, and the
        // exact cost of one partitioned scan computed from the emulator's data (per-partition totalCount).
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEmrServerlessSparkClient(c =>
        {
            c.Endpoint = emulator.BaseAddress.GetLeftPart(UriPartial.Authority);
            c.RegionId = "cn-hangzhou";
            c.AccessKeyId = AccessKeyId;
            c.AccessKeySecret = AccessKeySecret;
            c.PageSize = UpstreamPageSize;
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IEmrServerlessSparkClient>();
        var partitionedCalls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var ws in ColdWorkspaces.Append(Large))
        {
            partitionedCalls[ws] = await PartitionedScanCallsAsync(client, ws, ct);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  one partitioned scan costs {string.Join(", ", partitionedCalls.Select(kv => $"{kv.Value} calls ({kv.Key})"))}; the sequential scan {expectedPages}"));
        var (quotaRate, quotaBurst) = ProxyQuotaDefaults(o.ProxyDll);

        // Start-up of the published apps (ReadyToRun as shipped, and JIT only): fresh processes, nothing else running.
        Console.WriteLine("Start-up (process start → ready → first page; ReadyToRun and JIT only)...");
        var startups = await StartupRun.RunAsync(emulator, tokens, o, ct);

        // Baseline in the same run: a proxy process with the partitioned scan switched off (Snapshots:PartitionedScan=false).
        ColdScan coldPlain;
        await using (var plainProxy = await LocalApp.StartAsync("proxy-sequential", o.ProxyDll, ProxyEnvironment(emulator, tokens, partitioned: false), o.LogDirectory, ct))
        {
            using var plainHttp = ProxyClient(plainProxy, o);
            await WarmUpAsync(plainHttp, tokens, ct);
            coldPlain = await ColdFirstPageAsync("sequential (Snapshots:PartitionedScan=false)", plainHttp, admin, tokens, LargePlain, expectedPages, o, ct);
        }

        Console.WriteLine("Starting the proxy (published build, default settings: partitioned scan on)...");
        await using var proxy = await LocalApp.StartAsync("proxy", o.ProxyDll, ProxyEnvironment(emulator, tokens, partitioned: true), o.LogDirectory, ct);
        using var http = ProxyClient(proxy, o);
        var firstScanMs = await WarmUpAsync(http, tokens, ct);
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"The proxy process's first multi-page scan ({Medium}, {MediumSessions:N0} sessions) answered its first page in {firstScanMs:F0} ms: the first run of the scan and snapshot code in this process (published ReadyToRun: precompiled code, not yet tiered up; see Start-up). The cold-first-page rows measure a fresh workspace after that."));

        // Cold first page: one request for a workspace nobody has asked for yet; three fresh workspaces, the median kept
        // (one sample on a shared machine is mostly its scheduling noise).
        var samples = new List<ColdScan>();
        foreach (var ws in ColdWorkspaces)
        {
            samples.Add(await ColdFirstPageAsync("partitioned (default)", http, admin, tokens, ws, partitionedCalls[ws], o, ct));
        }

        var coldPartitioned = new ColdScan("partitioned (default)", samples.Select(x => x.FirstPageMs).Order().ElementAt(samples.Count / 2),
            samples.Sum(x => x.ListCalls), samples.Sum(x => x.QueueCalls), samples.Sum(x => x.ThrottledCalls), samples.Sum(x => x.ExpectedCalls),
            [.. samples.Select(x => x.FirstPageMs)]);

        // Coalescing: simultaneous first requests for one workspace share one scan.
        Console.WriteLine($"Coalescing ({o.Coalescing} simultaneous cold requests for {Large})...");
        await ResetStats(admin, ct);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescing = Enumerable.Range(0, o.Coalescing).Select(i => Task.Run(async () =>
        {
            var view = View.Random(new Random(31 * (i + 1)), o.Sessions);
            await gate.Task;
            var clock = Stopwatch.StartNew();
            using var response = await Send(http, tokens, i, $"api/v1/workspaces/{Large}/sessions?{view.ToQueryString()}", ct);
            return (response.StatusCode == HttpStatusCode.OK, clock.Elapsed.TotalMilliseconds);
        }, ct)).ToList();
        await Task.Delay(200, ct);
        gate.SetResult();
        var coalesced = await Task.WhenAll(coalescing);
        var coalescingCalls = await UpstreamCalls(admin, Large, ct);
        var coalescingOk = coalesced.Count(r => r.Item1);
        var coalescingMax = coalesced.Max(r => r.Item2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {coalescingOk}/{o.Coalescing} answered 200 (slowest {coalescingMax:F0} ms); upstream ListSessionClusters calls for {Large}: {coalescingCalls} (one partitioned scan: {partitionedCalls[Large]})"));

        // Warm: the snapshot is in memory; random views from many clients.
        Console.WriteLine($"Warm ({o.Concurrency} concurrent clients, {o.Identities} identities, closed loop)...");
        await ResetStats(admin, ct);
        var loadAverage = LoadAverage();
        var cpuBefore = proxy.CpuTime;
        var warm = await Load.ClosedLoopAsync("warm closed loop", o.Concurrency, o.WarmRequests, o.WarmCap, ProxyPage(http, tokens, Large, o.Sessions), ct);
        var warmCpuUs = (proxy.CpuTime - cpuBefore).TotalMicroseconds / Math.Max(1, warm.All.Requests + warm.All.Failures);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  proxy CPU per request: {warmCpuUs:F0} µs (unfiltered p95 {warm.Unfiltered.P95Ms:F2} ms, filtered p95 {warm.Filtered.P95Ms:F2} ms)"));

        // Where the CPU goes: the same closed loop on the cheapest authenticated route, then on each kind of view.
        var cpuBreakdown = new List<CpuShare>();
        foreach (var (label, request) in new (string, Load.Request)[]
                 {
                     ("GET /api/v1/me (authentication + pipeline only)", MeRequest(http, tokens)),
                     ("unfiltered page views", ProxyPage(http, tokens, Large, o.Sessions, ViewMix.Unfiltered)),
                     ("filtered / searched page views", ProxyPage(http, tokens, Large, o.Sessions, ViewMix.Filtered)),
                 })
        {
            var before = proxy.CpuTime;
            var phase = await Load.ClosedLoopAsync($"cpu: {label}", o.Concurrency, 3_000, TimeSpan.FromSeconds(15), request, ct);
            var us = (proxy.CpuTime - before).TotalMicroseconds / Math.Max(1, phase.All.Requests + phase.All.Failures);
            cpuBreakdown.Add(new CpuShare(label, phase.All.Requests, us, phase.All.RequestsPerSecond));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  proxy CPU per request: {us:F0} µs"));
        }

        // Paced: the same 32 clients with think time, offering a realistic rate at which requests rarely queue.
        var pacedTotal = (int)Math.Min(o.WarmRequests, o.PacedRps * o.PacedSeconds);
        Console.WriteLine($"Warm paced ({o.Concurrency} clients with think time, {o.PacedRps} req/s offered)...");
        cpuBefore = proxy.CpuTime;
        var paced = await Load.PacedAsync("warm paced", o.Concurrency, o.PacedRps, pacedTotal, TimeSpan.FromSeconds(o.PacedSeconds + 10), ProxyPage(http, tokens, Large, o.Sessions), ct);
        var pacedCpuUs = (proxy.CpuTime - cpuBefore).TotalMicroseconds / Math.Max(1, paced.All.Requests + paced.All.Failures);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  proxy CPU per request: {pacedCpuUs:F0} µs (unfiltered p95 {paced.Unfiltered.P95Ms:F2} ms, filtered p95 {paced.Filtered.P95Ms:F2} ms)"));

        // Floor of the machine and the HTTP stack at the same pacing: the proxy's unauthenticated liveness probe.
        var health = await Load.PacedAsync("health/live paced", o.Concurrency, o.PacedRps, pacedTotal, TimeSpan.FromSeconds(o.PacedSeconds + 10), HealthRequest(http), ct);
        var warmCalls = await UpstreamCalls(admin, Large, ct);
        if (warmCalls > 0)
        {
            notes.Add($"A background refresh of {Large} ran during the warm phases ({warmCalls} upstream calls); requests were served from the previous snapshot meanwhile.");
        }

        // The physical anchor: a bare Kestrel app serving the same 25-row page precomputed, side by side with the proxy.
        AnchorResults? anchor = null;
        if (o.BareDll is { } bareDll)
        {
            anchor = await AnchorRun.RunAsync(proxy, http, tokens, o, bareDll, ct);
        }

        // Baseline: the same views answered by scanning upstream on every request (emulator throttling raised: the
        // driver's client has no quota bucket, and the baseline measures scanning, not throttling).
        await SetThrottling(admin, 5000, 5000, ct);
        var naive = new NaiveProxy(client, Large);
        Console.WriteLine("Naive baseline (scan every upstream page on each request, then sort)...");
        var naiveSingle = await Load.ClosedLoopAsync("naive, 1 client", 1, 3, TimeSpan.FromSeconds(40), NaivePage(naive, o.Sessions), ct);
        var naiveConcurrent = await Load.ClosedLoopAsync($"naive, {o.Concurrency} clients", o.Concurrency, o.NaiveRequests, o.NaiveCap, NaivePage(naive, o.Sessions), ct);

        var results = new LoadResults(
            DateTimeOffset.UtcNow, o.Sessions, o.LatencyMs, UpstreamPageSize, o.Concurrency, o.Identities, quotaRate, quotaBurst,
            warm.All, warm.Unfiltered, warm.Filtered, warmCpuUs, warmCalls,
            paced.All, paced.Unfiltered, paced.Filtered, pacedCpuUs, o.PacedRps, health.All, loadAverage, cpuBreakdown,
            naiveConcurrent.All, naiveSingle.All,
            o.Coalescing, coalescingOk, coalescingCalls, partitionedCalls[Large], coalescingMax,
            coldPlain, coldPartitioned, notes)
        {
            Anchor = anchor,
            Startups = startups,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.ResultsPath))!);
        await File.WriteAllBytesAsync(o.ResultsPath, JsonSerializer.SerializeToUtf8Bytes(results, BenchJsonContext.Default.LoadResults), ct);
        Console.WriteLine($"Results written to {o.ResultsPath}");
        return 0;
    }

    /// <summary><c>--anchor-only</c>: one proxy (default settings), its warm-up, then the anchor rounds alone.</summary>
    private static async Task<int> AnchorOnlyAsync(LocalApp emulator, DemoTokens tokens, LoadOptions o, CancellationToken ct)
    {
        var bareDll = o.BareDll ?? throw new ArgumentException("--anchor-only needs --bare.");
        Console.WriteLine("Starting the proxy (published build, default settings; anchor rounds only)...");
        await using var proxy = await LocalApp.StartAsync("proxy", o.ProxyDll, ProxyEnvironment(emulator, tokens, partitioned: true), o.LogDirectory, ct);
        using var http = ProxyClient(proxy, o);
        await WarmUpAsync(http, tokens, ct);
        var anchor = await AnchorRun.RunAsync(proxy, http, tokens, o, bareDll, ct);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.ResultsPath))!);
        await File.WriteAllBytesAsync(o.ResultsPath, JsonSerializer.SerializeToUtf8Bytes(anchor, BenchJsonContext.Default.AnchorResults), ct);
        Console.WriteLine($"Anchor results written to {o.ResultsPath}");
        return 0;
    }

    internal static HttpClient ProxyClient(LocalApp proxy, LoadOptions o) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = o.Concurrency * 2 + 16,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        UseCookies = false,
    })
    {
        BaseAddress = proxy.BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>JIT the request path on a one-page workspace, then the scan path on a 3,000-session one; returns the
    /// first multi-page scan's first-page time (a once-per-process cost kept out of the cold figures).</summary>
    private static async Task<double> WarmUpAsync(HttpClient http, DemoTokens tokens, CancellationToken ct)
    {
        Console.WriteLine("Warm-up (w-small, 60 sessions; then w-medium, 3,000)...");
        await Expect200(http, tokens, 0, "api/v1/workspaces", ct);
        await Load.ClosedLoopAsync("warm-up", 8, 2_000, TimeSpan.FromSeconds(20), ProxyPage(http, tokens, Small, 60), ct);
        var firstScan = Stopwatch.StartNew();
        await Expect200(http, tokens, 0, $"api/v1/workspaces/{Medium}/sessions?page=1&pageSize=25", ct);
        var ms = firstScan.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first multi-page scan of the process: {ms:F0} ms"));
        await Load.ClosedLoopAsync("warm-up (w-medium)", 8, 2_000, TimeSpan.FromSeconds(20), ProxyPage(http, tokens, Medium, MediumSessions), ct);
        return ms;
    }

    private static async Task<ColdScan> ColdFirstPageAsync(
        string mode, HttpClient http, HttpClient admin, DemoTokens tokens, string workspaceId, long expectedCalls, LoadOptions o, CancellationToken ct)
    {
        // An idle proxy has a full quota bucket (and so does the emulator's): let both refill after the warm-up.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        Console.WriteLine($"Cold first page, {mode} ({workspaceId}, {o.Sessions} sessions, {o.LatencyMs} ms per upstream call)...");
        await ResetStats(admin, ct);
        var cold = Stopwatch.StartNew();
        await Expect200(http, tokens, 0, $"api/v1/workspaces/{workspaceId}/sessions?page=1&pageSize=25", ct);
        var ms = cold.Elapsed.TotalMilliseconds;
        using var stats = JsonDocument.Parse(await admin.GetStringAsync("admin/stats", ct));
        var calls = Count(stats.RootElement, "callsByWorkspace", workspaceId, "ListSessionClusters");
        var queues = Count(stats.RootElement, "callsByWorkspace", workspaceId, "ListWorkspaceQueues");
        var throttled = stats.RootElement.TryGetProperty("rejected", out var rejected)
            ? rejected.EnumerateObject().Where(p => p.Name.StartsWith("Throttling", StringComparison.Ordinal)).Sum(p => p.Value.GetInt64())
            : 0;
        var floor = (o.Sessions + UpstreamPageSize - 1) / UpstreamPageSize * (double)o.LatencyMs;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {ms:F0} ms = {ms / floor:F3} x the sequential floor; {calls} ListSessionClusters calls (expected {expectedCalls}), {queues} ListWorkspaceQueues, {throttled} throttled"));
        return new ColdScan(mode, ms, calls, queues, throttled, expectedCalls, [ms]);
    }

    private static long Count(JsonElement root, string section, string workspaceId, string action) =>
        root.TryGetProperty(section, out var byWorkspace) && byWorkspace.TryGetProperty(workspaceId, out var calls) && calls.TryGetProperty(action, out var n)
            ? n.GetInt64()
            : 0;

    /// <summary>
    /// What one partitioned scan of <paramref name="workspaceId"/> costs in ListSessionClusters calls: the unfiltered
    /// first page plus each (kind, queue) chain's pages (an empty partition still costs one call), from each
    /// partition's totalCount.
    /// </summary>
    private static async Task<long> PartitionedScanCallsAsync(IEmrServerlessSparkClient client, string workspaceId, CancellationToken ct)
    {
        var queues = (await client.ListWorkspaceQueuesAsync(workspaceId, cancellationToken: ct)).Queues?.Select(q => q.QueueName).OfType<string>().Distinct(StringComparer.Ordinal).ToList() ?? [];
        long calls = 1;
        foreach (var kind in new[] { "SQL", "NOTEBOOK", "THRIFT" })
        {
            foreach (var queue in queues)
            {
                var page = await client.ListSessionClustersAsync(new ListSessionClustersRequest(workspaceId) { MaxResults = 1, Kind = kind, QueueName = queue }, ct);
                calls += Math.Max(1, ((page.TotalCount ?? 0) + UpstreamPageSize - 1) / UpstreamPageSize);
            }
        }

        return calls;
    }

    /// <summary>The published proxy's outbound quota defaults, read from its options type (so the report states what ran).</summary>
    private static (double Rate, int Burst) ProxyQuotaDefaults(string proxyDll)
    {
        try
        {
            var assembly = System.Reflection.Assembly.LoadFrom(proxyDll);
            var type = assembly.GetType("EmrPortal.Proxy.UpstreamQuotaOptions", throwOnError: true)!;
            var instance = Activator.CreateInstance(type)!;
            return ((double)type.GetProperty("PermitsPerSecond")!.GetValue(instance)!, (int)type.GetProperty("Burst")!.GetValue(instance)!);
        }
        catch (Exception ex) when (ex is IOException or TypeLoadException or BadImageFormatException or InvalidCastException or NullReferenceException)
        {
            return (double.NaN, 0);
        }
    }

    internal static async Task SetThrottling(HttpClient admin, double qps, int burst, CancellationToken ct)
    {
        using var content = new StringContent(new System.Text.Json.Nodes.JsonObject { ["throttling"] = new System.Text.Json.Nodes.JsonObject { ["enabled"] = true, ["qps"] = qps, ["burst"] = burst } }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await admin.PutAsync("admin/faults", content, ct);
        response.EnsureSuccessStatusCode();
    }

    internal static Dictionary<string, string> EmulatorEnvironment(LoadOptions o, bool defaultThrottling = true)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Emulator__Faults__Latency__FixedMs"] = o.LatencyMs.ToString(CultureInfo.InvariantCulture),
            ["Emulator__Faults__Latency__JitterMs"] = "0",
            // The emulator's default flow control (50/s, burst 100 per key and action), as the cloud's: the proxy's
            // scans must stay under it. Raised only for the driver's own naive baseline, which has no quota bucket.
            ["Emulator__Faults__Throttling__Enabled"] = "true",
            ["Emulator__Faults__Throttling__Qps"] = defaultThrottling ? "50" : "5000",
            ["Emulator__Faults__Throttling__Burst"] = defaultThrottling ? "100" : "5000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        (string Id, string Name, int Sessions)[] workspaces =
            [(Small, "Small", 60), (Medium, "Medium", MediumSessions), (Large, "Large", o.Sessions), (LargePlain, "Large (sequential)", o.Sessions),
             .. ColdWorkspaces.Select(id => (id, "Large (cold)", o.Sessions))];
        for (var i = 0; i < workspaces.Length; i++)
        {
            env[$"Emulator__Seed__Workspaces__{i}__Id"] = workspaces[i].Id;
            env[$"Emulator__Seed__Workspaces__{i}__Name"] = workspaces[i].Name;
            env[$"Emulator__Seed__Workspaces__{i}__Sessions"] = workspaces[i].Sessions.ToString(CultureInfo.InvariantCulture);
        }

        return env;
    }

    internal static Dictionary<string, string> ProxyEnvironment(LocalApp emulator, DemoTokens tokens, bool partitioned) => new(StringComparer.Ordinal)
    {
        ["Authentication__Mode"] = "Demo",
        ["Authentication__Demo__PublicKeyPem"] = tokens.PublicKeyPem,
        // The apps run as Production here (what is measured is what ships); demo tokens there need the explicit opt-in.
        ["Authentication__Demo__AllowInProduction"] = "true",
        ["Emr__Endpoint"] = emulator.BaseAddress.GetLeftPart(UriPartial.Authority),
        ["Emr__RegionId"] = "cn-hangzhou",
        ["Emr__AccessKeyId"] = AccessKeyId,
        ["Emr__AccessKeySecret"] = AccessKeySecret,
        ["Snapshots__PartitionedScan"] = partitioned ? "true" : "false",
        // Requests are spread over several identities AND the per-user limit is raised: it is not what is measured.
        ["RateLimiting__Burst"] = "1000000",
        ["RateLimiting__PermitsPerSecond"] = "1000000",
        // A portal database per proxy process (not the publish folder's default file).
        ["ConnectionStrings__portaldb"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"emrportal-bench-{Guid.NewGuid():N}.db")}",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__EmrPortal.Proxy.Snapshots"] = "Information",
    };

    private static Load.Request HealthRequest(HttpClient http) => async (_, _, ct) =>
    {
        using var response = await http.GetAsync("health/live", ct);
        return response.StatusCode == HttpStatusCode.OK ? Outcome.Unfiltered : Outcome.Failed;
    };

    internal static Load.Request ProxyPage(HttpClient http, DemoTokens tokens, string workspaceId, int sessions, ViewMix mix = ViewMix.Any, int? pageSize = null)
    {
        var checkedUnfiltered = 0;
        return async (worker, random, ct) =>
        {
            var view = View.Random(random, sessions, mix, pageSize);
            using var response = await Send(http, tokens, worker, $"api/v1/workspaces/{workspaceId}/sessions?{view.ToQueryString()}", ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Outcome.Failed;
            }

            // Spot-check a few answers: an unfiltered page must be full and count every session.
            if (!view.IsFiltered && view.Page == 1 && Interlocked.Increment(ref checkedUnfiltered) <= 20)
            {
                var page = await response.Content.ReadFromJsonAsync(PortalJsonContext.Default.SessionPageDto, ct);
                if (page is null || page.TotalCount != sessions || page.Items.Count != Math.Min(view.PageSize, sessions))
                {
                    throw new InvalidOperationException($"Unexpected page for {view.ToQueryString()}: total {page?.TotalCount}, items {page?.Items.Count}.");
                }
            }

            return view.IsFiltered ? Outcome.Filtered : Outcome.Unfiltered;
        };
    }

    internal static Load.Request MeRequest(HttpClient http, DemoTokens tokens) => async (worker, _, ct) =>
    {
        using var response = await Send(http, tokens, worker, "api/v1/me", ct);
        return response.StatusCode == HttpStatusCode.OK ? Outcome.Unfiltered : Outcome.Failed;
    };

    private static Load.Request NaivePage(NaiveProxy naive, int sessions) => async (_, random, ct) =>
    {
        var view = View.Random(random, sessions);
        var (items, total) = await naive.PageAsync(view, ct);
        return items.Count > total ? Outcome.Failed : view.IsFiltered ? Outcome.Filtered : Outcome.Unfiltered;
    };

    internal static string LoadAverage()
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

    internal static async Task<HttpResponseMessage> Send(HttpClient http, DemoTokens tokens, int identity, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(identity));
        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    internal static async Task Expect200(HttpClient http, DemoTokens tokens, int identity, string path, CancellationToken ct)
    {
        using var response = await Send(http, tokens, identity, path, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    internal static async Task ResetStats(HttpClient admin, CancellationToken ct)
    {
        using var response = await admin.PostAsync("admin/stats/reset", null, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>ListSessionClusters calls the emulator counted for <paramref name="workspaceId"/> since the last reset.</summary>
    internal static async Task<long> UpstreamCalls(HttpClient admin, string workspaceId, CancellationToken ct)
    {
        using var stats = JsonDocument.Parse(await admin.GetStringAsync("admin/stats", ct));
        return stats.RootElement.TryGetProperty("callsByWorkspace", out var byWorkspace)
               && byWorkspace.TryGetProperty(workspaceId, out var calls)
               && calls.TryGetProperty("ListSessionClusters", out var n)
            ? n.GetInt64()
            : 0;
    }
}
