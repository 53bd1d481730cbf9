using System.Diagnostics;
using System.Globalization;
using EmrPortal.Bench;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Benchmarks;

/// <summary>
/// How the proxy's snapshot costs grow with workspace size (in-process, the real <see cref="Snapshot"/>): build time
/// (expected O(n log n)), an unfiltered page from a prepared order (expected O(pageSize), flat in n) and a filtered or
/// searched page (expected one O(n) pass). Each page request is timed on its own over random views, so p50/p95 are
/// per-request figures like the load driver's, without the HTTP stack.
/// </summary>
internal static class ScalingCurve
{
    private static readonly string[] States = [.. SessionStates.All];
    private static readonly string[] Kinds = [.. SessionKinds.All];

    public static int Run(string[] args, string? resultsPath)
    {
        var sizesArg = Option(args, "--sizes") ?? "1000,10000,50000";
        var sizes = sizesArg.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var points = new List<ScalingPoint>();
        foreach (var n in sizes)
        {
            var point = Measure(n);
            points.Add(point);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"n={n,6}: build {point.BuildMedianMs,8:F2} ms | unfiltered p50 {point.UnfilteredP50Us,7:F2} µs p95 {point.UnfilteredP95Us,7:F2} µs | filtered p50 {point.FilteredP50Us,9:F1} µs p95 {point.FilteredP95Us,9:F1} µs | storage-order pass p50 {point.StorageOrderPassP50Us,9:F1} µs"));
        }

        if (resultsPath is not null)
        {
            BenchmarkProgram.Write(resultsPath, new ScalingResults(DateTimeOffset.UtcNow, points));
        }

        return 0;
    }

    private static ScalingPoint Measure(int n)
    {
        var sessions = SyntheticSessions.Summaries(n, seed: 7 + n);
        // Warm-up build (JIT, first-touch allocations), then the median of several.
        var snapshot = Build(sessions);
        var builds = n <= 10_000 ? 7 : 3;
        var buildTimes = new double[builds];
        for (var i = 0; i < builds; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var start = Stopwatch.GetTimestamp();
            snapshot = Build(sessions);
            buildTimes[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        var random = new Random(42);
        var pages = Math.Max(1, n / 25);
        var unfiltered = TimeViews(snapshot, 20_000, () =>
            new SessionView(random.Next(1, pages + 1), 25, RandomKey(random), random.Next(2) == 0, SessionFilter.None));
        var filtered = TimeViews(snapshot, n <= 10_000 ? 2_000 : 600, () =>
            new SessionView(random.Next(1, 4), 25, RandomKey(random), random.Next(2) == 0, RandomFilter(random)));

        // Diagnostic: the same filters evaluated over the sessions in storage order (sequential memory), not in a sort order.
        var storage = TimeStorageOrderPass(snapshot, n <= 10_000 ? 2_000 : 600, random);

        return new ScalingPoint(
            n,
            Median(buildTimes),
            Percentile(unfiltered, 0.50),
            Percentile(unfiltered, 0.95),
            Percentile(filtered, 0.50),
            Percentile(filtered, 0.95),
            unfiltered.Length,
            filtered.Length,
            Percentile(storage, 0.50));
    }

    private static double[] TimeStorageOrderPass(Snapshot snapshot, int count, Random random)
    {
        var sessions = snapshot.Sessions;
        var times = new double[count];
        var sink = 0;
        for (var i = 0; i < count; i++)
        {
            var filter = RandomFilter(random);
            var start = Stopwatch.GetTimestamp();
            for (var j = 0; j < sessions.Count; j++)
            {
                if (Snapshot.Matches(sessions[j], filter))
                {
                    sink++;
                }
            }

            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        GC.KeepAlive(sink);
        return times;
    }

    private static Snapshot Build(SessionSummaryDto[] sessions) =>
        Snapshot.Build(SyntheticSessions.WorkspaceId, sessions, DateTimeOffset.UnixEpoch, (sessions.Length + 99) / 100, TimeSpan.Zero);

    /// <summary>Per-request times in microseconds (a short warm-up first, not recorded).</summary>
    private static double[] TimeViews(Snapshot snapshot, int count, Func<SessionView> next)
    {
        var sink = 0;
        for (var i = 0; i < Math.Min(200, count); i++)
        {
            sink += snapshot.Page(next()).Items.Count;
        }

        GC.Collect();
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var view = next();
            var start = Stopwatch.GetTimestamp();
            var (items, total) = snapshot.Page(view);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            sink += items.Count + total;
        }

        GC.KeepAlive(sink);
        return times;
    }

    private static SessionSortKey RandomKey(Random random) => (SessionSortKey)random.Next(SessionSort.KeyCount);

    /// <summary>A mix like the portal's: state, kind, state+kind, queue, owner or free text.</summary>
    private static SessionFilter RandomFilter(Random random) => random.Next(6) switch
    {
        0 => new SessionFilter(States[random.Next(States.Length)], null, null, null, null),
        1 => new SessionFilter(null, Kinds[random.Next(Kinds.Length)], null, null, null),
        2 => new SessionFilter(States[random.Next(States.Length)], Kinds[random.Next(Kinds.Length)], null, null, null),
        3 => new SessionFilter(null, null, random.Next(2) == 0 ? "dev" : "prod_queue", null, null),
        4 => new SessionFilter(null, null, null, random.Next(2) == 0 ? "alice" : "service", null),
        _ => new SessionFilter(null, null, null, null, SyntheticSessions.SearchTerms[random.Next(SyntheticSessions.SearchTerms.Length)]),
    };

    private static double Median(double[] values) => Percentile(values, 0.5);

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
