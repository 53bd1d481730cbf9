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

    public int MeCalls;

    public Task<ProxyResult<MeDto>> GetMeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref MeCalls);
        return Task.FromResult(ProxyResult<MeDto>.Success(Me));
    }

    public Task<ProxyResult<IReadOnlyList<WorkspaceDto>>> GetWorkspacesAsync(CancellationToken cancellationToken) =>
        GetWorkspacesAsync(scan: false, cancellationToken);

    /// <summary>Each call's scan flag, in order.</summary>
    public ConcurrentQueue<bool> WorkspaceRequests { get; } = new();

    /// <summary>When set, answers the n-th (1-based) workspace list call instead of <see cref="Workspaces"/>.</summary>
    public Func<int, IReadOnlyList<WorkspaceDto>>? WorkspacesByCall { get; set; }

    public Task<ProxyResult<IReadOnlyList<WorkspaceDto>>> GetWorkspacesAsync(bool scan, CancellationToken cancellationToken)
    {
        WorkspaceRequests.Enqueue(scan);
        return Task.FromResult(ProxyResult<IReadOnlyList<WorkspaceDto>>.Success(WorkspacesByCall?.Invoke(WorkspaceRequests.Count) ?? Workspaces));
    }

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
        DetailRequests.Enqueue((workspaceId, sessionId));
        if (Details.TryGetValue((workspaceId, sessionId), out var known)) return Task.FromResult(known);
        return Task.FromResult(Detail ?? ProxyResult<SessionDetailDto>.Fail(new(ProxyFailureKind.NotFound, 404, "Not found.", null)));
    }

    public Task<ProxyResult<SessionDetailDto>> RevealSessionAsync(string workspaceId, string sessionId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref RevealCalls);
        return Task.FromResult(Revealed ?? ProxyResult<SessionDetailDto>.Fail(new(ProxyFailureKind.Forbidden, 403, "Admins only.", null)));
    }

    /// <summary>A small CSV of the sample sessions (the real proxy's CSV is tested in the proxy's tests).</summary>
    public Task<ProxyResult<HttpResponseMessage>> GetSessionsCsvAsync(string workspaceId, SessionQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(ProxyResult<HttpResponseMessage>.Success(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = new StringContent("sessionClusterId,name\r\n" + string.Concat(Sample(workspaceId, 3).Select(s => $"{s.SessionClusterId},{s.Name}\r\n")),
                System.Text.Encoding.UTF8, "text/csv"),
        }));

    // ---- issue 10: timeline, triage, views, pins, audit, overview, start/stop ----

    /// <summary>Details by (workspace, session); falls back to <see cref="Detail"/>.</summary>
    public Dictionary<(string, string), ProxyResult<SessionDetailDto>> Details { get; } = [];
    public ConcurrentQueue<(string Workspace, string Session)> DetailRequests { get; } = new();
    public ProxyResult<SessionTimelineDto>? Timeline { get; set; }
    public Func<string?, ProxyResult<IReadOnlyList<ErrorGroupDto>>> ErrorGroups { get; set; } =
        _ => ProxyResult<IReadOnlyList<ErrorGroupDto>>.Success([]);
    public ConcurrentQueue<string?> ErrorRequests { get; } = new();
    public List<SavedViewDto> Views { get; } = [];
    public ConcurrentQueue<(string Workspace, SaveViewRequest Request)> SavedViewRequests { get; } = new();
    public ConcurrentQueue<(string Workspace, Guid Id)> DeletedViews { get; } = new();
    public List<PinDto> Pins { get; } = [];
    public ConcurrentQueue<(string Workspace, string Session, bool Pinned)> PinRequests { get; } = new();
    public Func<AuditQuery, ProxyResult<AuditPageDto>> Audit { get; set; } =
        q => ProxyResult<AuditPageDto>.Success(new([], 0, q.Page, q.PageSize));
    public ConcurrentQueue<AuditQuery> AuditRequests { get; } = new();
    public ProxyResult<WorkspaceOverviewDto>? Overview { get; set; }
    public Func<SessionAction, ProxyResult<SessionActionResultDto>>? ActionResult { get; set; }
    public ConcurrentQueue<(string Workspace, string Session, SessionAction Action)> ActionRequests { get; } = new();

    public Task<ProxyResult<SessionTimelineDto>> GetTimelineAsync(string workspaceId, string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(Timeline ?? ProxyResult<SessionTimelineDto>.Success(new(workspaceId, sessionId, [], false, null)));

    public Task<ProxyResult<IReadOnlyList<ErrorGroupDto>>> GetErrorGroupsAsync(string? workspaceId, CancellationToken cancellationToken)
    {
        ErrorRequests.Enqueue(workspaceId);
        return Task.FromResult(ErrorGroups(workspaceId));
    }

    public Task<ProxyResult<IReadOnlyList<SavedViewDto>>> GetSavedViewsAsync(string workspaceId, CancellationToken cancellationToken) =>
        Task.FromResult(ProxyResult<IReadOnlyList<SavedViewDto>>.Success(Views.Where(v => v.WorkspaceId == workspaceId).ToList()));

    public Task<ProxyResult<SavedViewDto>> SaveViewAsync(string workspaceId, SaveViewRequest request, CancellationToken cancellationToken)
    {
        SavedViewRequests.Enqueue((workspaceId, request));
        var view = new SavedViewDto(Guid.NewGuid(), workspaceId, request.Name, request.Query, Me.UserId, T0);
        Views.Add(view);
        return Task.FromResult(ProxyResult<SavedViewDto>.Success(view));
    }

    public Task<ProxyFailure?> DeleteViewAsync(string workspaceId, Guid viewId, CancellationToken cancellationToken)
    {
        DeletedViews.Enqueue((workspaceId, viewId));
        Views.RemoveAll(v => v.Id == viewId);
        return Task.FromResult<ProxyFailure?>(null);
    }

    public Task<ProxyResult<IReadOnlyList<PinDto>>> GetPinsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ProxyResult<IReadOnlyList<PinDto>>.Success(Pins.ToList()));

    public Task<ProxyFailure?> SetPinnedAsync(string workspaceId, string sessionId, bool pinned, CancellationToken cancellationToken)
    {
        PinRequests.Enqueue((workspaceId, sessionId, pinned));
        Pins.RemoveAll(p => p.WorkspaceId == workspaceId && p.SessionClusterId == sessionId);
        if (pinned) Pins.Add(new(workspaceId, sessionId, T0));
        return Task.FromResult<ProxyFailure?>(null);
    }

    public List<string> HiddenColumns { get; } = [];
    public ConcurrentQueue<IReadOnlyList<string>> SavedColumnChoices { get; } = new();

    public Task<ProxyResult<ColumnPreferencesDto>> GetColumnPreferencesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ProxyResult<ColumnPreferencesDto>.Success(new(HiddenColumns.ToList())));

    public Task<ProxyResult<ColumnPreferencesDto>> SaveColumnPreferencesAsync(ColumnPreferencesDto preferences, CancellationToken cancellationToken)
    {
        SavedColumnChoices.Enqueue(preferences.Hidden);
        HiddenColumns.Clear();
        HiddenColumns.AddRange(preferences.Hidden.Distinct().Order(StringComparer.Ordinal));
        return Task.FromResult(ProxyResult<ColumnPreferencesDto>.Success(new(HiddenColumns.ToList())));
    }

    public Task<ProxyResult<AuditPageDto>> GetAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        AuditRequests.Enqueue(query);
        return Task.FromResult(Audit(query));
    }

    public Task<ProxyResult<WorkspaceOverviewDto>> GetOverviewAsync(string workspaceId, CancellationToken cancellationToken) =>
        Task.FromResult(Overview ?? ProxyResult<WorkspaceOverviewDto>.Fail(new(ProxyFailureKind.NotFound, 404, "Not found.", null)));

    public Task<ProxyResult<SessionActionResultDto>> RunSessionActionAsync(string workspaceId, string sessionId, SessionAction action, CancellationToken cancellationToken)
    {
        ActionRequests.Enqueue((workspaceId, sessionId, action));
        return Task.FromResult(ActionResult?.Invoke(action)
            ?? ProxyResult<SessionActionResultDto>.Success(new(workspaceId, sessionId, action.ToString(), action == SessionAction.Start ? "Starting" : "Stopping")));
    }

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
