using EmrPortal.Contracts;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;

namespace EmrPortal.Web.Tests;

/// <summary>Issue 10 on the session list: mine/everyone, listed filter, state-since, badges, pins, saved views.</summary>
public sealed class ListInsightsTests : PortalTestContext
{
    private static readonly MeDto OwnerViewer = new("viewer", "Vic Viewer", ["Portal.Viewer"], ["w-analytics"], IsAdmin: false) { CloudUserNames = ["alice"] };

    /// <summary>The page inside the providers the app's layout has (popovers for menus, dialogs).</summary>
    private IRenderedComponent<IComponent> RenderList(string url = "/workspaces/w-analytics/sessions")
    {
        Navigation.NavigateTo(url);
        var host = Render(b =>
        {
            b.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudBlazor.MudDialogProvider>(1);
            b.CloseComponent();
            b.OpenComponent<WorkspaceSessions>(2);
            b.AddAttribute(3, nameof(WorkspaceSessions.WorkspaceId), "w-analytics");
            b.CloseComponent();
        });
        WaitReady(host);
        return host;
    }

    private static void WaitReady(IRenderedComponent<IComponent> cut) =>
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=session-list]").GetAttribute("data-ready")));

    private void Items(params SessionSummaryDto[] items) =>
        Proxy.Sessions = (_, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, items));

    [Fact]
    public void Viewer_who_owns_sessions_sees_mine_by_default_without_the_url_changing()
    {
        Proxy.Me = OwnerViewer;
        var cut = RenderList();

        Assert.True(Assert.Single(Proxy.SessionRequests).Query.Mine);
        Assert.Equal("/workspaces/w-analytics/sessions", CurrentPathAndQuery);
        Assert.Single(FakeNavigation.History);
        Assert.Equal("true", cut.Find("[data-testid=mine-mine]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Explicit_mine_false_in_the_url_shows_everyone_for_an_owner()
    {
        Proxy.Me = OwnerViewer;
        var cut = RenderList("/workspaces/w-analytics/sessions?mine=false");

        Assert.False(Assert.Single(Proxy.SessionRequests).Query.Mine);
        Assert.Equal("true", cut.Find("[data-testid=mine-everyone]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Toggle_writes_an_explicit_choice_to_the_url_and_reloads_once()
    {
        Proxy.Me = OwnerViewer;
        var cut = RenderList("/workspaces/w-analytics/sessions?state=Running&page=3");

        cut.Find("[data-testid=mine-everyone]").Click();
        Assert.Equal("/workspaces/w-analytics/sessions?state=Running&mine=false", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.SessionRequests.Count));
        Assert.False(Proxy.SessionRequests.Last().Query.Mine);
        WaitReady(cut);

        cut.Find("[data-testid=mine-mine]").Click();
        Assert.Equal("/workspaces/w-analytics/sessions?state=Running&mine=true", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal(3, Proxy.SessionRequests.Count));
        Assert.True(Proxy.SessionRequests.Last().Query.Mine);
    }

    [Fact]
    public void Sorting_keeps_the_explicit_mine_choice_and_absent_stays_absent()
    {
        Proxy.Me = OwnerViewer;
        var cut = RenderList("/workspaces/w-analytics/sessions?mine=false");
        cut.Find("[data-testid=sort-name]").Click();
        Assert.Equal("/workspaces/w-analytics/sessions?mine=false&sort=name&dir=asc", CurrentPathAndQuery);
    }

    [Fact]
    public void Sorting_from_a_viewers_default_writes_mine_into_the_url_so_the_link_says_what_it_shows()
    {
        Proxy.Me = OwnerViewer;
        var cut = RenderList();
        cut.Find("[data-testid=sort-name]").Click();
        Assert.Equal("/workspaces/w-analytics/sessions?sort=name&dir=asc&mine=true", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.SessionRequests.Count));
        Assert.True(Proxy.SessionRequests.Last().Query.Mine);
    }

    [Fact]
    public void Unmapped_viewers_default_to_everyone_and_get_no_toggle()
    {
        var cut = RenderList();
        Assert.False(Assert.Single(Proxy.SessionRequests).Query.Mine);
        Assert.Empty(cut.FindAll("[data-testid=mine-toggle]"));
    }

    [Fact]
    public void Admins_with_a_mapping_default_to_everyone()
    {
        AsAdmin();
        Proxy.Me = Proxy.Me with { CloudUserNames = ["ada"] };
        var admin = RenderList();
        Assert.False(Proxy.SessionRequests.Last().Query.Mine);
        Assert.Equal("true", admin.Find("[data-testid=mine-everyone]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Listed_filter_from_the_url_reaches_the_proxy_marks_gone_rows_and_clears_with_the_filters()
    {
        Proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, q.Listed is null ? [] :
            [FakeProxyClient.Session(ws!, "sc-001") with { NoLongerListed = true }, FakeProxyClient.Session(ws!, "sc-002")]));
        var cut = RenderList("/workspaces/w-analytics/sessions?listed=all");

        Assert.Equal("all", Assert.Single(Proxy.SessionRequests).Query.Listed);
        Assert.NotNull(cut.Find("[data-session-id=sc-001] [data-testid=no-longer-listed]"));
        Assert.Empty(cut.FindAll("[data-session-id=sc-002] [data-testid=no-longer-listed]"));
        Assert.Equal("/export/workspaces/w-analytics/sessions.csv?listed=all", cut.Find("a[data-testid=export-csv]").GetAttribute("href"));

        Navigation.NavigateTo("/workspaces/w-analytics/sessions?listed=current");
        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.SessionRequests.Count));
        Assert.Null(Proxy.SessionRequests.Last().Query.Listed);
        WaitReady(cut);
        Navigation.NavigateTo("/workspaces/w-analytics/sessions?listed=gone");
        WaitReady(cut);
        cut.WaitForAssertion(() => Assert.Equal("gone", Proxy.SessionRequests.Last().Query.Listed));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=session-row]")));
        Proxy.Sessions = (_, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, []));
        Navigation.NavigateTo("/workspaces/w-analytics/sessions?listed=gone&state=Error");
        cut.WaitForAssertion(() => cut.Find("[data-testid=clear-filters]").Click());
        Assert.Equal("/workspaces/w-analytics/sessions", CurrentPathAndQuery);
    }

    [Fact]
    public void A_state_time_the_portal_observed_is_labelled_as_observed()
    {
        Items(FakeProxyClient.Session("w-analytics", "sc-001", "Stopped") with { StateSince = FakeProxyClient.T0.AddHours(-3), StateSinceObserved = true });
        var cut = RenderList();

        var since = cut.Find("[data-session-id=sc-001] [data-testid=state-since]");
        Assert.Equal("for ≥ 3 h", since.TextContent.Trim());
        Assert.Equal("observed", since.GetAttribute("data-source"));
        Assert.StartsWith("Observed by the portal since 2026-11-25 09:00:00", since.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Equal("Observed by the portal in this state for 3 h", cut.Find("[data-session-id=sc-001] [data-testid=state-chip]").GetAttribute("title"));
    }

    [Fact]
    public void State_cell_says_how_long_the_session_has_been_in_its_state()
    {
        Items(FakeProxyClient.Session("w-analytics", "sc-001") with { StateSince = FakeProxyClient.T0.AddHours(-3) }, FakeProxyClient.Session("w-analytics", "sc-002"));
        var cut = RenderList();

        Assert.Equal("for 3 h", cut.Find("[data-session-id=sc-001] [data-testid=state-since]").TextContent.Trim());
        Assert.Equal("In this state for 3 h", cut.Find("[data-session-id=sc-001] [data-testid=state-chip]").GetAttribute("title"));
        Assert.Empty(cut.FindAll("[data-session-id=sc-002] [data-testid=state-since]"));
    }

    [Fact]
    public void Outdated_release_gets_a_drift_badge()
    {
        Items(FakeProxyClient.Session("w-analytics", "sc-001") with { ReleaseOutdated = true }, FakeProxyClient.Session("w-analytics", "sc-002"));
        var cut = RenderList();

        Assert.Contains("no longer offered, or is a major version behind", cut.Find("[data-session-id=sc-001] [data-testid=release-outdated]").GetAttribute("title"));
        Assert.Empty(cut.FindAll("[data-session-id=sc-002] [data-testid=release-outdated]"));
    }

    [Fact]
    public void Pinning_a_row_calls_the_proxy_and_shows_it_in_the_pinned_section_and_unpinning_removes_it()
    {
        var s2 = FakeProxyClient.Session("w-analytics", "sc-002");
        Proxy.Details[("w-analytics", "sc-002")] = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(s2, redacted: true));
        var cut = RenderList();
        Assert.Empty(cut.FindAll("[data-testid=pinned-section]"));

        cut.Find("[data-testid=session-table] [data-session-id=sc-002] [data-testid=pin-toggle]").Click();

        Assert.Equal(("w-analytics", "sc-002", true), Assert.Single(Proxy.PinRequests));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=pinned-section] [data-session-id=sc-002]")));
        Assert.Equal("true", cut.Find("[data-testid=session-table] [data-session-id=sc-002] [data-testid=pin-toggle]").GetAttribute("aria-pressed"));

        cut.Find("[data-testid=pinned-section] [data-session-id=sc-002] [data-testid=pin-toggle]").Click();

        Assert.Equal(("w-analytics", "sc-002", false), Proxy.PinRequests.Last());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=pinned-section]")));
    }

    [Fact]
    public void Pins_of_this_workspace_are_shown_above_the_list_newest_first()
    {
        Proxy.Pins.Add(new("w-analytics", "sc-101", FakeProxyClient.T0.AddDays(-2)));
        Proxy.Pins.Add(new("w-analytics", "sc-102", FakeProxyClient.T0.AddDays(-1)));
        Proxy.Pins.Add(new("w-marketing", "sc-900", FakeProxyClient.T0));
        foreach (var id in new[] { "sc-101", "sc-102" })
            Proxy.Details[("w-analytics", id)] = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(FakeProxyClient.Session("w-analytics", id), redacted: true));
        var cut = RenderList();

        cut.WaitForAssertion(() => Assert.Equal(["sc-102", "sc-101"],
            cut.FindAll("[data-testid=pinned-table] [data-testid=session-row]").Select(r => r.GetAttribute("data-session-id"))));
        Assert.DoesNotContain(Proxy.DetailRequests, r => r.Workspace == "w-marketing");
        Assert.Empty(cut.FindAll("[data-testid=pinned-table] [data-testid=sort-name]"));
    }

    [Fact]
    public void Views_menu_lists_team_views_as_list_links_and_offers_delete_only_for_your_own()
    {
        Proxy.Views.Add(new(Guid.NewGuid(), "w-analytics", "Errors today", "state=Error&sort=name", "viewer", FakeProxyClient.T0));
        var theirs = new SavedViewDto(Guid.NewGuid(), "w-analytics", "Ada's SQL", "kind=SQL", "admin", FakeProxyClient.T0);
        Proxy.Views.Add(theirs);
        var cut = RenderList();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=saved-views]").GetAttribute("data-ready")));
        cut.Find("[data-testid=views-menu] button").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=saved-view]").Count));
        var links = cut.FindAll("[data-testid=saved-view-link]").ToDictionary(a => a.TextContent, a => a.GetAttribute("href"));
        Assert.Equal("/workspaces/w-analytics/sessions?sort=name&state=Error", links["Errors today"]);
        Assert.Equal("/workspaces/w-analytics/sessions?kind=SQL", links["Ada's SQL"]);
        Assert.Empty(cut.Find($"[data-view-id='{theirs.Id}']").QuerySelectorAll("[data-testid=delete-view]"));

        cut.Find("[data-testid=delete-view]").Click();

        cut.WaitForAssertion(() => Assert.Single(Proxy.DeletedViews));
        Assert.Equal("w-analytics", Proxy.DeletedViews.Single().Workspace);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=saved-view]")));
    }

    [Fact]
    public void Save_view_asks_for_a_name_and_posts_the_current_list_state()
    {
        Proxy.Me = OwnerViewer;
        var cut = RenderList("/workspaces/w-analytics/sessions?state=Error&page=2&mine=false&listed=all");

        cut.Find("[data-testid=save-view]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#save-view-name")));
        Assert.True(cut.Find("[data-testid=save-view-confirm]").HasAttribute("disabled"));
        cut.Find("#save-view-name").Input("  Broken ones ");
        cut.Find("[data-testid=save-view-confirm]").Click();

        cut.WaitForAssertion(() => Assert.Single(Proxy.SavedViewRequests));
        var (ws, request) = Proxy.SavedViewRequests.Single();
        Assert.Equal(("w-analytics", "Broken ones", "state=Error&listed=all&mine=false"), (ws, request.Name, request.Query));
        cut.WaitForAssertion(() => Assert.Contains("Views (1)", cut.Find("[data-testid=views-menu]").TextContent));
    }

    [Fact]
    public void Cancelling_the_save_dialog_saves_nothing()
    {
        var cut = RenderList();
        cut.Find("[data-testid=save-view]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=save-view-cancel]").Click());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#save-view-name")));
        Assert.Empty(Proxy.SavedViewRequests);
    }
}
