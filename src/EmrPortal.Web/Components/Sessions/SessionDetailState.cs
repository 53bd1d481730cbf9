using EmrPortal.Contracts;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Components.Sessions;

/// <summary>
/// What the session detail page shows, without markup: the session, its timeline and pin, what the caller may do
/// (reveal, start/stop: the proxy says so, and checks again on the call), one load per (workspace, session) with a
/// newer load cancelling an older one. The page renders it.
/// </summary>
public sealed class SessionDetailState(IProxyClient proxy, PortalUserState user, TimeProvider time) : IDisposable
{
    private (string Workspace, string Session)? _loadedKey;
    private CancellationTokenSource? _cts;
    private bool _disposed;

    /// <summary>Called when the proxy says the sign-in is gone; the page sends the browser to sign in again.</summary>
    public Action? SignInRequired { get; set; }

    public string WorkspaceId { get; private set; } = "";
    public string SessionId { get; private set; } = "";
    public SessionDetailDto? Detail { get; private set; }
    public ProxyFailure? Failure { get; private set; }
    public SessionTimelineDto? Timeline { get; private set; }
    public ProxyFailure? TimelineFailure { get; private set; }
    public bool Loading { get; private set; }
    public bool Pinned { get; private set; }
    public bool Pinning { get; private set; }
    public bool CanReveal { get; private set; }
    public bool CanStartStop { get; private set; }
    public bool Revealed { get; private set; }
    public bool Revealing { get; private set; }

    /// <summary>When the shown data arrived: relative times are computed against it.</summary>
    public DateTimeOffset Now { get; private set; }

    public bool IdsAreValid => Ids.IsValid(WorkspaceId) && Ids.IsValid(SessionId);
    public bool IsReady => Detail is not null && !Loading;
    public bool NoLongerListed => Detail?.Summary.NoLongerListed == true || Timeline?.NoLongerListed == true;

    /// <summary>The page's route asked for this session: loads unless it is the one already loaded.</summary>
    public Task ShowAsync(string workspaceId, string sessionId)
    {
        WorkspaceId = workspaceId;
        SessionId = sessionId;
        if (_loadedKey == (workspaceId, sessionId)) return Task.CompletedTask;
        _loadedKey = (workspaceId, sessionId);
        return LoadAsync();
    }

    /// <summary>What is shown, for persistent component state: the session (never revealed values: those stay in this
    /// circuit), its timeline, pin and what the caller may do, or the refusal (403, 404, no cloud permission) shown
    /// instead. Null while loading and after a failure worth retrying.</summary>
    public SessionDetailSnapshot? ToSnapshot() =>
        _loadedKey is not { } key || Loading || Revealed ? null
        : Detail is not null || Failure is { Kind: ProxyFailureKind.Forbidden or ProxyFailureKind.NotFound or ProxyFailureKind.CloudPermissionDenied }
            ? new(key.Workspace, key.Session, Detail, Failure, Timeline, TimelineFailure, Pinned, CanReveal, CanStartStop, Now)
        : null;

    /// <summary>Shows what an earlier render of this page showed; a following <see cref="ShowAsync"/> for the same
    /// session loads nothing.</summary>
    public void Restore(SessionDetailSnapshot snapshot)
    {
        (WorkspaceId, SessionId) = (snapshot.WorkspaceId, snapshot.SessionId);
        _loadedKey = (snapshot.WorkspaceId, snapshot.SessionId);
        Detail = snapshot.Detail;
        Failure = snapshot.Failure;
        Timeline = snapshot.Timeline;
        TimelineFailure = snapshot.TimelineFailure;
        Pinned = snapshot.Pinned;
        CanReveal = snapshot.CanReveal;
        CanStartStop = snapshot.CanStartStop;
        Now = snapshot.Now;
        Loading = false;
    }

    /// <summary>Loads the session again (retry, or after start/stop: the proxy refreshed its snapshot for it).</summary>
    public async Task LoadAsync()
    {
        if (_disposed || !IdsAreValid) return;
        var (workspaceId, sessionId) = (WorkspaceId, SessionId);
        _cts?.Cancel();
        _cts?.Dispose();
        var cts = _cts = new CancellationTokenSource();
        Loading = true;
        Failure = null;
        Revealed = false;
        // The cached "me" is shared by the circuit: don't tie it to this page's token.
        var meTask = user.GetMeAsync(CancellationToken.None);
        var timelineTask = proxy.GetTimelineAsync(workspaceId, sessionId, cts.Token);
        var pinsTask = proxy.GetPinsAsync(cts.Token);
        ProxyResult<SessionDetailDto> result;
        ProxyResult<SessionTimelineDto> timeline;
        ProxyResult<IReadOnlyList<PinDto>> pins;
        try
        {
            result = await proxy.GetSessionAsync(workspaceId, sessionId, cts.Token);
            timeline = await timelineTask;
            pins = await pinsTask;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return;
        }
        if (cts.IsCancellationRequested) return;
        var me = await meTask;
        // A prerender out of time for the proxy: the page stays loading (persisted as nothing) and the circuit asks.
        if (new[] { result.Failure, timeline.Failure, pins.Failure, me.Failure }.Any(f => f?.Kind == ProxyFailureKind.Deferred)) return;
        Loading = false;
        if (result.Failure?.Kind == ProxyFailureKind.SignInRequired)
        {
            SignInRequired?.Invoke();
            return;
        }
        Failure = result.Failure;
        Detail = result.Value;
        Timeline = timeline.Value;
        TimelineFailure = timeline.Failure;
        Pinned = pins.Value?.Any(p => p.WorkspaceId == workspaceId && p.SessionClusterId == sessionId) ?? Detail?.Summary.Pinned ?? false;
        Now = time.GetUtcNow();
        CanReveal = me.Value?.IsAdmin == true;
        CanStartStop = me.Value?.CanStartStop == true;
    }

    /// <summary>Pins or unpins the session. Returns what was asked and the proxy's failure, if any (nothing changes then).</summary>
    public async Task<(bool Pin, ProxyFailure? Failure)> TogglePinAsync()
    {
        Pinning = true;
        var pin = !Pinned;
        var failure = await proxy.SetPinnedAsync(WorkspaceId, SessionId, pin, CancellationToken.None);
        Pinning = false;
        if (failure is null) Pinned = pin;
        return (pin, failure);
    }

    /// <summary>Asks the proxy for the unredacted values (audited there). Returns the failure message, or null when shown.</summary>
    public async Task<string?> RevealAsync()
    {
        Revealing = true;
        var result = await proxy.RevealSessionAsync(WorkspaceId, SessionId, _cts?.Token ?? CancellationToken.None);
        Revealing = false;
        if (result.Value is not { } revealed) return result.Failure?.Message ?? "The values could not be revealed.";
        Detail = revealed;
        Revealed = true;
        return null;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cts?.Cancel();
        _cts?.Dispose();
    }
}

/// <summary>One rendered session detail (see <see cref="SessionDetailState.ToSnapshot"/>): serialized into the
/// prerendered document (protected by the framework) and into a paused circuit's state.</summary>
public sealed record SessionDetailSnapshot(string WorkspaceId, string SessionId, SessionDetailDto? Detail, ProxyFailure? Failure,
    SessionTimelineDto? Timeline, ProxyFailure? TimelineFailure, bool Pinned, bool CanReveal, bool CanStartStop, DateTimeOffset Now);
