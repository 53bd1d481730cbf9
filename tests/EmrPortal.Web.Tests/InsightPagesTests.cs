using EmrPortal.Contracts;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Components.Layout;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Tests;

/// <summary>Issue 10 pages: /errors, /diff, /audit, /workspaces/{ws} overview, and the nav.</summary>
public sealed class InsightPagesTests : PortalTestContext
{
    private static void WaitReady<T>(IRenderedComponent<T> cut, string testId) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find($"[data-testid={testId}]").GetAttribute("data-ready")));

    // ---- /errors ----

    [Fact]
    public void Triage_groups_error_sessions_by_code_most_frequent_first_with_links()
    {
        Proxy.ErrorGroups = _ => ProxyResult<IReadOnlyList<ErrorGroupDto>>.Success(
        [
            new("ERR_QUEUE", "Queue full", 1, [new("w-analytics", "sc-7", "etl", "alice")]),
            new("ERR_OOM", "Driver ran out of memory", 40, [new("w-analytics", "sc-1", null, "bob"), new("w-marketing", "sc-2", "report", null)]),
        ]);
        Navigation.NavigateTo("/errors");
        var cut = Render<ErrorTriage>();
        WaitReady(cut, "error-groups");

        var groups = cut.FindAll("[data-testid=error-group]");
        Assert.Equal(["ERR_OOM", "ERR_QUEUE"], groups.Select(g => g.GetAttribute("data-code")));
        Assert.Contains("40 sessions", groups[0].QuerySelector("[data-testid=error-count]")!.TextContent);
        Assert.Equal("Driver ran out of memory", groups[0].QuerySelector("[data-testid=error-sample]")!.TextContent);
        Assert.Equal(["/workspaces/w-analytics/sessions/sc-1", "/workspaces/w-marketing/sessions/sc-2"],
            groups[0].QuerySelectorAll("[data-testid=error-session-link]").Select(a => a.GetAttribute("href")));
        Assert.Contains("and 38 more", groups[0].QuerySelector("[data-testid=error-more]")!.TextContent);
        Assert.Null(Assert.Single(Proxy.ErrorRequests));
    }

    [Fact]
    public void Triage_workspace_filter_comes_from_the_url_and_bad_ids_mean_all()
    {
        Navigation.NavigateTo("/errors?workspace=w-analytics");
        var cut = Render<ErrorTriage>();
        WaitReady(cut, "error-groups");
        Assert.Equal("w-analytics", Assert.Single(Proxy.ErrorRequests));
        Assert.NotNull(cut.Find("[data-testid=no-errors]"));

        Navigation.NavigateTo("/errors?workspace=..%2Fx");
        cut.WaitForAssertion(() => Assert.Equal(2, Proxy.ErrorRequests.Count));
        Assert.Null(Proxy.ErrorRequests.Last());
    }

    // ---- /diff ----

    private void TwoSessions(bool rightRedacted = true)
    {
        var left = FakeProxyClient.Session("w-analytics", "sc-001");
        var right = FakeProxyClient.Session("w-marketing", "sc-002") with { ReleaseVersion = "esr-4.4.0" };
        Proxy.Details[("w-analytics", "sc-001")] = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(left, redacted: true));
        Proxy.Details[("w-marketing", "sc-002")] = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(right, redacted: rightRedacted) with
        {
            ApplicationConfigs =
            [
                new("spark-defaults.conf", "spark.executor.memory", "8g", false),
                new("spark-defaults.conf", "spark.hadoop.fs.oss.accessKeySecret", ApplicationConfigDto.RedactedValue, true),
                new("spark-defaults.conf", "spark.sql.shuffle.partitions", "400", false),
            ],
        });
    }

    [Fact]
    public void Diff_shows_both_sessions_side_by_side_with_differences_and_hidden_values_marked()
    {
        TwoSessions();
        Navigation.NavigateTo("/diff?left=w-analytics%2Fsc-001&right=w-marketing%2Fsc-002");
        var cut = Render<ConfigDiffPage>();
        WaitReady(cut, "diff");

        string Status(string key) => cut.Find($"[data-testid=diff-row][data-key='{key}']").GetAttribute("data-status")!;
        Assert.Equal("different", Status("Release"));
        Assert.Equal("different", Status("spark.executor.memory"));
        Assert.Equal("hidden", Status("spark.hadoop.fs.oss.accessKeySecret"));
        Assert.Equal("only-left", Status("hive.metastore.uris"));
        Assert.Equal("only-right", Status("spark.sql.shuffle.partitions"));
        Assert.Equal("same", Status("Kind"));
        var secret = cut.Find("[data-testid=diff-row][data-key='spark.hadoop.fs.oss.accessKeySecret']");
        Assert.Equal(2, secret.QuerySelectorAll("[data-testid=redacted-chip]").Length);
        Assert.DoesNotContain(ApplicationConfigDto.RedactedValue, cut.Markup, StringComparison.Ordinal);
        Assert.Contains("can't compare", secret.TextContent);
        Assert.Contains("diff-changed", cut.Find("[data-testid=diff-row][data-key='spark.executor.memory']").ClassName);

        cut.Find("input[data-testid=diff-only-changes]").Change(true);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=diff-row][data-status=same]")));
    }

    [Fact]
    public void Diff_never_shows_a_secret_that_only_one_side_may_see_unredacted_as_equal()
    {
        TwoSessions(rightRedacted: true);
        Proxy.Details[("w-analytics", "sc-001")] = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(FakeProxyClient.Session("w-analytics", "sc-001"), redacted: false));
        Navigation.NavigateTo("/diff?left=w-analytics%2Fsc-001&right=w-marketing%2Fsc-002");
        var cut = Render<ConfigDiffPage>();
        WaitReady(cut, "diff");

        var row = cut.Find("[data-testid=diff-row][data-key='spark.hadoop.fs.oss.accessKeySecret']");
        Assert.Equal("hidden", row.GetAttribute("data-status"));
        Assert.Single(row.QuerySelectorAll("[data-testid=redacted-chip]"));
    }

    [Fact]
    public void Diff_page_with_only_left_asks_for_the_other_session_and_compare_writes_the_url()
    {
        TwoSessions();
        Navigation.NavigateTo("/diff?left=w-analytics%2Fsc-001");
        var cut = Render<ConfigDiffPage>();
        Assert.NotNull(cut.Find("[data-testid=diff-pick]"));
        Assert.Equal("w-analytics/sc-001", cut.Find("#diff-left").GetAttribute("value"));
        Assert.Empty(Proxy.DetailRequests);

        cut.Find("#diff-right").Input("w-marketing/sc-002");
        cut.Find("[data-testid=diff-picker]").Submit();

        Assert.Equal("/diff?left=w-analytics%2Fsc-001&right=w-marketing%2Fsc-002", CurrentPathAndQuery);
        WaitReady(cut, "diff");
        Assert.Equal(2, Proxy.DetailRequests.Count);
    }

    [Fact]
    public void Diff_rejects_malformed_input_and_explains_a_session_you_cannot_see()
    {
        TwoSessions();
        Proxy.Details[("w-marketing", "sc-002")] = ProxyResult<SessionDetailDto>.Fail(new(ProxyFailureKind.Forbidden, 403, "Forbidden", null));
        Navigation.NavigateTo("/diff?left=w-analytics%2Fsc-001&right=w-marketing%2Fsc-002");
        var cut = Render<ConfigDiffPage>();
        WaitReady(cut, "diff");
        Assert.Contains("you don't have access", cut.Find("[data-testid=diff-failure]").TextContent);

        cut.Find("#diff-right").Input("not a ref");
        cut.Find("[data-testid=diff-picker]").Submit();
        Assert.NotNull(cut.Find("[data-testid=diff-input-error]"));
        Assert.Equal("/diff?left=w-analytics%2Fsc-001&right=w-marketing%2Fsc-002", CurrentPathAndQuery);
    }

    // ---- /audit ----

    [Fact]
    public void Audit_page_is_forbidden_for_non_admins_without_asking_the_proxy()
    {
        Navigation.NavigateTo("/audit");
        var cut = Render<AuditLog>();
        WaitReady(cut, "audit-log");

        Assert.Contains("Portal admins", cut.Find("[data-testid=forbidden-view]").TextContent);
        Assert.Empty(Proxy.AuditRequests);
    }

    [Fact]
    public void Audit_page_pages_and_filters_through_the_url()
    {
        AsAdmin();
        Proxy.Audit = q => ProxyResult<AuditPageDto>.Success(new(
            Enumerable.Range(1, q.PageSize).Select(i => new AuditEntryDto(i + (q.Page - 1) * q.PageSize, FakeProxyClient.T0.AddMinutes(-i), "admin", "Ada Admin",
                "reveal", "w-analytics", "sc-001", "ok")).ToList(), 120, q.Page, q.PageSize));
        Navigation.NavigateTo("/audit?user=admin&page=2");
        var cut = Render<AuditLog>();
        WaitReady(cut, "audit-log");

        Assert.Equal(new AuditQuery { Page = 2, User = "admin" }, Assert.Single(Proxy.AuditRequests));
        Assert.Equal(50, cut.FindAll("[data-testid=audit-row]").Count);
        Assert.Equal("51–100 of 120", cut.Find("[data-testid=pager-range]").TextContent);

        cut.Find("[data-testid=page-next]").Click();
        Assert.Equal("/audit?user=admin&page=3", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal(3, Proxy.AuditRequests.Last().Page));

        cut.Find("#audit-action").Change("reveal");
        Assert.Equal("/audit?user=admin&action=reveal", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal(new AuditQuery { User = "admin", Action = "reveal" }, Proxy.AuditRequests.Last()));
    }

    [Fact]
    public void Audit_nav_item_is_hidden_from_viewers()
    {
        var viewer = Render<PortalNav>();
        Assert.Empty(viewer.FindAll("[data-testid=nav-audit]"));
        Assert.NotNull(viewer.Find("[data-testid=nav-errors]"));
    }

    [Fact]
    public void Audit_nav_item_is_shown_to_admins()
    {
        AsAdmin();
        var admin = Render<PortalNav>();
        Assert.Equal("/audit", admin.Find("[data-testid=nav-audit]").GetAttribute("href"));
    }

    // ---- overview ----

    [Fact]
    public void Overview_renders_state_and_kind_charts_and_the_running_line_for_the_chosen_period()
    {
        Proxy.Overview = ProxyResult<WorkspaceOverviewDto>.Success(new("w-analytics",
            new Dictionary<string, int> { ["Running"] = 103, ["Error"] = 56, ["Stopped"] = 0 },
            new Dictionary<string, int> { ["SQL"] = 200, ["THRIFT"] = 120 },
            Enumerable.Range(0, 24).Select(h => new RunningPointDto(FakeProxyClient.T0.AddHours(h - 24), h % 5)).ToList(),
            Enumerable.Range(0, 7).Select(d => new RunningPointDto(FakeProxyClient.T0.AddDays(d - 7), 10 + d)).ToList(),
            FakeProxyClient.T0));
        Navigation.NavigateTo("/workspaces/w-analytics");
        var cut = Render<WorkspaceOverview>(p => p.Add(x => x.WorkspaceId, "w-analytics"));
        WaitReady(cut, "overview");

        Assert.NotNull(cut.Find("[data-testid=by-state-chart] svg"));
        Assert.Equal(["Running", "Error"], cut.FindAll("[data-testid=by-state-chart] [data-testid=chart-legend-item]").Select(i => i.GetAttribute("data-label")));
        Assert.Contains("Running: 103", cut.Find("[data-testid=by-state-chart]").TextContent);
        Assert.NotNull(cut.Find("[data-testid=by-kind-chart] svg"));
        Assert.Equal("24", cut.Find("[data-testid=running-chart]").GetAttribute("data-points"));
        Assert.NotNull(cut.Find("[data-testid=running-chart] svg"));

        cut.Find("[data-testid=range-7d]").Click();
        Assert.Equal("/workspaces/w-analytics?range=7d", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal("7", cut.Find("[data-testid=running-chart]").GetAttribute("data-points")));
        Assert.Contains("Now 16, peak 16", cut.Find("[data-testid=running-summary]").TextContent);
    }

    [Fact]
    public void Overview_of_a_forbidden_workspace_shows_the_no_access_page()
    {
        Proxy.Overview = ProxyResult<WorkspaceOverviewDto>.Fail(new(ProxyFailureKind.Forbidden, 403, "Forbidden", null));
        var cut = Render<WorkspaceOverview>(p => p.Add(x => x.WorkspaceId, "w-marketing"));
        cut.WaitForAssertion(() => Assert.Contains("workspace w-marketing", cut.Find("[data-testid=forbidden-view]").TextContent));
    }
}
