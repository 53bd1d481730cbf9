using EmrPortal.Contracts;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Components.SessionList;
using EmrPortal.Web.Components.Sessions;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EmrPortal.Web.Tests;

/// <summary>
/// The session table writes its rows' static cells as HTML strings (one markup frame per run of cells). These tests
/// pin that the strings are the same elements the render-tree versions produce (used on the detail pages), that every
/// value is encoded (a hostile name is text, never markup), and that only the checkbox and the pin stay elements.
/// </summary>
public sealed class SessionRowMarkupTests : PortalTestContext
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.CreateCustomTimeZone("Test/Plus2", TimeSpan.FromHours(2), "Plus2", "Plus2");

    private static MarkupString Written(Action<HtmlWriter> write)
    {
        var html = new HtmlWriter();
        write(html);
        return html.ToMarkup();
    }

    private static RenderFragment AsFragment(MarkupString markup) => b => b.AddMarkupContent(0, markup.Value);

    public static TheoryData<string> Pieces => ["time", "no-time", "no-longer-listed", "outdated", "state-chip", "chip-with-icon", "icon"];

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Written_markup_is_the_same_HTML_as_the_render_tree_version(string piece)
    {
        var now = FakeProxyClient.T0;
        var (fragment, markup) = piece switch
        {
            "time" => (RelativeTime.Render(now.AddMinutes(-90), now, Zone, "t"), Written(h => RelativeTime.Write(h, now.AddMinutes(-90), now, Zone, "t"))),
            "no-time" => (RelativeTime.Render(null, now, Zone), Written(h => RelativeTime.Write(h, null, now, Zone))),
            "no-longer-listed" => (NoLongerListedBadge.Render(now, Zone), Written(h => NoLongerListedBadge.Write(h, now, Zone))),
            "outdated" => (ReleaseDriftBadge.Render("esr-<3>"), Written(h => ReleaseDriftBadge.Write(h, "esr-<3>"))),
            "state-chip" => (SessionStateChip.Render("Failed", "a \"quoted\" & <b>reason</b>"), Written(h => SessionStateChip.Write(h, "Failed", "a \"quoted\" & <b>reason</b>"))),
            "chip-with-icon" => (MudMarkup.Chip("x & y", Color.Info, Variant.Text, "extra", Icons.Material.Filled.Info, "t'itle", "id"),
                Written(h => MudMarkup.WriteChip(h, "x & y", Color.Info, Variant.Text, "extra", Icons.Material.Filled.Info, "t'itle", "id"))),
            _ => (MudMarkup.Icon(Icons.Material.Filled.Warning, Color.Warning), MudMarkup.IconMarkup(Icons.Material.Filled.Warning, Color.Warning)),
        };

        var expected = Render(fragment);
        var actual = Render(AsFragment(markup));

        Assert.NotEmpty(expected.Markup);
        actual.Markup.MarkupMatches(expected.Markup);
    }

    public static TheoryData<string> RowIcons => [Icons.Material.Outlined.PushPin, Icons.Material.Filled.PushPin, Icons.Material.Filled.Update,
        Icons.Material.Filled.CloudOff, Icons.Material.Filled.Warning];

    [Theory]
    [MemberData(nameof(RowIcons))]
    public void Row_icons_keep_only_the_elements_that_draw(string icon)
    {
        var drawn = MudMarkup.Drawn(icon);

        // MudBlazor's constant has elements that draw nothing (a fill="none" box, bare <g> wrappers); they are gone.
        Assert.Matches(@"fill=""none""|<g>", icon);
        Assert.DoesNotContain("fill=\"none\"", drawn, StringComparison.Ordinal);
        Assert.DoesNotContain("<g", drawn, StringComparison.Ordinal);
        // Every painted shape is kept, in order.
        static IEnumerable<string> Painted(string svg) => System.Text.RegularExpressions.Regex.Matches(svg, "<(?:path|rect|circle|polygon)[^>]*>")
            .Select(m => m.Value).Where(e => !e.Contains("fill=\"none\"", StringComparison.Ordinal));
        Assert.NotEmpty(Painted(icon));
        Assert.Equal(Painted(icon), Painted(drawn));
    }

    [Fact]
    public void A_rows_icons_are_one_shape_each()
    {
        var row = FakeProxyClient.Sample("w-analytics", 1)[0] with { ReleaseOutdated = true, AutoStopEnabled = false, NoLongerListed = true };
        var cut = Render<SessionTable>(p => p.Add(x => x.Items, new List<SessionSummaryDto> { row }).Add(x => x.Columns, SessionColumns.For(allWorkspaces: true))
            .Add(x => x.Now, FakeProxyClient.T0).Add(x => x.Caption, "Sessions").Add(x => x.PinnedKeys, new HashSet<string>()));

        var icons = cut.FindAll("[data-testid=session-row] svg");
        Assert.Equal(4, icons.Count); // pin, no longer listed, outdated, no auto-stop
        Assert.All(icons, svg => Assert.Equal(["path"], svg.Children.Select(c => c.LocalName)));
    }

    [Fact]
    public void Hostile_values_in_a_row_are_text_not_markup()
    {
        const string name = "<script>alert('x')</script> \"quoted\" & <b>bold</b>";
        const string owner = "Mallory \" onmouseover=\"alert(1)";
        const string queue = "\u202Egnp.exe"; // right-to-left override: shown as the characters it is
        const string release = "esr-<img src=x onerror=alert(1)>";
        var row = FakeProxyClient.Sample("w-analytics", 1)[0] with
        {
            Name = name,
            UserName = owner,
            UserId = "u-<1>",
            QueueName = queue,
            Kind = "&amp;",
            DisplayReleaseVersion = release,
            ReleaseVersion = release,
            ReleaseOutdated = true,
            StateChangeReasonMessage = "</span><script>bad()</script>",
        };

        var cut = Render<SessionTable>(p => p.Add(x => x.Items, new List<SessionSummaryDto> { row }).Add(x => x.Columns, SessionColumns.For(allWorkspaces: true))
            .Add(x => x.Now, FakeProxyClient.T0).Add(x => x.Caption, "Sessions").Add(x => x.FromUrl, "/workspaces/w-analytics/sessions?q=\"a\"&b=<c>"));

        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("b"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Empty(cut.FindAll("[onmouseover]"));
        var link = cut.Find("[data-testid=session-link]");
        Assert.Equal(name, link.TextContent);
        Assert.Equal(name, link.GetAttribute("title"));
        Assert.EndsWith("?from=" + Uri.EscapeDataString("/workspaces/w-analytics/sessions?q=\"a\"&b=<c>"), link.GetAttribute("href"), StringComparison.Ordinal);
        var ownerCell = cut.Find("[data-testid=cell-owner] span");
        Assert.Equal(owner, ownerCell.TextContent);
        Assert.Equal($"{owner} (u-<1>)", ownerCell.GetAttribute("title"));
        Assert.Equal(queue, cut.Find("[data-testid=cell-queue] span").TextContent);
        Assert.Equal(queue, cut.Find("[data-testid=cell-queue] span").GetAttribute("title"));
        Assert.Equal("&amp;", cut.Find("[data-testid=cell-kind] span").TextContent);
        Assert.Equal(release, cut.Find("[data-testid=cell-release] .cell-truncate").TextContent);
        Assert.StartsWith(release + " is no longer offered", cut.Find("[data-testid=release-outdated]").GetAttribute("title"), StringComparison.Ordinal);
        Assert.Contains("</span><script>bad()</script>", cut.Find("[data-testid=state-chip]").GetAttribute("title"), StringComparison.Ordinal);
        // One row, every column: a cell per column, in the columns' order.
        Assert.Equal(SessionColumns.For(allWorkspaces: true).Where(c => c != SessionColumns.Pick).Select(c => c.CellTestId),
            cut.FindAll("[data-testid=session-row] > td").Select(td => td.GetAttribute("data-testid")));
    }

    [Fact]
    public void Row_cells_carry_their_classes_tooltips_and_test_ids()
    {
        var row = FakeProxyClient.Sample("w-analytics", 2)[1] with
        {
            NoLongerListed = true,
            AutoStopEnabled = false,
            StateSince = FakeProxyClient.T0.AddHours(-3),
            StateSinceObserved = true,
        };
        var first = FakeProxyClient.Sample("w-analytics", 1)[0];

        var cut = Render<SessionTable>(p => p.Add(x => x.Items, new List<SessionSummaryDto> { first, row }).Add(x => x.Columns, SessionColumns.For(allWorkspaces: true))
            .Add(x => x.Now, FakeProxyClient.T0).Add(x => x.Caption, "Sessions").Add(x => x.Picked, new HashSet<string>())
            .Add(x => x.PinnedKeys, new HashSet<string>()));

        var rows = cut.FindAll("[data-testid=session-row]");
        Assert.Equal("first-row", rows[0].QuerySelector("[data-testid=session-link]")!.GetAttribute("elementtiming"));
        Assert.False(rows[1].QuerySelector("[data-testid=session-link]")!.HasAttribute("elementtiming"));
        var second = rows[1];
        Assert.Equal(row.SessionClusterId, second.GetAttribute("data-session-id"));
        Assert.NotNull(second.QuerySelector("[data-testid=cell-name] .cell-name [data-testid=no-longer-listed].mud-chip"));
        Assert.Equal(row.SessionClusterId, second.QuerySelector(".session-id.cell-truncate")!.GetAttribute("title"));
        Assert.Equal(row.WorkspaceId, second.QuerySelector("[data-testid=cell-workspace] .cell-truncate")!.GetAttribute("title"));
        var since = second.QuerySelector("[data-testid=state-since]")!;
        Assert.Equal("observed", since.GetAttribute("data-source"));
        Assert.Equal("for ≥ 3 h", since.TextContent);
        Assert.StartsWith("Observed by the portal since ", since.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Equal(row.State, second.QuerySelector("[data-testid=state-chip]")!.GetAttribute("data-state"));
        Assert.NotNull(second.QuerySelector("[data-testid=cell-created] time[datetime][title]"));
        var noAutoStop = second.QuerySelector("[data-testid=no-auto-stop]")!;
        Assert.Equal("Runs (and costs money) until someone stops it", noAutoStop.GetAttribute("title"));
        Assert.NotNull(noAutoStop.QuerySelector("svg.mud-warning-text"));
        Assert.Equal("No auto-stop", noAutoStop.TextContent.Trim());
        Assert.Equal(SessionColumns.For(allWorkspaces: true).Select(c => c.ColClass), cut.FindAll("colgroup > col").Select(c => c.GetAttribute("class")));
    }

    [Fact]
    public void Pick_and_pin_stay_native_controls_with_handlers()
    {
        var rows = FakeProxyClient.Sample("w-analytics", 2);
        SessionSummaryDto? picked = null, pinned = null;
        var cut = Render<SessionTable>(p => p.Add(x => x.Items, rows).Add(x => x.Columns, SessionColumns.For(allWorkspaces: false))
            .Add(x => x.Now, FakeProxyClient.T0).Add(x => x.Caption, "Sessions").Add(x => x.Picked, new HashSet<string>())
            .Add(x => x.PinnedKeys, new HashSet<string>())
            .Add(x => x.PickToggled, s => picked = s).Add(x => x.PinToggled, s => pinned = s));

        cut.FindAll("input[type=checkbox][data-testid=compare-pick]")[1].Change(true);
        cut.FindAll("button[data-testid=pin-toggle]")[0].Click();

        Assert.Equal(rows[1], picked);
        Assert.Equal(rows[0], pinned);
        Assert.StartsWith("Pick ", cut.FindAll("[data-testid=compare-pick]")[0].GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_rerender_with_the_same_rows_and_time_reuses_the_row_markup()
    {
        var rows = FakeProxyClient.Sample("w-analytics", 3);
        var cut = Render<SessionTable>(p => p.Add(x => x.Items, rows).Add(x => x.Columns, SessionColumns.For(allWorkspaces: false))
            .Add(x => x.Now, FakeProxyClient.T0).Add(x => x.Caption, "Sessions").Add(x => x.PinnedKeys, new HashSet<string>()));
        var before = cut.Find("[data-testid=cell-name]").OuterHtml;

        cut.Render(p => p.Add(x => x.PinnedKeys, new HashSet<string> { SessionListState.PinKey(rows[0].WorkspaceId, rows[0].SessionClusterId) }));
        Assert.Equal("true", cut.FindAll("[data-testid=pin-toggle]")[0].GetAttribute("data-pinned"));
        Assert.Equal(before, cut.Find("[data-testid=cell-name]").OuterHtml);

        cut.Render(p => p.Add(x => x.Now, FakeProxyClient.T0.AddHours(5)));
        Assert.Equal("8 h ago", cut.FindAll("[data-testid=cell-created] time")[0].TextContent);
    }
}
