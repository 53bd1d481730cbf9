using System.Globalization;
using System.Net.Http.Json;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;

namespace EmrPortal.Web.Services;

/// <summary>The proxy's notification API (rules, the notification centre, mutes, webhooks), as the portal uses it.
/// Routes: docs/notifications.md. A separate interface so components that only show the bell need only this.</summary>
public interface INotificationsClient
{
    /// <summary>The bell: the caller's unread count and newest notification id.</summary>
    Task<ProxyResult<UnreadCountDto>> GetUnreadCountAsync(CancellationToken cancellationToken);

    /// <summary>One page of the caller's notifications, newest first.</summary>
    Task<ProxyResult<NotificationPageDto>> GetNotificationsAsync(int page, int pageSize, bool unreadOnly, CancellationToken cancellationToken);

    Task<ProxyResult<MarkReadResultDto>> MarkReadAsync(MarkReadRequest request, CancellationToken cancellationToken);

    Task<ProxyResult<IReadOnlyList<MuteDto>>> GetMutesAsync(CancellationToken cancellationToken);
    Task<ProxyResult<MuteDto>> MuteAsync(MuteRequest request, CancellationToken cancellationToken);
    /// <summary>Removes a mute; null when it worked.</summary>
    Task<ProxyFailure?> UnmuteAsync(Guid muteId, CancellationToken cancellationToken);

    /// <summary>The rules of a workspace the caller may see (their own, and every rule for Portal.Admin).</summary>
    Task<ProxyResult<IReadOnlyList<NotificationRuleDto>>> GetRulesAsync(string workspaceId, CancellationToken cancellationToken);
    Task<ProxyResult<NotificationRuleDto>> CreateRuleAsync(string workspaceId, NotificationRuleRequest request, CancellationToken cancellationToken);
    Task<ProxyResult<NotificationRuleDto>> UpdateRuleAsync(string workspaceId, Guid ruleId, NotificationRuleRequest request, CancellationToken cancellationToken);
    /// <summary>Deletes a rule; null when it worked.</summary>
    Task<ProxyFailure?> DeleteRuleAsync(string workspaceId, Guid ruleId, CancellationToken cancellationToken);

    /// <summary>Portal.Admin: the webhook destinations of a workspace (URL and secret never included, only hints).</summary>
    Task<ProxyResult<IReadOnlyList<WebhookDestinationDto>>> GetWebhooksAsync(string workspaceId, CancellationToken cancellationToken);
    Task<ProxyResult<WebhookDestinationDto>> CreateWebhookAsync(string workspaceId, WebhookDestinationRequest request, CancellationToken cancellationToken);
    Task<ProxyResult<WebhookDestinationDto>> UpdateWebhookAsync(string workspaceId, Guid destinationId, WebhookDestinationRequest request, CancellationToken cancellationToken);
    /// <summary>Deletes a destination; null when it worked.</summary>
    Task<ProxyFailure?> DeleteWebhookAsync(string workspaceId, Guid destinationId, CancellationToken cancellationToken);
    /// <summary>Sends a test event to the destination now and says what the receiver answered. Never retried.</summary>
    Task<ProxyResult<WebhookTestResultDto>> TestWebhookAsync(string workspaceId, Guid destinationId, CancellationToken cancellationToken);

    /// <summary>Portal.Admin: deliveries that gave up, newest first.</summary>
    Task<ProxyResult<DeliveryPageDto>> GetDeadLettersAsync(string workspaceId, int page, int pageSize, CancellationToken cancellationToken);
    /// <summary>Portal.Admin: puts a dead letter back to pending (attempts reset); null when it worked.</summary>
    Task<ProxyFailure?> RetryDeadLetterAsync(long deliveryId, CancellationToken cancellationToken);
}

public sealed partial class ProxyClient : INotificationsClient
{
    private const string NotificationsPath = "api/v1/notifications";

    public Task<ProxyResult<UnreadCountDto>> GetUnreadCountAsync(CancellationToken cancellationToken) =>
        GetJsonAsync($"{NotificationsPath}/unread-count", PortalJsonContext.Default.UnreadCountDto, cancellationToken);

    public Task<ProxyResult<NotificationPageDto>> GetNotificationsAsync(int page, int pageSize, bool unreadOnly, CancellationToken cancellationToken) =>
        GetJsonAsync(string.Create(CultureInfo.InvariantCulture, $"{NotificationsPath}?page={page}&pageSize={pageSize}{(unreadOnly ? "&unread=true" : "")}"),
            PortalJsonContext.Default.NotificationPageDto, cancellationToken);

    public Task<ProxyResult<MarkReadResultDto>> MarkReadAsync(MarkReadRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, $"{NotificationsPath}/read", PortalJsonContext.Default.MarkReadResultDto, cancellationToken,
            JsonContent.Create(request, PortalJsonContext.Default.MarkReadRequest));

