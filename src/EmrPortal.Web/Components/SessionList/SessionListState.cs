using EmrPortal.Contracts;
using EmrPortal.Web.Insights;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Components.SessionList;

/// <summary>
/// What a session list shows and how it gets it, without any markup: the query the URL asked for (with "mine"
/// resolved), one load per distinct (workspace, query) with a newer query cancelling an older load, scan progress
/// while a cold workspace loads, auto-refresh, and the caller's pins. <see cref="SessionListView"/> renders it and
/// turns <see cref="UrlParameters"/> into navigation; the URL stays the only source of truth. What is shown can be
/// handed over as a <see cref="SessionListSnapshot"/> (prerendered → interactive, paused → resumed circuit), so the
/// next render of the same URL shows the same rows without asking the proxy again.
/// </summary>
public sealed partial class SessionListState(IProxyClient proxy, PortalUserState user, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan AutoRefreshInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan ScanPollInterval = TimeSpan.FromMilliseconds(750);

    private (string? Workspace, SessionQuery Query)? _requestedKey;
    private (string? Workspace, SessionQuery Query)? _loadedKey;
    private CancellationTokenSource? _loadCts;
    private CancellationTokenSource? _refreshCts;
    private Dictionary<string, string?> _lastStates = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _seenStates = new(StringComparer.Ordinal);
    private List<PinDto>? _pins;
    private bool _pinsRequested;
    private bool _disposed;

    /// <summary>Runs a change that happens outside a render (scan progress, an auto-refresh tick) on the component's
    /// renderer and renders afterwards. The default runs it as is (tests).</summary>
    public Func<Func<Task>, Task> OnBackgroundChange { get; set; } = change => change();

    /// <summary>Called when the proxy says the sign-in is gone; the component sends the browser to sign in again.</summary>
    public Action? SignInRequired { get; set; }

    /// <summary>The workspace, or null for every workspace the caller may see.</summary>
    public string? WorkspaceId { get; private set; }

    /// <summary>The URL's explicit "mine" (true/false), or null when the URL leaves it to the viewer's default.</summary>
    public bool? MineChoice { get; private set; }

    /// <summary>The query actually shown: the URL's, with "mine" resolved (explicit choice, else the viewer's default).</summary>
    public SessionQuery Query { get; private set; } = new();

    public MeDto? Me { get; private set; }
    public SessionPageDto? Page { get; private set; }
    public ProxyFailure? Failure { get; private set; }
    public ScanStatusDto? Scan { get; private set; }
    public bool Loading { get; private set; }
    public bool AutoRefresh { get; private set; }

    /// <summary>Rows whose state changed in the last auto-refresh (highlighted).</summary>
    public IReadOnlySet<string> ChangedIds { get; private set; } = new HashSet<string>();

    /// <summary>When the shown page arrived: relative times are computed against it, so an idle list does not re-render.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>The caller's pins (null until loaded, or when the proxy could not say).</summary>
    public IReadOnlyList<PinDto>? Pins => _pins;
    public IReadOnlySet<string>? PinnedKeys { get; private set; }

    /// <summary>What the list's live region says: "Refreshing…" while a load runs, then how many sessions it loaded.</summary>
    public string Announcement => Loading ? "Refreshing…"
        : Failure is not null || Page is null ? ""
        : Page.TotalCount == 1 ? "Loaded 1 session" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Loaded {Page.TotalCount:N0} sessions");

    public bool IsReady => !Loading && Failure is null && Page is not null && _loadedKey == _requestedKey;

    /// <summary>The State filter's options: the documented states, then any other state this list has shown or its URL
    /// asks for (a state the cloud added later filters as itself).</summary>
    public IReadOnlyList<string> StateOptions =>
    [
        .. SessionStates.All,
        .. _seenStates.Append(Query.State ?? "").Where(s => s.Length > 0 && !SessionStates.All.Contains(s, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase),
    ];

    public bool HasFilters => Query.State is not null || Query.Kind is not null || Query.Queue is not null || Query.Owner is not null
        || Query.Q is not null || Query.Listed is not null || Query.Reason is not null;

    /// <summary>Offered to those with a cloud user mapping, and to anyone whose URL says "mine" (so they can switch back).</summary>
    public bool ShowMineToggle => Me is { CloudUserNames.Count: > 0 } || Query.Mine;

    public string? ExportHref => WorkspaceId is null ? null
        : $"/export/workspaces/{Uri.EscapeDataString(WorkspaceId)}/sessions.csv" + (Query.ToQueryString() is { Length: > 0 } qs ? "?" + qs : "");

    /// <summary>The URL asked for (workspace, query, mine). Loads unless the same (workspace, query) was already asked for.</summary>
    public async Task SetUrlAsync(string? workspaceId, SessionQuery urlQuery, bool? mineChoice)
    {
        WorkspaceId = workspaceId;
        MineChoice = mineChoice;
        // The first load's proxy calls overlap where they are independent: the rows wait for "me" (usually already asked
        // for by the layout) and the page, not for the pins as well.
        Task? pins = null;
        if (!_pinsRequested)
        {
            // Once per list; toggles update the set locally afterwards.
            _pinsRequested = true;
            pins = LoadPinsAsync();
        }
        // The cached "me" is shared by the circuit: don't tie it to this list's token.
        var me = Me is null ? user.GetMeAsync(CancellationToken.None) : null;
        if (me is not null && mineChoice is null)
        {
            // Needed for the default of "mine" (no navigation: an absent choice stays absent in the URL).
            Me = (await me).Value;
            me = null;
        }
        Query = urlQuery with { Mine = mineChoice ?? MineDefault.For(Me) };
        var key = (workspaceId, Query);
        var load = _requestedKey == key ? Task.CompletedTask : LoadAsync(key, refresh: false);
        // With an explicit choice in the URL, who the caller is (the toggle, saved views) loads beside the page.
        if (me is not null) Me = (await me).Value;
        await load;
        if (pins is not null) await pins;
    }

    /// <summary>What is shown, for persistent component state: the rendered page, or a refusal (403, 404, no cloud
    /// permission) that a second ask would only repeat; null while loading or after a failure worth retrying. Only the
    /// rendered page travels: no earlier pages, no snapshot of the workspace.</summary>
    public SessionListSnapshot? ToSnapshot() =>
        IsReady && _loadedKey is { } key ? WithinBudget(new(key.Workspace, key.Query, Me, Page!, _pins, Now))
        : !Loading && Failure is { Kind: ProxyFailureKind.Forbidden or ProxyFailureKind.NotFound or ProxyFailureKind.CloudPermissionDenied }
          && _requestedKey is { } asked ? new(asked.Workspace, asked.Query, Me, null, _pins, Now, Failure)
        : null;

    /// <summary>The largest list snapshot handed on (JSON bytes): the state travels through the document and back
    /// through the circuit's hub, whose message limit it must stay well under. A larger page (up to 200 rows) is
    /// fetched again by the circuit instead.</summary>
    public const int MaxSnapshotBytes = 64 * 1024;

    private static SessionListSnapshot? WithinBudget(SessionListSnapshot snapshot) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(snapshot, System.Text.Json.JsonSerializerOptions.Web).Length <= MaxSnapshotBytes ? snapshot : null;

    /// <summary>Shows what an earlier render of this list showed (<see cref="ToSnapshot"/>). A following
    /// <see cref="SetUrlAsync"/> for the same URL resolves "mine" with the same viewer and so loads nothing.</summary>
    public void Restore(SessionListSnapshot snapshot)
    {
        WorkspaceId = snapshot.WorkspaceId;
        Query = snapshot.Query;
        Me = snapshot.Me;
        Page = snapshot.Page;
        Failure = snapshot.Failure;
        Now = snapshot.Now;
        _requestedKey = (snapshot.WorkspaceId, snapshot.Query);
        // The earlier render asked for the pins already; when it got none (a failure, or the prerender ran out of time)
        // this render asks once more, and until then rows show the list's own flag.
        _pinsRequested = snapshot.Pins is not null;
        if (snapshot.Pins is { } pins) SetPins([.. pins]);
        if (snapshot.Page is not { } page) return;
        _loadedKey = _requestedKey;
        _lastStates = page.Items.ToDictionary(s => s.SessionClusterId, s => s.State, StringComparer.Ordinal);
        foreach (var s in page.Items)
        {
            if (!string.IsNullOrEmpty(s.State)) _seenStates.Add(s.State);
        }
    }

    public Task RetryAsync()
    {
        Failure = null;
        return _requestedKey is { } key ? LoadAsync(key, refresh: false) : Task.CompletedTask;
    }

    public void SetAutoRefresh(bool on)
    {
        AutoRefresh = on;
        _refreshCts?.Cancel();
        _refreshCts?.Dispose();
        _refreshCts = null;
        ChangedIds = new HashSet<string>();
        if (on && !_disposed)
        {
            _refreshCts = new CancellationTokenSource();
            _ = AutoRefreshLoopAsync(_refreshCts.Token);
        }
    }

    // ---- Where the list goes next: each returns the query (and "mine" choice) the URL should get ----

    /// <summary>Pins or unpins a row's session. Returns what was asked (pin or unpin) and the proxy's failure, if any
    /// (the pins are unchanged then).</summary>
    public async Task<(bool Pin, ProxyFailure? Failure)> TogglePinAsync(SessionSummaryDto s)
    {
        var key = PinKey(s.WorkspaceId, s.SessionClusterId);
        var pin = !(PinnedKeys?.Contains(key) ?? s.Pinned);
        var failure = await proxy.SetPinnedAsync(s.WorkspaceId, s.SessionClusterId, pin, CancellationToken.None);
        if (failure is not null) return (pin, failure);
        var pins = (_pins ?? []).Where(p => PinKey(p.WorkspaceId, p.SessionClusterId) != key).ToList();
        if (pin) pins.Add(new(s.WorkspaceId, s.SessionClusterId, time.GetUtcNow()));
        SetPins(pins);
        return (pin, null);
    }

    private async Task LoadPinsAsync()
    {
        var pins = await proxy.GetPinsAsync(CancellationToken.None);
        // Without pins (proxy failure) rows show what the list said (SessionSummaryDto.Pinned) and there is no section.
        if (pins.Value is null) return;
        SetPins([.. pins.Value]);
    }

    private void SetPins(List<PinDto> pins)
    {
        _pins = pins;
        PinnedKeys = pins.Select(p => PinKey(p.WorkspaceId, p.SessionClusterId)).ToHashSet(StringComparer.Ordinal);
    }

    // ---- Loading ----

    private async Task LoadAsync((string? Workspace, SessionQuery Query) key, bool refresh)
    {
        if (_disposed || (key.Workspace is not null && !Ids.IsValid(key.Workspace))) return;

        _loadCts?.Cancel();
        _loadCts?.Dispose();
        var cts = _loadCts = new CancellationTokenSource();
        var ct = cts.Token;
        _requestedKey = key;
        Loading = true;
        Scan = null;
        if (!refresh)
        {
            Failure = null;
            if (_loadedKey?.Workspace != key.Workspace) Page = null;
        }

        var load = proxy.GetSessionsAsync(key.Workspace, key.Query, ct);
        if (key.Workspace is not null && !load.IsCompleted) _ = PollScanAsync(load, key.Workspace, ct);

        ProxyResult<SessionPageDto> result;
        try
        {
            result = await load;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        if (ct.IsCancellationRequested) return;
        // A prerender out of time for the proxy: the list stays loading (persisted as nothing) and the circuit asks.
        if (result.Failure?.Kind == ProxyFailureKind.Deferred) return;

        Loading = false;
        Scan = null;
        if (result.Failure is { } failure)
        {
            if (failure.Kind == ProxyFailureKind.SignInRequired)
            {
                SignInRequired?.Invoke();
                return;
            }
            // An auto-refresh that fails keeps the rows on screen; the next tick tries again.
            if (!refresh || Page is null) Failure = failure;
            return;
        }

        var page = result.Value!;
        ChangedIds = refresh
            ? page.Items.Where(s => _lastStates.TryGetValue(s.SessionClusterId, out var before) && before != s.State)
                .Select(s => s.SessionClusterId).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
        _lastStates = page.Items.ToDictionary(s => s.SessionClusterId, s => s.State, StringComparer.Ordinal);
        foreach (var s in page.Items)
        {
            if (!string.IsNullOrEmpty(s.State)) _seenStates.Add(s.State);
        }
        Failure = null;
        Page = page;
        Now = time.GetUtcNow();
        _loadedKey = key;
    }

    /// <summary>While a cold workspace loads, show how far the proxy's scan has got.</summary>
    private async Task PollScanAsync(Task load, string workspaceId, CancellationToken ct)
    {
        try
        {
            while (!load.IsCompleted && !ct.IsCancellationRequested)
            {
                var tick = Task.Delay(ScanPollInterval, time, ct);
                if (await Task.WhenAny(load, tick) == load) return;
                await tick;
                var scan = await proxy.GetScanStatusAsync(workspaceId, ct);
                if (load.IsCompleted || ct.IsCancellationRequested) return;
                if (scan.Value is { State: ScanStates.Scanning } status)
                {
                    await OnBackgroundChange(() =>
                    {
                        // The load may have finished while this waited for the renderer: then the progress is over.
                        if (!load.IsCompleted && !ct.IsCancellationRequested) Scan = status;
                        return Task.CompletedTask;
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AutoRefreshLoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(AutoRefreshInterval, time, ct);
                await OnBackgroundChange(async () =>
                {
                    if (_requestedKey is { } key && !Loading && !ct.IsCancellationRequested) await LoadAsync(key, refresh: true);
                });
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _loadCts?.Cancel();
        _loadCts?.Dispose();
        _refreshCts?.Cancel();
        _refreshCts?.Dispose();
    }
}

/// <summary>One rendered view of a session list: the URL's (workspace, query) with "mine" resolved, the viewer it was
/// resolved for, the rendered page (or the refusal shown instead), the pins and when the page arrived. Serialized into
/// the prerendered document (protected by the framework) and into a paused circuit's state.</summary>
public sealed record SessionListSnapshot(string? WorkspaceId, SessionQuery Query, MeDto? Me, SessionPageDto? Page, IReadOnlyList<PinDto>? Pins,
    DateTimeOffset Now, ProxyFailure? Failure = null);
