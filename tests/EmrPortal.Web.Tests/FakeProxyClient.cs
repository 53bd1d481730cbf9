using System.Collections.Concurrent;
using EmrPortal.Contracts;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Tests;

/// <summary>An in-memory proxy: records every request, answers with what the test set up.</summary>
public sealed class FakeProxyClient : IProxyClient
{
    public MeDto Me { get; set; } = new("viewer", "Vic Viewer", ["Portal.Viewer"], ["w-analytics"], IsAdmin: false);
    public List<WorkspaceDto> Workspaces { get; } = [];
    public Func<string?, SessionQuery, int, ProxyResult<SessionPageDto>> Sessions { get; set; } =
        (ws, q, _) => ProxyResult<SessionPageDto>.Success(Page(q, Sample(ws ?? "w-analytics", 3)));
    /// <summary>When set, session list calls wait for it (to test cancellation, scan progress, skeletons).</summary>
    public TaskCompletionSource? Gate { get; set; }
    public ProxyResult<SessionDetailDto>? Detail { get; set; }
    public ProxyResult<SessionDetailDto>? Revealed { get; set; }
    public ScanStatusDto? Scan { get; set; }

    public ConcurrentQueue<(string? Workspace, SessionQuery Query, CancellationToken Token)> SessionRequests { get; } = new();
    public int RevealCalls;
    public int DetailCalls;
    public int ScanCalls;

    public Task<ProxyResult<MeDto>> GetMeAsync(CancellationToken cancellationToken) => Task.FromResult(ProxyResult<MeDto>.Success(Me));

    public Task<ProxyResult<IReadOnlyList<WorkspaceDto>>> GetWorkspacesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ProxyResult<IReadOnlyList<WorkspaceDto>>.Success(Workspaces));

    public async Task<ProxyResult<SessionPageDto>> GetSessionsAsync(string? workspaceId, SessionQuery query, CancellationToken cancellationToken)
    {
        SessionRequests.Enqueue((workspaceId, query, cancellationToken));
        var n = SessionRequests.Count;
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        return Sessions(workspaceId, query, n);
    }

    public Task<ProxyResult<ScanStatusDto>> GetScanStatusAsync(string workspaceId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref ScanCalls);
        return Task.FromResult(Scan is null
            ? ProxyResult<ScanStatusDto>.Fail(new(ProxyFailureKind.NotFound, 404, "none", null))
            : ProxyResult<ScanStatusDto>.Success(Scan));
    }

    public Task<ProxyResult<SessionDetailDto>> GetSessionAsync(string workspaceId, string sessionId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref DetailCalls);
        return Task.FromResult(Detail ?? ProxyResult<SessionDetailDto>.Fail(new(ProxyFailureKind.NotFound, 404, "Not found.", null)));
    }

    public Task<ProxyResult<SessionDetailDto>> RevealSessionAsync(string workspaceId, string sessionId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref RevealCalls);
        return Task.FromResult(Revealed ?? ProxyResult<SessionDetailDto>.Fail(new(ProxyFailureKind.Forbidden, 403, "Admins only.", null)));
    }

    public Task<ProxyResult<HttpResponseMessage>> GetSessionsCsvAsync(string workspaceId, SessionQuery query, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The CSV export is tested through the endpoint, not the components.");

    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static SessionSummaryDto Session(string ws, string id, string state = "Running", string? name = null, bool autoStop = true) =>
        new(ws, id, name ?? $"session {id}", state, state == "Error" ? "ERR_OOM" : null, state == "Error" ? "Driver ran out of memory" : null,
            "SQL", "dev_queue", "u-1", "alice", "esr-4.3.0", "esr-4.3.0 (Spark 3.5.2)", T0.AddHours(-3), T0.AddHours(-2),
            true, autoStop, autoStop ? 45 : null);

    public static List<SessionSummaryDto> Sample(string ws, int count, string state = "Running") =>
        Enumerable.Range(1, count).Select(i => Session(ws, $"sc-{i:D3}", state)).ToList();

    public static SessionPageDto Page(SessionQuery q, IReadOnlyList<SessionSummaryDto> items, int? total = null, bool stale = false) =>
        new(items, total ?? items.Count, q.Page, q.PageSize, T0.AddSeconds(-30), stale);

    public static SessionDetailDto DetailOf(SessionSummaryDto s, bool redacted, string? webUi = "https://spark-ui.example.com/sc-001",
        string? domain = "sc-001.emr.example.com") =>
        new(s, webUi, domain, "sc-001.inner.example.com", true, false, null, null,
            [
                new("spark-defaults.conf", "spark.executor.memory", "4g", false),
                new("spark-defaults.conf", "spark.hadoop.fs.oss.accessKeySecret", redacted ? ApplicationConfigDto.RedactedValue : "s3cr3t-value", redacted),
                new("hive-site.xml", "hive.metastore.uris", "thrift://meta:9083", false),
            ], redacted, T0);
}