    public Task<ProxyResult<IReadOnlyList<MuteDto>>> GetMutesAsync(CancellationToken cancellationToken) =>
        GetJsonAsync($"{NotificationsPath}/mutes", PortalJsonContext.Default.IReadOnlyListMuteDto, cancellationToken);

    public Task<ProxyResult<MuteDto>> MuteAsync(MuteRequest request, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(request.WorkspaceId)) throw new ArgumentException("Invalid workspace id.", nameof(request));
        return SendJsonAsync(HttpMethod.Post, $"{NotificationsPath}/mutes", PortalJsonContext.Default.MuteDto, cancellationToken,
            JsonContent.Create(request, PortalJsonContext.Default.MuteRequest));
    }

    public Task<ProxyFailure?> UnmuteAsync(Guid muteId, CancellationToken cancellationToken) =>
        SendCommandAsync(HttpMethod.Delete, $"{NotificationsPath}/mutes/{muteId:D}", cancellationToken);

    public Task<ProxyResult<IReadOnlyList<NotificationRuleDto>>> GetRulesAsync(string workspaceId, CancellationToken cancellationToken) =>
        GetJsonAsync(RulesPath(workspaceId), PortalJsonContext.Default.IReadOnlyListNotificationRuleDto, cancellationToken);

    public Task<ProxyResult<NotificationRuleDto>> CreateRuleAsync(string workspaceId, NotificationRuleRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, RulesPath(workspaceId), PortalJsonContext.Default.NotificationRuleDto, cancellationToken,
            JsonContent.Create(request, PortalJsonContext.Default.NotificationRuleRequest));

    public Task<ProxyResult<NotificationRuleDto>> UpdateRuleAsync(string workspaceId, Guid ruleId, NotificationRuleRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Put, $"{RulesPath(workspaceId)}/{ruleId:D}", PortalJsonContext.Default.NotificationRuleDto, cancellationToken,
            JsonContent.Create(request, PortalJsonContext.Default.NotificationRuleRequest));

    public Task<ProxyFailure?> DeleteRuleAsync(string workspaceId, Guid ruleId, CancellationToken cancellationToken) =>
        SendCommandAsync(HttpMethod.Delete, $"{RulesPath(workspaceId)}/{ruleId:D}", cancellationToken);

    public Task<ProxyResult<IReadOnlyList<WebhookDestinationDto>>> GetWebhooksAsync(string workspaceId, CancellationToken cancellationToken) =>
        GetJsonAsync(WebhooksPath(workspaceId), PortalJsonContext.Default.IReadOnlyListWebhookDestinationDto, cancellationToken);

    public Task<ProxyResult<WebhookDestinationDto>> CreateWebhookAsync(string workspaceId, WebhookDestinationRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, WebhooksPath(workspaceId), PortalJsonContext.Default.WebhookDestinationDto, cancellationToken,
            JsonContent.Create(request, PortalJsonContext.Default.WebhookDestinationRequest));

    public Task<ProxyResult<WebhookDestinationDto>> UpdateWebhookAsync(string workspaceId, Guid destinationId, WebhookDestinationRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Put, $"{WebhooksPath(workspaceId)}/{destinationId:D}", PortalJsonContext.Default.WebhookDestinationDto, cancellationToken,
            JsonContent.Create(request, PortalJsonContext.Default.WebhookDestinationRequest));

    public Task<ProxyFailure?> DeleteWebhookAsync(string workspaceId, Guid destinationId, CancellationToken cancellationToken) =>
        SendCommandAsync(HttpMethod.Delete, $"{WebhooksPath(workspaceId)}/{destinationId:D}", cancellationToken);

    public Task<ProxyResult<WebhookTestResultDto>> TestWebhookAsync(string workspaceId, Guid destinationId, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, $"{WebhooksPath(workspaceId)}/{destinationId:D}/test", PortalJsonContext.Default.WebhookTestResultDto, cancellationToken);

    public Task<ProxyResult<DeliveryPageDto>> GetDeadLettersAsync(string workspaceId, int page, int pageSize, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(workspaceId)) throw new ArgumentException("Invalid workspace id.", nameof(workspaceId));
        return GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
                $"{NotificationsPath}/dead-letters?workspace={Uri.EscapeDataString(workspaceId)}&page={page}&pageSize={pageSize}"),
            PortalJsonContext.Default.DeliveryPageDto, cancellationToken);
    }

    public Task<ProxyFailure?> RetryDeadLetterAsync(long deliveryId, CancellationToken cancellationToken) =>
        SendCommandAsync(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"{NotificationsPath}/dead-letters/{deliveryId}/retry"), cancellationToken);

    private static string RulesPath(string workspaceId) => $"{WorkspacePath(workspaceId)}/notification-rules";

    private static string WebhooksPath(string workspaceId) => $"{WorkspacePath(workspaceId)}/webhooks";
}
