using System.Net;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.Proxy.Notifications;
using EmrPortal.Proxy.Tests.Infrastructure;
using EmrPortal.Proxy.Tests.Insights;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.Proxy.Tests.Notifications;

/// <summary>
/// End to end on SQLite: the emulator fails a session, the proxy's next refresh records the transition and its events,
/// the delivery worker sends them to a real Kestrel receiver on loopback in every format.
/// </summary>
public sealed class WebhookDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failed_session_reaches_every_format_signed_redacted_and_once_and_the_owner_bell()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Responder = (r, _) => Task.FromResult(r.Path == "/dingtalk" ? (200, """{"errcode":0,"errmsg":"ok"}""") : (200, "ok"));
        await using var host = new ProxyHost(NotificationHost.Settings(), InsightsHost.NoThrottling);
        var snapshot = await host.LoadAsync();
        var generic = await host.CreateDestinationAsync("generic", WebhookFormats.Generic, receiver.Url("/generic"));
        var teams = await host.CreateDestinationAsync("teams", WebhookFormats.Teams, receiver.Url("/teams"), secret: null);
        var slack = await host.CreateDestinationAsync("slack", WebhookFormats.Slack, receiver.Url("/slack"), secret: null);
        var ding = await host.CreateDestinationAsync("dingtalk", WebhookFormats.DingTalk, receiver.Url("/dingtalk?access_token=robot-token-123"));
        await host.CreateRuleAsync("admin", new { kind = "session-error", name = "failures to chat", destinationIds = new[] { generic.Id, teams.Id, slack.Id, ding.Id } });
        await host.CreateRuleAsync("viewer", new { kind = "session-error" });
        var target = snapshot.Healthy()[0];

        await host.FailInEmulatorAsync(target.SessionClusterId);
        await host.RescanAsync(NotificationHost.Workspace);
        var requests = await receiver.WaitForAsync(4);

        var g = Assert.Single(requests, r => r.Path == "/generic");
        Assert.True(NotificationHost.VerifyGeneric(g, NotificationHost.Secret), "generic signature verifies as a receiver would");
        Assert.False(NotificationHost.VerifyGeneric(g, "another-secret"));
        var envelope = g.Json();
        Assert.Equal(WebhookEnvelope.SchemaV1, envelope.GetProperty("schema").GetString());
        Assert.Equal(g.Headers[WebhookHeaders.EventId], envelope.GetProperty("id").GetString());
        Assert.Equal(EventTypes.SessionError, envelope.GetProperty("type").GetString());
        Assert.Equal(target.SessionClusterId, envelope.GetProperty("session").GetProperty("sessionClusterId").GetString());
        Assert.Equal("Error", envelope.GetProperty("session").GetProperty("state").GetString());
        Assert.Equal("1000007", envelope.GetProperty("session").GetProperty("stateChangeReasonCode").GetString());
        Assert.Equal($"https://portal.example.test/workspaces/w-analytics/sessions/{target.SessionClusterId}", envelope.GetProperty("link").GetString());
        Assert.DoesNotContain("hunter2", g.Body, StringComparison.Ordinal); // the reason's password went through the redactor
        Assert.Contains(ApplicationConfigDto.RedactedValue, envelope.GetProperty("session").GetProperty("stateChangeReasonMessage").GetString(), StringComparison.Ordinal);
        var eventId = envelope.GetProperty("id").GetString()!;

        var t = Assert.Single(requests, r => r.Path == "/teams").Json();
        Assert.Equal("message", t.GetProperty("type").GetString());
        var attachment = t.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal("AdaptiveCard", attachment.GetProperty("content").GetProperty("type").GetString());
        Assert.Contains(target.SessionClusterId, attachment.GetProperty("content").GetProperty("actions")[0].GetProperty("url").GetString(), StringComparison.Ordinal);

        var s = Assert.Single(requests, r => r.Path == "/slack");
        Assert.False(string.IsNullOrEmpty(s.Json().GetProperty("text").GetString()));
        Assert.Equal("section", s.Json().GetProperty("blocks")[0].GetProperty("type").GetString());
        Assert.Contains(eventId, s.Body, StringComparison.Ordinal);

        var d = Assert.Single(requests, r => r.Path == "/dingtalk");
        Assert.True(NotificationHost.VerifyDingTalk(d, NotificationHost.Secret), "DingTalk sign verifies as the robot would");
        Assert.Contains("access_token=robot-token-123", d.Query, StringComparison.Ordinal);
        Assert.Equal("markdown", d.Json().GetProperty("msgtype").GetString());
        Assert.DoesNotContain("hunter2", string.Concat(requests.Select(r => r.Body)), StringComparison.Ordinal);

        // Delivered once each; the owner of the in-portal rule sees it in the bell, with a link to the detail.
        var deliveries = await NotificationHost.EventuallyAsync(async () =>
        {
            var all = await host.DeliveriesAsync();
            return all.Count == 4 && all.All(x => x.State == DeliveryStates.Delivered) ? all : null;
        }, "four delivered deliveries");
        Assert.All(deliveries, x => Assert.Equal(1, x.Attempts));
        var unread = await NotificationHost.EventuallyAsync(async () => await host.UnreadAsync("viewer") is { Count: 1 } u ? u : null, "the viewer's notification");
        var (_, listBody) = await host.GetAsync("viewer", "/api/v1/notifications");
        var page = JsonSerializer.Deserialize(listBody, PortalJsonContext.Default.NotificationPageDto)!;
        var notification = Assert.Single(page.Items);
        Assert.Equal((unread.LatestId, EventTypes.SessionError, $"/workspaces/w-analytics/sessions/{target.SessionClusterId}", false),
            (notification.Id, notification.Kind, notification.Link, notification.Read));
        var (readResponse, readBody) = await host.Send(HttpMethod.Post, "viewer", "/api/v1/notifications/read", new { ids = new[] { notification.Id } });
        Assert.True(readResponse.IsSuccessStatusCode, readBody);
        Assert.Equal(0, (await host.UnreadAsync("viewer")).Count);
        Assert.Equal(0, (await host.UnreadAsync("outsider")).Count);

        // The URL's path and query and the secret never leave the proxy: not in answers, not in logs.
        var (_, listed) = await host.GetAsync("admin", "/api/v1/workspaces/w-analytics/webhooks");
        Assert.DoesNotContain(NotificationHost.Secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("robot-token-123", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("/generic", listed, StringComparison.Ordinal);
        Assert.Contains("\"hasSecret\":true", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, l => l.AllText.Contains(NotificationHost.Secret, StringComparison.Ordinal) || l.AllText.Contains("robot-token-123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_500_and_a_timeout_are_retried_with_the_same_event_id_and_delivered_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Responder = async (r, ct) =>
        {
            switch (r.Index)
            {
                case 0:
                    return (500, "boom");
                case 1:
                    await Task.Delay(TimeSpan.FromSeconds(30), ct); // longer than the request timeout: the proxy gives up
                    return (200, "late");
                default:
                    return (200, "ok");
            }
        };
        await using var host = new ProxyHost(NotificationHost.Settings(("Notifications:RequestTimeout", "00:00:01")), InsightsHost.NoThrottling);
        var snapshot = await host.LoadAsync();
        var destination = await host.CreateDestinationAsync("flaky", WebhookFormats.Generic, receiver.Url("/flaky"));
        await host.CreateRuleAsync("admin", new { kind = "session-error", destinationIds = new[] { destination.Id } });

        await host.FailInEmulatorAsync(snapshot.Healthy()[0].SessionClusterId);
        await host.RescanAsync(NotificationHost.Workspace);

        var delivery = await NotificationHost.EventuallyAsync(async () =>
            (await host.DeliveriesAsync()).SingleOrDefault(x => x.State == DeliveryStates.Delivered), "a delivered delivery");
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal(200, delivery.LastStatusCode);
        var requests = receiver.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.Single(requests.Select(r => r.Headers[WebhookHeaders.EventId]).Distinct());
        Assert.All(requests, r => Assert.True(NotificationHost.VerifyGeneric(r, NotificationHost.Secret)));
    }

    [Fact]
    public async Task After_the_last_attempt_a_delivery_is_a_dead_letter_that_only_admins_list_and_retry()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Responder = (_, _) => Task.FromResult((503, "down"));
        await using var host = new ProxyHost(NotificationHost.Settings(("Notifications:MaxAttempts", "3")), InsightsHost.NoThrottling);
        var snapshot = await host.LoadAsync();
        var destination = await host.CreateDestinationAsync("down", WebhookFormats.Slack, receiver.Url("/down"), secret: null);
        await host.CreateRuleAsync("admin", new { kind = "session-error", destinationIds = new[] { destination.Id } });

        await host.FailInEmulatorAsync(snapshot.Healthy()[0].SessionClusterId);
        await host.RescanAsync(NotificationHost.Workspace);
        var dead = await NotificationHost.EventuallyAsync(async () =>
            (await host.DeliveriesAsync()).SingleOrDefault(x => x.State == DeliveryStates.DeadLetter), "a dead letter");
        var sentBeforeRetry = receiver.Requests.Count;

        var (adminResponse, adminBody) = await host.GetAsync("admin", "/api/v1/notifications/dead-letters?workspace=w-analytics");
        var (viewerResponse, viewerBody) = await host.GetAsync("viewer", "/api/v1/notifications/dead-letters");
        var (retryResponse, _) = await host.Send(HttpMethod.Post, "admin", $"/api/v1/notifications/dead-letters/{dead.Id}/retry");
        var (viewerRetry, _) = await host.Send(HttpMethod.Post, "viewer", $"/api/v1/notifications/dead-letters/{dead.Id}/retry");

        Assert.Equal(3, dead.Attempts);
        Assert.Equal(3, sentBeforeRetry);
        Assert.Equal(HttpStatusCode.OK, adminResponse.StatusCode);
        var page = JsonSerializer.Deserialize(adminBody, PortalJsonContext.Default.DeliveryPageDto)!;
        var item = Assert.Single(page.Items);
        Assert.Equal((dead.Id, "down", DeliveryStates.DeadLetter, 503, 3), (item.Id, item.DestinationName, item.State, item.LastStatusCode, item.Attempts));
        Insights.Api.Problem(viewerResponse, viewerBody, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Accepted, retryResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewerRetry.StatusCode);
        await receiver.WaitForAsync(4); // the retried dead letter is sent again
    }

    [Fact]
    public async Task Access_is_checked_at_send_time_a_user_who_lost_it_gets_nothing_more()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = new ProxyHost(NotificationHost.Settings(("Notifications:RetryBaseDelay", "00:00:00.300")), InsightsHost.NoThrottling);
        receiver.Responder = async (r, ct) =>
        {
            if (r.Index == 0)
            {
                // Between the first attempt and its retry, the rule's owner loses Portal.Admin (their next token has no roles).
                await SetPrincipalAsync(host, "user-admin", roles: [], groups: [], ct);
                return (500, "try again");
            }

            return (200, "ok");
        };
        var snapshot = await host.LoadAsync();
        var destination = await host.CreateDestinationAsync("gated", WebhookFormats.Generic, receiver.Url("/gated"));
        await host.CreateRuleAsync("admin", new { kind = "session-error", destinationIds = new[] { destination.Id } });
        await host.CreateRuleAsync("viewer", new { kind = "session-error" });
        // The viewer's group no longer grants the workspace (as their token would say after a group change).
        await SetPrincipalAsync(host, "user-viewer", roles: ["Portal.Viewer"], groups: ["grp-other"], Ct);

        await host.FailInEmulatorAsync(snapshot.Healthy()[0].SessionClusterId);
        await host.RescanAsync(NotificationHost.Workspace);
        var cancelled = await NotificationHost.EventuallyAsync(async () =>
            (await host.DeliveriesAsync()).SingleOrDefault(x => x.State == DeliveryStates.Cancelled), "the cancelled retry");

        Assert.Single(receiver.Requests);
        Assert.Equal(1, cancelled.Attempts);
        await using var db = host.Service<IPortalDbFactory>().CreateDbContext();
        Assert.Equal(0, await db.UserNotifications.CountAsync(n => n.UserId == "user-viewer", Ct));
        Assert.Equal(1, await db.UserNotifications.CountAsync(n => n.UserId == "user-admin", Ct));
    }

    [Fact]
    public async Task A_muted_workspace_gets_no_bell_notification_while_webhooks_still_go()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = new ProxyHost(NotificationHost.Settings(), InsightsHost.NoThrottling);
        var snapshot = await host.LoadAsync();
        var destination = await host.CreateDestinationAsync("team", WebhookFormats.Generic, receiver.Url("/team"));
        await host.CreateRuleAsync("admin", new { kind = "session-error", destinationIds = new[] { destination.Id } });
        var (muteResponse, muteBody) = await host.Send(HttpMethod.Post, "admin", "/api/v1/notifications/mutes", new { workspaceId = "w-analytics" });
        var (outsiderMute, outsiderBody) = await host.Send(HttpMethod.Post, "outsider", "/api/v1/notifications/mutes", new { workspaceId = "w-analytics" });

        await host.FailInEmulatorAsync(snapshot.Healthy()[0].SessionClusterId);
        await host.RescanAsync(NotificationHost.Workspace);
        await receiver.WaitForAsync(1);
        await NotificationHost.EventuallyAsync(async () =>
        {
            await using var db = host.Service<IPortalDbFactory>().CreateDbContext();
            return await db.OutboxEvents.AnyAsync(e => e.DispatchedAt != null, Ct) ? "" : null;
        }, "the event's fan-out");

        Assert.Equal(HttpStatusCode.Created, muteResponse.StatusCode);
        Assert.Contains("w-analytics", muteBody, StringComparison.Ordinal);
        Insights.Api.Problem(outsiderMute, outsiderBody, HttpStatusCode.Forbidden);
        Assert.Equal(0, (await host.UnreadAsync("admin")).Count);
    }

    [Fact]
    public async Task Send_test_posts_a_signed_test_event_now_and_reports_the_answer()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Responder = (r, _) => Task.FromResult(r.Path == "/refuses" ? (404, "no such hook") : (200, "ok"));
        await using var host = new ProxyHost(NotificationHost.Settings(), InsightsHost.NoThrottling);
        var good = await host.CreateDestinationAsync("good", WebhookFormats.Generic, receiver.Url("/good"));
        var bad = await host.CreateDestinationAsync("bad", WebhookFormats.Teams, receiver.Url("/refuses"), secret: null);

        var (okResponse, okBody) = await host.Send(HttpMethod.Post, "admin", $"/api/v1/workspaces/w-analytics/webhooks/{good.Id}/test");
        var (badResponse, badBody) = await host.Send(HttpMethod.Post, "admin", $"/api/v1/workspaces/w-analytics/webhooks/{bad.Id}/test");
        var (viewerResponse, viewerBody) = await host.Send(HttpMethod.Post, "viewer", $"/api/v1/workspaces/w-analytics/webhooks/{good.Id}/test");

        Assert.Equal(HttpStatusCode.OK, okResponse.StatusCode);
        var ok = JsonSerializer.Deserialize(okBody, PortalJsonContext.Default.WebhookTestResultDto)!;
        Assert.Equal((true, 200), (ok.Delivered, ok.StatusCode));
        var request = Assert.Single(receiver.Requests, r => r.Path == "/good");
        Assert.True(NotificationHost.VerifyGeneric(request, NotificationHost.Secret));
        Assert.Equal((EventTypes.Test, ok.EventId), (request.Json().GetProperty("type").GetString(), request.Json().GetProperty("id").GetString()));
        var refused = JsonSerializer.Deserialize(badBody, PortalJsonContext.Default.WebhookTestResultDto)!;
        Assert.Equal((HttpStatusCode.OK, false, 404), (badResponse.StatusCode, refused.Delivered, refused.StatusCode));
        Insights.Api.Problem(viewerResponse, viewerBody, HttpStatusCode.Forbidden);
    }

    internal static async Task SetPrincipalAsync(ProxyHost host, string userId, string[] roles, string[] groups, CancellationToken cancellationToken)
    {
        await using var db = host.Service<IPortalDbFactory>().CreateDbContext();
        await db.NotificationSubscribers.Where(s => s.UserId == userId).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.RolesJson, JsonSerializer.Serialize(roles))
            .SetProperty(x => x.GroupsJson, JsonSerializer.Serialize(groups)), cancellationToken);
    }
}

