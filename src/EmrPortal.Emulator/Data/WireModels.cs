using System.Text.Json.Serialization;

namespace EmrPortal.Emulator.Data;

// The API's wire shapes (2023-08-08), owned by the emulator: it does not share models with the client, so a
// field the client gets wrong shows up as a mismatch instead of being mirrored. Null fields are omitted, as the
// cloud omits optional fields.

public sealed record SessionClusterDto
{
    public string? WorkspaceId { get; init; }
    public string? SessionClusterId { get; init; }
    public string? Name { get; init; }
    public string? UserId { get; init; }
    public string? UserName { get; init; }
    public string? QueueName { get; init; }
    public string? Kind { get; init; }
    public string? State { get; init; }
    public StateChangeReasonDto? StateChangeReason { get; init; }
    public AutoStartConfigurationDto? AutoStartConfiguration { get; init; }
    public AutoStopConfigurationDto? AutoStopConfiguration { get; init; }
    public IReadOnlyList<ApplicationConfigDto>? ApplicationConfigs { get; init; }
    public string? ReleaseVersion { get; init; }
    public string? DisplayReleaseVersion { get; init; }
    [JsonPropertyName("webUI")]
    public string? WebUI { get; init; }
    public string? DraftId { get; init; }
    public string? Domain { get; init; }
    public string? DomainInner { get; init; }
    public bool? Fusion { get; init; }
    /// <summary>Epoch milliseconds.</summary>
    public long? GmtCreate { get; init; }
    /// <summary>Epoch milliseconds.</summary>
    public long? StartTime { get; init; }
    /// <summary>A JSON string, not an object.</summary>
    public string? Extra { get; init; }
    public bool? PublicEndpointEnabled { get; init; }
    /// <summary>A credential for the session endpoint; a portal must never show or store it.</summary>
    public string? ConnectionToken { get; init; }
    /// <summary>Only in GetSessionCluster.</summary>
    public string? EnvId { get; init; }
    /// <summary>Not in the published models: clients must ignore fields they do not know.</summary>
    public int? MaxConcurrency { get; init; }
}

public sealed record StateChangeReasonDto(string? Code, string? Message);

public sealed record AutoStartConfigurationDto(bool? Enable);

public sealed record AutoStopConfigurationDto(bool? Enable, int? IdleTimeoutMinutes);

public sealed record ApplicationConfigDto(string? ConfigFileName, string? ConfigItemKey, string? ConfigItemValue);

public sealed record WorkspaceDto
{
    public string? WorkspaceId { get; init; }
    public string? WorkspaceName { get; init; }
    public string? WorkspaceStatus { get; init; }
    public string? RegionId { get; init; }
    public string? ResourceSpec { get; init; }
    public string? Storage { get; init; }
    public string? DlfCatalogId { get; init; }
    public string? DlfType { get; init; }
    public string? PaymentType { get; init; }
    public string? PaymentStatus { get; init; }
    public string? PaymentDurationUnit { get; init; }
    public int? Duration { get; init; }
    public bool? AutoRenew { get; init; }
    public int? AutoRenewPeriod { get; init; }
    public string? AutoRenewPeriodUnit { get; init; }
    public long? CreateTime { get; init; }
    public long? EndTime { get; init; }
    public string? ReleaseType { get; init; }
    public string? FailReason { get; init; }
    public StateChangeReasonDto? StateChangeReason { get; init; }
    /// <summary>Response side of tags: <c>tagKey</c>/<c>tagValue</c> (the request's <c>tag</c> filter uses <c>key</c>/<c>value</c>).</summary>
    public IReadOnlyList<WorkspaceTagDto>? Tags { get; init; }
}

public sealed record WorkspaceTagDto(string? TagKey, string? TagValue);

/// <summary>One element of ListWorkspaces' <c>tag</c> query parameter (a JSON array).</summary>
public sealed record WorkspaceTagFilterDto(string? Key, string? Value);

