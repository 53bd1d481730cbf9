using EmrPortal.Contracts;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Components.SessionList;
using EmrPortal.Web.Components.Sessions;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EmrPortal.Web.Tests;

/// <summary>
/// An idle Blazor Server circuit keeps every component instance of its page alive; the session table writes its
/// per-row chips, badges, icons and pin buttons as markup (MudBlazor's own classes) instead of a component each.
/// These tests pin both halves: the component count does not grow with the rows, and the markup still looks like
/// the MudBlazor component it stands for (a MudBlazor upgrade that renames a class fails here, not in production).
/// </summary>
public sealed class CircuitFootprintTests : PortalTestContext
{
    [Fact]
    public void Session_table_component_count_does_not_grow_with_its_rows()
    {
        static List<SessionSummaryDto> Rows(int n) => [.. FakeProxyClient.Sample("w-analytics", n).Select((s, i) => s with
        {
            // Every per-row extra at once: outdated release, no longer listed, no auto-stop, an error reason, a state age.
            ReleaseOutdated = true,
            NoLongerListed = i % 2 == 0,
            AutoStopEnabled = i % 3 == 0 ? false : s.AutoStopEnabled,
            StateSince = FakeProxyClient.T0.AddMinutes(-i),
        })];

        var one = Render<SessionTable>(p => p.Add(x => x.Items, Rows(1)).Add(x => x.Columns, SessionColumns.For(allWorkspaces: true)).Add(x => x.Now, FakeProxyClient.T0));
        var many = Render<SessionTable>(p => p.Add(x => x.Items, Rows(25)).Add(x => x.Columns, SessionColumns.For(allWorkspaces: true)).Add(x => x.Now, FakeProxyClient.T0));

        Assert.Equal(25, many.FindAll("[data-testid=session-row]").Count);
        Assert.NotEmpty(many.FindAll("[data-testid=release-outdated]"));
        Assert.NotEmpty(many.FindAll("[data-testid=no-longer-listed]"));
        Assert.NotEmpty(many.FindAll("[data-testid=no-auto-stop]"));
        // The table's own components (MudSimpleTable) are counted, so a per-row component would show up here.
        Assert.Contains(many.FindComponents<IComponent>(), c => c.Instance is MudSimpleTable);
        Assert.Equal(one.FindComponents<IComponent>().Count, many.FindComponents<IComponent>().Count);
    }

    [Fact]
    public void State_chip_markup_has_the_classes_of_a_filled_small_MudChip()
    {
        var mud = Render<MudChip<string>>(p => p.Add(x => x.Size, Size.Small).Add(x => x.Color, Color.Success).Add(x => x.Variant, Variant.Filled)
            .Add(x => x.Class, "ma-0").AddChildContent("Running"));
        var ours = Render<SessionStateChip>(p => p.Add(x => x.State, SessionStates.Running));

        Assert.Equal(Classes(mud.Find(".mud-chip")), Classes(ours.Find(".mud-chip")));
        Assert.Equal("Running", ours.Find(".mud-chip-content").TextContent);
    }

