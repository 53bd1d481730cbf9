using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EmrPortal.Bench;
using EmrPortal.Contracts;

namespace EmrPortal.LoadDriver;

/// <summary>
/// The bounded soak (issue 9): the published Emulator and Proxy on loopback, <c>clients</c> concurrent clients for a
/// fixed time against list pages of three workspaces and session details, while the emulator answers a share of all
/// upstream calls with 500/503. The proxy must serve its last good data (stale) rather than fail: every answer is
/// classified, the proxy's resident set is sampled from /proc, and everything stops at the time cap.
/// </summary>
internal static class SoakRun
{
    private const int DetailPool = 200;

    public static async Task<int> RunAsync(string emulatorDll, string proxyDll, string resultsPath, string logs, int clients, TimeSpan duration, double errorRate)
    {
        using var cts = new CancellationTokenSource(duration + TimeSpan.FromMinutes(3));
        var ct = cts.Token;
        var o = new LoadOptions { EmulatorDll = emulatorDll, ProxyDll = proxyDll, ResultsPath = resultsPath, LogDirectory = Path.Combine(logs, "soak"), Concurrency = clients };
        using var tokens = new DemoTokens(8);
        await using var emulator = await LocalApp.StartAsync("emulator", emulatorDll, LoadRun.EmulatorEnvironment(o), o.LogDirectory, ct);
        // Default proxy settings (snapshot TTLs, background refresh, quota): what production would run.
        await using var proxy = await LocalApp.StartAsync("proxy", proxyDll, LoadRun.ProxyEnvironment(emulator, tokens, partitioned: true), o.LogDirectory, ct);
        using var http = LoadRun.ProxyClient(proxy, o);
        using var admin = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        // Every workspace has a good snapshot before the faults start, and a pool of session ids for detail requests.
        (string Id, int Sessions)[] workspaces = [(LoadRun.Small, 60), (LoadRun.Medium, LoadRun.MediumSessions), (LoadRun.Large, o.Sessions)];
        var details = new List<(string Workspace, string Id)>();
        foreach (var (ws, _) in workspaces)
        {
            using var response = await LoadRun.Send(http, tokens, 0, $"api/v1/workspaces/{ws}/sessions?page=1&pageSize=100", ct);
            response.EnsureSuccessStatusCode();
            var page = await response.Content.ReadFromJsonAsync(PortalJsonContext.Default.SessionPageDto, ct);
            details.AddRange(page!.Items.Take(DetailPool / workspaces.Length + 1).Select(s => (ws, s.SessionClusterId)));
        }

        await Load.ClosedLoopAsync("soak warm-up", 16, 2_000, TimeSpan.FromSeconds(20), async (w, r, token) =>
        {
            var (ws, sessions) = workspaces[r.Next(workspaces.Length)];
            using var response = await LoadRun.Send(http, tokens, w, $"api/v1/workspaces/{ws}/sessions?{View.Random(r, sessions).ToQueryString()}", token);
            return response.IsSuccessStatusCode ? Outcome.Unfiltered : Outcome.Failed;
        }, ct);

        await SetErrorRate(admin, errorRate, ct);
        using (var reset = await admin.PostAsync("admin/stats/reset", null, ct)) reset.EnsureSuccessStatusCode();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Soak: {clients} clients for {duration.TotalSeconds:F0} s, {errorRate:P0} of upstream calls fail (500/503)..."));

        long sent = 0, answered = 0, transport = 0, ok = 0, stale = 0, retryable = 0, unexpected = 0, other4xx = 0;
        var latencies = new LatencyRecorder(2_000_000);
        var memory = new List<MemorySample> { new(0, WorkingSet(proxy.ProcessId)) };
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), sampling.Token);
                    lock (memory) memory.Add(new MemorySample(clock.Elapsed.TotalSeconds, WorkingSet(proxy.ProcessId)));
                }
            }
            catch (OperationCanceledException)
            {
                // Soak over.
            }
        }, CancellationToken.None);

        var workers = Enumerable.Range(0, clients).Select(worker => Task.Run(async () =>
        {
            var random = new Random(7_331 * (worker + 1));
            while (clock.Elapsed < duration && !ct.IsCancellationRequested)
            {
                // Think time: people read a page before asking for the next one.
                await Task.Delay(random.Next(25, 125), ct);
                var isDetail = random.Next(4) == 0;
                string path;
                if (isDetail)
                {
                    var (ws, id) = details[random.Next(details.Count)];
                    path = $"api/v1/workspaces/{ws}/sessions/{id}";
                }
                else
                {
                    var (ws, sessions) = workspaces[random.Next(workspaces.Length)];
                    path = $"api/v1/workspaces/{ws}/sessions?{View.Random(random, sessions).ToQueryString()}";
                }

                Interlocked.Increment(ref sent);
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, path);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(worker));
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                    Interlocked.Increment(ref answered);
                    var status = (int)response.StatusCode;
                    if (status == 200)
                    {
                        Interlocked.Increment(ref ok);
                        if (!isDetail && await IsStale(response, ct)) Interlocked.Increment(ref stale);
                        latencies.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, isDetail ? Outcome.Filtered : Outcome.Unfiltered);
                    }
                    else if (status >= 500)
                    {
                        // A detail nobody has cached can't be served while upstream fails: 502/503 ProblemDetails with
                        // Retry-After is the designed answer. Anything else (a list with a snapshot in memory, a 500,
                        // no Retry-After, no ProblemDetails) is unexpected.
                        var expected = isDetail && (status is 502 or 503) && response.Headers.RetryAfter is not null
                            && response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                        if (expected) Interlocked.Increment(ref retryable);
                        else Interlocked.Increment(ref unexpected);
                        latencies.Fail();
                    }
                    else
                    {
                        Interlocked.Increment(ref other4xx);
                        latencies.Fail();
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref transport);
                    latencies.Fail();
                }
            }
        }, ct)).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;
        memory.Add(new MemorySample(elapsed.TotalSeconds, WorkingSet(proxy.ProcessId)));

        using var stats = JsonDocument.Parse(await admin.GetStringAsync("admin/stats", ct));
        var faults = stats.RootElement.TryGetProperty("rejected", out var rejected)
            ? rejected.EnumerateObject().Where(p => p.Name is "InternalError" or "ServiceUnavailable").Sum(p => p.Value.GetInt64())
            : 0;
        var upstream = stats.RootElement.TryGetProperty("calls", out var calls) ? calls.EnumerateObject().Sum(p => p.Value.GetInt64()) : 0;
        await SetErrorRate(admin, 0, ct);

        var summary = latencies.Summarize(elapsed, false);
        var results = new SoakResults(DateTimeOffset.UtcNow, clients, elapsed.TotalSeconds, errorRate, o.LatencyMs, sent, answered, transport, ok, stale,
            retryable, unexpected, other4xx, faults, upstream, summary, memory, LoadRun.LoadAverage());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  sent {sent}, answered {answered}, transport errors {transport}; 200: {ok} (stale lists {stale}); retryable detail 5xx {retryable}; unexpected 5xx {unexpected}; other 4xx {other4xx}; upstream faults injected {faults} of {upstream} calls"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  proxy working set {memory[0].WorkingSetBytes / 1048576.0:F0} MB at start, {memory[^1].WorkingSetBytes / 1048576.0:F0} MB at end (max {memory.Max(m => m.WorkingSetBytes) / 1048576.0:F0} MB)"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
        await File.WriteAllBytesAsync(resultsPath, JsonSerializer.SerializeToUtf8Bytes(results, BenchJsonContext.Default.SoakResults), ct);
        return 0;
    }

    private static async Task<bool> IsStale(HttpResponseMessage response, CancellationToken ct)
    {
        var page = await response.Content.ReadFromJsonAsync(PortalJsonContext.Default.SessionPageDto, ct);
        return page?.Stale == true;
    }

    private static async Task SetErrorRate(HttpClient admin, double rate, CancellationToken ct)
    {
        using var content = new StringContent(string.Create(CultureInfo.InvariantCulture, $$"""{"errorRate":{{rate}}}"""), Encoding.UTF8, "application/json");
        using var response = await admin.PutAsync("admin/faults", content, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>VmRSS of a process (bytes), from /proc/&lt;pid&gt;/status.</summary>
    internal static long WorkingSet(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
