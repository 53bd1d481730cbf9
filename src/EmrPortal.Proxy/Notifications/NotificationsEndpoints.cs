using System.Text.Json.Serialization.Metadata;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Notifications;

/// <summary>Rules, the caller's notification centre and mutes, webhook destinations and dead letters (docs/notifications.md).</summary>
public static class NotificationsEndpoints
{
    private const string Tag = "Notifications";

    public static ApiRoutes MapNotificationsEndpoints(this ApiRoutes routes)
    {
        var w = routes.Workspace;
        w.MapGet("/notification-rules", ListRules).WithTags(Tag).WithName("ListNotificationRules")
            .WithSummary("The caller's rules in the workspace (Portal.Admin: every rule).");
        w.MapPost("/notification-rules", CreateRule).WithTags(Tag).WithName("CreateNotificationRule")
            .Accepts<NotificationRuleRequest>("application/json").WithSummary("Creates a rule owned by the caller.");
        w.MapPut("/notification-rules/{ruleId:guid}", UpdateRule).WithTags(Tag).WithName("UpdateNotificationRule")
            .Accepts<NotificationRuleRequest>("application/json").WithSummary("Changes a rule (its owner or Portal.Admin).");
        w.MapDelete("/notification-rules/{ruleId:guid}", DeleteRule).WithTags(Tag).WithName("DeleteNotificationRule")
            .WithSummary("Deletes a rule (its owner or Portal.Admin).");

        w.MapGet("/webhooks", ListWebhooks).WithTags(Tag).WithName("ListWebhookDestinations")
            .WithSummary("Webhook destinations of the workspace (Portal.Admin; URL and secret never returned).");
        w.MapPost("/webhooks", CreateWebhook).WithTags(Tag).WithName("CreateWebhookDestination")
            .Accepts<WebhookDestinationRequest>("application/json").WithSummary("Adds a webhook destination (Portal.Admin).");
        w.MapPut("/webhooks/{destinationId:guid}", UpdateWebhook).WithTags(Tag).WithName("UpdateWebhookDestination")
            .Accepts<WebhookDestinationRequest>("application/json").WithSummary("Changes a webhook destination (Portal.Admin).");
        w.MapDelete("/webhooks/{destinationId:guid}", DeleteWebhook).WithTags(Tag).WithName("DeleteWebhookDestination")
            .WithSummary("Removes a webhook destination (Portal.Admin).");
        w.MapPost("/webhooks/{destinationId:guid}/test", TestWebhook).WithTags(Tag).WithName("TestWebhookDestination")
            .WithSummary("Sends a test event now and reports the receiver's answer (Portal.Admin).");

        var api = routes.Api;
        api.MapGet("/notifications", List).WithTags(Tag).WithName("ListNotifications")
            .WithSummary("The caller's notifications, newest first.");
        api.MapGet("/notifications/unread-count", Unread).WithTags(Tag).WithName("UnreadNotificationCount")
            .WithSummary("The bell: unread count and the newest notification id.");
        api.MapPost("/notifications/read", MarkRead).WithTags(Tag).WithName("MarkNotificationsRead")
            .Accepts<MarkReadRequest>("application/json").WithSummary("Marks notifications read (by id, or all).");
        api.MapGet("/notifications/mutes", ListMutes).WithTags(Tag).WithName("ListNotificationMutes")
            .WithSummary("The caller's active mutes.");
        api.MapPost("/notifications/mutes", Mute).WithTags(Tag).WithName("MuteNotifications")
            .Accepts<MuteRequest>("application/json").WithSummary("Mutes a workspace (or one rule) for the caller.");
        api.MapDelete("/notifications/mutes/{muteId:guid}", Unmute).WithTags(Tag).WithName("UnmuteNotifications")
            .WithSummary("Removes one of the caller's mutes.");
        api.MapGet("/notifications/dead-letters", DeadLetters).WithTags(Tag).WithName("ListDeadLetters")
            .WithSummary("Webhook deliveries that gave up (Portal.Admin).");
        api.MapPost("/notifications/dead-letters/{deliveryId:long}/retry", Retry).WithTags(Tag).WithName("RetryDeadLetter")
            .WithSummary("Puts a dead letter back in the queue (Portal.Admin).");
        return routes;
    }

