using EmrPortal.Contracts;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Tests;

public sealed class SessionListTests : PortalTestContext
{
    private IRenderedComponent<WorkspaceSessions> RenderList(string url = "/workspaces/w-analytics/sessions")
    {
        Navigation.NavigateTo(url);
        var cut = Render<WorkspaceSessions>(p => p.Add(x => x.WorkspaceId, "w-analytics"));
        return cut;
    }

    private static void WaitReady(IRenderedComponent<WorkspaceSessions> cut) =>
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=session-list]").GetAttribute("data-ready")));

    [Fact]
    public void List_renders_one_row_per_session_from_the_proxy_and_marks_itself_ready()
    {
        var cut = RenderList();
        WaitReady(cut);

        var rows = cut.FindAll("[data-testid=session-row]");
        Assert.Equal(["sc-001", "sc-002", "sc-003"], rows.Select(r => r.GetAttribute("data-session-id")));
        Assert.Contains("session sc-001", rows[0].QuerySelector("[data-testid=cell-name]")!.TextContent);
        Assert.Equal("Running", rows[0].QuerySelector("[data-testid=state-chip]")!.GetAttribute("data-state"));
        Assert.Single(Proxy.SessionRequests);
    }

    [Fact]
    public void Query_in_the_url_is_what_the_proxy_is_asked_for()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?page=3&pageSize=50&sort=name&dir=asc&state=Running&kind=SQL&queue=dev_queue&owner=alice&q=etl");
        WaitReady(cut);

        var (ws, q, _) = Assert.Single(Proxy.SessionRequests);
        Assert.Equal("w-analytics", ws);
        Assert.Equal(new SessionQuery { Page = 3, PageSize = 50, Sort = "name", Dir = "asc", State = "Running", Kind = "SQL", Queue = "dev_queue", Owner = "alice", Q = "etl" }, q);
    }

    [Fact]
    public void Unknown_sort_and_bad_page_values_in_a_link_fall_back_to_defaults()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?page=-4&pageSize=100000&sort=evil&dir=sideways");
        WaitReady(cut);

        var (_, q, _) = Assert.Single(Proxy.SessionRequests);
        Assert.Equal(new SessionQuery(), q);
    }

    [Fact]
    public void Clicking_a_column_header_sorts_through_the_url_and_a_second_click_flips_direction()
    {
        var cut = RenderList();
        WaitReady(cut);

        cut.Find("[data-testid=sort-name]").Click();
        Assert.Equal("/workspaces/w-analytics/sessions?sort=name&dir=asc", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.SessionRequests.Count));
        Assert.Equal(("name", "asc"), (Proxy.SessionRequests.Last().Query.Sort, Proxy.SessionRequests.Last().Query.Dir));
        WaitReady(cut);
        Assert.Equal("ascending", cut.Find("[data-testid=header-name]").GetAttribute("aria-sort"));

        cut.Find("[data-testid=sort-name]").Click();
        // desc is the default direction, so it is left out of the link.
        Assert.Equal("/workspaces/w-analytics/sessions?sort=name", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal(3, Proxy.SessionRequests.Count));
        Assert.Equal("desc", Proxy.SessionRequests.Last().Query.Dir);
    }

    [Fact]
    public void Next_page_button_writes_page_to_the_url_and_requests_that_page()
    {
        Proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, FakeProxyClient.Sample(ws!, 25), total: 320));
        var cut = RenderList();
        WaitReady(cut);
        Assert.Equal("1–25 of 320", cut.Find("[data-testid=pager-range]").TextContent);

        cut.Find("[data-testid=page-next]").Click();

        Assert.Equal("/workspaces/w-analytics/sessions?page=2", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.SessionRequests.Last().Query.Page));
        WaitReady(cut);
        Assert.Equal("26–50 of 320", cut.Find("[data-testid=pager-range]").TextContent);
    }

    [Fact]
    public void Changing_a_filter_resets_to_page_one_and_filters_the_request()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?page=4");
        WaitReady(cut);

        cut.Find("#filter-queue").Change("prod_queue");

        Assert.Equal("/workspaces/w-analytics/sessions?queue=prod_queue", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.SessionRequests.Count));
        var q = Proxy.SessionRequests.Last().Query;
        Assert.Equal(("prod_queue", 1), (q.Queue, q.Page));
    }

    [Fact]
    public void Search_is_debounced_300ms_and_only_the_last_text_reaches_the_url()
    {
        var cut = RenderList();
        WaitReady(cut);
        var search = cut.Find("#session-search");

        search.Input("e");
        search.Input("et");
        search.Input("etl");
        cut.WaitForAssertion(() => Assert.Equal("etl", cut.Find("[data-testid=toolbar]").GetAttribute("data-pending-search")));
        Time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.Equal("/workspaces/w-analytics/sessions", CurrentPathAndQuery);
        Assert.Single(Proxy.SessionRequests);

        Time.Advance(TimeSpan.FromMilliseconds(1));
        cut.WaitForAssertion(() => Assert.Equal("/workspaces/w-analytics/sessions?q=etl", CurrentPathAndQuery));
        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.SessionRequests.Count));
        Assert.Equal("etl", Proxy.SessionRequests.Last().Query.Q);
        Assert.Equal(1, FakeNavigation.History.Count(h => h.Uri.Contains("q=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Same_url_again_does_not_load_again()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?sort=name");
        WaitReady(cut);

        Navigation.NavigateTo("/workspaces/w-analytics/sessions?sort=name");
        cut.Render();

        Assert.Single(Proxy.SessionRequests);
    }

    [Fact]
    public void A_newer_query_cancels_the_load_it_overtakes()
    {
        Proxy.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cut = RenderList();
        cut.WaitForAssertion(() => Assert.Single(Proxy.SessionRequests));
        Assert.NotEmpty(cut.FindAll("[data-testid=loading-skeleton]"));
        Assert.Equal("false", cut.Find("[data-testid=session-list]").GetAttribute("data-ready"));

        Navigation.NavigateTo("/workspaces/w-analytics/sessions?state=Error");
        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.SessionRequests.Count));

        var first = Proxy.SessionRequests.First();
        Assert.True(first.Token.IsCancellationRequested);
        Assert.False(Proxy.SessionRequests.Last().Token.IsCancellationRequested);
        Proxy.Gate.SetResult();
        WaitReady(cut);
    }

    [Fact]
    public void Stale_data_being_revalidated_shows_a_quiet_refreshing_note_and_no_warning()
    {
        Proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(
            FakeProxyClient.Page(q, FakeProxyClient.Sample(ws!, 2), stale: true) with { Revalidating = true });
        var cut = RenderList();
        WaitReady(cut);

        Assert.Empty(cut.FindAll("[data-testid=stale-banner]"));
        Assert.Empty(cut.FindAll(".mud-alert"));
        Assert.Equal("refreshing…", cut.Find("[data-testid=refreshing-note]").TextContent.Trim());
    }

    [Fact]
    public void A_failed_refresh_shows_the_warning_with_since_when_and_the_cause()
    {
        var since = FakeProxyClient.T0.AddMinutes(-7);
        Proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(
            FakeProxyClient.Page(q, FakeProxyClient.Sample(ws!, 2), stale: true) with
            {
                AsOf = FakeProxyClient.T0.AddMinutes(-9),
                RefreshFailure = new RefreshFailureDto(ws!, since, FakeProxyClient.T0.AddSeconds(-5), RefreshFailureCauses.Throttled),
            });
        var cut = RenderList();
        WaitReady(cut);

        var banner = cut.Find("[data-testid=stale-banner]");
        var text = System.Text.RegularExpressions.Regex.Replace(banner.TextContent, @"\s+", " ");
        Assert.Equal(RefreshFailureCauses.Throttled, banner.GetAttribute("data-cause"));
        Assert.Contains("as of 9 min ago", text);
        Assert.Contains("failing for 7 min", text);
        Assert.Equal(RelativeTime.Absolute(since, TimeZoneInfo.Utc), cut.Find("[data-testid=stale-since]").TextContent);
        Assert.Equal("it is throttling the portal's requests (flow control)", cut.Find("[data-testid=stale-cause]").TextContent);
        Assert.DoesNotContain("not answering", text);
        Assert.Empty(cut.FindAll("[data-testid=refreshing-note]"));
    }

    [Theory]
    [InlineData(RefreshFailureCauses.Throttled, "throttling")]
    [InlineData(RefreshFailureCauses.TimedOut, "timed out")]
    [InlineData(RefreshFailureCauses.Permission, "permission")]
    [InlineData(RefreshFailureCauses.Credentials, "credentials")]
    [InlineData(RefreshFailureCauses.Unavailable, "failing or unreachable")]
    [InlineData("SomethingNew", "failing or unreachable")]
    public void Each_refresh_failure_cause_reads_in_words(string cause, string words)
    {
        var cut = Render<StaleBanner>(p => p
            .Add(x => x.Stale, true)
            .Add(x => x.AsOf, FakeProxyClient.T0.AddMinutes(-2))
            .Add(x => x.Now, FakeProxyClient.T0)
            .Add(x => x.Failure, new RefreshFailureDto("w-analytics", FakeProxyClient.T0.AddMinutes(-1), FakeProxyClient.T0, cause)));

        Assert.Contains(words, cut.Find("[data-testid=stale-cause]").TextContent);
    }

    [Fact]
    public void The_live_region_announces_refreshing_then_how_many_sessions_loaded()
    {
        Proxy.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, FakeProxyClient.Sample(ws!, 3), total: 60));
        var cut = RenderList();

        var region = cut.Find("[data-testid=list-announcer]");
        Assert.Equal("polite", region.GetAttribute("aria-live"));
        Assert.Equal("status", region.GetAttribute("role"));
        cut.WaitForAssertion(() => Assert.Equal("Refreshing…", cut.Find("[data-testid=list-announcer]").TextContent));

        Proxy.Gate.SetResult();
        WaitReady(cut);
        Assert.Equal("Loaded 60 sessions", cut.Find("[data-testid=list-announcer]").TextContent);
    }

    [Fact]
    public void Fresh_data_shows_no_stale_banner()
    {
        var cut = RenderList();
        WaitReady(cut);
        Assert.Empty(cut.FindAll("[data-testid=stale-banner]"));
    }

    [Fact]
    public void Empty_result_shows_the_empty_state_with_a_way_to_clear_filters()
    {
        Proxy.Sessions = (_, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, []));
        var cut = RenderList("/workspaces/w-analytics/sessions?state=Error");
        WaitReady(cut);

        Assert.Contains("No session matches these filters", cut.Find("[data-testid=empty-state]").TextContent);
        cut.Find("[data-testid=clear-filters]").Click();
        Assert.Equal("/workspaces/w-analytics/sessions", CurrentPathAndQuery);
    }

    [Fact]
    public void Forbidden_workspace_shows_the_no_access_page_naming_the_workspace()
    {
        Proxy.Sessions = (_, _, _) => ProxyResult<SessionPageDto>.Fail(new(ProxyFailureKind.Forbidden, 403, "Forbidden", "t-1"));
        var cut = RenderList();

        cut.WaitForAssertion(() => Assert.Contains("You don't have access to workspace w-analytics", cut.Find("[data-testid=forbidden-view]").TextContent));
        Assert.Contains("ask a Portal admin", cut.Find("[data-testid=forbidden-view]").TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(cut.FindAll("[data-testid=session-row]"));
    }

    [Fact]
    public void A_workspace_the_clouds_RAM_denies_to_the_portal_shows_the_cloud_permission_message_not_no_access()
    {
        Proxy.Sessions = (_, _, _) => ProxyResult<SessionPageDto>.Fail(new(ProxyFailureKind.CloudPermissionDenied, 403, ProblemTypes.CloudPermissionDeniedDetail, "t-2"));
        var cut = RenderList();

        cut.WaitForAssertion(() => Assert.Equal(
            "The portal's cloud identity has no permission on this workspace.",
            cut.Find("[data-testid=cloud-permission-message]").TextContent.Trim()));
        Assert.Contains("w-analytics", cut.Find("[data-testid=cloud-permission-view]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=forbidden-view]"));
        Assert.Empty(cut.FindAll("[data-testid=session-row]"));
    }

    [Fact]
    public void Unknown_workspace_shows_the_not_found_page()
    {
        Proxy.Sessions = (_, _, _) => ProxyResult<SessionPageDto>.Fail(new(ProxyFailureKind.NotFound, 404, "Not found", null));
        var cut = RenderList();
        cut.WaitForAssertion(() => Assert.Contains("Workspace not found", cut.Find("[data-testid=not-found-view]").TextContent));
    }

    [Fact]
    public void Proxy_failure_shows_an_error_with_trace_id_and_retry_loads_again()
    {
        var fail = true;
        Proxy.Sessions = (ws, q, _) => fail
            ? ProxyResult<SessionPageDto>.Fail(new(ProxyFailureKind.Unavailable, 503, "The portal's backend failed to answer.", "abc123"))
            : ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, FakeProxyClient.Sample(ws!, 2)));
        var cut = RenderList();
        cut.WaitForAssertion(() => Assert.Equal("abc123", cut.Find("[data-testid=trace-id]").TextContent));
        Assert.DoesNotContain("Exception", cut.Markup, StringComparison.Ordinal);

        fail = false;
        cut.Find("[data-testid=retry]").Click();

        WaitReady(cut);
        Assert.Equal(2, cut.FindAll("[data-testid=session-row]").Count);
    }

    [Fact]
    public void Cold_workspace_shows_scan_progress_while_the_first_page_waits()
    {
        Proxy.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Proxy.Scan = new("w-analytics", "Scanning", 4300, 10000, null);
        var cut = RenderList();
        cut.WaitForAssertion(() => Assert.Single(Proxy.SessionRequests));

        Time.Advance(TimeSpan.FromMilliseconds(750));

        cut.WaitForAssertion(() => Assert.Contains("4,300 of 10,000 sessions", cut.Find("[data-testid=scan-progress]").TextContent));
        Proxy.Gate.SetResult();
        WaitReady(cut);
        Assert.Empty(cut.FindAll("[data-testid=scan-progress]"));
    }

    [Fact]
    public void Auto_refresh_is_off_by_default_and_when_on_reloads_every_15s_highlighting_changed_states()
    {
        Proxy.Sessions = (ws, q, n) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q,
            [FakeProxyClient.Session(ws!, "sc-001", n == 1 ? "Starting" : "Running"), FakeProxyClient.Session(ws!, "sc-002")]));
        var cut = RenderList();
        WaitReady(cut);
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Single(Proxy.SessionRequests);

        cut.Find("input[data-testid=auto-refresh]").Change(true);
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=session-list]").GetAttribute("data-auto-refresh")));
        Time.Advance(TimeSpan.FromSeconds(15));

        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.SessionRequests.Count));
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-session-id=sc-001]").GetAttribute("data-changed")));
        Assert.Null(cut.Find("[data-session-id=sc-002]").GetAttribute("data-changed"));
    }

    [Fact]
    public void Sessions_without_auto_stop_are_flagged_as_a_cost_risk()
    {
        Proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q,
            [FakeProxyClient.Session(ws!, "sc-001", autoStop: false), FakeProxyClient.Session(ws!, "sc-002", autoStop: true)]));
        var cut = RenderList();
        WaitReady(cut);

        Assert.NotNull(cut.Find("[data-session-id=sc-001] [data-testid=no-auto-stop]"));
        Assert.Contains("after 45 min idle", cut.Find("[data-session-id=sc-002] [data-testid=cell-autostop]").TextContent);
    }

    [Fact]
    public void State_reason_is_a_plain_title_tooltip_on_the_chip()
    {
        Proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, [FakeProxyClient.Session(ws!, "sc-009", "Error")]));
        var cut = RenderList();
        WaitReady(cut);

        Assert.Equal("ERR_OOM: Driver ran out of memory", cut.Find("[data-testid=state-chip]").GetAttribute("title"));
    }

    [Fact]
    public void Detail_links_carry_the_list_url_so_the_breadcrumb_can_return_to_it()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?sort=name&dir=asc&page=2");
        WaitReady(cut);

        var href = cut.Find("[data-session-id=sc-001] [data-testid=session-link]").GetAttribute("href");
        Assert.Equal("/workspaces/w-analytics/sessions/sc-001?from=" + Uri.EscapeDataString("/workspaces/w-analytics/sessions?sort=name&dir=asc&page=2"), href);
    }

    [Fact]
    public void Export_button_points_at_the_web_csv_endpoint_with_the_same_query()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?state=Running&sort=name");
        WaitReady(cut);

        Assert.Equal("/export/workspaces/w-analytics/sessions.csv?sort=name&state=Running", cut.Find("a[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public void Column_chooser_hides_a_column()
    {
        Navigation.NavigateTo("/workspaces/w-analytics/sessions");
        // The chooser is a menu: its items render in the popover provider, as in the app's layout.
        var host = Render(b =>
        {
            b.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<WorkspaceSessions>(1);
            b.AddAttribute(2, nameof(WorkspaceSessions.WorkspaceId), "w-analytics");
            b.CloseComponent();
        });
        host.WaitForAssertion(() => Assert.Equal("true", host.Find("[data-testid=session-list]").GetAttribute("data-ready")));
        Assert.NotEmpty(host.FindAll("[data-testid=cell-queue]"));

        host.Find("[data-testid=column-chooser] button").Click();
        host.WaitForAssertion(() => host.Find("input[data-testid=column-toggle-queue]").Change(false));

        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=cell-queue]")));
        Assert.Empty(host.FindAll("[data-testid=header-queue]"));
        Assert.NotEmpty(host.FindAll("[data-testid=cell-owner]"));
    }
}
