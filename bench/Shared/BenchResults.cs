using System.Text.Json.Serialization;

namespace EmrPortal.Bench;

// Result files passed from the benchmark programs to the report writer (bench.sh runs them in sequence).

/// <summary>One BenchmarkDotNet case: times in nanoseconds, allocation per operation in bytes.</summary>
public sealed record MicroResult(
    string Class,
    string Method,
    string Description,
    bool Baseline,
    double MeanNs,
    double MedianNs,
    double StdDevNs,
    long? AllocatedBytes,
    int Iterations);

public sealed record MicroResults(string Job, DateTimeOffset RunAt, IReadOnlyList<MicroResult> Results, IReadOnlyDictionary<string, long> Facts);

/// <summary>One size of the scaling curve (in-process, the proxy's real Snapshot).</summary>
public sealed record ScalingPoint(
    int Sessions,
    double BuildMedianMs,
    double UnfilteredP50Us,
    double UnfilteredP95Us,
    double FilteredP50Us,
    double FilteredP95Us,
    int UnfilteredSamples,
    int FilteredSamples,
    double CachedFilteredP95Us)
{
    /// <summary>Process CPU time per build (median): robust to other processes on the machine, unlike wall time.</summary>
    public double BuildCpuMedianMs { get; init; } = double.NaN;
    /// <summary>Build CPU with the previous snapshot still alive, as the proxy builds (median of consecutive pairs' means).</summary>
    public double BuildBesidePreviousCpuMs { get; init; } = double.NaN;
    public double BuildGcPauseMedianMs { get; init; } = double.NaN;
    public int BuildGen2Collections { get; init; }
    public long BuildAllocatedBytes { get; init; }
    /// <summary>Methods the JIT compiled (any thread) while the measured builds ran, and its time: 0 once warmed up.</summary>
    public long BuildJitMethods { get; init; }
    public double BuildJitMs { get; init; }
    /// <summary>First page of a filter whose match set is kept, under another key or direction (an early-exit walk).</summary>
    public double FilteredWalkP50Us { get; init; } = double.NaN;
    public double FilteredWalkP95Us { get; init; } = double.NaN;
    /// <summary>
    /// The unfiltered page's memory floor: the same reads (25 order entries and the row references they name) for random
    /// views, with nothing else; measured alternately with the pages. NaN in results written before it existed.
    /// </summary>
    public double UnfilteredFloorP50Us { get; init; } = double.NaN;
    public double UnfilteredFloorP95Us { get; init; } = double.NaN;
}

public sealed record ScalingResults(DateTimeOffset RunAt, IReadOnlyList<ScalingPoint> Points)
{
    /// <summary>How the run warmed the JIT up before the first size (null in results written before it did).</summary>
    public ScalingWarmUp? WarmUp { get; init; }
}

/// <summary>Builds (with their pages) run before measuring, until the JIT compiled nothing for two rounds (<see cref="Quiet"/>).</summary>
public sealed record ScalingWarmUp(int Builds, double Seconds, long MethodsJitted, bool Quiet);

/// <summary>Latency distribution of one load phase (milliseconds).</summary>
public sealed record LatencySummary(
    int Requests,
    int Failures,
    double ElapsedSeconds,
    double RequestsPerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    bool StoppedByTimeCap);

public sealed record LoadResults(
    DateTimeOffset RunAt,
    int Sessions,
    int UpstreamLatencyMs,
    int UpstreamPageSize,
    int Concurrency,
    int Identities,
    double QuotaPermitsPerSecond,
    int QuotaBurst,
    LatencySummary Warm,
    LatencySummary WarmUnfiltered,
    LatencySummary WarmFiltered,
    double ProxyCpuUsPerWarmRequest,
    long WarmUpstreamCalls,
    LatencySummary WarmPaced,
    LatencySummary WarmPacedUnfiltered,
    LatencySummary WarmPacedFiltered,
    double ProxyCpuUsPerPacedRequest,
    double WarmPacedOfferedRps,
    LatencySummary HealthPaced,
    string LoadAverageAtWarm,
    IReadOnlyList<CpuShare> CpuBreakdown,
    LatencySummary NaiveConcurrent,
    LatencySummary NaiveSingle,
    int CoalescingRequests,
    int CoalescingSucceeded,
    long CoalescingUpstreamCalls,
    long CoalescingExpectedCalls,
    double CoalescingMaxMs,
    ColdScan ColdPlain,
    ColdScan ColdPartitioned,
    IReadOnlyList<string> Notes)
{
    /// <summary>The proxy side by side with the bare-Kestrel anchor (issue 19).</summary>
    public AnchorResults? Anchor { get; init; }

    /// <summary>Process start → ready → first page served, per app and mode.</summary>
    public IReadOnlyList<StartupTiming> Startups { get; init; } = [];
}

