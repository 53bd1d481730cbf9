using EmrPortal.Contracts;
using EmrPortal.Web.Components.Insights;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Components.SessionList;
using EmrPortal.Web.Components.Sessions;
using EmrPortal.Web.Extensions;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EmrPortal.Web.Tests;

/// <summary>Issue 17 items 9, 11, 12 and table captions, in components: pinned filters, one palette, reason filter, triage card.</summary>
public sealed class ScanClarityTests : PortalTestContext
{
    private IRenderedComponent<IComponent> RenderList(string url)
    {
        Navigation.NavigateTo(url);
        var host = Render(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<WorkspaceSessions>(1);
            b.AddAttribute(2, nameof(WorkspaceSessions.WorkspaceId), "w-analytics");
            b.CloseComponent();
        });
        host.WaitForAssertion(() => Assert.Equal("true", host.Find("[data-testid=session-list]").GetAttribute("data-ready")));
        return host;
    }

    private void Pin(SessionSummaryDto s)
    {
        Proxy.Pins.Add(new(s.WorkspaceId, s.SessionClusterId, FakeProxyClient.T0));
        Proxy.Details[(s.WorkspaceId, s.SessionClusterId)] = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(s, redacted: true));
    }

    // ---- Item 9: the pinned section honours the list's filters and uses the list's table ----

    [Fact]
    public void A_pinned_session_the_filters_exclude_is_not_shown_and_a_note_counts_it()
    {
        Pin(FakeProxyClient.Session("w-analytics", "sc-101", state: "Running"));
        Pin(FakeProxyClient.Session("w-analytics", "sc-102", state: "Error"));

        var cut = RenderList("/workspaces/w-analytics/sessions?mine=false");
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=pinned-table] [data-testid=session-row]").Count));
        Assert.Empty(cut.FindAll("[data-testid=pinned-hidden]"));

        Navigation.NavigateTo("/workspaces/w-analytics/sessions?mine=false&state=Error");
        cut.WaitForAssertion(() => Assert.Equal(["sc-102"],
            cut.FindAll("[data-testid=pinned-table] [data-testid=session-row]").Select(r => r.GetAttribute("data-session-id"))));
        Assert.Equal("1", cut.Find("[data-testid=pinned-hidden]").GetAttribute("data-count"));
        Assert.Contains("1 pinned session is hidden by the list's filters", cut.Find("[data-testid=pinned-hidden]").TextContent);

        Navigation.NavigateTo("/workspaces/w-analytics/sessions?mine=false&q=nothing-matches");
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=pinned-hidden]").GetAttribute("data-count")));
        Assert.Empty(cut.FindAll("[data-testid=pinned-table]"));
    }

    [Fact]
    public void Pinned_and_list_tables_share_their_columns_and_each_has_a_caption()
    {
        Pin(FakeProxyClient.Session("w-analytics", "sc-101"));
        var cut = RenderList("/workspaces/w-analytics/sessions?mine=false");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=pinned-table] [data-testid=session-row]")));

        string[] Cols(string table) => cut.FindAll($"[data-testid={table}] col").Select(c => c.GetAttribute("class")!).ToArray();
        Assert.Equal(Cols("session-table"), Cols("pinned-table"));
        Assert.Contains("col-name", Cols("session-table"));
        Assert.Equal("Sessions in w-analytics", cut.Find("[data-testid=session-table] caption").TextContent);
        Assert.Equal("Pinned sessions", cut.Find("[data-testid=pinned-table] caption").TextContent);
    }

    [Theory]
    [InlineData("state=Running", true)]
    [InlineData("state=running", true)]
    [InlineData("state=Error", false)]
    [InlineData("kind=sql", true)]
    [InlineData("queue=DEV", true)]
    [InlineData("owner=ALI", true)]
    [InlineData("owner=bob", false)]
    [InlineData("q=sc-1", true)]
    [InlineData("q=zzz", false)]
    [InlineData("reason=ERR_OOM", false)]
    [InlineData("listed=gone", false)]
    [InlineData("listed=all", true)]
    [InlineData("mine=true", true)]
    public void A_pinned_row_is_in_view_as_the_proxy_would_filter_it(string query, bool inView)
    {
        var s = FakeProxyClient.Session("w-analytics", "sc-101");
        var parts = query.Split('=');
        var q = SessionQueryBinding.Normalize(null, null, null, null,
            parts[0] == "state" ? parts[1] : null, parts[0] == "kind" ? parts[1] : null, parts[0] == "queue" ? parts[1] : null,
            parts[0] == "owner" ? parts[1] : null, parts[0] == "q" ? parts[1] : null, parts[0] == "mine" ? true : null,
            parts[0] == "listed" ? parts[1] : null, parts[0] == "reason" ? parts[1] : null);

        Assert.Equal(inView, SessionListState.InView(q, s, ["Alice"]));
    }

    [Fact]
    public void Mine_and_reason_match_as_the_proxy_does()
    {
        var error = FakeProxyClient.Session("w-analytics", "sc-1", state: "Error");
        var noCode = FakeProxyClient.Session("w-analytics", "sc-2") with { StateChangeReasonCode = null };

        Assert.True(SessionListState.InView(new SessionQuery { Reason = "err_oom" }, error, null));
        Assert.False(SessionListState.InView(new SessionQuery { Reason = "ERR" }, error, null));
        Assert.True(SessionListState.InView(new SessionQuery { Reason = ReasonFilter.NoCode }, noCode, null));
        Assert.False(SessionListState.InView(new SessionQuery { Mine = true }, error, null));
        Assert.True(SessionListState.InView(new SessionQuery { Mine = true }, error, ["u-1"]));
        Assert.False(SessionListState.InView(new SessionQuery(), error with { NoLongerListed = true }, null));
    }

    // ---- Item 9: the release badge is the proxy's decision, shown only where it is set ----

    [Fact]
    public void The_release_badge_shows_only_on_rows_the_proxy_marks_as_drifted()
    {
        Proxy.Sessions = (_, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q,
        [
            FakeProxyClient.Session("w-analytics", "sc-001") with { ReleaseVersion = "esr-3.3.1", ReleaseOutdated = true },
            FakeProxyClient.Session("w-analytics", "sc-002") with { ReleaseVersion = "esr-4.0.0" },
        ]));
        var cut = RenderList("/workspaces/w-analytics/sessions?mine=false");

        Assert.Single(cut.FindAll("[data-session-id=sc-001] [data-testid=release-outdated]"));
        Assert.Empty(cut.FindAll("[data-session-id=sc-002] [data-testid=release-outdated]"));
        var release = cut.Find("[data-session-id=sc-002] [data-testid=cell-release] .cell-truncate");
        Assert.Equal("esr-4.3.0 (Spark 3.5.2)", release.GetAttribute("title"));
    }

    [Fact]
    public void Each_cell_carries_its_full_text_as_a_title()
    {
        var name = new string('N', 300);
        Proxy.Sessions = (_, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, [FakeProxyClient.Session("w-analytics", "sc-001", name: name)]));
        var cut = RenderList("/workspaces/w-analytics/sessions?mine=false");

        Assert.Equal(name, cut.Find("[data-session-id=sc-001] [data-testid=session-link]").GetAttribute("title"));
        // The title holds at least the full text (the owner's also names the user id).
        Assert.All(cut.FindAll("[data-session-id=sc-001] .cell-truncate"), e => Assert.StartsWith(e.TextContent.Trim(), e.GetAttribute("title")));
        Assert.Equal("alice (u-1)", cut.Find("[data-session-id=sc-001] [data-testid=cell-owner] .cell-truncate").GetAttribute("title"));
    }

    // ---- Item 11: one palette ----

    [Fact]
    public void Every_documented_state_has_its_own_colour_and_others_are_neutral()
    {
        var colours = SessionStates.All.Select(StatePalette.ColorOf).ToList();
        Assert.Equal(colours.Count, colours.Distinct().Count());
        Assert.DoesNotContain(Color.Default, colours);
        Assert.Equal(Color.Success, StatePalette.ColorOf(SessionStates.Running));
        Assert.Equal(Color.Error, StatePalette.ColorOf(SessionStates.Error));
        Assert.Equal(Color.Default, StatePalette.ColorOf("Upgrading"));
        Assert.Equal(Color.Default, StatePalette.ColorOf(null));
        Assert.Equal("var(--mud-palette-success)", StatePalette.CssColorOf(SessionStates.Running));
        Assert.Equal("var(--mud-palette-secondary)", StatePalette.CssColorOf(SessionStates.Stopped));
        Assert.Equal("var(--mud-palette-action-disabled-background)", StatePalette.CssColorOf("Upgrading"));
    }

    [Fact]
    public void A_state_chip_and_the_state_chart_use_the_same_colour_role()
    {
        var counts = new Dictionary<string, int> { ["Running"] = 5, ["Error"] = 3, ["Stopped"] = 2, ["Upgrading"] = 1 };
        var chart = Render<SessionCountChart>(p => p.Add(x => x.Title, "Sessions by state").Add(x => x.Counts, counts).Add(x => x.StateColors, true));
        var swatches = chart.FindAll("[data-testid=chart-legend-item]")
            .ToDictionary(li => li.GetAttribute("data-label")!, li => li.QuerySelector("[data-testid=chart-swatch]")!.GetAttribute("style"));

        foreach (var state in counts.Keys)
        {
            var chip = Render<SessionStateChip>(p => p.Add(x => x.State, state));
            var role = StatePalette.ColorOf(state);
            Assert.Contains($"mud-chip-color-{role.ToString().ToLowerInvariant()}", chip.Find(".mud-chip").GetAttribute("class"));
            Assert.Equal($"background-color: {StatePalette.CssColorOf(role)}", swatches[state]);
        }
    }

    // ---- Item 12: reason filter in the list, triage card text and "N more" ----

    [Fact]
    public void The_reason_in_the_url_reaches_the_proxy_shows_in_the_toolbar_and_clears_with_the_filters()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?state=Error&reason=ERR_OOM");

        Assert.Equal("ERR_OOM", Proxy.SessionRequests.Last().Query.Reason);
        Assert.Equal("ERR_OOM", cut.Find("#filter-reason").GetAttribute("value"));
        var query = new SessionQuery { State = "Error", Reason = "ERR_OOM" };
        Assert.Equal("ERR_OOM", SessionListState.UrlParameters(query, null)[QueryNames.Reason]);
        Assert.Equal("state=Error&reason=ERR_OOM", query.ToQueryString());
    }

    [Theory]
    [InlineData("ERR_OOM", "ERR_OOM")]
    [InlineData(" 1000020 ", "1000020")]
    [InlineData("a b", null)]
    [InlineData("<x>", null)]
    public void Query_binding_keeps_only_well_formed_reason_codes(string raw, string? kept) =>
        Assert.Equal(kept, SessionQueryBinding.Normalize(null, null, null, null, null, null, null, null, null, reason: raw).Reason);

    [Fact]
    public void A_triage_card_reads_as_the_reason_text_and_n_more_opens_the_list_filtered_by_it()
    {
        var sessions = Enumerable.Range(1, 30).Select(i => new SessionRefDto("w-analytics", $"sc-{i:D3}", null, null)).ToList();
        var group = new ErrorGroupDto("ERR_OOM", "Driver ran out of memory", 40, sessions);

        var all = Render<ErrorGroupCard>(p => p.Add(x => x.Group, group));
        var one = Render<ErrorGroupCard>(p => p.Add(x => x.Group, group).Add(x => x.WorkspaceId, "w-analytics"));
        var bare = Render<ErrorGroupCard>(p => p.Add(x => x.Group, new ErrorGroupDto("unknown", null, 1, sessions[..1])));

        Assert.Equal("Driver ran out of memory", all.Find("h2[data-testid=error-sample]").TextContent);
        Assert.Contains("ERR_OOM", all.Find("[data-testid=error-code]").TextContent);
        Assert.Equal("and 30 more", all.Find("[data-testid=error-more]").TextContent);
        Assert.Equal("/sessions?state=Error&reason=ERR_OOM", all.Find("a[data-testid=error-more]").GetAttribute("href"));
        Assert.Equal("/workspaces/w-analytics/sessions?state=Error&reason=ERR_OOM", one.Find("a[data-testid=error-more]").GetAttribute("href"));
        Assert.Equal("unknown", bare.Find("[data-testid=error-sample]").TextContent);
        Assert.Empty(bare.FindAll("[data-testid=error-more]"));
    }
}