    internal static async Task<Ok<IReadOnlyList<NotificationRuleDto>>> ListRules(string workspaceId, Caller caller, NotificationRules rules, CancellationToken cancellationToken) =>
        TypedResults.Ok(await rules.ListAsync(caller, workspaceId, cancellationToken));

    internal static async Task<Results<Created<NotificationRuleDto>, Ok<NotificationRuleDto>, ValidationProblem, ProblemHttpResult>> CreateRule(
        string workspaceId, HttpRequest http, Caller caller, NotificationRules rules, CancellationToken cancellationToken) =>
        await rules.SaveAsync(caller, workspaceId, null, await ReadAsync(http, PortalJsonContext.Default.NotificationRuleRequest, cancellationToken), cancellationToken);

    internal static async Task<Results<Created<NotificationRuleDto>, Ok<NotificationRuleDto>, ValidationProblem, ProblemHttpResult>> UpdateRule(
        string workspaceId, Guid ruleId, HttpRequest http, Caller caller, NotificationRules rules, CancellationToken cancellationToken) =>
        await rules.SaveAsync(caller, workspaceId, ruleId, await ReadAsync(http, PortalJsonContext.Default.NotificationRuleRequest, cancellationToken), cancellationToken);

    internal static Task<Results<NoContent, ProblemHttpResult>> DeleteRule(string workspaceId, Guid ruleId, Caller caller, NotificationRules rules, CancellationToken cancellationToken) =>
        rules.DeleteAsync(caller, workspaceId, ruleId, cancellationToken);

    internal static async Task<Results<Ok<IReadOnlyList<WebhookDestinationDto>>, ProblemHttpResult>> ListWebhooks(
        string workspaceId, Caller caller, WebhookDestinations destinations, CancellationToken cancellationToken) =>
        caller.IsAdmin ? TypedResults.Ok(await destinations.ListAsync(workspaceId, cancellationToken)) : ApiProblems.AdminOnly(WebhookDestinations.AdminOnlyDetail);

    internal static async Task<Results<Created<WebhookDestinationDto>, Ok<WebhookDestinationDto>, ValidationProblem, ProblemHttpResult>> CreateWebhook(
        string workspaceId, HttpRequest http, Caller caller, WebhookDestinations destinations, CancellationToken cancellationToken) =>
        caller.IsAdmin
            ? await destinations.SaveAsync(caller, workspaceId, null, await ReadAsync(http, PortalJsonContext.Default.WebhookDestinationRequest, cancellationToken), cancellationToken)
            : ApiProblems.AdminOnly(WebhookDestinations.AdminOnlyDetail);

    internal static async Task<Results<Created<WebhookDestinationDto>, Ok<WebhookDestinationDto>, ValidationProblem, ProblemHttpResult>> UpdateWebhook(
        string workspaceId, Guid destinationId, HttpRequest http, Caller caller, WebhookDestinations destinations, CancellationToken cancellationToken) =>
        caller.IsAdmin
            ? await destinations.SaveAsync(caller, workspaceId, destinationId, await ReadAsync(http, PortalJsonContext.Default.WebhookDestinationRequest, cancellationToken), cancellationToken)
            : ApiProblems.AdminOnly(WebhookDestinations.AdminOnlyDetail);

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(
        string workspaceId, Guid destinationId, Caller caller, WebhookDestinations destinations, CancellationToken cancellationToken) =>
        caller.IsAdmin ? await destinations.DeleteAsync(workspaceId, destinationId, cancellationToken) : ApiProblems.AdminOnly(WebhookDestinations.AdminOnlyDetail);

    internal static async Task<Results<Ok<WebhookTestResultDto>, ProblemHttpResult>> TestWebhook(
        string workspaceId, Guid destinationId, Caller caller, WebhookDestinations destinations, CancellationToken cancellationToken) =>
        caller.IsAdmin ? await destinations.TestAsync(workspaceId, destinationId, cancellationToken) : ApiProblems.AdminOnly(WebhookDestinations.AdminOnlyDetail);