/// <summary>Workspace-level conditions: the cloud refusing the portal's identity on one workspace.</summary>
public sealed class WorkspaceConditionTests
{
    [Fact]
    public async Task Losing_cloud_permission_on_a_workspace_notifies_the_admin_rule_once_per_episode()
    {
        await using var host = new ProxyHost(NotificationHost.Settings(), InsightsHost.NoThrottling);
        await host.LoadAsync();
        await host.CreateRuleAsync("admin", new { kind = "cloud-permission-lost" });
        await host.EmulatorAdminAsync("PUT", "/admin/ram", """{"accessKeyId":"LTAI5tEmrPortalDemoKey","deniedWorkspaces":["w-analytics"]}""");
        var store = host.Service<EmrPortal.Proxy.Snapshots.SnapshotStore>();

        store.Invalidate(NotificationHost.Workspace);
        await host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=1");
        var unread = await NotificationHost.EventuallyAsync(async () => await host.UnreadAsync("admin") is { Count: > 0 } u ? u : null, "the admin's notification");
        var (_, body) = await host.GetAsync("admin", "/api/v1/notifications");
        var condition = host.Service<WorkspaceConditionMonitor>();
        var again = await condition.RecordAsync(NotificationHost.Workspace, WorkspaceConditionMonitor.PermissionCondition, DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);

        Assert.Equal(1, unread.Count);
        var notification = Assert.Single(JsonSerializer.Deserialize(body, PortalJsonContext.Default.NotificationPageDto)!.Items);
        Assert.Equal((EventTypes.CloudPermissionLost, "/workspaces/w-analytics"), (notification.Kind, notification.Link));
        Assert.Equal(0, again); // the same episode does not notify twice
    }
}
