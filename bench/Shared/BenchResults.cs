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
    double CachedFilteredP95Us);

public sealed record ScalingResults(DateTimeOffset RunAt, IReadOnlyList<ScalingPoint> Points);

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
    LatencySummary Warm,
    LatencySummary WarmUnfiltered,
    LatencySummary WarmFiltered,
    double ProxyCpuUsPerWarmRequest,
    long WarmUpstreamCalls,
    LatencySummary? WarmPaced,
    LatencySummary? WarmPacedUnfiltered,
    LatencySummary? WarmPacedFiltered,
    double? ProxyCpuUsPerPacedRequest,
    double? WarmPacedOfferedRps,
    string LoadAverageAtWarm,
    IReadOnlyList<CpuShare> CpuBreakdown,
    LatencySummary NaiveConcurrent,
    LatencySummary NaiveSingle,
    int CoalescingRequests,
    int CoalescingSucceeded,
    long CoalescingUpstreamCalls,
    long CoalescingExpectedCalls,
    double CoalescingMaxMs,
    double ColdFirstPageMs,
    long ColdUpstreamCalls,
    double ColdRatio,
    IReadOnlyList<PartitionedScanResult> Partitioned,
    IReadOnlyList<string> Notes);

/// <summary>Proxy CPU time per request for one kind of request (closed loop of that kind only).</summary>
public sealed record CpuShare(string Requests, int Count, double ProxyCpuUsPerRequest, double RequestsPerSecond);

/// <summary>The driver's own partitioned-scan prototype against the same emulator (evidence for the proxy, not the proxy).</summary>
public sealed record PartitionedScanResult(
    string Variant,
    int Partitions,
    int MaxParallel,
    long UpstreamCalls,
    double ElapsedMs,
    double PlainScanMs,
    bool SameSessionsAsPlainScan,
    int Sessions);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(MicroResults))]
[JsonSerializable(typeof(ScalingResults))]
[JsonSerializable(typeof(LoadResults))]
public sealed partial class BenchJsonContext : JsonSerializerContext;
