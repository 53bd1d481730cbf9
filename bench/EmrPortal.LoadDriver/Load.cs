using System.Diagnostics;
using System.Globalization;
using EmrPortal.Bench;

namespace EmrPortal.LoadDriver;

/// <summary>Per-request latencies of one phase (milliseconds), filled concurrently.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly double[] _ms = new double[capacity];
    private readonly Outcome[] _outcomes = new Outcome[capacity];
    private int _count;
    private int _failures;

    public void Record(double ms, Outcome outcome)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        if (i < _ms.Length)
        {
            _ms[i] = ms;
            _outcomes[i] = outcome;
        }
    }

    public void Fail() => Interlocked.Increment(ref _failures);

    /// <summary>All successful requests, or only those with <paramref name="only"/> as outcome.</summary>
    public LatencySummary Summarize(TimeSpan elapsed, bool stoppedByTimeCap, Outcome? only = null)
    {
        var n = Math.Min(_count, _ms.Length);
        var sorted = only is { } o ? _ms[..n].Where((_, i) => _outcomes[i] == o).ToArray() : _ms[..n];
        n = sorted.Length;
        Array.Sort(sorted);
        return new LatencySummary(
            n,
            only is null ? _failures : 0,
            elapsed.TotalSeconds,
            n / Math.Max(elapsed.TotalSeconds, 1e-9),
            Percentile(sorted, 0.50),
            Percentile(sorted, 0.95),
            Percentile(sorted, 0.99),
            n > 0 ? sorted[^1] : 0,
            stoppedByTimeCap);
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>How one request went; successful requests are told apart by the kind of view they asked for.</summary>
internal enum Outcome
{
    Failed,
    Unfiltered,
    Filtered,
}

/// <summary>A phase's latencies: all requests, and unfiltered/filtered ones separately.</summary>
internal sealed record PhaseResult(LatencySummary All, LatencySummary Unfiltered, LatencySummary Filtered);

/// <summary>Bounded load: a fixed number of requests AND a time cap, whichever comes first; then it stops by itself.</summary>
internal static class Load
{
    /// <summary>A request: its outcome (<see cref="Outcome.Failed"/> unless the answer was the expected success).</summary>
    public delegate Task<Outcome> Request(int worker, Random random, CancellationToken cancellationToken);

    /// <summary>Closed loop: each of <paramref name="concurrency"/> workers sends its next request as soon as the last one answers.</summary>
    public static async Task<PhaseResult> ClosedLoopAsync(
        string name, int concurrency, int total, TimeSpan timeCap, Request request, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder(total);
        var issued = 0;
        var capped = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(7919 * (worker + 1));
            while (Interlocked.Increment(ref issued) <= total)
            {
                if (clock.Elapsed >= timeCap || cancellationToken.IsCancellationRequested)
                {
                    Volatile.Write(ref capped, 1);
                    return;
                }

                await TimeOneAsync(recorder, request, worker, random, cancellationToken);
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var summary = recorder.Summarize(elapsed, capped == 1);
        Print(name, summary);
        return new PhaseResult(summary, recorder.Summarize(elapsed, capped == 1, Outcome.Unfiltered), recorder.Summarize(elapsed, capped == 1, Outcome.Filtered));
    }

    /// <summary>
    /// Closed loop for a fixed time (every request that starts before <paramref name="duration"/> is recorded), so a
    /// phase is seconds of steady state whatever the throughput, not a request count a fast server finishes in its ramp.
    /// </summary>
    public static Task<PhaseResult> ClosedLoopForAsync(string name, int concurrency, TimeSpan duration, Request request, CancellationToken cancellationToken) =>
        // Room for 100k req/s (several times loopback Kestrel's rate on this kind of machine); a faster server would
        // end the phase early by count, which the summary's missing "(time cap)" shows.
        ClosedLoopAsync(name, concurrency, Math.Max(10_000, (int)(duration.TotalSeconds * 100_000)), duration, request, cancellationToken);

    /// <summary>
    /// Warms a server to steady state: closed-loop windows of <paramref name="window"/> until the last two windows'
    /// throughputs agree within <paramref name="tolerance"/> (relative), at least <paramref name="minWindows"/>
    /// windows, at most <paramref name="max"/> in all. Tiered JIT, dynamic PGO and the thread pool's growth take
    /// seconds at 10k+ req/s; a fixed request count is over in a fraction of that.
    /// </summary>
    public static async Task<SteadyWarmup> WarmUntilSteadyAsync(
        string name, int concurrency, TimeSpan window, double tolerance, int minWindows, TimeSpan max, Request request, CancellationToken cancellationToken)
    {
        var rates = new List<double>();
        var clock = Stopwatch.StartNew();
        var steady = false;
        while (clock.Elapsed + window <= max + TimeSpan.FromMilliseconds(1))
        {
            var phase = await ClosedLoopAsync($"{name}, window {rates.Count + 1}", concurrency, Math.Max(10_000, (int)(window.TotalSeconds * 100_000)), window, request, cancellationToken);
            rates.Add(phase.All.RequestsPerSecond);
            if (phase.All.Failures > 0)
            {
                continue; // Failures make a window's rate meaningless; keep warming (the rounds report failures).
            }

            if (rates.Count >= minWindows && rates.Count >= 2 && Math.Abs(rates[^1] - rates[^2]) <= tolerance * Math.Max(rates[^1], rates[^2]))
            {
                steady = true;
                break;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: {(steady ? "steady" : "NOT steady")} after {rates.Count} windows of {window.TotalSeconds:F1} s ({string.Join(" → ", rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))} req/s)"));
        return new SteadyWarmup(name, window.TotalSeconds, tolerance, rates, steady);
    }

    /// <summary>
    /// Open loop at a fixed offered rate spread over the workers (each sends on its own schedule, not when the last
    /// answer arrives), so latency reflects service time at that load rather than the queue a saturated closed loop builds.
    /// </summary>
    public static async Task<PhaseResult> PacedAsync(
        string name, int concurrency, double offeredRps, int total, TimeSpan timeCap, Request request, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder(total);
        var perWorker = (total + concurrency - 1) / concurrency;
        var interval = TimeSpan.FromSeconds(concurrency / offeredRps);
        var capped = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(104729 * (worker + 1));
            // Stagger the workers across one interval so arrivals are spread evenly.
            var next = interval * worker / concurrency;
            for (var k = 0; k < perWorker; k++, next += interval)
            {
                if (clock.Elapsed >= timeCap || cancellationToken.IsCancellationRequested)
                {
                    Volatile.Write(ref capped, 1);
                    return;
                }

                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                await TimeOneAsync(recorder, request, worker, random, cancellationToken);
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var summary = recorder.Summarize(elapsed, capped == 1);
        Print(name, summary);
        return new PhaseResult(summary, recorder.Summarize(elapsed, capped == 1, Outcome.Unfiltered), recorder.Summarize(elapsed, capped == 1, Outcome.Filtered));
    }

    private static async Task TimeOneAsync(LatencyRecorder recorder, Request request, int worker, Random random, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        Outcome outcome;
        try
        {
            outcome = await request(worker, random, cancellationToken);
        }
        catch (HttpRequestException)
        {
            outcome = Outcome.Failed;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = Outcome.Failed;
        }

        if (outcome != Outcome.Failed)
        {
            recorder.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, outcome);
        }
        else
        {
            recorder.Fail();
        }
    }

    public static void Print(string name, LatencySummary s) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: {s.Requests} ok, {s.Failures} failed in {s.ElapsedSeconds:F1} s = {s.RequestsPerSecond:F0} req/s | p50 {s.P50Ms:F2} ms, p95 {s.P95Ms:F2} ms, p99 {s.P99Ms:F2} ms, max {s.MaxMs:F1} ms{(s.StoppedByTimeCap ? " (time cap)" : "")}"));
}