public sealed record WorkspaceQueueDto
{
    public string? QueueName { get; init; }
    public string? QueueType { get; init; }
    public string? QueueStatus { get; init; }
    public string? PaymentType { get; init; }
    public IReadOnlyList<string>? Environments { get; init; }
    public string? WorkspaceId { get; init; }
    public string? RegionId { get; init; }
    public long? CreateTime { get; init; }
    public string? Creator { get; init; }
    public string? Properties { get; init; }
    public bool? Preheat { get; init; }
    /// <summary>JSON strings, e.g. <c>{"cpu": "2","memory": "2Gi"}</c>.</summary>
    public string? MaxResource { get; init; }
    public string? MinResource { get; init; }
    public string? UsedResource { get; init; }
    public string? QueueScope { get; init; }
    public IReadOnlyList<QueueAllowActionDto>? AllowActions { get; init; }
}

public sealed record QueueAllowActionDto(string? ActionArn, string? ActionName, IReadOnlyList<string>? Dependencies, string? Description, string? DisplayName);

public sealed record ReleaseVersionDto
{
    public string? ReleaseVersion { get; init; }
    public string? DisplayReleaseVersion { get; init; }
    public string? State { get; init; }
    public string? Type { get; init; }
    public string? IaasType { get; init; }
    public string? CommunityVersion { get; init; }
    public string? ScalaVersion { get; init; }
    public IReadOnlyList<string>? CpuArchitectures { get; init; }
    public bool? Fusion { get; init; }
    public long? GmtCreate { get; init; }
}

public sealed record ListSessionClustersDto(string RequestId, IReadOnlyList<SessionClusterDto> SessionClusters, string NextToken, int MaxResults, int TotalCount);

public sealed record GetSessionClusterDto(string RequestId, SessionClusterDto SessionCluster);

public sealed record SessionClusterActionDto(string RequestId, string SessionClusterId);

/// <summary>Body of Start/StopSessionCluster.</summary>
public sealed record SessionClusterActionBodyDto(string? SessionClusterId, string? QueueName);

public sealed record ListWorkspacesDto(string RequestId, IReadOnlyList<WorkspaceDto> Workspaces, string NextToken, int MaxResults, int TotalCount);

public sealed record ListWorkspaceQueuesDto(string RequestId, IReadOnlyList<WorkspaceQueueDto> Queues, string NextToken, int MaxResults, int TotalCount);

public sealed record ListReleaseVersionsDto(string RequestId, IReadOnlyList<ReleaseVersionDto> ReleaseVersions, string NextToken, int MaxResults, int TotalCount);

/// <summary>The gateway's error body; these names are PascalCase on the wire.</summary>
public sealed record AcsErrorBody(
    [property: JsonPropertyName("RequestId")] string RequestId,
    [property: JsonPropertyName("HostId")] string HostId,
    [property: JsonPropertyName("Code")] string Code,
    [property: JsonPropertyName("Message")] string Message,
    [property: JsonPropertyName("Recommend")] string Recommend)
{
    /// <summary>RAM denials only: who was refused which action (shape as Alibaba's 403 responses report it).</summary>
    [JsonPropertyName("AccessDeniedDetail")]
    public AccessDeniedDetailDto? AccessDeniedDetail { get; init; }
}

public sealed record AccessDeniedDetailDto(
    [property: JsonPropertyName("PolicyType")] string PolicyType,
    [property: JsonPropertyName("AuthPrincipalOwnerId")] string AuthPrincipalOwnerId,
    [property: JsonPropertyName("EncodedDiagnosticMessage")] string EncodedDiagnosticMessage,
    [property: JsonPropertyName("AuthPrincipalType")] string AuthPrincipalType,
    [property: JsonPropertyName("AuthPrincipalDisplayName")] string AuthPrincipalDisplayName,
    [property: JsonPropertyName("NoPermissionType")] string NoPermissionType,
    [property: JsonPropertyName("AuthAction")] string AuthAction);
