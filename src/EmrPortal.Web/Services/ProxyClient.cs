using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EmrPortal.Contracts;
using Polly;

namespace EmrPortal.Web.Services;

/// <summary>The proxy's v1 API, as the portal uses it. No HTTP code lives in components: they call this.</summary>
public interface IProxyClient
{
    Task<ProxyResult<MeDto>> GetMeAsync(CancellationToken cancellationToken);
    Task<ProxyResult<IReadOnlyList<WorkspaceDto>>> GetWorkspacesAsync(CancellationToken cancellationToken);

    /// <summary>The workspaces; with <paramref name="scan"/>, the proxy first starts (and briefly awaits) the scans of workspaces not loaded yet.</summary>
    Task<ProxyResult<IReadOnlyList<WorkspaceDto>>> GetWorkspacesAsync(bool scan, CancellationToken cancellationToken);

    /// <summary>A page of sessions; <paramref name="workspaceId"/> null means every workspace the caller may see.</summary>
    Task<ProxyResult<SessionPageDto>> GetSessionsAsync(string? workspaceId, SessionQuery query, CancellationToken cancellationToken);
    Task<ProxyResult<ScanStatusDto>> GetScanStatusAsync(string workspaceId, CancellationToken cancellationToken);
    Task<ProxyResult<SessionDetailDto>> GetSessionAsync(string workspaceId, string sessionId, CancellationToken cancellationToken);

    /// <summary>Admin only, audited by the proxy: the session with secret-looking config values unredacted.</summary>
    Task<ProxyResult<SessionDetailDto>> RevealSessionAsync(string workspaceId, string sessionId, CancellationToken cancellationToken);

    /// <summary>The proxy's CSV of the view, headers read, body not yet: the caller streams and disposes it.</summary>
    Task<ProxyResult<HttpResponseMessage>> GetSessionsCsvAsync(string workspaceId, SessionQuery query, CancellationToken cancellationToken);

    /// <summary>Observed state changes of a session, oldest first.</summary>
    Task<ProxyResult<SessionTimelineDto>> GetTimelineAsync(string workspaceId, string sessionId, CancellationToken cancellationToken);

    /// <summary>Error sessions grouped by reason code; <paramref name="workspaceId"/> null means every visible workspace.</summary>
    Task<ProxyResult<IReadOnlyList<ErrorGroupDto>>> GetErrorGroupsAsync(string? workspaceId, CancellationToken cancellationToken);

    Task<ProxyResult<IReadOnlyList<SavedViewDto>>> GetSavedViewsAsync(string workspaceId, CancellationToken cancellationToken);
    Task<ProxyResult<SavedViewDto>> SaveViewAsync(string workspaceId, SaveViewRequest request, CancellationToken cancellationToken);
    /// <summary>Deletes a saved view; null when it worked.</summary>
    Task<ProxyFailure?> DeleteViewAsync(string workspaceId, Guid viewId, CancellationToken cancellationToken);

    /// <summary>The caller's own pins, every workspace.</summary>
    Task<ProxyResult<IReadOnlyList<PinDto>>> GetPinsAsync(CancellationToken cancellationToken);
    /// <summary>Pins (<paramref name="pinned"/> true) or unpins a session; null when it worked.</summary>
    Task<ProxyFailure?> SetPinnedAsync(string workspaceId, string sessionId, bool pinned, CancellationToken cancellationToken);

    /// <summary>The caller's hidden session-list columns (kept by the proxy, so they follow the user across browsers).</summary>
    Task<ProxyResult<ColumnPreferencesDto>> GetColumnPreferencesAsync(CancellationToken cancellationToken);
    /// <summary>Replaces the caller's hidden columns; the proxy answers with what it stored.</summary>
    Task<ProxyResult<ColumnPreferencesDto>> SaveColumnPreferencesAsync(ColumnPreferencesDto preferences, CancellationToken cancellationToken);

    /// <summary>Portal.Admin only: one page of the audit log.</summary>
    Task<ProxyResult<AuditPageDto>> GetAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<ProxyResult<WorkspaceOverviewDto>> GetOverviewAsync(string workspaceId, CancellationToken cancellationToken);

