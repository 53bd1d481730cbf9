using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.Web.Components.Notifications;
using EmrPortal.Web.Components.Pages;
using Microsoft.AspNetCore.Components;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Tests;

/// <summary>The bell, the notification centre, the rules page and the admin webhooks page, over the fake notification API.</summary>
public sealed class NotificationTests : PortalTestContext
{
    private IRenderedComponent<IComponent> RenderPage<TPage>(string url, params (string Name, object Value)[] parameters)
        where TPage : IComponent
    {
        Navigation.NavigateTo(url);
        return Render(b =>
        {
            b.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudBlazor.MudDialogProvider>(1);
            b.CloseComponent();
            b.OpenComponent<TPage>(2);
            foreach (var (name, value) in parameters)
            {
                b.AddAttribute(3, name, value);
            }
            b.CloseComponent();
        });
    }

    private static void WaitReady(IRenderedComponent<IComponent> cut, string testId) =>
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find($"[data-testid={testId}]").GetAttribute("data-ready")));

    // ---- the bell ----

    [Fact]
    public void Bell_shows_the_unread_count_with_a_named_button_and_a_live_status()
    {
        NotificationsApi.Add("w-analytics", "sc-001", "etl failed");
        NotificationsApi.Add("w-analytics", "sc-002", "report failed");
        NotificationsApi.Add("w-analytics", "sc-003", "old", read: true);

        var cut = Render<NotificationBell>();

        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=notification-bell]").GetAttribute("data-count")));
        var button = cut.Find("[data-testid=notification-bell-button]");
        Assert.Equal("Notifications, 2 unread", button.GetAttribute("aria-label"));
        Assert.Equal("/notifications", button.GetAttribute("href"));
        var status = cut.Find("[data-testid=notification-bell-status]");
        Assert.Equal("polite", status.GetAttribute("aria-live"));
        Assert.Equal("2 unread notifications", status.TextContent);
    }

    [Fact]
    public void Bell_count_rises_in_an_open_tab_when_a_notification_arrives_after_the_poll_interval()
    {
        var cut = Render<NotificationBell>();
        cut.WaitForAssertion(() => Assert.Equal("0", cut.Find("[data-testid=notification-bell]").GetAttribute("data-count")));
        Assert.Equal("Notifications", cut.Find("[data-testid=notification-bell-button]").GetAttribute("aria-label"));

        NotificationsApi.Add("w-analytics", "sc-009", "nightly failed");
        Time.Advance(MyNotifications.PollInterval);

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=notification-bell]").GetAttribute("data-count")));
        Assert.Equal("1 unread notification", cut.Find("[data-testid=notification-bell-status]").TextContent);
    }

    [Fact]
    public void Bell_stops_asking_once_the_proxy_says_the_sign_in_is_gone()
    {
        NotificationsApi.FailWith = new(ProxyFailureKind.SignInRequired, 401, "Please sign in again.", null);
        var cut = Render<NotificationBell>();
        cut.WaitForAssertion(() => Assert.Equal(1, NotificationsApi.UnreadCountCalls));

        Time.Advance(MyNotifications.PollInterval * 3);

        Assert.Equal(1, NotificationsApi.UnreadCountCalls);
        Assert.False(cut.Find("[data-testid=notification-bell]").HasAttribute("data-count"));
    }

    [Fact]
    public void Marking_all_read_in_the_centre_clears_every_open_bell_of_the_user_at_once()
    {
        NotificationsApi.Add("w-analytics", "sc-001", "etl failed");
        NotificationsApi.Add("w-marketing", "sc-002", "report failed");
        // Two bells of one user (two tabs on this Web instance share the count).
        var otherTab = Render<NotificationBell>();
        otherTab.WaitForAssertion(() => Assert.Equal("2", otherTab.Find("[data-testid=notification-bell]").GetAttribute("data-count")));
        var calls = NotificationsApi.UnreadCountCalls;
        var centre = RenderPage<NotificationCentre>("/notifications");
        WaitReady(centre, "notification-centre");

        centre.Find("[data-testid=notification-mark-all]").Click();

        Assert.True(Assert.Single(NotificationsApi.MarkReadRequests).All);
        otherTab.WaitForAssertion(() => Assert.Equal("0", otherTab.Find("[data-testid=notification-bell]").GetAttribute("data-count")));
        // Told, not polled: no extra call for the count.
        Assert.Equal(calls, NotificationsApi.UnreadCountCalls);
    }

    // ---- the shared count ----

    [Fact]
    public async Task Ten_tabs_of_one_user_asking_at_once_cost_one_proxy_call()
    {
        var counts = new UnreadCounts(Time);
        var calls = 0;
        var gate = new TaskCompletionSource<int?>();
        Func<CancellationToken, Task<int?>> fetch = _ =>
        {
            Interlocked.Increment(ref calls);
            return gate.Task;
        };
        var seen = new List<int>();
        using var sub = counts.Subscribe("viewer", c => { lock (seen) seen.Add(c); });

        var asks = Enumerable.Range(0, 10).Select(_ => counts.GetAsync("viewer", fetch, force: false, TestContext.Current.CancellationToken)).ToArray();
        gate.SetResult(4);
        var answers = await Task.WhenAll(asks);

        Assert.Equal(1, calls);
        Assert.All(answers, a => Assert.Equal(4, a));
        Assert.Equal([4], seen);
        // Still fresh: answered without the proxy.
        Assert.Equal(4, await counts.GetAsync("viewer", fetch, force: false, TestContext.Current.CancellationToken));
        Assert.Equal(1, calls);
        Time.Advance(UnreadCounts.MaxAge);
        await counts.GetAsync("viewer", fetch, force: false, TestContext.Current.CancellationToken);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_count_reaches_only_the_tabs_of_its_own_user_and_an_older_answer_never_overwrites_a_newer_one()
    {
        var counts = new UnreadCounts(Time);
        var viewer = new List<int>();
        var admin = new List<int>();
        using var s1 = counts.Subscribe("viewer", viewer.Add);
        using var s2 = counts.Subscribe("admin", admin.Add);
        var slow = new TaskCompletionSource<int?>();

        var stale = counts.GetAsync("viewer", _ => slow.Task, force: false, TestContext.Current.CancellationToken);
        // Meanwhile this user marks everything read in another tab.
        counts.Publish("viewer", 0);
        slow.SetResult(5);
        await stale;

        Assert.Equal([0], viewer);
        Assert.Empty(admin);
        Assert.Equal(0, await counts.GetAsync("viewer", _ => Task.FromResult<int?>(9), force: false, TestContext.Current.CancellationToken));
    }

    // ---- the centre ----

    [Fact]
    public void Centre_lists_notifications_with_links_to_the_session_detail_and_marks_one_read()
    {
        var first = NotificationsApi.Add("w-analytics", "sc-001", "etl failed");
        NotificationsApi.Add("w-analytics", null, "workspace event");
        var cut = RenderPage<NotificationCentre>("/notifications");
        WaitReady(cut, "notification-centre");

        var items = cut.FindAll("[data-testid=notification-item]");
        Assert.Equal(2, items.Count);
        var link = cut.Find($"[data-notification-id='{first.Id}'] [data-testid=notification-link]");
        Assert.Equal("/workspaces/w-analytics/sessions/sc-001", link.GetAttribute("href"));
        var markRead = cut.Find($"[data-notification-id='{first.Id}'] [data-testid=notification-mark-read]");
        Assert.Equal("Mark \"etl failed\" as read", markRead.GetAttribute("aria-label"));

        markRead.Click();

        Assert.Equal([first.Id], Assert.Single(NotificationsApi.MarkReadRequests).Ids);
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find($"[data-notification-id='{first.Id}']").GetAttribute("data-read")));
        Assert.Empty(cut.Find($"[data-notification-id='{first.Id}']").QuerySelectorAll("[data-testid=notification-mark-read]"));
    }

    [Fact]
    public void Centre_unread_only_is_in_the_url_and_asks_the_proxy_for_unread()
    {
        NotificationsApi.Add("w-analytics", "sc-001", "etl failed", read: true);
        var cut = RenderPage<NotificationCentre>("/notifications?unread=true");
        WaitReady(cut, "notification-centre");

        Assert.Contains("No unread notifications.", cut.Find("[data-testid=notification-empty]").TextContent);
        Assert.True(NotificationsApi.PageRequests.Last().Unread);
    }

    [Fact]
    public void Centre_mutes_a_workspace_for_the_chosen_time_and_unmutes_it()
    {
        Proxy.Me = new("viewer", "Vic Viewer", ["Portal.Viewer"], ["w-analytics"], IsAdmin: false);
        var cut = RenderPage<NotificationCentre>("/notifications");
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=notification-mutes]").GetAttribute("data-loaded")));
        var row = cut.Find("[data-testid=mute-row][data-workspace=w-analytics]");
        Assert.Equal("/workspaces/w-analytics/notifications", row.QuerySelector("[data-testid=rules-link]")!.GetAttribute("href"));
        Assert.Null(row.QuerySelector("[data-testid=webhooks-link]"));

        cut.Find("[data-testid=mute-duration]").Change("24");
        cut.Find("[data-testid=mute]").Click();

        var request = Assert.Single(NotificationsApi.MuteRequests);
        Assert.Equal(("w-analytics", (Guid?)null, (DateTimeOffset?)FakeProxyClient.T0.AddHours(24)), (request.WorkspaceId, request.RuleId, request.Until));
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=mute-row]").GetAttribute("data-muted")));

        cut.Find("[data-testid=unmute]").Click();
        cut.WaitForAssertion(() => Assert.Equal("false", cut.Find("[data-testid=mute-row]").GetAttribute("data-muted")));
        Assert.Empty(NotificationsApi.Mutes);
    }

    [Fact]
    public void Notification_links_never_leave_the_portal()
    {
        NotificationDto N(string? session, string? link, string ws = "w-analytics") =>
            new(1, "e", null, ws, session, EventTypes.SessionError, "t", "x", link, FakeProxyClient.T0, false);

        Assert.Equal("/workspaces/w-analytics/sessions/sc-1", NotificationText.Href(N("sc-1", "https://evil.example/")));
        Assert.Equal("/workspaces/w-analytics", NotificationText.Href(N(null, "/workspaces/w-analytics")));
        Assert.Equal("/workspaces/w-analytics/sessions", NotificationText.Href(N(null, "https://evil.example/x")));
        Assert.Equal("/workspaces/w-analytics/sessions", NotificationText.Href(N(null, "//evil.example/x")));
        Assert.Equal("/workspaces/w-analytics/sessions", NotificationText.Href(N("../../x", null)));
        Assert.Equal("/", NotificationText.Href(N(null, null, ws: "../bad")));
    }

    // ---- rules ----

    [Fact]
    public void Viewer_creates_an_error_rule_for_only_mine_in_one_queue_and_kind_and_is_not_offered_admin_kinds()
    {
        var cut = RenderPage<NotificationRules>("/workspaces/w-analytics/notifications", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "notification-rules");
        Assert.NotNull(cut.Find("[data-testid=rules-empty]"));

        cut.Find("[data-testid=rule-new]").Click();
        Assert.Empty(cut.FindAll($"[data-testid=rule-kind-{RuleKinds.CloudPermissionLost}]"));
        Assert.Empty(cut.FindAll($"[data-testid=rule-kind-{RuleKinds.UpstreamDegraded}]"));
        Assert.Empty(cut.FindAll("[data-testid=rule-destinations]"));
        cut.Find("#rule-name").Change("My failures");
        cut.Find("input[data-testid=rule-only-mine]").Change(true);
        cut.Find("#rule-queue").Change(" dev_queue ");
        cut.Find("[data-testid=rule-session-kind]").Change("SQL");
        cut.Find("[data-testid=rule-save]").Click();

        var (ws, id, request) = Assert.Single(NotificationsApi.RuleRequests);
        Assert.Equal(("w-analytics", (Guid?)null), (ws, id));
        Assert.Equal(new NotificationRuleRequest(RuleKinds.SessionError, "My failures", true, true, "dev_queue", "SQL", null, null, null, null),
            request with { DestinationIds = null });
        cut.WaitForAssertion(() => Assert.Contains("enters Error · only mine · queue dev_queue · kind SQL", cut.Find("[data-testid=rule-row]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=rule-editor]"));
    }

    [Fact]
    public void Long_running_rule_needs_hours_and_sends_only_its_own_fields()
    {
        var cut = RenderPage<NotificationRules>("/workspaces/w-analytics/notifications", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "notification-rules");
        cut.Find("[data-testid=rule-new]").Click();
        cut.Find($"input[data-testid=rule-kind-{RuleKinds.LongRunning}]").Click();
        cut.Find("#rule-hours").Change("");
        cut.Find("[data-testid=rule-save]").Click();

        Assert.Contains("Hours must be between 1 and 720.", cut.Find("[data-testid=rule-problems]").TextContent);
        Assert.Empty(NotificationsApi.RuleRequests);

        cut.Find("#rule-hours").Change("48");
        cut.Find("[data-testid=rule-save]").Click();

        var request = Assert.Single(NotificationsApi.RuleRequests).Request;
        Assert.Equal((RuleKinds.LongRunning, 48, (string?)null, false, (int?)null), (request.Kind, request.Hours!.Value, request.Queue, request.OnlyMine, request.Minutes));
    }

    [Fact]
    public void Rules_can_be_edited_and_deleted_after_confirmation()
    {
        var rule = FakeNotificationsClient.ToRule(Guid.NewGuid(), "w-analytics", new(RuleKinds.LongRunning, "Marathons", Hours: 24), "viewer");
        NotificationsApi.Rules.Add(rule);
        var cut = RenderPage<NotificationRules>("/workspaces/w-analytics/notifications", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "notification-rules");

        var edit = cut.Find("[data-testid=rule-edit]");
        Assert.Equal("Edit rule Marathons", edit.GetAttribute("aria-label"));
        edit.Click();
        Assert.True(cut.Find("fieldset.rule-kinds").HasAttribute("disabled"));
        cut.Find("#rule-hours").Change("72");
        cut.Find("[data-testid=rule-save]").Click();
        var (_, id, request) = Assert.Single(NotificationsApi.RuleRequests);
        Assert.Equal((rule.Id, 72), (id!.Value, request.Hours!.Value));
        cut.WaitForAssertion(() => Assert.Contains("Running over 72 h", cut.Find("[data-testid=rule-row]").TextContent));

        cut.Find("[data-testid=rule-delete]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Marathons", cut.Find("[data-testid=confirm-message]").TextContent));
        Assert.Empty(NotificationsApi.DeletedRules);
        cut.Find("[data-testid=confirm-yes]").Click();

        cut.WaitForAssertion(() => Assert.Equal(rule.Id, Assert.Single(NotificationsApi.DeletedRules)));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=rules-empty]")));
    }

    [Fact]
    public void Someone_elses_rule_shows_no_edit_or_delete_for_a_viewer()
    {
        NotificationsApi.Rules.Add(FakeNotificationsClient.ToRule(Guid.NewGuid(), "w-analytics", new(RuleKinds.ReleaseRetired), "admin"));
        var cut = RenderPage<NotificationRules>("/workspaces/w-analytics/notifications", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "notification-rules");

        Assert.Single(cut.FindAll("[data-testid=rule-row]"));
        Assert.Empty(cut.FindAll("[data-testid=rule-edit]"));
        Assert.Empty(cut.FindAll("[data-testid=rule-delete]"));
    }

    [Fact]
    public void Admin_is_offered_workspace_health_rules_and_can_send_them_to_webhooks()
    {
        AsAdmin();
        var hook = new WebhookDestinationDto(Guid.NewGuid(), "w-analytics", "On-call", WebhookFormats.Teams, "https://contoso.example", false, null, true,
            "admin", FakeProxyClient.T0, FakeProxyClient.T0);
        NotificationsApi.Webhooks.Add(hook);
        var cut = RenderPage<NotificationRules>("/workspaces/w-analytics/notifications", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "notification-rules");

        cut.Find("[data-testid=rule-new]").Click();
        cut.Find($"input[data-testid=rule-kind-{RuleKinds.UpstreamDegraded}]").Click();
        cut.Find("#rule-minutes").Change("30");
        cut.Find("[data-testid=rule-destinations] input").Change(true);
        cut.Find("[data-testid=rule-save]").Click();

        var request = Assert.Single(NotificationsApi.RuleRequests).Request;
        Assert.Equal((RuleKinds.UpstreamDegraded, 30, (int?)null), (request.Kind, request.Minutes!.Value, request.Hours));
        Assert.Equal([hook.Id], request.DestinationIds);
    }

    [Fact]
    public void Watch_this_view_opens_a_new_rule_on_that_saved_view()
    {
        var view = new SavedViewDto(Guid.NewGuid(), "w-analytics", "Errors today", "state=Error", "admin", FakeProxyClient.T0);
        Proxy.Views.Add(view);
        var cut = RenderPage<NotificationRules>($"/workspaces/w-analytics/notifications?watch={view.Id}", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "notification-rules");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=rule-editor]")));
        cut.Find("[data-testid=rule-save]").Click();

        var request = Assert.Single(NotificationsApi.RuleRequests).Request;
        Assert.Equal((RuleKinds.ViewMembership, view.Id, "View \"Errors today\" changes"), (request.Kind, request.ViewId!.Value, request.Name));
        cut.WaitForAssertion(() => Assert.Contains("a session enters or leaves view \"Errors today\"", cut.Find("[data-testid=rule-row]").TextContent));
    }

    [Fact]
    public void Rule_draft_refuses_admin_kinds_for_viewers_and_a_view_rule_without_a_view()
    {
        Assert.Contains("Only Portal admins can create this kind of rule.", new RuleDraft { Kind = RuleKinds.CloudPermissionLost }.Validate(isAdmin: false));
        Assert.Empty(new RuleDraft { Kind = RuleKinds.CloudPermissionLost }.Validate(isAdmin: true));
        Assert.Contains("Choose the saved view to watch.", new RuleDraft { Kind = RuleKinds.ViewMembership }.Validate(isAdmin: false));
        Assert.Contains("Choose a session kind from the list.", new RuleDraft { SessionKind = "BATCH" }.Validate(isAdmin: false));
        Assert.Contains("Hours must be between 1 and 720.", new RuleDraft { Kind = RuleKinds.LongRunning, Hours = 721 }.Validate(isAdmin: false));
        Assert.Contains("Minutes must be between 1 and 1440.", new RuleDraft { Kind = RuleKinds.UpstreamDegraded, Minutes = 0 }.Validate(isAdmin: true));
        var viewerDraft = new RuleDraft { Kind = RuleKinds.ReleaseRetired };
        viewerDraft.DestinationIds.Add(Guid.NewGuid());
        Assert.Null(viewerDraft.ToRequest(isAdmin: false).DestinationIds);
    }

    // ---- webhooks ----

    private WebhookDestinationDto Hook(string format = WebhookFormats.Generic) =>
        new(Guid.NewGuid(), "w-analytics", "Team channel", format, "https://hooks.example", true, "••••9f3a", true, "admin", FakeProxyClient.T0, FakeProxyClient.T0);

    [Fact]
    public void Webhooks_page_is_for_admins_only_and_asks_the_proxy_nothing_for_others()
    {
        var cut = RenderPage<WorkspaceWebhooks>("/workspaces/w-analytics/webhooks", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "workspace-webhooks");

        Assert.NotNull(cut.Find("[data-testid=forbidden-view]"));
        Assert.Equal(0, NotificationsApi.WebhookCalls);
    }

    [Fact]
    public void Admin_adds_a_signed_destination_and_the_secret_is_never_shown_back()
    {
        AsAdmin();
        var cut = RenderPage<WorkspaceWebhooks>("/workspaces/w-analytics/webhooks", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "workspace-webhooks");

        cut.Find("[data-testid=webhook-new]").Click();
        cut.Find("#webhook-name").Change("Receiver");
        cut.Find("#webhook-url").Change("ftp://hooks.example/x");
        cut.Find("[data-testid=webhook-save]").Click();
        Assert.Contains("absolute https:// (or http://) address", cut.Find("[data-testid=webhook-problems]").TextContent);
        Assert.Empty(NotificationsApi.WebhookRequests);

        Assert.Equal("password", cut.Find("#webhook-secret").GetAttribute("type"));
        cut.Find("#webhook-url").Change("https://hooks.example/portal");
        cut.Find("#webhook-secret").Change("s3cr3t-Value-1234");
        cut.Find("[data-testid=webhook-save]").Click();

        var request = Assert.Single(NotificationsApi.WebhookRequests).Request;
        Assert.Equal(new WebhookDestinationRequest("Receiver", WebhookFormats.Generic, "https://hooks.example/portal", "s3cr3t-Value-1234", true), request);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=webhook-editor]")));
        Assert.Equal("set (••••1234)", cut.Find("[data-testid=webhook-secret]").TextContent);
        Assert.DoesNotContain("s3cr3t-Value", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("/portal", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Editing_a_destination_keeps_the_stored_url_and_secret_unless_replaced_or_removed()
    {
        AsAdmin();
        var hook = Hook(WebhookFormats.DingTalk);
        NotificationsApi.Webhooks.Add(hook);
        var cut = RenderPage<WorkspaceWebhooks>("/workspaces/w-analytics/webhooks", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "workspace-webhooks");

        cut.Find("[data-testid=webhook-edit]").Click();
        Assert.Equal("", cut.Find("#webhook-url").GetAttribute("value") ?? "");
        Assert.Equal("", cut.Find("#webhook-secret").GetAttribute("value") ?? "");
        cut.Find("#webhook-name").Change("Ops group");
        cut.Find("[data-testid=webhook-save]").Click();
        var kept = NotificationsApi.WebhookRequests.Last().Request;
        Assert.Equal(("Ops group", (string?)null, (string?)null), (kept.Name, kept.Url, kept.Secret));

        cut.WaitForAssertion(() => cut.Find("[data-testid=webhook-edit]").Click());
        cut.Find("input[data-testid=webhook-remove-secret]").Change(true);
        cut.Find("[data-testid=webhook-save]").Click();
        Assert.Equal("", NotificationsApi.WebhookRequests.Last().Request.Secret);
        cut.WaitForAssertion(() => Assert.Equal("none", cut.Find("[data-testid=webhook-secret]").TextContent));
    }

    [Fact]
    public void Send_test_shows_what_the_receiver_answered()
    {
        AsAdmin();
        var ok = Hook();
        var broken = Hook(WebhookFormats.Slack) with { Name = "Broken" };
        NotificationsApi.Webhooks.AddRange([ok, broken]);
        NotificationsApi.TestResult = id => id == ok.Id ? new(true, 200, null, "e1") : new(false, 500, "the receiver failed", "e2");
        var cut = RenderPage<WorkspaceWebhooks>("/workspaces/w-analytics/webhooks", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "workspace-webhooks");

        var buttons = cut.FindAll("[data-testid=webhook-test]");
        Assert.Equal("Send a test to Broken", buttons[1].GetAttribute("aria-label"));
        buttons[0].Click();
        cut.FindAll("[data-testid=webhook-test]")[1].Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=webhook-test-result]").Count));
        var results = cut.FindAll("[data-testid=webhook-test-result]");
        Assert.Equal(("true", "false"), (results[0].GetAttribute("data-delivered"), results[1].GetAttribute("data-delivered")));
        Assert.Contains("the receiver answered HTTP 200", results[0].TextContent);
        Assert.Contains("HTTP 500 (the receiver failed)", results[1].TextContent);
        Assert.Equal("polite", results[1].GetAttribute("aria-live"));
    }

    [Fact]
    public void Dead_letters_are_listed_and_can_be_retried()
    {
        AsAdmin();
        var hook = Hook();
        NotificationsApi.Webhooks.Add(hook);
        NotificationsApi.DeadLetters.Add(new(7, "evt-7", EventTypes.SessionError, "w-analytics", hook.Id, hook.Name, DeliveryStates.DeadLetter, 8,
            "timed out", 503, FakeProxyClient.T0.AddHours(-1), FakeProxyClient.T0.AddMinutes(-5)));
        var cut = RenderPage<WorkspaceWebhooks>("/workspaces/w-analytics/webhooks", ("WorkspaceId", "w-analytics"));
        WaitReady(cut, "workspace-webhooks");

        var row = cut.Find("[data-testid=dead-letter-row]");
        Assert.Contains("HTTP 503 · timed out", row.TextContent);
        Assert.Contains(EventTypes.SessionError, row.TextContent);

        cut.Find("[data-testid=dead-letter-retry]").Click();

        Assert.Equal(7, Assert.Single(NotificationsApi.RetriedDeliveries));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=dead-letters-empty]")));
    }

    [Fact]
    public void Saved_views_menu_offers_watching_each_view()
    {
        var view = new SavedViewDto(Guid.NewGuid(), "w-analytics", "Errors today", "state=Error", "viewer", FakeProxyClient.T0);
        Proxy.Views.Add(view);
        var cut = RenderPage<EmrPortal.Web.Components.Views.SavedViewsMenu>("/workspaces/w-analytics/sessions",
            ("WorkspaceId", "w-analytics"), ("QueryToSave", ""));
        WaitReady(cut, "saved-views");

        cut.Find("[data-testid=views-menu] button").Click();

        cut.WaitForAssertion(() =>
        {
            var watch = cut.Find("[data-testid=watch-view]");
            Assert.Equal($"/workspaces/w-analytics/notifications?watch={view.Id:D}", watch.GetAttribute("href"));
            Assert.Equal("Watch view Errors today", watch.GetAttribute("aria-label"));
        });
    }
}