/// <summary>The 1-minute load average around one timing-sensitive phase: before the bounded wait, when measuring started, when it ended.</summary>
public sealed record PhaseLoad(string Phase, string BeforeWait, string AtStart, string AtEnd, double WaitedSeconds, bool Settled);

/// <summary>
/// One round of the anchor phase: the bare Kestrel app serving the precomputed 25-row page, then the proxy's warm
/// unfiltered 25-row pages, its filtered/searched 25-row pages and <c>/me</c>; same clients, back to back. Proxy CPU
/// per request from its process counters.
/// </summary>
public sealed record AnchorRound(
    LatencySummary Bare,
    LatencySummary Unfiltered,
    LatencySummary Filtered,
    LatencySummary Me,
    double ProxyCpuUsUnfiltered,
    double ProxyCpuUsFiltered,
    double ProxyCpuUsMe,
    string LoadAverage);

/// <param name="PhaseSeconds">Each round's phases run this long (time-based, so ramp-up is a small part of a phase).</param>
/// <param name="Warmups">Each side's warm-up to steady state before the first round.</param>
public sealed record AnchorResults(int Concurrency, int PageBytes, double PhaseSeconds, IReadOnlyList<AnchorRound> Rounds, PhaseLoad Load)
{
    public IReadOnlyList<SteadyWarmup> Warmups { get; init; } = [];
}

/// <summary>
/// A warm-up to steady state: closed-loop windows of <paramref name="WindowSeconds"/> until two consecutive windows'
/// throughputs agree within <paramref name="Tolerance"/> (<paramref name="Steady"/>), or the time limit.
/// </summary>
public sealed record SteadyWarmup(string Name, double WindowSeconds, double Tolerance, IReadOnlyList<double> WindowRequestsPerSecond, bool Steady);

/// <summary>How fast one app starts: process start → <c>/health/live</c> answers, then ready → its first page is served.</summary>
public sealed record StartupTiming(string App, string Mode, double StartToReadyMs, double ReadyToFirstPageMs, string FirstPage);

/// <summary>
/// One cold first page (a workspace nobody asked for yet) from a proxy process: time, upstream ListSessionClusters
/// calls, ListWorkspaceQueues calls, Throttling refusals the emulator counted meanwhile, and the calls one scan of
/// that workspace is expected to cost (computed by the driver from the emulator's data).
/// </summary>
/// With several samples (fresh workspaces of the same size), the time is their median and the calls their sum.
public sealed record ColdScan(string Mode, double FirstPageMs, long ListCalls, long QueueCalls, long ThrottledCalls, long ExpectedCalls, IReadOnlyList<double> SamplesMs);

/// <summary>Proxy CPU time per request for one kind of request (closed loop of that kind only).</summary>
public sealed record CpuShare(string Requests, int Count, double ProxyCpuUsPerRequest, double RequestsPerSecond);

/// <summary>The bounded soak: many clients, upstream faults injected, every answer classified.</summary>
public sealed record SoakResults(
    DateTimeOffset RunAt,
    int Clients,
    double Seconds,
    double ErrorRate,
    int UpstreamLatencyMs,
    long Sent,
    long Answered,
    long TransportErrors,
    long Ok,
    long StaleOk,
    long RetryableDetail5xx,
    long Unexpected5xx,
    long Other4xx,
    long FaultsInjected,
    long UpstreamCalls,
    LatencySummary Latency,
    IReadOnlyList<MemorySample> ProxyMemory,
    string LoadAverage);

/// <summary>The proxy's resident set (VmRSS) at one moment of the soak.</summary>
public sealed record MemorySample(double AtSeconds, long WorkingSetBytes);