    [Fact]
    public void Outdated_badge_markup_has_the_classes_of_an_outlined_small_MudChip_with_an_icon()
    {
        var mud = Render<MudChip<string>>(p => p.Add(x => x.Size, Size.Small).Add(x => x.Color, Color.Warning).Add(x => x.Variant, Variant.Outlined)
            .Add(x => x.Icon, Icons.Material.Filled.Update).Add(x => x.Class, "ma-0 ml-1").AddChildContent("outdated"));
        var ours = Render<ReleaseDriftBadge>(p => p.Add(x => x.Release, "esr-3.0.0"));

        Assert.Equal(Classes(mud.Find(".mud-chip")), Classes(ours.Find(".mud-chip")));
        Assert.Equal(Classes(mud.Find(".mud-chip svg")), Classes(ours.Find(".mud-chip svg")));
        Assert.Contains("esr-3.0.0 is no longer offered", ours.Find("[data-testid=release-outdated]").GetAttribute("title"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pin_button_markup_has_the_classes_of_a_small_MudIconButton(bool pinned)
    {
        var color = pinned ? Color.Primary : Color.Default;
        var mud = Render<MudIconButton>(p => p.Add(x => x.Icon, Icons.Material.Filled.PushPin).Add(x => x.Size, Size.Small).Add(x => x.Color, color));
        var ours = Render<PinButton>(p => p.Add(x => x.Pinned, pinned).Add(x => x.SessionName, "etl"));

        Assert.Equal(Classes(mud.Find("button")), Classes(ours.Find("button")));
        Assert.Equal(Classes(mud.Find("button svg")), Classes(ours.Find("button svg")));
        Assert.Equal(pinned ? "true" : "false", ours.Find("button").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Pin_button_markup_calls_back_and_can_be_disabled()
    {
        var clicks = 0;
        var cut = Render<PinButton>(p => p.Add(x => x.SessionName, "etl").Add(x => x.OnToggle, () => clicks++));
        cut.Find("button").Click();
        Assert.Equal(1, clicks);

        cut.Render(p => p.Add(x => x.Busy, true));
        Assert.True(cut.Find("button").HasAttribute("disabled"));
    }

    [Fact]
    public void Icon_markup_has_the_classes_of_a_small_MudIcon()
    {
        var mud = Render<MudIcon>(p => p.Add(x => x.Icon, Icons.Material.Filled.Warning).Add(x => x.Size, Size.Small).Add(x => x.Color, Color.Warning));
        var ours = Render(MudMarkup.Icon(Icons.Material.Filled.Warning, Color.Warning));

        Assert.Equal(Classes(mud.Find("svg")), Classes(ours.Find("svg")));
        // The same shapes; ours leaves out the elements that draw nothing (MudMarkup.Drawn: fill="none" boxes, bare <g>).
        Assert.Equal(Painted(mud.Find("svg")), Painted(ours.Find("svg")));
        Assert.Empty(ours.FindAll("svg [fill=none]"));
    }

    private static IReadOnlyList<string> Painted(AngleSharp.Dom.IElement svg) =>
        [.. svg.QuerySelectorAll("*").Where(e => e.LocalName != "g" && e.GetAttribute("fill") != "none").Select(e => e.OuterHtml)];

    private static IReadOnlyList<string> Classes(AngleSharp.Dom.IElement element) => [.. element.ClassList.Order(StringComparer.Ordinal)];
}

/// <summary>
/// Blazor keeps two render-tree buffers per component (this render and the last), each grown by doubling to hold the
/// component's frames and never shrunk while the component lives. The session table's rows are one component's frames
/// (MudSimpleTable renders them as its child content), so their count decides whether an idle list circuit holds two
/// 2,048-frame buffers (80 KB each) or two 4,096-frame ones (160 KB each).
/// </summary>
public sealed class RenderFrameBudgetTests : PortalTestContext
{
#pragma warning disable BL0006 // counting the framework's render-tree frames is the point of this test
    private static int Frames(RenderFragment fragment)
    {
        using var builder = new Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder();
        fragment(builder);
        return builder.GetFrames().Count;
    }
#pragma warning restore BL0006

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_25_row_page_of_the_session_table_stays_within_a_1024_frame_buffer(bool allWorkspaces)
    {
        var rows = FakeProxyClient.Sample("w-analytics", 25).Select((s, i) => s with
        {
            ReleaseOutdated = i % 4 == 0,
            NoLongerListed = i % 5 == 0,
            AutoStopEnabled = i % 3 == 0 ? false : s.AutoStopEnabled,
            StateSince = FakeProxyClient.T0.AddMinutes(-i),
        }).ToList();
        var cut = Render<SessionTable>(p => p.Add(x => x.Items, rows).Add(x => x.Columns, SessionColumns.For(allWorkspaces))
            .Add(x => x.Now, FakeProxyClient.T0).Add(x => x.Caption, "Sessions").Add(x => x.Picked, new HashSet<string>())
            .Add(x => x.PinnedKeys, new HashSet<string>()).Add(x => x.FromUrl, "/workspaces/w-analytics/sessions?pageSize=25&sort=name&dir=asc")
            .Add(x => x.ChangedIds, new HashSet<string>(rows.Take(3).Select(r => r.SessionClusterId))));

        Assert.Equal(25, cut.FindAll("[data-testid=session-row]").Count);
        Assert.Equal(25, cut.FindAll("[data-testid=compare-pick]").Count);
        Assert.Equal(25, cut.FindAll("[data-testid=pin-toggle]").Count);
        // Was 3,606 frames (two 4,096-frame buffers per circuit) with every cell as elements and attributes.
        var frames = Frames(cut.FindComponent<MudSimpleTable>().Instance.ChildContent!);
        TestContext.Current.TestOutputHelper?.WriteLine($"25 rows, {(allWorkspaces ? "all" : "workspace")} columns: {frames} frames");
        Assert.InRange(frames, 1, 1024);
    }
}