    internal static async Task<Results<Ok<NotificationPageDto>, ValidationProblem>> List(
        Caller caller, NotificationInbox inbox, CancellationToken cancellationToken, string? page = null, string? pageSize = null, string? unread = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var p = QueryValues.Int(page, "page", 1, 1, 1_000_000, errors);
        var size = QueryValues.Int(pageSize, "pageSize", 25, 1, NotificationInbox.MaxPageSize, errors);
        var unreadOnly = false;
        if (!string.IsNullOrEmpty(unread) && !bool.TryParse(unread, out unreadOnly))
        {
            errors["unread"] = ["Use true or false."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await inbox.ListAsync(caller, p, size, unreadOnly, cancellationToken));
    }

    internal static async Task<Ok<UnreadCountDto>> Unread(Caller caller, NotificationInbox inbox, CancellationToken cancellationToken) =>
        TypedResults.Ok(await inbox.UnreadAsync(caller, cancellationToken));

    internal static async Task<Results<Ok<MarkReadResultDto>, ValidationProblem>> MarkRead(HttpRequest http, Caller caller, NotificationInbox inbox, CancellationToken cancellationToken) =>
        await inbox.MarkReadAsync(caller, await ReadAsync(http, PortalJsonContext.Default.MarkReadRequest, cancellationToken), cancellationToken);

    internal static async Task<Ok<IReadOnlyList<MuteDto>>> ListMutes(Caller caller, NotificationInbox inbox, CancellationToken cancellationToken) =>
        TypedResults.Ok(await inbox.MutesAsync(caller, cancellationToken));

    internal static async Task<Results<Created<MuteDto>, ValidationProblem, ProblemHttpResult>> Mute(HttpRequest http, Caller caller, NotificationInbox inbox, CancellationToken cancellationToken) =>
        await inbox.MuteAsync(caller, await ReadAsync(http, PortalJsonContext.Default.MuteRequest, cancellationToken), cancellationToken);

    internal static Task<Results<NoContent, ProblemHttpResult>> Unmute(Guid muteId, Caller caller, NotificationInbox inbox, CancellationToken cancellationToken) =>
        inbox.UnmuteAsync(caller, muteId, cancellationToken);

    internal static async Task<Results<Ok<DeliveryPageDto>, ValidationProblem, ProblemHttpResult>> DeadLetters(
        Caller caller, WebhookDestinations destinations, CancellationToken cancellationToken, string? workspace = null, string? page = null, string? pageSize = null)
    {
        if (!caller.IsAdmin)
        {
            return ApiProblems.AdminOnly(WebhookDestinations.AdminOnlyDetail);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var p = QueryValues.Int(page, "page", 1, 1, 1_000_000, errors);
        var size = QueryValues.Int(pageSize, "pageSize", 25, 1, 200, errors);
        if (workspace is not null && !Ids.IsValid(workspace))
        {
            errors["workspace"] = ["Must match ^[A-Za-z0-9_-]{1,64}$."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await destinations.DeadLettersAsync(workspace, p, size, cancellationToken));
    }

    internal static async Task<Results<Accepted, ProblemHttpResult>> Retry(
        long deliveryId, Caller caller, WebhookDestinations destinations, DispatchSignal signal, CancellationToken cancellationToken) =>
        caller.IsAdmin ? await destinations.RetryAsync(deliveryId, signal, cancellationToken) : ApiProblems.AdminOnly(WebhookDestinations.AdminOnlyDetail);

    /// <summary>A JSON body of the expected type, or null (missing, not JSON, malformed): the handler answers 400.</summary>
    private static async Task<T?> ReadAsync<T>(HttpRequest http, JsonTypeInfo<T> type, CancellationToken cancellationToken) where T : class
    {
        if (!http.HasJsonContentType())
        {
            return null;
        }

        try
        {
            return await http.ReadFromJsonAsync(type, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