/// <summary>Portal timings through Debian Chromium (Playwright) against the published apps, and server memory per circuit.</summary>
public sealed record PortalResults(
    DateTimeOffset RunAt,
    int Sessions,
    IReadOnlyList<double> FirstRowInPageMs,
    IReadOnlyList<double> FirstRowWallMs,
    IReadOnlyList<double> SortClickMs,
    int Circuits,
    long GcHeapBeforeBytes,
    long GcHeapAfterBytes,
    long WorkingSetBeforeBytes,
    long WorkingSetAfterBytes,
    string LoadAverage,
    IReadOnlyList<string> Notes)
{
    /// <summary>The page whose idle circuits are the same-run baseline (the same layout without the session list).</summary>
    public string? BaselinePage { get; init; }
    public long BaselineGcHeapBeforeBytes { get; init; }
    public long BaselineGcHeapAfterBytes { get; init; }
    /// <summary>Per navigation, in the page's clock (ms): document received, DOMContentLoaded, circuit negotiate start, first row,
    /// list interactive (data-ready: loaded and the circuit up).</summary>
    public IReadOnlyList<IReadOnlyList<double>> FirstRowPhasesMs { get; init; } = [];
    /// <summary>The same phases for the list opened in a new tab (a new renderer process), in the same rounds.</summary>
    public IReadOnlyList<IReadOnlyList<double>> NewTabFirstRowPhasesMs { get; init; } = [];
    /// <summary>The same phases for the browser's floor: a trivial page (one marked row, no CSS, no script) served by the
    /// bare Kestrel app in its own warm tab, in the same rounds; empty when the bare app was not given.</summary>
    public IReadOnlyList<IReadOnlyList<double>> FloorPhasesMs { get; init; } = [];
    /// <summary>Load average around each measured step (bounded wait for a settled machine first; repeated when it started busy).</summary>
    public IReadOnlyList<PhaseLoad> Loads { get; init; } = [];
    /// <summary>GC heap before/after the same number of list tabs, each hidden until its circuit paused.</summary>
    public long PausedGcHeapBeforeBytes { get; init; }
    public long PausedGcHeapAfterBytes { get; init; }
    /// <summary>Live objects per idle circuit from heap dumps diffed by type (the layout-only page, then the list); empty
    /// when dotnet-dump was not available.</summary>
    public IReadOnlyList<CircuitHeap> LiveHeap { get; init; } = [];
}

/// <summary>Live bytes one idle circuit of <paramref name="Page"/> adds, and the types that grew most (per circuit).</summary>
public sealed record CircuitHeap(string Page, double LiveKbPerCircuit, IReadOnlyList<TypeShare> Top);

public sealed record TypeShare(string Type, double KbPerCircuit, double ObjectsPerCircuit);

/// <summary>One user's flood of random session ids beside another user's detail reads (issue 18).</summary>
public sealed record FloodResults(
    DateTimeOffset RunAt,
    int RandomIds,
    int Concurrency,
    double FloodSeconds,
    LatencySummary ReaderQuiet,
    LatencySummary ReaderDuringFlood,
    double P95Ratio,
    long UpstreamCallsByRandomIds,
    double UpstreamCallsPerSecond,
    IReadOnlyDictionary<string, int> FloodStatuses,
    string LoadAverage);

/// <summary>Result of <c>notify</c> (EmrPortal.Benchmarks): medians per refresh in milliseconds; <see cref="Ratio"/> is
/// detection + outbox over the in-process refresh (snapshot build + recording).</summary>
public sealed record NotificationCostResults(
    DateTimeOffset RunAt, int Sessions, int Refreshes, int ChangesPerRefresh, int Rules,
    double BuildMedianMs, double RecordMedianMs, double RecordWithDetectionMedianMs, double DetectionMedianMs, double Ratio, int Events);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(MicroResults))]
[JsonSerializable(typeof(ScalingResults))]
[JsonSerializable(typeof(LoadResults))]
[JsonSerializable(typeof(SoakResults))]
[JsonSerializable(typeof(PortalResults))]
[JsonSerializable(typeof(FloodResults))]
[JsonSerializable(typeof(NotificationCostResults))]
public sealed partial class BenchJsonContext : JsonSerializerContext;
