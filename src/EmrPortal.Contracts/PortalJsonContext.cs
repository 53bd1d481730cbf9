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
public sealed partial class PortalJsonContext : JsonSerializerContext;
