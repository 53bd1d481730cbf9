using EmrPortal.Contracts;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;

namespace EmrPortal.Web.Tests;

/// <summary>Issue 10 on the session page: timeline, badges, pin, compare, start/stop, connection snippets.</summary>
public sealed class DetailInsightsTests : PortalTestContext
{
    private static readonly SessionSummaryDto Running = FakeProxyClient.Session("w-analytics", "sc-001") with { Kind = "THRIFT" };

    private IRenderedComponent<IComponent> RenderDetail(SessionSummaryDto? summary = null, SessionDetailDto? detail = null)
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(detail ?? FakeProxyClient.DetailOf(summary ?? Running, redacted: true));
        Navigation.NavigateTo("/workspaces/w-analytics/sessions/sc-001");
        var host = Render(b =>
        {
            b.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudBlazor.MudDialogProvider>(1);
            b.CloseComponent();
            b.OpenComponent<MudBlazor.MudSnackbarProvider>(2);
            b.CloseComponent();
            b.OpenComponent<SessionDetail>(3);
            b.AddAttribute(4, nameof(SessionDetail.WorkspaceId), "w-analytics");
            b.AddAttribute(5, nameof(SessionDetail.SessionId), "sc-001");
            b.CloseComponent();
        });
        WaitReady(host);
        return host;
    }

    private static void WaitReady(IRenderedComponent<IComponent> cut) =>
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=session-detail]").GetAttribute("data-ready")));

    private void CanStartStop() => Proxy.Me = Proxy.Me with { CanStartStop = true };

    [Fact]
    public void Timeline_shows_each_transition_newest_first_with_reason_and_local_time()
    {
        Proxy.Timeline = ProxyResult<SessionTimelineDto>.Success(new("w-analytics", "sc-001",
        [
            new("w-analytics", "sc-001", null, "Starting", null, null, FakeProxyClient.T0.AddHours(-5)),
            new("w-analytics", "sc-001", "Starting", "Running", null, null, FakeProxyClient.T0.AddHours(-4)),
            new("w-analytics", "sc-001", "Running", "Error", "ERR_OOM", "Driver ran out of memory", FakeProxyClient.T0.AddMinutes(-30)),
        ], false, FakeProxyClient.T0));
        var cut = RenderDetail();

        var items = cut.FindAll("[data-testid=timeline-item]");
        Assert.Equal(["Error", "Running", "Starting"], items.Select(i => i.GetAttribute("data-to-state")));
        Assert.Equal(["Running", "Error"], items[0].QuerySelectorAll("[data-testid=state-chip]").Select(c => c.GetAttribute("data-state")));
        Assert.Contains("ERR_OOM", items[0].QuerySelector("[data-testid=timeline-reason]")!.TextContent);
        Assert.Contains("Driver ran out of memory", items[0].QuerySelector("[data-testid=timeline-reason]")!.TextContent);
        var observed = items[0].QuerySelector("[data-testid=timeline-observed]")!.TextContent;
        Assert.Contains("30 min ago", observed);
        Assert.Contains("2026-11-25 11:30:00 (UTC+00:00", observed);
        Assert.Contains("first seen as", items[2].TextContent);
    }

    [Fact]
    public void Empty_timeline_says_nothing_was_observed_yet()
    {
        var cut = RenderDetail();
        Assert.NotNull(cut.Find("[data-testid=timeline-empty]"));
    }

    [Fact]
    public void Session_no_longer_listed_gets_a_badge_and_a_notice_with_last_seen()
    {
        Proxy.Timeline = ProxyResult<SessionTimelineDto>.Success(new("w-analytics", "sc-001", [], true, FakeProxyClient.T0.AddDays(-2)));
        var cut = RenderDetail(Running with { NoLongerListed = true });

        Assert.Contains("last seen", cut.Find("[data-testid=no-longer-listed]").GetAttribute("title"));
        Assert.Contains("last seen 2 days ago", cut.Find("[data-testid=no-longer-listed-notice]").TextContent);
    }

    [Fact]
    public void State_since_from_the_cloud_api_says_so()
    {
        var api = RenderDetail(Running with { StateSince = FakeProxyClient.T0.AddHours(-3) });
        Assert.Contains("start time reported by the cloud API", api.Find("td[data-testid=state-since]").TextContent);
    }

    [Fact]
    public void State_since_the_portal_observed_is_labelled_observed()
    {
        var observed = RenderDetail(Running with { State = "Stopped", StateSince = FakeProxyClient.T0.AddHours(-3), StateSinceObserved = true });
        var cell = observed.Find("td[data-testid=state-since]");
        Assert.StartsWith("for at least 3 h", cell.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("observed by the portal since", cell.TextContent);
    }

    [Fact]
    public void Outdated_release_shows_the_drift_badge_and_state_since_is_shown()
    {
        var cut = RenderDetail(Running with { ReleaseOutdated = true, StateSince = FakeProxyClient.T0.AddHours(-3) });

        Assert.NotNull(cut.Find("[data-testid=release] [data-testid=release-outdated]"));
        Assert.StartsWith("for 3 h", cut.Find("td[data-testid=state-since]").TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_button_reflects_the_callers_pins_and_toggles_through_the_proxy()
    {
        Proxy.Pins.Add(new("w-analytics", "sc-001", FakeProxyClient.T0));
        var cut = RenderDetail();
        Assert.Equal("true", cut.Find("[data-testid=pin-toggle]").GetAttribute("aria-pressed"));

        cut.Find("[data-testid=pin-toggle]").Click();

        cut.WaitForAssertion(() => Assert.Equal("false", cut.Find("[data-testid=pin-toggle]").GetAttribute("aria-pressed")));
        Assert.Equal(("w-analytics", "sc-001", false), Assert.Single(Proxy.PinRequests));
    }

    [Fact]
    public void Compare_with_opens_the_diff_page_with_this_session_on_the_left()
    {
        var cut = RenderDetail();
        Assert.Equal("/diff?left=w-analytics%2Fsc-001", cut.Find("a[data-testid=compare-with]").GetAttribute("href"));
    }

    [Fact]
    public void Start_and_stop_do_not_exist_when_the_proxy_does_not_allow_them()
    {
        var cut = RenderDetail();
        Assert.Empty(cut.FindAll("[data-testid=session-actions]"));
        Assert.Empty(cut.FindAll("[data-testid=stop-session]"));
    }

    [Fact]
    public void Stop_asks_for_confirmation_then_calls_the_proxy_and_reloads_the_session()
    {
        CanStartStop();
        var cut = RenderDetail();
        Assert.Empty(cut.FindAll("[data-testid=start-session]"));
        var detailCalls = Proxy.DetailCalls;

        cut.Find("[data-testid=stop-session]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Stop \"session sc-001\"?", cut.Find("[data-testid=confirm-message]").TextContent));
        Assert.Empty(Proxy.ActionRequests);
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Running with { State = "Stopping" }, redacted: true));
        cut.Find("[data-testid=confirm-yes]").Click();

        cut.WaitForAssertion(() => Assert.Equal(("w-analytics", "sc-001", SessionAction.Stop), Assert.Single(Proxy.ActionRequests)));
        cut.WaitForAssertion(() => Assert.Equal(detailCalls + 1, Proxy.DetailCalls));
        cut.WaitForAssertion(() => Assert.Equal("Stopping", cut.Find(".header-actions [data-testid=state-chip]").GetAttribute("data-state")));
        Assert.Contains("Stop requested", cut.Markup);
    }

    [Fact]
    public void Cancelling_the_confirmation_does_nothing()
    {
        CanStartStop();
        var cut = RenderDetail(Running with { State = "Stopped" });

        cut.Find("[data-testid=start-session]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=confirm-no]").Click());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=confirm-dialog]")));
        Assert.Empty(Proxy.ActionRequests);
    }

    [Fact]
    public void A_refused_start_is_explained_without_leaving_the_page()
    {
        CanStartStop();
        Proxy.ActionResult = _ => ProxyResult<SessionActionResultDto>.Fail(new(ProxyFailureKind.Forbidden, 403, "Forbidden", null));
        var cut = RenderDetail(Running with { State = "Stopped" });

        cut.Find("[data-testid=start-session]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=confirm-yes]").Click());

        cut.WaitForAssertion(() => Assert.Contains("The session was not started: you are not allowed to do that", cut.Markup));
        Assert.NotNull(cut.Find("[data-testid=session-name]"));
    }

    [Fact]
    public void A_start_whose_answer_was_lost_says_it_was_not_sent_again_and_the_state_read_afterwards()
    {
        CanStartStop();
        Proxy.ActionResult = _ => ProxyResult<SessionActionResultDto>.Success(
            new SessionActionResultDto("w-analytics", "sc-001", "start", "Starting", SessionActionOutcomes.Unconfirmed));
        var cut = RenderDetail(Running with { State = "Stopped" });

        cut.Find("[data-testid=start-session]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=confirm-yes]").Click());

        cut.WaitForAssertion(() => Assert.Contains("The cloud did not confirm the start (its answer was lost); it was not sent again. The session is Starting now.", cut.Markup));
        Assert.Single(Proxy.ActionRequests);
    }

    [Fact]
    public void Snippets_switch_between_public_and_internal_networks_without_tokens()
    {
        var cut = RenderDetail();
        Assert.Equal("public", cut.Find("[data-testid=connection-snippets]").GetAttribute("data-network"));
        Assert.Contains("sc-001.emr.example.com:443", cut.Find("[data-testid=jdbc-url]").TextContent);

        cut.Find("[data-testid=snippet-network-internal]").Click();

        cut.WaitForAssertion(() => Assert.Contains("sc-001.inner.example.com:80", cut.Find("[data-testid=jdbc-url]").TextContent));
        Assert.Contains("sc-001.inner.example.com:80", cut.Find("[data-testid=pyspark-line]").TextContent);
        Assert.All(cut.FindAll("[data-testid=snippet] pre"), p => Assert.Contains("<token>", p.TextContent));
    }

    [Fact]
    public void Public_snippets_are_not_offered_when_the_public_endpoint_is_off()
    {
        var cut = RenderDetail(detail: FakeProxyClient.DetailOf(Running, redacted: true) with { PublicEndpointEnabled = false });

        Assert.Empty(cut.FindAll("[data-testid=snippet-network-public]"));
        Assert.Equal("internal", cut.Find("[data-testid=connection-snippets]").GetAttribute("data-network"));
        Assert.DoesNotContain("sc-001.emr.example.com", cut.Find("[data-testid=connection-snippets]").TextContent);
    }
}
