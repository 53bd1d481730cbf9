using System.Text.Json;
using System.Text.Json.Serialization;
using EmrPortal.Contracts.Notifications;

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
[JsonSerializable(typeof(ColumnPreferencesDto))]
[JsonSerializable(typeof(AuditPageDto))]
[JsonSerializable(typeof(WorkspaceOverviewDto))]
[JsonSerializable(typeof(SessionActionResultDto))]
[JsonSerializable(typeof(NotificationRuleDto))]
[JsonSerializable(typeof(IReadOnlyList<NotificationRuleDto>))]
[JsonSerializable(typeof(NotificationRuleRequest))]
[JsonSerializable(typeof(NotificationPageDto))]
[JsonSerializable(typeof(UnreadCountDto))]
[JsonSerializable(typeof(MarkReadRequest))]
[JsonSerializable(typeof(MarkReadResultDto))]
[JsonSerializable(typeof(MuteDto))]
[JsonSerializable(typeof(IReadOnlyList<MuteDto>))]
[JsonSerializable(typeof(MuteRequest))]
[JsonSerializable(typeof(WebhookDestinationDto))]
[JsonSerializable(typeof(IReadOnlyList<WebhookDestinationDto>))]
[JsonSerializable(typeof(WebhookDestinationRequest))]
[JsonSerializable(typeof(WebhookTestResultDto))]
[JsonSerializable(typeof(DeliveryPageDto))]
[JsonSerializable(typeof(WebhookEnvelope))]
public sealed partial class PortalJsonContext : JsonSerializerContext;
