using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EmrPortal.Emr.Diagnostics;
using EmrPortal.Emr.Http;
using EmrPortal.Emr.Models;
using EmrPortal.Emr.Serialization;
using EmrPortal.Emr.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace EmrPortal.Emr;

/// <summary>
/// The typed <see cref="HttpClient"/> behind <see cref="IEmrServerlessSparkClient"/>. Register it with
/// <c>services.AddEmrServerlessSparkClient(...)</c>, which adds signing and the retry pipeline around it.
/// </summary>
public sealed class EmrServerlessSparkClient : IEmrServerlessSparkClient
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly IOptionsMonitor<EmrClientOptions> _options;
    private readonly ILogger<EmrServerlessSparkClient> _logger;

    /// <summary>Created by the HTTP client factory.</summary>
    public EmrServerlessSparkClient(HttpClient http, IOptionsMonitor<EmrClientOptions> options, ILogger<EmrServerlessSparkClient> logger)
    {
        _http = http;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ListSessionClustersResponse> ListSessionClustersAsync(ListSessionClustersRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = $"api/v1/workspaces/{EmrPath.Segment(request.WorkspaceId, nameof(request.WorkspaceId))}/sessionClusters";
        var query = new EmrQuery()
            .Add("nextToken", request.NextToken)
            .Add("maxResults", request.MaxResults)
            .Add("sessionClusterId", request.SessionClusterId)
            .Add("queueName", request.QueueName)
            .Add("kind", request.Kind)
            .Add("regionId", request.RegionId ?? _options.CurrentValue.RegionId);
        var response = await SendAsync(
            HttpMethod.Get, "ListSessionClusters", path + query, request.WorkspaceId, body: null,
            EmrJsonContext.Default.ListSessionClustersResponse, static r => r.RequestId, cancellationToken).ConfigureAwait(false);
        foreach (var session in response.SessionClusters ?? [])
        {
            EnsureSameWorkspace("ListSessionClusters", request.WorkspaceId, session.WorkspaceId, response.RequestId);
        }

        return response;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ListSessionClustersResponse> ListSessionClusterPagesAsync(
        ListSessionClustersRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = _options.CurrentValue;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(request.NextToken))
        {
            seen.Add(request.NextToken);
        }

        var page = request with { MaxResults = request.MaxResults ?? options.PageSize };
        for (var pagesRead = 0; ; pagesRead++)
        {
            if (pagesRead >= options.MaxPages)
            {
                throw new EmrPagingException(
                    $"ListSessionClusters for workspace {request.WorkspaceId} still had more pages after {pagesRead} (Emr:MaxPages); stopped.",
                    request.WorkspaceId, pagesRead);
            }

            var response = await ListSessionClustersAsync(page, cancellationToken).ConfigureAwait(false);
            yield return response;

            var next = response.NextToken;
            if (string.IsNullOrEmpty(next))
            {
                yield break;
            }

            if (!seen.Add(next))
            {
                throw new EmrPagingException(
                    $"ListSessionClusters for workspace {request.WorkspaceId} returned a nextToken it had already returned (after page {pagesRead + 1}); stopped to avoid an endless loop.",
                    request.WorkspaceId, pagesRead + 1);
            }

            page = page with { NextToken = next };
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SessionCluster> ListAllSessionClustersAsync(
        ListSessionClustersRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in ListSessionClusterPagesAsync(request, cancellationToken).ConfigureAwait(false))
        {
            foreach (var session in page.SessionClusters ?? [])
            {
                yield return session;
            }
        }
    }

    /// <inheritdoc />
    public async Task<GetSessionClusterResponse> GetSessionClusterAsync(string workspaceId, string sessionClusterId, CancellationToken cancellationToken = default)
    {
        var path = $"api/v1/workspaces/{EmrPath.Segment(workspaceId, nameof(workspaceId))}/sessionClusters/{EmrPath.Segment(sessionClusterId, nameof(sessionClusterId))}";
        var response = await SendAsync(
            HttpMethod.Get, "GetSessionCluster", path, workspaceId, body: null,
            EmrJsonContext.Default.GetSessionClusterResponse, static r => r.RequestId, cancellationToken).ConfigureAwait(false);
        EnsureSameWorkspace("GetSessionCluster", workspaceId, response.SessionCluster?.WorkspaceId, response.RequestId);
        return response;
    }

    /// <inheritdoc />
    public Task<ListWorkspacesResponse> ListWorkspacesAsync(ListWorkspacesRequest? request = null, CancellationToken cancellationToken = default)
    {
        request ??= new ListWorkspacesRequest();
        var query = new EmrQuery()
            .Add("nextToken", request.NextToken)
            .Add("maxResults", request.MaxResults)
            .Add("name", request.Name)
            .Add("state", request.State)
            .Add("resourceGroupId", request.ResourceGroupId)
            .Add("tag", request.Tag is { Count: > 0 } tags ? JsonSerializer.Serialize(tags.ToList(), EmrJsonContext.Default.ListWorkspaceTagFilter) : null)
            .Add("regionId", request.RegionId ?? _options.CurrentValue.RegionId);
        return SendAsync(
            HttpMethod.Get, "ListWorkspaces", "api/v1/workspaces" + query, workspaceId: null, body: null,
            EmrJsonContext.Default.ListWorkspacesResponse, static r => r.RequestId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ListWorkspaceQueuesResponse> ListWorkspaceQueuesAsync(string workspaceId, string? environment = null, CancellationToken cancellationToken = default)
    {
        var path = $"api/v1/workspaces/{EmrPath.Segment(workspaceId, nameof(workspaceId))}/queues";
        var query = new EmrQuery().Add("environment", environment).Add("regionId", _options.CurrentValue.RegionId);
        return SendAsync(
            HttpMethod.Get, "ListWorkspaceQueues", path + query, workspaceId, body: null,
            EmrJsonContext.Default.ListWorkspaceQueuesResponse, static r => r.RequestId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ListReleaseVersionsResponse> ListReleaseVersionsAsync(ListReleaseVersionsRequest? request = null, CancellationToken cancellationToken = default)
    {
        request ??= new ListReleaseVersionsRequest();
        var query = new EmrQuery()
            .Add("releaseVersion", request.ReleaseVersion)
            .Add("releaseVersionStatus", request.ReleaseVersionStatus)
            .Add("releaseType", request.ReleaseType)
            .Add("workspaceId", request.WorkspaceId)
            .Add("serviceFilter", request.ServiceFilter)
            .Add("regionId", request.RegionId ?? _options.CurrentValue.RegionId);
        return SendAsync(
            HttpMethod.Get, "ListReleaseVersions", "api/v1/releaseVersions" + query, request.WorkspaceId, body: null,
            EmrJsonContext.Default.ListReleaseVersionsResponse, static r => r.RequestId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionClusterActionResponse> StartSessionClusterAsync(string workspaceId, string sessionClusterId, string? queueName, CancellationToken cancellationToken = default) =>
        SessionClusterActionAsync("StartSessionCluster", "startSessionCluster", workspaceId, sessionClusterId, queueName, cancellationToken);

    /// <inheritdoc />
    public Task<SessionClusterActionResponse> StopSessionClusterAsync(string workspaceId, string sessionClusterId, string? queueName, CancellationToken cancellationToken = default) =>
        SessionClusterActionAsync("StopSessionCluster", "stopSessionCluster", workspaceId, sessionClusterId, queueName, cancellationToken);

    private Task<SessionClusterActionResponse> SessionClusterActionAsync(
        string action, string pathAction, string workspaceId, string sessionClusterId, string? queueName, CancellationToken cancellationToken)
    {
        var path = $"api/v1/workspaces/{EmrPath.Segment(workspaceId, nameof(workspaceId))}/sessionClusters/action/{pathAction}";
        _ = EmrPath.Segment(sessionClusterId, nameof(sessionClusterId)); // in the body, not the path, but the same id rules apply
        var query = new EmrQuery().Add("regionId", _options.CurrentValue.RegionId);
        var body = new SessionClusterActionRequest { SessionClusterId = sessionClusterId, QueueName = queueName };
        return SendAsync(
            HttpMethod.Post, action, path + query, workspaceId, body,
            EmrJsonContext.Default.SessionClusterActionResponse, static r => r.RequestId, cancellationToken);
    }

    private async Task<T> SendAsync<T>(
        HttpMethod method,
        string action,
        string relativeUri,
        string? workspaceId,
        SessionClusterActionRequest? body,
        JsonTypeInfo<T> responseType,
        Func<T, string?> requestIdOf,
        CancellationToken cancellationToken)
        where T : class
    {
        var options = _options.CurrentValue;
        using var activity = EmrTelemetry.ActivitySource.StartActivity($"EMR {action}", ActivityKind.Client);
        activity?.SetTag(EmrTelemetry.ActionTag, action);
        activity?.SetTag(EmrTelemetry.WorkspaceTag, workspaceId);

        // Always relative to the configured endpoint: the signing handler refuses any other host.
        using var request = new HttpRequestMessage(method, new Uri(options.GetEndpointUri(), relativeUri));
        request.Options.Set(Acs3SigningHandler.ActionOption, action);
        request.Headers.Accept.Add(Json);
        if (body is not null)
        {
            // StringContent sends "application/json; charset=utf-8"; the signer signs that header and these exact bytes.
            request.Content = new StringContent(
                JsonSerializer.Serialize(body, EmrJsonContext.Default.SessionClusterActionRequest), Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = await EmrErrorReader.ToExceptionAsync(response, action, options, cancellationToken).ConfigureAwait(false);
                throw Failed(activity, error, workspaceId);
            }

            T? result;
            try
            {
                result = await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw Failed(activity, InvalidResponse(response, action, "the body is not valid JSON", ex), workspaceId);
            }

            if (result is null)
            {
                throw Failed(activity, InvalidResponse(response, action, "the body is empty", null), workspaceId);
            }

            var requestId = requestIdOf(result) ?? EmrErrorReader.RequestIdHeader(response);
            activity?.SetTag(EmrTelemetry.RequestIdTag, requestId);
            EmrLog.CallSucceeded(_logger, action, workspaceId, requestId);
            return result;
        }
        catch (TimeoutRejectedException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            throw new TimeoutException($"EMR {action} timed out (Emr:AttemptTimeout / Emr:TotalTimeout).", ex);
        }
    }

    private EmrApiException Failed(Activity? activity, EmrApiException error, string? workspaceId)
    {
        activity?.SetTag(EmrTelemetry.RequestIdTag, error.RequestId);
        activity?.SetTag(EmrTelemetry.ErrorCodeTag, error.Code);
        activity?.SetStatus(ActivityStatusCode.Error, error.Code);
        EmrLog.CallFailed(_logger, error.Action ?? "call", workspaceId, (int)error.HttpStatus, error.Code, error.RequestId);
        return error;
    }

    private static EmrApiException InvalidResponse(HttpResponseMessage response, string action, string why, Exception? inner) =>
        new(response.StatusCode, EmrErrorCodes.InvalidResponse, $"The response could not be read: {why}.",
            EmrErrorReader.RequestIdHeader(response), action: action, innerException: inner);

    // A response about another workspace must never be served under this one's authorization (docs/decisions.md#ids-are-validated-before-they-reach-a-path).
    private static void EnsureSameWorkspace(string action, string requested, string? returned, string? requestId)
    {
        if (returned is not null && !string.Equals(requested, returned, StringComparison.Ordinal))
        {
            throw new EmrApiException(
                System.Net.HttpStatusCode.OK, EmrErrorCodes.WorkspaceMismatch,
                "The response belongs to another workspace than the one requested.", requestId, action: action);
        }
    }
}
