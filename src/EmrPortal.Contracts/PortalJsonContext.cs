using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmrPortal.Contracts;

/// <summary>Source-generated System.Text.Json metadata for the proxy contract (camelCase, as on the wire).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MeDto))]
[JsonSerializable(typeof(WorkspaceDto))]
[JsonSerializable(typeof(IReadOnlyList<WorkspaceDto>))]
[JsonSerializable(typeof(List<WorkspaceDto>))]
[JsonSerializable(typeof(SessionPageDto))]
[JsonSerializable(typeof(SessionDetailDto))]
[JsonSerializable(typeof(ScanStatusDto))]
[JsonSerializable(typeof(SessionTimelineDto))]
[JsonSerializable(typeof(IReadOnlyList<ErrorGroupDto>))]
[JsonSerializable(typeof(IReadOnlyList<SavedViewDto>))]
[JsonSerializable(typeof(SavedViewDto))]
[JsonSerializable(typeof(SaveViewRequest))]
[JsonSerializable(typeof(IReadOnlyList<PinDto>))]
[JsonSerializable(typeof(PinDto))]
[JsonSerializable(typeof(AuditPageDto))]
[JsonSerializable(typeof(WorkspaceOverviewDto))]
[JsonSerializable(typeof(SessionActionResultDto))]
public sealed partial class PortalJsonContext : JsonSerializerContext;
