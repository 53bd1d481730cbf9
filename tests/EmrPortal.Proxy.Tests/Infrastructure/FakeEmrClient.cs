using System.Net;
using System.Runtime.CompilerServices;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;

namespace EmrPortal.Proxy.Tests.Infrastructure;

/// <summary>An in-memory cloud for unit tests: pages sessions like the API, counts calls, can hold or fail scans.</summary>
internal sealed class FakeEmrClient : IEmrServerlessSparkClient
{
    private int _listCalls;
    private int _getCalls;

    public Dictionary<string, List<SessionCluster>> Sessions { get; } = new(StringComparer.Ordinal);
    public int ListCalls => Volatile.Read(ref _listCalls);
    public int GetCalls => Volatile.Read(ref _getCalls);
    public volatile bool Fail;

    /// <summary>When set, every page waits for it (lets tests pile up concurrent callers on a cold workspace).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public Func<SessionCluster, SessionCluster>? Rewrite { get; set; }

    public async Task<ListSessionClustersResponse> ListSessionClustersAsync(ListSessionClustersRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _listCalls);
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        await Task.Yield();
        if (Fail) throw new EmrApiException(HttpStatusCode.InternalServerError, "InternalError", "boom", "REQ-1");
        var all = Sessions.TryGetValue(request.WorkspaceId, out var list) ? list : [];
        var start = int.Parse(request.NextToken ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var size = request.MaxResults ?? 20;
        var page = all.Skip(start).Take(size).Select(s => Rewrite?.Invoke(s) ?? s).ToList();
        var next = start + size < all.Count ? (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new ListSessionClustersResponse { SessionClusters = page, NextToken = next, MaxResults = size, TotalCount = all.Count };
    }

    public async IAsyncEnumerable<ListSessionClustersResponse> ListSessionClusterPagesAsync(
        ListSessionClustersRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var current = request;
        while (true)
        {
            var page = await ListSessionClustersAsync(current, cancellationToken);
            yield return page;
            if (string.IsNullOrEmpty(page.NextToken)) yield break;
            current = current with { NextToken = page.NextToken };
        }
    }

    public async IAsyncEnumerable<SessionCluster> ListAllSessionClustersAsync(
        ListSessionClustersRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in ListSessionClusterPagesAsync(request, cancellationToken))
        {
            foreach (var s in page.SessionClusters ?? []) yield return s;
        }
    }

    public Task<GetSessionClusterResponse> GetSessionClusterAsync(string workspaceId, string sessionClusterId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _getCalls);
        if (Fail) throw new EmrApiException(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "down", "REQ-2");
        var found = Sessions.TryGetValue(workspaceId, out var list) ? list.FirstOrDefault(s => s.SessionClusterId == sessionClusterId) : null;
        if (found is null) throw new EmrApiException(HttpStatusCode.NotFound, "SessionClusterNotFound", "no such session", "REQ-3");
        return Task.FromResult(new GetSessionClusterResponse { SessionCluster = Rewrite?.Invoke(found) ?? found });
    }

    public Task<ListWorkspacesResponse> ListWorkspacesAsync(ListWorkspacesRequest? request = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ListWorkspacesResponse
        {
            Workspaces = Sessions.Keys.Select(k => new Workspace { WorkspaceId = k, WorkspaceName = k }).ToList(),
        });

    public Task<ListWorkspaceQueuesResponse> ListWorkspaceQueuesAsync(string workspaceId, string? environment = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ListWorkspaceQueuesResponse());

    /// <summary>The release list ListReleaseVersions answers (empty unless a test sets it).</summary>
    public List<ReleaseVersion> Releases { get; set; } = [];

    public volatile bool FailReleases;
    private int _releaseCalls;

    public int ReleaseCalls => Volatile.Read(ref _releaseCalls);

    public Task<ListReleaseVersionsResponse> ListReleaseVersionsAsync(ListReleaseVersionsRequest? request = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _releaseCalls);
        return FailReleases
            ? Task.FromException<ListReleaseVersionsResponse>(new EmrApiException(HttpStatusCode.InternalServerError, "InternalError", "boom", "REQ-4"))
            : Task.FromResult(new ListReleaseVersionsResponse { ReleaseVersions = [.. Releases] });
    }

    public Task<SessionClusterActionResponse> StartSessionClusterAsync(string workspaceId, string sessionClusterId, string? queueName, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The portal is read-only.");

    public Task<SessionClusterActionResponse> StopSessionClusterAsync(string workspaceId, string sessionClusterId, string? queueName, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The portal is read-only.");
}
