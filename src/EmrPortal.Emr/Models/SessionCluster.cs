namespace EmrPortal.Emr.Models;

// Cloud models mirror the EMR Serverless Spark OpenAPI (2023-08-08). Every field is optional upstream and new fields
// appear over time, so everything is nullable and unknown fields are ignored (see EmrJsonContext).

/// <summary>A session cluster as returned by ListSessionClusters and GetSessionCluster.</summary>
public sealed class SessionCluster
{
    public string? WorkspaceId { get; set; }
    public string? SessionClusterId { get; set; }
    public string? Name { get; set; }
    public string? UserId { get; set; }
    public string? UserName { get; set; }
    public string? QueueName { get; set; }
    /// <summary><c>SQL</c>, <c>NOTEBOOK</c> or <c>THRIFT</c>; other values are kept as-is.</summary>
    public string? Kind { get; set; }
    /// <summary><c>Starting</c>, <c>Running</c>, <c>Stopping</c>, <c>Stopped</c>, <c>Error</c>; unknown values are kept as-is.</summary>
    public string? State { get; set; }
    public StateChangeReason? StateChangeReason { get; set; }
    public AutoStartConfiguration? AutoStartConfiguration { get; set; }
    public AutoStopConfiguration? AutoStopConfiguration { get; set; }
    public List<ApplicationConfig>? ApplicationConfigs { get; set; }
    public string? ReleaseVersion { get; set; }
    public string? DisplayReleaseVersion { get; set; }
    public string? WebUI { get; set; }
    public string? DraftId { get; set; }
    public string? Domain { get; set; }
    public string? DomainInner { get; set; }
    public bool? Fusion { get; set; }
    /// <summary>Epoch milliseconds on the wire.</summary>
    public DateTimeOffset? GmtCreate { get; set; }
    /// <summary>Epoch milliseconds on the wire.</summary>
    public DateTimeOffset? StartTime { get; set; }
    /// <summary>A JSON <em>string</em> upstream, kept verbatim.</summary>
    public string? Extra { get; set; }
    public bool? PublicEndpointEnabled { get; set; }
    /// <summary>A credential for the session's endpoint. Never log, cache, or show it.</summary>
    public string? ConnectionToken { get; set; }
    public string? EnvId { get; set; }
}

public sealed class StateChangeReason
{
    /// <summary>A string such as "200" or "1000000"; numbers on the wire are read as strings.</summary>
    public string? Code { get; set; }
    public string? Message { get; set; }
}

public sealed class AutoStartConfiguration
{
    public bool? Enable { get; set; }
}

public sealed class AutoStopConfiguration
{
    public bool? Enable { get; set; }
    public int? IdleTimeoutMinutes { get; set; }
}

public sealed class ApplicationConfig
{
    public string? ConfigFileName { get; set; }
    public string? ConfigItemKey { get; set; }
    public string? ConfigItemValue { get; set; }
}
