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
    public string? RegionId { get; init; }
}

public sealed record ListReleaseVersionsRequest
{
    public string? ReleaseVersion { get; init; }
    public string? ReleaseVersionStatus { get; init; }
    public string? ReleaseType { get; init; }
    public string? WorkspaceId { get; init; }
    public string? RegionId { get; init; }
}
