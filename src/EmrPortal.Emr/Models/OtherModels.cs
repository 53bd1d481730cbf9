namespace EmrPortal.Emr.Models;

public sealed class Workspace
{
    public string? WorkspaceId { get; set; }
    public string? WorkspaceName { get; set; }
    public string? WorkspaceStatus { get; set; }
    public string? RegionId { get; set; }
    public string? ResourceSpec { get; set; }
    public string? Storage { get; set; }
    public string? DlfCatalogId { get; set; }
    public string? DlfType { get; set; }
    public string? PaymentType { get; set; }
    public string? PaymentStatus { get; set; }
    public string? PaymentDurationUnit { get; set; }
    public int? Duration { get; set; }
    public bool? AutoRenew { get; set; }
    public int? AutoRenewPeriod { get; set; }
    public string? AutoRenewPeriodUnit { get; set; }
    public DateTimeOffset? CreateTime { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public string? ReleaseType { get; set; }
    public string? FailReason { get; set; }
    public StateChangeReason? StateChangeReason { get; set; }
    /// <summary>The workspace's tags (response side: <c>tagKey</c>/<c>tagValue</c>).</summary>
    public List<WorkspaceTag>? Tags { get; set; }
}

public sealed class WorkspaceTag
{
    public string? TagKey { get; set; }
    public string? TagValue { get; set; }
}

public sealed class WorkspaceQueue
{
    public string? QueueName { get; set; }
    public string? QueueType { get; set; }
    public string? QueueStatus { get; set; }
    public string? PaymentType { get; set; }
    public List<string>? Environments { get; set; }
    public string? WorkspaceId { get; set; }
    public string? RegionId { get; set; }
    public DateTimeOffset? CreateTime { get; set; }
    public string? Creator { get; set; }
    public string? Properties { get; set; }
    public bool? Preheat { get; set; }
    /// <summary>JSON strings upstream (e.g. <c>{"cpu": "2","memory": "2Gi"}</c>), kept verbatim.</summary>
    public string? MaxResource { get; set; }
    public string? MinResource { get; set; }
    public string? UsedResource { get; set; }
    public string? QueueScope { get; set; }
    public List<QueueAllowAction>? AllowActions { get; set; }
}

public sealed class QueueAllowAction
{
    public string? ActionArn { get; set; }
    public string? ActionName { get; set; }
    public List<string>? Dependencies { get; set; }
    public string? Description { get; set; }
    public string? DisplayName { get; set; }
}

public sealed class ReleaseVersion
{
    [System.Text.Json.Serialization.JsonPropertyName("releaseVersion")]
    public string? Version { get; set; }
    public string? DisplayReleaseVersion { get; set; }
    public string? State { get; set; }
    public string? Type { get; set; }
    public string? IaasType { get; set; }
    public string? CommunityVersion { get; set; }
    public string? ScalaVersion { get; set; }
    public List<string>? CpuArchitectures { get; set; }
    public bool? Fusion { get; set; }
    public DateTimeOffset? GmtCreate { get; set; }
}

/// <summary>Fields every list response carries.</summary>
public abstract class PagedResponse
{
    public string? RequestId { get; set; }
    /// <summary>Opaque; empty or absent on the last page.</summary>
    public string? NextToken { get; set; }
    public int? MaxResults { get; set; }
    /// <summary>May be missing or approximate: never size loops with it.</summary>
    public int? TotalCount { get; set; }
}

public sealed class ListSessionClustersResponse : PagedResponse
{
    public List<SessionCluster>? SessionClusters { get; set; }
}

public sealed class GetSessionClusterResponse
{
    public string? RequestId { get; set; }
    public SessionCluster? SessionCluster { get; set; }
}

public sealed class ListWorkspacesResponse : PagedResponse
{
    public List<Workspace>? Workspaces { get; set; }
}

public sealed class ListWorkspaceQueuesResponse : PagedResponse
{
    public List<WorkspaceQueue>? Queues { get; set; }
}

public sealed class ListReleaseVersionsResponse : PagedResponse
{
    public List<ReleaseVersion>? ReleaseVersions { get; set; }
}

public sealed class SessionClusterActionResponse
{
    public string? RequestId { get; set; }
    public string? SessionClusterId { get; set; }
}

/// <summary>Body of Start/StopSessionCluster.</summary>
public sealed class SessionClusterActionRequest
{
    public string? SessionClusterId { get; set; }
    public string? QueueName { get; set; }
}

/// <summary>The gateway's error body. Both casings are read (<c>Code</c>/<c>code</c>).</summary>
public sealed class EmrErrorBody
{
    public string? RequestId { get; set; }
    public string? HostId { get; set; }
    public string? Code { get; set; }
    public string? Message { get; set; }
    public string? Recommend { get; set; }
}
