using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using EmrPortal.Bench;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Benchmarks;

/// <summary>
/// How the proxy's snapshot costs grow with workspace size (in-process, the real <see cref="Snapshot"/>): build time
/// (expected O(n log n)), an unfiltered page from a prepared order (expected O(pageSize), flat in n) and a filtered or
/// searched page on its first pass (expected one O(n) pass) and once its filtered order is cached (expected O(pageSize)). Each page request is timed on its own over random views, so p50/p95 are
/// per-request figures like the load driver's, without the HTTP stack.
/// </summary>
internal static class ScalingCurve
{
    public static int Run(string[] args, string? resultsPath)
    {
        var sizesArg = Option(args, "--sizes") ?? "1000,10000,50000";
        var sizes = sizesArg.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var warmUp = WarmUp();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warm-up: {warmUp.Builds} builds of {WarmUpSessions:N0} sessions with their pages in {warmUp.Seconds:F1} s, {warmUp.MethodsJitted} methods jitted; the JIT {(warmUp.Quiet ? "was quiet for the last two rounds" : "was still compiling when the time cap ended it")}"));
        var points = new List<ScalingPoint>();
        foreach (var n in sizes)
        {
            var point = Measure(n);
            points.Add(point);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"n={n,6}: build {point.BuildMedianMs,8:F2} ms (CPU {point.BuildCpuMedianMs,8:F2} ms, GC pause {point.BuildGcPauseMedianMs:F1} ms, gen2 {point.BuildGen2Collections}, {point.BuildAllocatedBytes / 1048576.0:F1} MB) | unfiltered p50 {point.UnfilteredP50Us,7:F2} µs p95 {point.UnfilteredP95Us,7:F2} µs (memory floor p95 {point.UnfilteredFloorP95Us,7:F2} µs) | filtered p50 {point.FilteredP50Us,9:F1} µs p95 {point.FilteredP95Us,9:F1} µs | cached filtered page p95 {point.CachedFilteredP95Us,7:F2} µs | known filter, new order p50 {point.FilteredWalkP50Us,7:F2} µs"));
        }

        if (resultsPath is not null)
        {
            BenchmarkProgram.Write(resultsPath, new ScalingResults(DateTimeOffset.UtcNow, points) { WarmUp = warmUp });
        }

        return 0;
    }

    private const int WarmUpSessions = 2_000;

    /// <summary>
    /// Runs everything that is measured (builds and every kind of page) on a small workspace until the JIT has nothing
    /// left to compile: two rounds in a row in which no method was compiled. Without it the sizes are measured at
    /// different stages of tiered compilation: the first size with unoptimized (tier-0) code, the next while the
    /// background JIT recompiles the hot methods on another thread (counted in the process's CPU time, hence build CPU
    /// above wall time), so the growth between them says more about the JIT than about the algorithm
    /// (docs/decisions.md, "Scaling check").
    /// </summary>
    private static ScalingWarmUp WarmUp()
    {
        var sessions = SyntheticSessions.Summaries(WarmUpSessions, seed: 1);
        var random = new Random(1);
        var clock = Stopwatch.StartNew();
        var jittedAtStart = JitInfo.GetCompiledMethodCount();
        var builds = 0;
        var quietRounds = 0;
        while (quietRounds < 2 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var before = JitInfo.GetCompiledMethodCount();
            for (var i = 0; i < 40; i++)
            {
                var snapshot = Build(sessions);
                builds++;
                for (var j = 0; j < 8; j++)
                {
                    snapshot.Page(new SessionView(random.Next(1, WarmUpSessions / 25), 25, RandomKey(random), random.Next(2) == 0, SessionFilter.None));
                    snapshot.Page(new SessionView(1, 25, RandomKey(random), random.Next(2) == 0, DistinctFilter(random.Next(128))));
                    snapshot.Page(new SessionView(random.Next(1, 3), 25, RandomKey(random), random.Next(2) == 0, FilterNumber(j)));
                }

                // The timing loop and the memory floor too: measured at the first size while still unoptimized, the floor
                // read 3-4× slower there than at the next size, and its growth measured the JIT.
                TimeUnfilteredWithFloor(snapshot, Batch * 2, random, WarmUpSessions / 25);
            }

            // Tiered compilation promotes a method after 30 calls, in the background, once no new method has been
            // compiled for 100 ms: give it that time before counting.
            Thread.Sleep(300);
            quietRounds = JitInfo.GetCompiledMethodCount() == before ? quietRounds + 1 : 0;
        }

        return new ScalingWarmUp(builds, clock.Elapsed.TotalSeconds, JitInfo.GetCompiledMethodCount() - jittedAtStart, quietRounds >= 2);
    }

    /// <summary>
    /// Waits (at most 10 s) until the JIT has compiled nothing for 300 ms. Code that just ran many times (generating
    /// this size's sessions, the measuring code itself) is promoted to tier 1 on a background thread shortly after,
    /// and that work would otherwise land in the measured builds' process CPU time.
    /// </summary>
    private static void WaitForQuietJit()
    {
        var clock = Stopwatch.StartNew();
        var last = JitInfo.GetCompiledMethodCount();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(300);
            var now = JitInfo.GetCompiledMethodCount();
            if (now == last)
            {
                return;
            }

            last = now;
        }
    }

    private static ScalingPoint Measure(int n)
    {
        var sessions = SyntheticSessions.Summaries(n, seed: 7 + n);
        // Unmeasured builds first (first touch of this size's memory), until two in a row take the same CPU time within
        // 10 % (at most 6): the GC sizes its young generation from what survives, and at a new size the first builds
        // ran more collections than the later ones (100k: 348, 331, 320, 278, 261 ms CPU, build after build), so a
        // median of the first five measured the GC settling, not the build (docs/decisions.md, "Scaling check").
        var snapshot = Build(sessions);
        var previousCpu = double.MaxValue;
        for (var warm = 0; warm < 6; warm++)
        {
            // Alone, like the measured builds (beside a live previous snapshot two builds in a row never agree).
            snapshot = null!;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            snapshot = Build(sessions);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
            if (warm > 0 && Math.Abs(cpu - previousCpu) <= 0.1 * previousCpu) break;
            previousCpu = cpu;
        }

        WaitForQuietJit();
        var builds = n <= 10_000 ? 9 : 5;
        var buildTimes = new double[builds];
        // CPU time of the process (this thread's sort plus any GC work it causes): unlike wall time it does not count
        // the time other processes on a shared machine held the cores, so growth factors survive a busy machine.
        var buildCpu = new double[builds];
        var gcPauseMs = new double[builds];
        var gen2 = new int[builds];
        var allocated = new long[builds];
        var jitMethods = new int[builds];
        var jitMs = new double[builds];
        for (var i = 0; i < builds; i++)
        {
            // Each build measured alone: the previous snapshot released and collected first (see BesidePrevious for why).
            snapshot = null!;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var pause = GC.GetTotalPauseDuration();
            var collections = GC.CollectionCount(2);
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var jitted = JitInfo.GetCompiledMethodCount();
            var jitTime = JitInfo.GetCompilationTime();
            var start = Stopwatch.GetTimestamp();
            snapshot = Build(sessions);
            buildTimes[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            buildCpu[i] = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            gcPauseMs[i] = (GC.GetTotalPauseDuration() - pause).TotalMilliseconds;
            gen2[i] = GC.CollectionCount(2) - collections;
            allocated[i] = GC.GetAllocatedBytesForCurrentThread() - bytes;
            jitMethods[i] = (int)(JitInfo.GetCompiledMethodCount() - jitted);
            jitMs[i] = (JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  n={n}: per build CPU [{string.Join(", ", buildCpu.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}] wall [{string.Join(", ", buildTimes.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}] methods jitted [{string.Join(", ", jitMethods)}] JIT ms [{string.Join(", ", jitMs.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}]"));

        var besidePrevious = BesidePrevious(sessions, ref snapshot);
        var random = new Random(42);
        var pages = Math.Max(1, n / 25);
        var (unfiltered, floor) = TimeUnfilteredWithFloor(snapshot, 20_000, random, pages);
        // First passes: a cyclic walk over 128 distinct filters (more than the snapshot keeps match sets for), so every
        // request tests all n sessions: state+kind pairs, free text, owners.
        var cycle = Enumerable.Range(0, 128)
            .Select(i => new SessionView(1, 25, (SessionSortKey)(i % SessionSort.KeyCount), i / SessionSort.KeyCount % 2 == 1, DistinctFilter(i)))
            .ToArray();
        var nextView = 0;
        var filtered = TimeViews(snapshot, n <= 10_000 ? 2_000 : 600, () => cycle[nextView++ % cycle.Length]);

        // A first page of a known filter under another key or direction: its match set is kept, the page walks the
        // precomputed order only until it is full.
        var walks = Enumerable.Range(0, 48)
            .Select(i => new SessionView(1, 25, (SessionSortKey)(i % SessionSort.KeyCount), i / SessionSort.KeyCount % 2 == 1, FilterNumber(i / 16)))
            .ToArray();
        var nextWalk = 0;
        var walked = TimeViews(snapshot, 6_000, () => walks[nextWalk++ % walks.Length]);

        // Paging through one filtered view: its order is cached after the first pass.
        var cachedView = new SessionView(2, 25, SessionSortKey.StartTime, true, FilterNumber(0));
        var cached = TimeViews(snapshot, 20_000, () => cachedView);

        return new ScalingPoint(
            n,
            Median(buildTimes),
            Percentile(unfiltered, 0.50),
            Percentile(unfiltered, 0.95),
            Percentile(filtered, 0.50),
            Percentile(filtered, 0.95),
            unfiltered.Length,
            filtered.Length,
            Percentile(cached, 0.95))
        {
            BuildCpuMedianMs = Median(buildCpu),
            BuildBesidePreviousCpuMs = besidePrevious,
            BuildGcPauseMedianMs = Median(gcPauseMs),
            BuildGen2Collections = gen2.Max(),
            BuildAllocatedBytes = allocated.Min(),
            BuildJitMethods = jitMethods.Sum(),
            BuildJitMs = jitMs.Sum(),
            FilteredWalkP50Us = Percentile(walked, 0.50),
            FilteredWalkP95Us = Percentile(walked, 0.95),
            UnfilteredFloorP50Us = Percentile(floor, 0.50),
            UnfilteredFloorP95Us = Percentile(floor, 0.95),
        };
    }

    /// <summary>
    /// Build CPU the way the proxy builds: while the previous snapshot is still alive (the store serves it until the new
    /// one replaces it). Consecutive builds then alternate between two costs (10k: 13 / 17 ms; 100k: 192 / 264 ms) where
    /// builds with the previous snapshot released first all cost the same (10k: 17.2 ms, 100k: 181 ms, ±2 %): the
    /// alternation is where the two live snapshots lie in memory, not the build's work, and a median over an odd count
    /// picked one mode or the other, which alone moved a growth factor by a third. So the growth check uses the builds
    /// measured alone, and this figure (the median of the means of consecutive pairs) is reported beside them
    /// (docs/decisions.md, "Scaling check").
    /// </summary>
    private static double BesidePrevious(SessionSummaryDto[] sessions, ref Snapshot snapshot)
    {
        var cpu = new double[6];
        for (var i = 0; i < cpu.Length; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            snapshot = Build(sessions);
            cpu[i] = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  n={sessions.Length}: beside the previous snapshot, per build CPU [{string.Join(", ", cpu.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}]"));
        var pairs = new double[cpu.Length / 2];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = (cpu[2 * i] + cpu[2 * i + 1]) / 2;
        }

        return Median(pairs);
    }

    /// <summary>Filter number <paramref name="i"/> of many distinct ones, cycling through state + kind, free text and owner.</summary>
    private static SessionFilter DistinctFilter(int i) => (i % 3) switch
    {
        0 => new SessionFilter(SessionStates.All[i % SessionStates.All.Count], SessionKinds.All[i / 3 % SessionKinds.All.Count], null, null, $"{i % 10}"),
        1 => new SessionFilter(null, null, null, null, $"orders{i}"),
        _ => new SessionFilter(null, null, null, $"alice{i}", null),
    };

    /// <summary>Three filters of different kinds: state + kind, free text, owner.</summary>
    private static SessionFilter FilterNumber(int i) => (i % 3) switch
    {
        0 => new SessionFilter("Running", "SQL", null, null, null),
        1 => new SessionFilter(null, null, null, null, "orders"),
        _ => new SessionFilter(null, null, null, "alice", null),
    };

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
            // Raw timestamps: TimeSpan would round to 100 ns, too coarse for a sub-microsecond slice.
            times[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            sink += items.Count + total;
        }

        GC.KeepAlive(sink);
        return times;
    }

    /// <summary>
    /// Unfiltered pages of random views, each beside its memory floor: the reads any page of that size must make, 25
    /// entries of the same snapshot's order for another random view and the row references they name, counted, with
    /// nothing else (no list, no view, no bounds logic, no writes). A page is O(pageSize), yet its time still grows with
    /// n once the orders and the row array outgrow the CPU caches (a random page is a cache miss per row); the floor
    /// grows the same way, so the page's growth divided by the floor's is the part its own code adds
    /// (docs/decisions.md, "Scaling check"). Both are timed in batches of <see cref="Batch"/> random views, the mean
    /// per page of each batch being one sample: a single sub-microsecond page is too short for the timer and for a
    /// percentile (its p95 measured the timer and the machine's noise, not the reads). Page and floor batches
    /// alternate and read different views, so neither warms the cache for the other and both see the same machine.
    /// </summary>
    private static (double[] Page, double[] Floor) TimeUnfilteredWithFloor(Snapshot snapshot, int count, Random random, int pages)
    {
        var floorRandom = new Random(4242);
        var rows = (SessionSummaryDto[])snapshot.Sessions;
        SessionView Next(Random r) => new(r.Next(1, pages + 1), 25, RandomKey(r), r.Next(2) == 0, SessionFilter.None);
        var batches = Math.Max(1, count / Batch);
        var views = new SessionView[Batch];
        var sink = 0;
        for (var i = 0; i < Math.Min(200, count); i++)
        {
            sink += snapshot.Page(Next(random)).Items.Count + Floor(Next(floorRandom));
        }

        GC.Collect();
        var page = new double[batches];
        var floor = new double[batches];
        for (var b = 0; b < batches; b++)
        {
            // The views are drawn before the clock starts: only the pages (or the floor's reads) are timed.
            for (var i = 0; i < Batch; i++) views[i] = Next(random);
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < Batch; i++)
            {
                var (items, total) = snapshot.Page(views[i]);
                sink += items.Count + total;
            }

            page[b] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / Batch;

            for (var i = 0; i < Batch; i++) views[i] = Next(floorRandom);
            start = Stopwatch.GetTimestamp();
            for (var i = 0; i < Batch; i++)
            {
                sink += Floor(views[i]);
            }

            floor[b] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / Batch;
        }

        GC.KeepAlive(sink);
        return (page, floor);

        int Floor(SessionView view)
        {
            var order = snapshot.Order(view.Sort, view.Descending);
            var offset = (view.Page - 1) * view.PageSize;
            var end = Math.Min(order.Length, offset + view.PageSize);
            var found = 0;
            for (var i = offset; i < end; i++)
            {
                if (rows[order[i]] is not null) found++;
            }

            return found;
        }
    }

    /// <summary>Random views per timed batch of unfiltered pages (and of their floor).</summary>
    private const int Batch = 64;

    private static SessionSortKey RandomKey(Random random) => (SessionSortKey)random.Next(SessionSort.KeyCount);

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