    /// <summary>Starts or stops a session (only when <see cref="MeDto.CanStartStop"/>). Never retried: it is not idempotent upstream.</summary>
    Task<ProxyResult<SessionActionResultDto>> RunSessionActionAsync(string workspaceId, string sessionId, SessionAction action, CancellationToken cancellationToken);
}

public enum SessionAction
{
    Start,
    Stop,
}

public enum ProxyFailureKind
{
    /// <summary>No token, or the proxy refused it (401): the user has to sign in.</summary>
    SignInRequired,
    Forbidden,
    NotFound,
    BadRequest,
    /// <summary>The request clashes with the current state (409), e.g. starting a session that is already starting.</summary>
    Conflict,
    /// <summary>Proxy unreachable, timed out or failed (5xx): retrying may help.</summary>
    Unavailable,
    /// <summary>
    /// A prerender's budget for proxy calls (<see cref="PrerenderBudget"/>) ran out before the proxy answered: nothing
    /// failed yet. The page is sent in its loading state, persists nothing for it, and its circuit asks again.
    /// </summary>
    Deferred,
    /// <summary>
    /// The cloud refuses the portal's own cloud identity on this workspace (RAM): neither the user's access nor a
    /// passing fault; other workspaces keep working. Problem type <see cref="ProblemTypes.CloudPermissionDenied"/>.
    /// </summary>
    CloudPermissionDenied,
}

/// <summary>Why a proxy call failed, fit to show: the proxy's ProblemDetails title/detail and trace id, never a stack.</summary>
public sealed record ProxyFailure(ProxyFailureKind Kind, int? StatusCode, string Message, string? TraceId);

public sealed class ProxyResult<T>
{
    private ProxyResult(T? value, ProxyFailure? failure) => (Value, Failure) = (value, failure);

    public T? Value { get; }
    public ProxyFailure? Failure { get; }
    public bool IsSuccess => Failure is null;

    public static ProxyResult<T> Success(T value) => new(value, null);
    public static ProxyResult<T> Fail(ProxyFailure failure) => new(default, failure);
}

public sealed partial class ProxyClient(HttpClient http, IProxyTokenSource tokens, PrerenderBudget budget, ILogger<ProxyClient> logger) : IProxyClient
{
    public Task<ProxyResult<MeDto>> GetMeAsync(CancellationToken cancellationToken) =>
        GetJsonAsync("api/v1/me", PortalJsonContext.Default.MeDto, cancellationToken);

    public Task<ProxyResult<IReadOnlyList<WorkspaceDto>>> GetWorkspacesAsync(CancellationToken cancellationToken) =>
        GetWorkspacesAsync(scan: false, cancellationToken);

    public Task<ProxyResult<IReadOnlyList<WorkspaceDto>>> GetWorkspacesAsync(bool scan, CancellationToken cancellationToken) =>
        GetJsonAsync(scan ? "api/v1/workspaces?scan=true" : "api/v1/workspaces", PortalJsonContext.Default.IReadOnlyListWorkspaceDto, cancellationToken);

    public Task<ProxyResult<SessionPageDto>> GetSessionsAsync(string? workspaceId, SessionQuery query, CancellationToken cancellationToken)
    {
        var path = workspaceId is null ? "api/v1/sessions" : $"{WorkspacePath(workspaceId)}/sessions";
        return GetJsonAsync(WithQuery(path, query), PortalJsonContext.Default.SessionPageDto, cancellationToken);
    }

    public Task<ProxyResult<ScanStatusDto>> GetScanStatusAsync(string workspaceId, CancellationToken cancellationToken) =>
        GetJsonAsync($"{WorkspacePath(workspaceId)}/scan", PortalJsonContext.Default.ScanStatusDto, cancellationToken);

    public Task<ProxyResult<SessionDetailDto>> GetSessionAsync(string workspaceId, string sessionId, CancellationToken cancellationToken) =>
        GetJsonAsync(SessionPath(workspaceId, sessionId), PortalJsonContext.Default.SessionDetailDto, cancellationToken);

