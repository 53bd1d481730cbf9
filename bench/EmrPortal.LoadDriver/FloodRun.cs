using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EmrPortal.Bench;
using EmrPortal.Contracts;

namespace EmrPortal.LoadDriver;

/// <summary>
/// One user cannot degrade another (issue 18): the published Emulator and Proxy (default settings) on loopback; a
/// reader reads session details of a small workspace alone (quiet p95), then again while a second user fires
/// <c>randomIds</c> requests for random session ids of the large workspace. Reports the reader's p95 under the flood
/// as a ratio of its quiet p95 (target ≤ 2×) and the upstream GetSessionCluster calls the random ids caused, counted
/// by the emulator per workspace (target ≤ 1 per second). Bounded in count and time; loopback only.
/// </summary>
internal static class FloodRun
{
    private const int Reader = 0;
    private const int Flooder = 1;

    public static async Task<int> RunAsync(string emulatorDll, string proxyDll, string resultsPath, string logs, int randomIds, int floodConcurrency)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        var o = new LoadOptions { EmulatorDll = emulatorDll, ProxyDll = proxyDll, ResultsPath = resultsPath, LogDirectory = Path.Combine(logs, "flood"), Concurrency = floodConcurrency };
        using var tokens = new DemoTokens(2);
        await using var emulator = await LocalApp.StartAsync("emulator", emulatorDll, LoadRun.EmulatorEnvironment(o), o.LogDirectory, ct);
        // Production settings, the per-user request limit included (the other runs raise it: they measure throughput).
        var environment = LoadRun.ProxyEnvironment(emulator, tokens, partitioned: true);
        environment.Remove("RateLimiting__Burst");
        environment.Remove("RateLimiting__PermitsPerSecond");
        await using var proxy = await LocalApp.StartAsync("proxy", proxyDll, environment, o.LogDirectory, ct);
        using var http = LoadRun.ProxyClient(proxy, o);
        using var admin = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        // Both workspaces scanned once, as they would be for people using them; the reader's ids come from its list.
        using (var large = await LoadRun.Send(http, tokens, Flooder, $"api/v1/workspaces/{LoadRun.Large}/sessions?page=1", ct)) large.EnsureSuccessStatusCode();
        using var small = await LoadRun.Send(http, tokens, Reader, $"api/v1/workspaces/{LoadRun.Small}/sessions?page=1&pageSize=200", ct);
        small.EnsureSuccessStatusCode();
        var ids = (await small.Content.ReadFromJsonAsync(PortalJsonContext.Default.SessionPageDto, ct))!.Items.Select(s => s.SessionClusterId).ToArray();

        Console.WriteLine($"Flood: the reader alone, then beside {randomIds} random ids ({floodConcurrency} in flight)...");
        var quiet = await ReadAsync(http, tokens, ids, TimeSpan.FromSeconds(15), () => false, ct);

        using (var reset = await admin.PostAsync("admin/stats/reset", null, ct)) reset.EnsureSuccessStatusCode();
        var statuses = new Dictionary<int, int>();
        var sent = 0;
        var done = false;
        var clock = Stopwatch.StartNew();
        var flood = Task.Run(async () =>
        {
            var workers = Enumerable.Range(0, floodConcurrency).Select(async w =>
            {
                while (Interlocked.Increment(ref sent) <= randomIds && !ct.IsCancellationRequested)
                {
                    var id = "sc-" + Guid.NewGuid().ToString("N")[..20];
                    using var response = await LoadRun.Send(http, tokens, Flooder, $"api/v1/workspaces/{LoadRun.Large}/sessions/{id}", ct);
                    lock (statuses) statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                }
            });
            await Task.WhenAll(workers);
            Volatile.Write(ref done, true);
        }, ct);
        // The reader runs for as long as the flood does, and for at least 10 s.
        var loud = await ReadAsync(http, tokens, ids, TimeSpan.FromSeconds(10), () => !Volatile.Read(ref done), ct);
        await flood;
        var floodSeconds = clock.Elapsed.TotalSeconds;

        using var stats = JsonDocument.Parse(await admin.GetStringAsync("admin/stats", ct));
        var byRandom = stats.RootElement.GetProperty("callsByWorkspace").TryGetProperty(LoadRun.Large, out var ws)
            && ws.TryGetProperty("GetSessionCluster", out var gets) ? gets.GetInt64() : 0;
        var results = new FloodResults(DateTimeOffset.UtcNow, randomIds, floodConcurrency, floodSeconds, quiet, loud,
            loud.P95Ms / Math.Max(quiet.P95Ms, 0.001), byRandom, byRandom / Math.Max(floodSeconds, 1),
            statuses.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value), LoadRun.LoadAverage());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  reader p95 quiet {quiet.P95Ms:F1} ms, under flood {loud.P95Ms:F1} ms ({results.P95Ratio:F2}x); random ids: {string.Join(", ", results.FloodStatuses.Select(s => $"{s.Key}×{s.Value}"))} in {floodSeconds:F1} s, {byRandom} upstream calls ({results.UpstreamCallsPerSecond:F2}/s)"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
        await File.WriteAllBytesAsync(resultsPath, JsonSerializer.SerializeToUtf8Bytes(results, BenchJsonContext.Default.FloodResults), ct);
        return 0;
    }

    /// <summary>One reader, one request at a time with a short pause, details of known sessions in turn.</summary>
    private static async Task<LatencySummary> ReadAsync(HttpClient http, DemoTokens tokens, string[] ids, TimeSpan atLeast, Func<bool> keepGoing, CancellationToken ct)
    {
        var latencies = new LatencyRecorder(100_000);
        var clock = Stopwatch.StartNew();
        var random = new Random(1_818);
        while ((clock.Elapsed < atLeast || keepGoing()) && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await LoadRun.Send(http, tokens, Reader, $"api/v1/workspaces/{LoadRun.Small}/sessions/{ids[random.Next(ids.Length)]}", ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                latencies.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, Outcome.Unfiltered);
            }
            else
            {
                latencies.Fail();
            }

            await Task.Delay(20, ct);
        }

        return latencies.Summarize(clock.Elapsed, false);
    }
}
