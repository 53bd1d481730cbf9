using System.Text.Json;
using System.Text.Json.Serialization;
using EmrPortal.Emulator.Apis;
using EmrPortal.Emulator.Faults;
using EmrPortal.Emulator.Gateway;

namespace EmrPortal.Emulator.Data;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ListSessionClustersDto))]
[JsonSerializable(typeof(GetSessionClusterDto))]
[JsonSerializable(typeof(SessionClusterActionDto))]
[JsonSerializable(typeof(SessionClusterActionBodyDto))]
[JsonSerializable(typeof(ListWorkspacesDto))]
[JsonSerializable(typeof(ListWorkspaceQueuesDto))]
[JsonSerializable(typeof(ListReleaseVersionsDto))]
[JsonSerializable(typeof(AcsErrorBody))]
[JsonSerializable(typeof(List<WorkspaceTagFilterDto>))]
[JsonSerializable(typeof(RamPolicyDocument))]
[JsonSerializable(typeof(RamGrantPatch))]
[JsonSerializable(typeof(FaultsDocument))]
[JsonSerializable(typeof(FailSessionDocument))]
[JsonSerializable(typeof(StatsSnapshot))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
public sealed partial class EmulatorJsonContext : JsonSerializerContext;

/// <summary>
/// Serializer settings for every emulator response: camelCase, nulls omitted, and relaxed escaping — the body is
/// <c>application/json</c>, never HTML, and the cloud sends characters like <c>"</c>, <c>&amp;</c> and <c>&lt;</c> as they are.
/// </summary>
public static class EmulatorJson
{
    public static EmulatorJsonContext Context { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