    public Task<ProxyResult<SessionDetailDto>> RevealSessionAsync(string workspaceId, string sessionId, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, $"{SessionPath(workspaceId, sessionId)}/reveal", PortalJsonContext.Default.SessionDetailDto, cancellationToken);

    public async Task<ProxyResult<HttpResponseMessage>> GetSessionsCsvAsync(string workspaceId, SessionQuery query, CancellationToken cancellationToken)
    {
        var (response, failure) = await SendAsync(HttpMethod.Get, WithQuery($"{WorkspacePath(workspaceId)}/sessions.csv", query), cancellationToken);
        return failure is null ? ProxyResult<HttpResponseMessage>.Success(response!) : ProxyResult<HttpResponseMessage>.Fail(failure);
    }

    public Task<ProxyResult<SessionTimelineDto>> GetTimelineAsync(string workspaceId, string sessionId, CancellationToken cancellationToken) =>
        GetJsonAsync($"{SessionPath(workspaceId, sessionId)}/timeline", PortalJsonContext.Default.SessionTimelineDto, cancellationToken);

    public Task<ProxyResult<IReadOnlyList<ErrorGroupDto>>> GetErrorGroupsAsync(string? workspaceId, CancellationToken cancellationToken)
    {
        if (workspaceId is not null && !Ids.IsValid(workspaceId)) throw new ArgumentException("Invalid workspace id.", nameof(workspaceId));
        var path = workspaceId is null ? "api/v1/errors" : $"api/v1/errors?workspace={Uri.EscapeDataString(workspaceId)}";
        return GetJsonAsync(path, PortalJsonContext.Default.IReadOnlyListErrorGroupDto, cancellationToken);
    }

    /// <summary>The first page of the workspace's views at the largest page size the proxy allows (the menu shows no more).</summary>
    public Task<ProxyResult<IReadOnlyList<SavedViewDto>>> GetSavedViewsAsync(string workspaceId, CancellationToken cancellationToken) =>
        GetJsonAsync($"{WorkspacePath(workspaceId)}/views?page=1&pageSize={SavedViewsMenuSize}", PortalJsonContext.Default.IReadOnlyListSavedViewDto, cancellationToken);

    /// <summary>How many saved views the menu lists (the proxy's largest page).</summary>
    public const int SavedViewsMenuSize = 200;

    public Task<ProxyResult<SavedViewDto>> SaveViewAsync(string workspaceId, SaveViewRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, $"{WorkspacePath(workspaceId)}/views", PortalJsonContext.Default.SavedViewDto, cancellationToken,
            JsonContent.Create(request, PortalJsonContext.Default.SaveViewRequest));

    public Task<ProxyFailure?> DeleteViewAsync(string workspaceId, Guid viewId, CancellationToken cancellationToken) =>
        SendCommandAsync(HttpMethod.Delete, $"{WorkspacePath(workspaceId)}/views/{viewId:D}", cancellationToken);

    public Task<ProxyResult<IReadOnlyList<PinDto>>> GetPinsAsync(CancellationToken cancellationToken) =>
        GetJsonAsync("api/v1/pins", PortalJsonContext.Default.IReadOnlyListPinDto, cancellationToken);

    public Task<ProxyFailure?> SetPinnedAsync(string workspaceId, string sessionId, bool pinned, CancellationToken cancellationToken) =>
        SendCommandAsync(pinned ? HttpMethod.Put : HttpMethod.Delete, $"{SessionPath(workspaceId, sessionId)}/pin", cancellationToken);

    public Task<ProxyResult<ColumnPreferencesDto>> GetColumnPreferencesAsync(CancellationToken cancellationToken) =>
        GetJsonAsync(ColumnPreferencesPath, PortalJsonContext.Default.ColumnPreferencesDto, cancellationToken);

