using System.Threading.RateLimiting;
using EmrPortal.Emr;
using EmrPortal.Emr.Signing;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Upstream;

/// <summary>
/// One token bucket per (account, API) for everything this proxy sends to the cloud. The cloud's flow control is per
/// account and shared by every user, so scans wait their turn here rather than burn the quota into Throttling errors.
/// Sits inside the client's retry pipeline, so every attempt (retries included) takes a token. Also refuses any
/// request that is not for the configured EMR endpoint. Remembers workspaces the cloud refused to the portal's
/// identity (403 NoPermission/Forbidden*) and refuses further calls about them without sending anything, so a denied
/// workspace costs one upstream call per <see cref="SnapshotOptions.PermissionDeniedTtl"/>, whatever asks.
/// </summary>
internal sealed partial class OutboundQuotaHandler(
    FairShareQuota quota,
    IOptionsMonitor<EmrClientOptions> emrOptions,
    UpstreamHealth health,
    WorkspacePermissions permissions,
    ILogger<OutboundQuotaHandler> logger) : DelegatingHandler
{
    public const string ActionHeader = "x-acs-action";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var emr = emrOptions.CurrentValue;
        if (request.RequestUri is not { } uri || !IsConfiguredEndpoint(uri, emr))
        {
            throw new InvalidOperationException("Refusing an outbound request that is not for the configured EMR endpoint.");
        }

        var action = request.Options.TryGetValue(Acs3SigningHandler.ActionOption, out var named) ? named
            : request.Headers.TryGetValues(ActionHeader, out var values) ? values.FirstOrDefault() ?? "Unknown"
            : ActionFromPath(request);
        var workspaceId = WorkspaceFromPath(request);
        if (workspaceId is not null)
        {
            permissions.ThrowIfDenied(workspaceId);
        }

        var account = emr.AccessKeyId ?? "";
        // Through the fair-share layer: each user waiting for this bucket gets tokens in turn (see FairShareQuota).
        using var lease = await quota.AcquireAsync(UpstreamCaller.Id, account, action, cancellationToken);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            LogQuotaExhausted(logger, action);
            throw new UpstreamQuotaExceededException(action, retryAfter);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            health.RecordSuccess();
        }
        else if (response.StatusCode == System.Net.HttpStatusCode.Forbidden && workspaceId is not null)
        {
            var (code, requestId) = await ReadErrorAsync(response, cancellationToken);
            if (WorkspacePermissions.IsPermissionRefusal(403, code))
            {
                // The credentials were accepted (RAM judged the request): only this workspace is refused.
                health.RecordSuccess();
                permissions.RecordDenied(workspaceId, code, requestId);
                LogWorkspaceDenied(logger, workspaceId, code, requestId);
            }
        }

        return response;
    }

    /// <summary>The workspace a ROA path is about (<c>/api/v1/workspaces/{workspaceId}/…</c>), or null.</summary>
    internal static string? WorkspaceFromPath(HttpRequestMessage request)
    {
        var segments = (request.RequestUri?.AbsolutePath ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is ["api", "v1", "workspaces", var id, _, ..] ? Uri.UnescapeDataString(id) : null;
    }

    /// <summary>The gateway's <c>Code</c>/<c>RequestId</c> of an error body (buffered, so the client reads it again).</summary>
    private static async Task<(string? Code, string? RequestId)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(64 * 1024, cancellationToken);
            using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                ? (Text(doc.RootElement, "Code", "code"), Text(doc.RootElement, "RequestId", "requestId"))
                : (null, null);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or HttpRequestException or InvalidOperationException)
        {
            return (null, null);
        }

        static string? Text(System.Text.Json.JsonElement e, string a, string b) =>
            (e.TryGetProperty(a, out var v) || e.TryGetProperty(b, out v)) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
    }

    private static bool IsConfiguredEndpoint(Uri uri, EmrClientOptions options)
    {
        try
        {
            var endpoint = options.GetEndpointUri();
            return string.Equals(uri.Scheme, endpoint.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(uri.Host, endpoint.Host, StringComparison.OrdinalIgnoreCase)
                && uri.Port == endpoint.Port;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The operation when the action header is not (yet) set: derived from the ROA path.</summary>
    internal static string ActionFromPath(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            [.., "workspaces"] => "ListWorkspaces",
            [.., "sessionClusters"] when request.Method == HttpMethod.Get => "ListSessionClusters",
            [.., "sessionClusters", _] when request.Method == HttpMethod.Get => "GetSessionCluster",
            [.., "queues"] => "ListWorkspaceQueues",
            [.., "releaseVersions"] => "ListReleaseVersions",
            [.., "startSessionCluster"] => "StartSessionCluster",
            [.., "stopSessionCluster"] => "StopSessionCluster",
            _ => "Other",
        };
    }

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "The cloud refused the portal's identity on workspace {WorkspaceId} ({Code}, RequestId {RequestId}); calls about it pause")]
    private static partial void LogWorkspaceDenied(ILogger logger, string workspaceId, string? code, string? requestId);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Outbound quota for {Action} exhausted; call refused")]
    private static partial void LogQuotaExhausted(ILogger logger, string action);
}

/// <summary>The token buckets, one per (account, API), shared by every outbound call of the process.</summary>
internal sealed class OutboundQuota(IOptionsMonitor<UpstreamQuotaOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<(string Account, string Action)> _limiter =
        PartitionedRateLimiter.Create<(string Account, string Action), (string Account, string Action)>(key =>
            RateLimitPartition.GetTokenBucketLimiter(key, k =>
            {
                var o = options.CurrentValue;
                var perSecond = o.PerApi.TryGetValue(k.Action, out var specific) ? specific : o.PermitsPerSecond;
                // Tokens arrive in small steps so a bucket refills smoothly rather than once per second.
                var period = TimeSpan.FromMilliseconds(100);
                var perPeriod = Math.Max(1, (int)Math.Round(perSecond / 10));
                if (perSecond < 10)
                {
                    period = TimeSpan.FromSeconds(1 / perSecond);
                    perPeriod = 1;
                }

                return new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, o.Burst),
                    TokensPerPeriod = perPeriod,
                    ReplenishmentPeriod = period,
                    QueueLimit = o.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    AutoReplenishment = true,
                };
            }));

    public ValueTask<RateLimitLease> AcquireAsync(string account, string action, CancellationToken cancellationToken) =>
        _limiter.AcquireAsync((account, action), 1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}
