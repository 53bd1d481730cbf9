using System.Text.Json;
using System.Text.Json.Serialization;
using EmrPortal.Emr.Models;

namespace EmrPortal.Emr.Serialization;

/// <summary>
/// Source-generated JSON metadata for every cloud model. Tolerant by design: camelCase but case-insensitive (the gateway's
/// error body is PascalCase), unknown fields ignored, numbers accepted as strings and strings as numbers, epoch-ms times,
/// nulls omitted when writing (the emulator writes with it too).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(EpochMillisecondsConverter), typeof(LenientStringConverter), typeof(LenientBooleanConverter)])]
[JsonSerializable(typeof(ListSessionClustersResponse))]
[JsonSerializable(typeof(GetSessionClusterResponse))]
[JsonSerializable(typeof(ListWorkspacesResponse))]
[JsonSerializable(typeof(ListWorkspaceQueuesResponse))]
[JsonSerializable(typeof(ListReleaseVersionsResponse))]
[JsonSerializable(typeof(SessionClusterActionResponse))]
[JsonSerializable(typeof(SessionClusterActionRequest))]
[JsonSerializable(typeof(EmrErrorBody))]
[JsonSerializable(typeof(SessionCluster))]
[JsonSerializable(typeof(List<SessionCluster>))]
[JsonSerializable(typeof(Workspace))]
[JsonSerializable(typeof(WorkspaceQueue))]
[JsonSerializable(typeof(ReleaseVersion))]
[JsonSerializable(typeof(List<WorkspaceTagFilter>))]
public sealed partial class EmrJsonContext : JsonSerializerContext;
