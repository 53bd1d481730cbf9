using EmrPortal.Emr.Models;

namespace EmrPortal.Emr;

/// <summary>
/// Typed client for the EMR Serverless Spark OpenAPI. Every call is signed (ACS3-HMAC-SHA256) and retried per the
/// resilience policy; failures surface as <see cref="EmrApiException"/>.
/// </summary>
public interface IEmrServerlessSparkClient
{
    Task<ListSessionClustersResponse> ListSessionClustersAsync(ListSessionClustersRequest request, CancellationToken cancellationToken = default);

    /// <summary>Follows <c>nextToken</c> to the end, one response per upstream page (guards against repeated tokens).</summary>
    IAsyncEnumerable<ListSessionClustersResponse> ListSessionClusterPagesAsync(ListSessionClustersRequest request, CancellationToken cancellationToken = default);

    /// <summary>Every session cluster matching <paramref name="request"/>, across all pages.</summary>
    IAsyncEnumerable<SessionCluster> ListAllSessionClustersAsync(ListSessionClustersRequest request, CancellationToken cancellationToken = default);

    Task<GetSessionClusterResponse> GetSessionClusterAsync(string workspaceId, string sessionClusterId, CancellationToken cancellationToken = default);

    Task<ListWorkspacesResponse> ListWorkspacesAsync(ListWorkspacesRequest? request = null, CancellationToken cancellationToken = default);

    Task<ListWorkspaceQueuesResponse> ListWorkspaceQueuesAsync(string workspaceId, string? environment = null, CancellationToken cancellationToken = default);

    Task<ListReleaseVersionsResponse> ListReleaseVersionsAsync(ListReleaseVersionsRequest? request = null, CancellationToken cancellationToken = default);

    Task<SessionClusterActionResponse> StartSessionClusterAsync(string workspaceId, string sessionClusterId, string? queueName, CancellationToken cancellationToken = default);

    Task<SessionClusterActionResponse> StopSessionClusterAsync(string workspaceId, string sessionClusterId, string? queueName, CancellationToken cancellationToken = default);
}