    public Task<ProxyResult<ColumnPreferencesDto>> SaveColumnPreferencesAsync(ColumnPreferencesDto preferences, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Put, ColumnPreferencesPath, PortalJsonContext.Default.ColumnPreferencesDto, cancellationToken,
            JsonContent.Create(preferences, PortalJsonContext.Default.ColumnPreferencesDto));

    private const string ColumnPreferencesPath = "api/v1/me/preferences/columns";

    public Task<ProxyResult<AuditPageDto>> GetAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        return GetJsonAsync($"api/v1/audit?{query.ToQueryString(explicitPaging: true)}", PortalJsonContext.Default.AuditPageDto, cancellationToken);
    }

    public Task<ProxyResult<WorkspaceOverviewDto>> GetOverviewAsync(string workspaceId, CancellationToken cancellationToken) =>
        GetJsonAsync($"{WorkspacePath(workspaceId)}/overview", PortalJsonContext.Default.WorkspaceOverviewDto, cancellationToken);

    public Task<ProxyResult<SessionActionResultDto>> RunSessionActionAsync(string workspaceId, string sessionId, SessionAction action, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, $"{SessionPath(workspaceId, sessionId)}/{(action == SessionAction.Start ? "start" : "stop")}",
            PortalJsonContext.Default.SessionActionResultDto, cancellationToken);

    private Task<ProxyResult<T>> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Get, path, type, cancellationToken);

    /// <summary>A call whose answer has no body worth reading (204, or an echo): only success or failure matters.</summary>
    private async Task<ProxyFailure?> SendCommandAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var (response, failure) = await SendAsync(method, path, cancellationToken);
        response?.Dispose();
        return failure;
    }

    private async Task<ProxyResult<T>> SendJsonAsync<T>(HttpMethod method, string path, JsonTypeInfo<T> type, CancellationToken cancellationToken, HttpContent? content = null)
    {
        var (response, failure) = await SendAsync(method, path, cancellationToken, content);
        if (failure is not null) return ProxyResult<T>.Fail(failure);
        using (response)
        {
            try
            {
                var value = await response!.Content.ReadFromJsonAsync(type, cancellationToken);
                return value is null
                    ? ProxyResult<T>.Fail(new(ProxyFailureKind.Unavailable, (int)response.StatusCode, "The proxy returned an empty response.", null))
                    : ProxyResult<T>.Success(value);
            }
            catch (JsonException ex)
            {
                LogUnreadableResponse(logger, method.Method, StatusCodeOf(response!), ex);
                return ProxyResult<T>.Fail(new(ProxyFailureKind.Unavailable, (int)response!.StatusCode, "The proxy returned a response the portal could not read.", null));
            }
        }
    }

    private async Task<(HttpResponseMessage? Response, ProxyFailure? Failure)> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken, HttpContent? content = null)
    {
        using var body = content;
        // While prerendering, every call is also bounded by the page's budget (no budget in a circuit).
        using var linked = budget.Token.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token) : null;
        var ct = linked?.Token ?? cancellationToken;
        try
        {
            return await SendWithinAsync(method, path, body, ct, cancellationToken);
        }
        catch (OperationCanceledException) when (budget.Token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogPrerenderBudgetSpent(logger, method.Method);
            return (null, new(ProxyFailureKind.Deferred, null, "Still loading.", null));
        }
    }

    /// <param name="ct">The caller's token, linked with the prerender budget's.</param>
    /// <param name="callerToken">The caller's own token: cancelled means the caller gave up (not a timeout).</param>
    private async Task<(HttpResponseMessage? Response, ProxyFailure? Failure)> SendWithinAsync(HttpMethod method, string path, HttpContent? body,
        CancellationToken ct, CancellationToken callerToken)
    {
        string token;
        try
        {
            token = await tokens.GetAccessTokenAsync(ct);
        }
        catch (SignInRequiredException)
        {
            return (null, new(ProxyFailureKind.SignInRequired, null, "Please sign in again.", null));
        }

        using var request = new HttpRequestMessage(method, path) { Content = body };
        request.Options.Set(ProxyBearerTokenHandler.AccessTokenKey, token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            LogProxyUnreachable(logger, method.Method, ex);
            return (null, new(ProxyFailureKind.Unavailable, null, "The portal's backend is not reachable right now.", null));
        }
        catch (Exception ex) when (ex is TaskCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            LogProxyUnreachable(logger, method.Method, ex);
            return (null, new(ProxyFailureKind.Unavailable, null, "The portal's backend did not answer in time.", null));
        }
        catch (ExecutionRejectedException ex)
        {
            // The resilience pipeline from ServiceDefaults (open circuit breaker, total timeout).
            LogProxyUnreachable(logger, method.Method, ex);
            return (null, new(ProxyFailureKind.Unavailable, null, "The portal's backend is not reachable right now.", null));
        }

        if (response.IsSuccessStatusCode) return (response, null);
        using (response)
        {
            return (null, await ToFailureAsync(response, callerToken));
        }
    }

    private static async Task<ProxyFailure> ToFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var (title, detail, traceId, type) = await ReadProblemAsync(response, cancellationToken);
        var status = (int)response.StatusCode;
        var kind = type == ProblemTypes.CloudPermissionDenied ? ProxyFailureKind.CloudPermissionDenied : response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => ProxyFailureKind.SignInRequired,
            HttpStatusCode.Forbidden => ProxyFailureKind.Forbidden,
            HttpStatusCode.NotFound => ProxyFailureKind.NotFound,
            HttpStatusCode.BadRequest => ProxyFailureKind.BadRequest,
            HttpStatusCode.Conflict => ProxyFailureKind.Conflict,
            _ => ProxyFailureKind.Unavailable,
        };
        var message = kind switch
        {
            ProxyFailureKind.SignInRequired => "Please sign in again.",
            ProxyFailureKind.CloudPermissionDenied => ProblemTypes.CloudPermissionDeniedDetail,
            ProxyFailureKind.Forbidden => detail ?? title ?? "You don't have access to this.",
            ProxyFailureKind.NotFound => detail ?? title ?? "Not found.",
            ProxyFailureKind.BadRequest => detail ?? title ?? "The request was not valid.",
            ProxyFailureKind.Conflict => detail ?? title ?? "The session changed in the meantime; refresh and try again.",
            _ => status == 429 ? "Too many requests right now; try again in a moment." : "The portal's backend failed to answer.",
        };
        return new(kind, status, message, traceId);
    }

    private static async Task<(string? Title, string? Detail, string? TraceId, string? Type)> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json")) return default;
        try
        {
            using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return default;
            return (Str(doc.RootElement, "title"), Str(doc.RootElement, "detail"), Str(doc.RootElement, "traceId"), Str(doc.RootElement, "type"));
        }
        catch (JsonException)
        {
            return default;
        }

        static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    private static int StatusCodeOf(HttpResponseMessage response) => (int)response.StatusCode;

    // Ids are validated before they reach a path (docs/decisions.md#ids-are-validated-before-they-reach-a-path) and each segment escaped anyway.
    private static string WorkspacePath(string workspaceId) =>
        Ids.IsValid(workspaceId) ? $"api/v1/workspaces/{Uri.EscapeDataString(workspaceId)}" : throw new ArgumentException("Invalid workspace id.", nameof(workspaceId));

    private static string SessionPath(string workspaceId, string sessionId) =>
        Ids.IsValid(sessionId) ? $"{WorkspacePath(workspaceId)}/sessions/{Uri.EscapeDataString(sessionId)}" : throw new ArgumentException("Invalid session id.", nameof(sessionId));

    private static string WithQuery(string path, SessionQuery query)
    {
        var qs = query.ToQueryString();
        return qs.Length == 0 ? path : $"{path}?{qs}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy call {Method} could not be completed")]
    private static partial void LogProxyUnreachable(ILogger logger, string method, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy call {Method} outlasted the prerender's budget; the page is sent loading and its circuit asks again")]
    private static partial void LogPrerenderBudgetSpent(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy call {Method} returned {StatusCode} with an unreadable body")]
    private static partial void LogUnreadableResponse(ILogger logger, string method, int statusCode, Exception exception);
}
