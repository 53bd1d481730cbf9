namespace EmrPortal.Emr.Models;

/// <summary>Query of ListSessionClusters. Null values are not sent.</summary>
public sealed record ListSessionClustersRequest(string WorkspaceId)
{
    public string? NextToken { get; init; }
    /// <summary>Page size; the cloud's bounds are undocumented, the emulator allows 1..100.</summary>
    public int? MaxResults { get; init; }
    public string? SessionClusterId { get; init; }
    public string? QueueName { get; init; }
    public string? Kind { get; init; }
    public string? RegionId { get; init; }
}

public sealed record ListWorkspacesRequest
{
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
    public string? Name { get; init; }
    public string? State { get; init; }
    public string? ResourceGroupId { get; init; }

    /// <summary>
    /// Only workspaces carrying every one of these tags. Sent as the official SDK sends it: one <c>tag</c> query
    /// parameter holding a JSON array, <c>[{"key":"env","value":"prod"}]</c>.
    /// </summary>
    public IReadOnlyList<WorkspaceTagFilter>? Tag { get; init; }

    public string? RegionId { get; init; }
}

/// <summary>One tag of the <c>ListWorkspaces</c> <c>tag</c> filter (request side: <c>key</c>/<c>value</c>).</summary>
public sealed record WorkspaceTagFilter(string Key, string? Value);

public sealed record ListReleaseVersionsRequest
{
    public string? ReleaseVersion { get; init; }
    public string? ReleaseVersionStatus { get; init; }
    public string? ReleaseType { get; init; }
    public string? WorkspaceId { get; init; }

    /// <summary>The SDK's <c>serviceFilter</c> (added 2025; its values are not documented), passed through verbatim.</summary>
    public string? ServiceFilter { get; init; }

    public string? RegionId { get; init; }
}
