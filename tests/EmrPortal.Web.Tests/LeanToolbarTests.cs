using EmrPortal.Contracts;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Components.SessionList;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EmrPortal.Web.Tests;

/// <summary>
/// The list's toolbar and pager write their fields as native controls in MudBlazor's markup (<see cref="NativeFields"/>)
/// and their buttons as markup (<see cref="MudMarkup"/>): an idle circuit keeps every component instance of its page,
/// and the toolbar's MudTextFields, MudSelects (with an item component per option), MudSwitch and buttons were ~115 of
/// the list's ~170. These tests pin the count, and compare the markup's classes with the MudBlazor component each
/// field stands for (a MudBlazor upgrade that renames a class fails here, not in production).
/// </summary>
public sealed class LeanToolbarTests : PortalTestContext
{
    private static readonly SessionQuery Filtered = new()
    {
        State = SessionStates.Running,
        Kind = SessionKinds.Sql,
        Queue = "dev",
        Owner = "alice",
        Reason = "ERR_OOM",
        Q = "etl",
        Listed = ListedFilter.Gone,
        Mine = true,
    };

    private IRenderedComponent<SessionListToolbar> RenderToolbar(SessionQuery query, bool autoRefresh = false) =>
        Render<SessionListToolbar>(p => p.Add(x => x.Query, query).Add(x => x.Columns, SessionColumns.For(allWorkspaces: false))
            .Add(x => x.HiddenColumns, new HashSet<string>()).Add(x => x.ExportHref, "/export/workspaces/w-analytics/sessions.csv")
            .Add(x => x.ShowMineToggle, true).Add(x => x.AutoRefresh, autoRefresh));

    [Fact]
    public void Toolbar_and_pager_render_no_MudBlazor_field_or_button_components()
    {
        // Every field with a value (clear buttons shown), the Mine toggle and its filter chip, export, auto-refresh on.
        var toolbar = RenderToolbar(Filtered, autoRefresh: true);
        var pager = Render<SessionPager>(p => p.Add(x => x.Page, 2).Add(x => x.PageSize, 25).Add(x => x.TotalCount, 320));

        Assert.Equal(8, toolbar.FindAll("input, select").Count);
        Assert.Equal(3, toolbar.FindAll(".mud-input-clear-button").Count(b => b.GetAttribute("aria-label") is "Clear queue" or "Clear owner" or "Clear reason code"));
        Assert.NotEmpty(toolbar.FindAll("[data-testid=mine-toggle] button"));
        Assert.NotEmpty(toolbar.FindAll("a[data-testid=export-csv]"));

        // What is left in the toolbar is the closed column chooser: itself and its LazyMenu, no MudBlazor component.
        var components = toolbar.FindComponents<IComponent>().Select(c => c.Instance.GetType()).ToList();
        Assert.Equal([typeof(ColumnChooser), typeof(LazyMenu)], components);
        Assert.Empty(pager.FindComponents<IComponent>());
        Assert.Equal(4, pager.FindAll("select[data-testid=page-size] option").Count);
    }

    [Fact]
    public void Text_fields_have_the_classes_of_an_outlined_dense_clearable_MudTextField()
    {
        foreach (var value in new[] { null, "dev" })
        {
            var mud = Render<MudTextField<string>>(p => p.Add(x => x.Value, value).Add(x => x.Label, "Queue").Add(x => x.Variant, Variant.Outlined)
                .Add(x => x.Margin, Margin.Dense).Add(x => x.Clearable, true).Add(x => x.Class, "toolbar-filter"));
            var ours = Render(NativeFields.TextField(this, "filter-queue", "Queue", value, _ => Task.CompletedTask, () => Task.CompletedTask,
                controlClass: "toolbar-filter"));

            foreach (var selector in (string[])[".mud-input-control", ".mud-input-control-input-container", ".mud-input", "input", "fieldset", "label"])
            {
                Assert.Equal(Classes(mud.Find(selector)), Classes(ours.Find(selector)));
            }

            Assert.Equal(mud.Find("legend").TextContent, ours.Find("legend").TextContent);
            Assert.Equal(mud.FindAll(".mud-input-clear-button").Count, ours.FindAll(".mud-input-clear-button").Count);
            if (value is not null)
            {
                Assert.Equal(Classes(mud.Find(".mud-input-clear-button")), Classes(ours.Find(".mud-input-clear-button")));
                Assert.Equal(Classes(mud.Find(".mud-input-clear-button svg")), Classes(ours.Find(".mud-input-clear-button svg")));
                Assert.Equal(Painted(mud.Find(".mud-input-clear-button svg")), Painted(ours.Find(".mud-input-clear-button svg")));
                Assert.Equal("Clear queue", ours.Find(".mud-input-clear-button").GetAttribute("aria-label"));
                Assert.Equal("dev", ours.Find("input").GetAttribute("value"));
            }
        }
    }

    [Fact]
    public void Search_field_has_the_classes_of_a_MudTextField_with_a_search_icon_and_placeholder()
    {
        var mud = Render<MudTextField<string>>(p => p.Add(x => x.Value, "etl").Add(x => x.Label, "Search").Add(x => x.Placeholder, "id, name, owner, queue")
            .Add(x => x.Adornment, Adornment.Start).Add(x => x.AdornmentIcon, Icons.Material.Filled.Search).Add(x => x.InputType, InputType.Search)
            .Add(x => x.Variant, Variant.Outlined).Add(x => x.Margin, Margin.Dense).Add(x => x.Clearable, true).Add(x => x.Class, "toolbar-search"));
        var toolbar = RenderToolbar(Filtered);

        var ours = toolbar.Find("#session-search").Closest(".mud-input-control")!;
        Assert.Equal(Classes(mud.Find(".mud-input-control")), Classes(ours));
        foreach (var selector in (string[])[".mud-input", "input", ".mud-input-adornment", ".mud-input-adornment svg", ".mud-input-clear-button", "label"])
        {
            Assert.Equal(Classes(mud.Find(selector)), Classes(ours.QuerySelector(selector)!));
        }

        Assert.Equal(Painted(mud.Find(".mud-input-adornment svg")), Painted(ours.QuerySelector(".mud-input-adornment svg")!));
        var input = toolbar.Find("#session-search");
        Assert.Equal(("search", "etl", "Search sessions", "search"),
            (input.GetAttribute("type"), input.GetAttribute("value"), input.GetAttribute("aria-label"), input.GetAttribute("data-testid")));
        Assert.Equal("id, name, owner, queue", input.GetAttribute("placeholder"));
    }

    [Fact]
    public void Selects_have_the_classes_of_an_outlined_dense_clearable_MudSelect()
    {
        var mud = Render<MudSelect<string>>(p => p.Add(x => x.Value, "Running").Add(x => x.Label, "State").Add(x => x.Variant, Variant.Outlined)
            .Add(x => x.Margin, Margin.Dense).Add(x => x.Dense, true).Add(x => x.Clearable, true).Add(x => x.Class, "toolbar-filter"));
        var ours = Render(NativeFields.Select(this, "filter-state", "State", "Running", SessionStates.All, _ => Task.CompletedTask, anyText: "Any",
            controlClass: "toolbar-filter"));

        Assert.Equal(Classes(mud.Find("div")), Classes(ours.Find("div")));
        foreach (var selector in (string[])[".mud-input-control", ".mud-input-control-input-container", "div.mud-input-slot", ".mud-input-clear-button",
                     ".mud-input-clear-button svg", ".mud-input-adornment", ".mud-input-adornment svg", "fieldset", "label"])
        {
            Assert.Equal(Classes(mud.Find(selector)), Classes(ours.Find(selector)));
        }

        // The field is MudSelect's, plus the class that lays the native select over it.
        Assert.Equal([.. Classes(mud.Find(".mud-input")).Append("native-select").Order(StringComparer.Ordinal)], Classes(ours.Find(".mud-input")));
        Assert.Equal(Painted(mud.Find(".mud-input-adornment svg")), Painted(ours.Find(".mud-input-adornment svg")));
        Assert.Equal("Running", ours.Find("div.mud-input-slot").TextContent);
        Assert.Equal("true", ours.Find("div.mud-input-slot").GetAttribute("aria-hidden"));
        Assert.Equal("filter-state", ours.Find("label").GetAttribute("for"));
        Assert.Equal("Running", Selected(ours.Find("select#filter-state")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Auto_refresh_switch_has_the_classes_of_a_primary_MudSwitch(bool on)
    {
        var mud = Render<MudSwitch<bool>>(p => p.Add(x => x.Value, on).Add(x => x.Color, Color.Primary).Add(x => x.Label, "Auto-refresh (15 s)"));
        var ours = RenderToolbar(new SessionQuery(), autoRefresh: on).Find("input[data-testid=auto-refresh]").Closest(".mud-input-control")!;

        Assert.Equal(Classes(mud.Find(".mud-input-control")), Classes(ours));
        foreach (var selector in (string[])[".mud-input-control-input-container", "label", ".mud-switch-span", ".mud-switch-base", ".mud-switch-button",
                     "input", ".mud-switch-button > span", ".mud-switch-track", "label > span.mud-typography"])
        {
            Assert.Equal(Classes(mud.Find(selector)), Classes(ours.QuerySelector(selector)!));
        }

        var input = ours.QuerySelector("input")!;
        Assert.Equal(("checkbox", "switch", on), (input.GetAttribute("type"), input.GetAttribute("role"), input.HasAttribute("checked")));
        Assert.Equal("Auto-refresh (15 s)", ours.QuerySelector("label")!.TextContent.Trim());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mine_toggle_has_the_classes_of_a_MudButtonGroup_of_small_primary_MudButtons(bool mine)
    {
        var group = Render<MudButtonGroup>(p => p.Add(x => x.OverrideStyles, false));
        var filled = Render<MudButton>(p => p.Add(x => x.Color, Color.Primary).Add(x => x.Size, Size.Small).Add(x => x.Variant, Variant.Filled).AddChildContent("Mine"));
        var outlined = Render<MudButton>(p => p.Add(x => x.Color, Color.Primary).Add(x => x.Size, Size.Small).Add(x => x.Variant, Variant.Outlined).AddChildContent("Mine"));
        var toolbar = RenderToolbar(new SessionQuery { Mine = mine });

        Assert.Equal(Classes(group.Find("div")), Classes(toolbar.Find("[data-testid=mine-toggle]")));
        Assert.Equal(Classes((mine ? filled : outlined).Find("button")), Classes(toolbar.Find("[data-testid=mine-mine]")));
        Assert.Equal(Classes((mine ? outlined : filled).Find("button")), Classes(toolbar.Find("[data-testid=mine-everyone]")));
        Assert.Equal(Classes(filled.Find(".mud-button-label")), Classes(toolbar.Find("[data-testid=mine-mine] .mud-button-label")));
        Assert.Equal(mine ? "true" : "false", toolbar.Find("[data-testid=mine-mine]").GetAttribute("aria-pressed"));
        Assert.Equal(mine ? "false" : "true", toolbar.Find("[data-testid=mine-everyone]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Export_link_and_pager_buttons_have_the_classes_of_MudIconButton_and_MudText()
    {
        var mudLink = Render<MudIconButton>(p => p.Add(x => x.Icon, Icons.Material.Filled.Download).Add(x => x.Href, "/export.csv"));
        var mudButton = Render<MudIconButton>(p => p.Add(x => x.Icon, Icons.Material.Filled.ChevronRight).Add(x => x.Disabled, true));
        var mudText = Render<MudText>(p => p.Add(x => x.Typo, Typo.body2).AddChildContent("Page 1 of 13"));
        var toolbar = RenderToolbar(new SessionQuery());
        var pager = Render<SessionPager>(p => p.Add(x => x.Page, 13).Add(x => x.PageSize, 25).Add(x => x.TotalCount, 320));

        var link = toolbar.Find("a[data-testid=export-csv]");
        Assert.Equal(Classes(mudLink.Find("a")), Classes(link));
        Assert.Equal(Classes(mudLink.Find("a svg")), Classes(link.QuerySelector("svg")!));
        Assert.Equal(Painted(mudLink.Find("a svg")), Painted(link.QuerySelector("svg")!));

        var next = pager.Find("button[data-testid=page-next]");
        Assert.Equal(Classes(mudButton.Find("button")), Classes(next));
        Assert.Equal(Classes(mudButton.Find("button > span")), Classes(next.QuerySelector("span")!));
        Assert.Equal(Classes(mudButton.Find("button svg")), Classes(next.QuerySelector("svg")!));
        Assert.Equal(Painted(mudButton.Find("button svg")), Painted(next.QuerySelector("svg")!));
        Assert.True(next.HasAttribute("disabled"));
        Assert.False(pager.Find("button[data-testid=page-prev]").HasAttribute("disabled"));
        Assert.Equal(Classes(mudText.Find("p")), Classes(pager.Find("p[data-testid=page-number]")));
        Assert.Equal("Page 13 of 13", pager.Find("[data-testid=page-number]").TextContent);
        Assert.Equal("301–320 of 320", pager.Find("[data-testid=pager-range]").TextContent);
    }

    [Fact]
    public void Compare_button_and_as_of_caption_are_markup_with_the_classes_of_MudButton_and_MudText()
    {
        var mudButton = Render<MudButton>(p => p.Add(x => x.Variant, Variant.Outlined).Add(x => x.StartIcon, Icons.Material.Filled.CompareArrows)
            .Add(x => x.Disabled, true).AddChildContent("Compare"));
        var mudCaption = Render<MudText>(p => p.Add(x => x.Typo, Typo.caption).Add(x => x.Class, "as-of").AddChildContent("Data as of"));
        Navigation.NavigateTo("/workspaces/w-analytics/sessions");
        var list = Render<WorkspaceSessions>(p => p.Add(x => x.WorkspaceId, "w-analytics"));
        list.WaitForAssertion(() => Assert.Equal("true", list.Find("[data-testid=session-list]").GetAttribute("data-ready")));

        var compare = list.Find("button[data-testid=compare-picked]");
        Assert.Equal(Classes(mudButton.Find("button")), Classes(compare));
        foreach (var selector in (string[])[".mud-button-label", ".mud-button-icon-start", "svg"])
        {
            Assert.Equal(Classes(mudButton.Find(selector)), Classes(compare.QuerySelector(selector)!));
        }

        Assert.Equal(Painted(mudButton.Find("svg")), Painted(compare.QuerySelector("svg")!));
        Assert.True(compare.HasAttribute("disabled"));
        Assert.Equal("Compare", compare.TextContent.Trim());
        var caption = list.Find("[data-testid=as-of]");
        Assert.Equal(mudCaption.Find("span").TagName, caption.TagName);
        Assert.Equal(Classes(mudCaption.Find("span")), Classes(caption));
    }

    internal static string? Selected(AngleSharp.Dom.IElement select) =>
        select.QuerySelector("option[selected]")?.GetAttribute("value");

    private static IReadOnlyList<string> Classes(AngleSharp.Dom.IElement element) => [.. element.ClassList.Order(StringComparer.Ordinal)];

    /// <summary>An icon's painted shapes (MudMarkup.Drawn leaves out MudBlazor's fill="none" boxes and bare groups).</summary>
    private static IReadOnlyList<string> Painted(AngleSharp.Dom.IElement svg) =>
        [.. svg.QuerySelectorAll("*").Where(e => e.LocalName != "g" && e.GetAttribute("fill") != "none").Select(e => e.OuterHtml)];
}

/// <summary>The toolbar's and pager's native fields drive the list through its URL, and follow it.</summary>
public sealed class NativeToolbarFieldTests : PortalTestContext
{
    private IRenderedComponent<WorkspaceSessions> RenderList(string url = "/workspaces/w-analytics/sessions")
    {
        Navigation.NavigateTo(url);
        var cut = Render<WorkspaceSessions>(p => p.Add(x => x.WorkspaceId, "w-analytics"));
        WaitReady(cut);
        return cut;
    }

    private static void WaitReady(IRenderedComponent<WorkspaceSessions> cut) =>
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=session-list]").GetAttribute("data-ready")));

    private static string? Selected(IRenderedComponent<WorkspaceSessions> cut, string testId) =>
        LeanToolbarTests.Selected(cut.Find($"select[data-testid={testId}]"));

    private static string Shown(IRenderedComponent<WorkspaceSessions> cut, string testId) =>
        cut.Find($"select[data-testid={testId}]").ParentElement!.QuerySelector("div.mud-input-slot")!.TextContent;

    [Fact]
    public void State_kind_and_listed_selects_filter_through_the_url_from_page_one()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?page=3");

        cut.Find("select[data-testid=filter-state]").Change(SessionStates.Error);
        Assert.Equal("/workspaces/w-analytics/sessions?state=Error", CurrentPathAndQuery);
        cut.WaitForAssertion(() => Assert.Equal((SessionStates.Error, 1), (Proxy.SessionRequests.Last().Query.State, Proxy.SessionRequests.Last().Query.Page)));
        WaitReady(cut);
        Assert.Equal(SessionStates.Error, Selected(cut, "filter-state"));
        Assert.Equal(SessionStates.Error, Shown(cut, "filter-state"));

        cut.Find("select[data-testid=filter-kind]").Change(SessionKinds.Notebook);
        cut.WaitForAssertion(() => Assert.Equal("/workspaces/w-analytics/sessions?state=Error&kind=NOTEBOOK", CurrentPathAndQuery));
        WaitReady(cut);

        cut.Find("select[data-testid=filter-listed]").Change(ListedFilter.Gone);
        cut.WaitForAssertion(() => Assert.Equal("/workspaces/w-analytics/sessions?state=Error&kind=NOTEBOOK&listed=gone", CurrentPathAndQuery));
        WaitReady(cut);
        Assert.Equal("No longer listed", Shown(cut, "filter-listed"));

        // "Any" and "Current" are no filter at all.
        cut.Find("select[data-testid=filter-kind]").Change("");
        cut.WaitForAssertion(() => Assert.Equal("/workspaces/w-analytics/sessions?state=Error&listed=gone", CurrentPathAndQuery));
        WaitReady(cut);
        Assert.Equal("", Selected(cut, "filter-kind"));
        Assert.Equal("Any", Shown(cut, "filter-kind"));
        cut.Find("select[data-testid=filter-listed]").Change(ListedFilter.Current);
        cut.WaitForAssertion(() => Assert.Equal("/workspaces/w-analytics/sessions?state=Error", CurrentPathAndQuery));
    }

    [Fact]
    public void Clear_buttons_are_named_and_drop_their_filter()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?state=Error&queue=dev&owner=alice");
        Assert.Empty(cut.FindAll("[aria-label='Clear kind']"));
        Assert.Empty(cut.FindAll("[aria-label='Clear reason code']"));

        cut.Find("button[aria-label='Clear queue']").Click();
        cut.WaitForAssertion(() => Assert.Equal("/workspaces/w-analytics/sessions?state=Error&owner=alice", CurrentPathAndQuery));
        WaitReady(cut);
        Assert.Null(cut.Find("#filter-queue").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[aria-label='Clear queue']"));

        cut.Find("button[aria-label='Clear state']").Click();
        cut.WaitForAssertion(() => Assert.Equal("/workspaces/w-analytics/sessions?owner=alice", CurrentPathAndQuery));
        WaitReady(cut);
        Assert.Equal("Any", Shown(cut, "filter-state"));
        Assert.Equal(3, Proxy.SessionRequests.Count);
    }

    [Fact]
    public void Clearing_the_search_drops_it_at_once_and_cancels_a_pending_debounce()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?q=etl");
        Assert.Equal("etl", cut.Find("#session-search").GetAttribute("value"));

        cut.Find("#session-search").Input("etl2");
        cut.WaitForAssertion(() => Assert.Equal("etl2", cut.Find("[data-testid=toolbar]").GetAttribute("data-pending-search")));
        cut.Find("button[aria-label='Clear search']").Click();

        cut.WaitForAssertion(() => Assert.Equal("/workspaces/w-analytics/sessions", CurrentPathAndQuery));
        WaitReady(cut);
        Assert.Null(cut.Find("[data-testid=toolbar]").GetAttribute("data-pending-search"));
        Time.Advance(SessionListToolbar.SearchDebounce * 2);
        Assert.Equal("/workspaces/w-analytics/sessions", CurrentPathAndQuery);
        Assert.Null(cut.Find("#session-search").GetAttribute("value"));
        Assert.DoesNotContain(Proxy.SessionRequests, r => r.Query.Q == "etl2");
    }

    [Fact]
    public void An_earlier_searchs_url_arriving_late_does_not_overwrite_what_was_typed_since()
    {
        // The toolbar sends each search to the URL after the debounce; the page hands the URL back as Query. On a
        // loaded server the second search can be sent before the first one's URL comes back.
        var sent = new List<string?>();
        var cut = Render<SessionListToolbar>(p => p.Add(x => x.Query, new SessionQuery()).Add(x => x.Columns, SessionColumns.For(allWorkspaces: false))
            .Add(x => x.HiddenColumns, new HashSet<string>()).Add(x => x.QueryChanged, q => sent.Add(q.Q)));
        cut.Find("#session-search").Input("r");
        Time.Advance(SessionListToolbar.SearchDebounce);
        cut.WaitForAssertion(() => Assert.Equal(["r"], sent));
        cut.Find("#session-search").Input("ro");
        Time.Advance(SessionListToolbar.SearchDebounce);
        cut.WaitForAssertion(() => Assert.Equal(["r", "ro"], sent));

        cut.Render(p => p.Add(x => x.Query, new SessionQuery { Q = "r" }));
        Assert.Equal("ro", cut.Find("#session-search").GetAttribute("value"));
        cut.Render(p => p.Add(x => x.Query, new SessionQuery { Q = "ro" }));
        Assert.Equal("ro", cut.Find("#session-search").GetAttribute("value"));

        // A URL the toolbar did not send (back, forward, a saved view) still wins.
        cut.Render(p => p.Add(x => x.Query, new SessionQuery { Q = "r" }));
        Assert.Equal("r", cut.Find("#session-search").GetAttribute("value"));
    }

    [Fact]
    public void Fields_follow_the_url_back_and_forward()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions");
        Navigation.NavigateTo("/workspaces/w-analytics/sessions?state=Error&kind=SQL&queue=dev&owner=alice&reason=ERR_OOM&q=etl&listed=all&pageSize=50");
        WaitReady(cut);
        cut.WaitForAssertion(() => Assert.Equal(SessionStates.Error, Selected(cut, "filter-state")));

        Assert.Equal(SessionKinds.Sql, Selected(cut, "filter-kind"));
        Assert.Equal(ListedFilter.All, Selected(cut, "filter-listed"));
        Assert.Equal("50", Selected(cut, "page-size"));
        Assert.Equal(["dev", "alice", "ERR_OOM", "etl"], ((string[])["#filter-queue", "#filter-owner", "#filter-reason", "#session-search"]).Select(id => cut.Find(id).GetAttribute("value")));

        Navigation.NavigateTo("/workspaces/w-analytics/sessions");
        WaitReady(cut);
        cut.WaitForAssertion(() => Assert.Equal("", Selected(cut, "filter-state")));
        Assert.Equal("", Selected(cut, "filter-kind"));
        Assert.Equal(ListedFilter.Current, Selected(cut, "filter-listed"));
        Assert.Equal("25", Selected(cut, "page-size"));
        Assert.All(((string[])["#filter-queue", "#filter-owner", "#filter-reason", "#session-search"]).Select(id => cut.Find(id).GetAttribute("value")), Assert.Null);
    }

    [Fact]
    public void A_state_or_kind_not_in_the_lists_is_offered_and_shown_and_case_is_forgiven()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?state=Upgrading&kind=SPARK_BATCH");
        Assert.Equal("Upgrading", Selected(cut, "filter-state"));
        Assert.Contains("Upgrading", cut.FindAll("select[data-testid=filter-state] option").Select(o => o.TextContent));
        Assert.Equal("SPARK_BATCH", Selected(cut, "filter-kind"));
        Assert.Equal("SPARK_BATCH", Shown(cut, "filter-kind"));

        Navigation.NavigateTo("/workspaces/w-analytics/sessions?state=running");
        WaitReady(cut);
        cut.WaitForAssertion(() => Assert.Equal(SessionStates.Running, Selected(cut, "filter-state")));
        Assert.Single(cut.FindAll("select[data-testid=filter-state] option"), o => string.Equals(o.TextContent, "running", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Page_size_select_changes_the_page_size_from_page_one_and_offers_a_size_from_the_url()
    {
        var cut = RenderList("/workspaces/w-analytics/sessions?page=2&pageSize=37");
        Assert.Equal("37", Selected(cut, "page-size"));
        Assert.Equal(["37", "10", "25", "50", "100"], cut.FindAll("select[data-testid=page-size] option").Select(o => o.GetAttribute("value")));

        cut.Find("select[data-testid=page-size]").Change("50");

        cut.WaitForAssertion(() => Assert.Equal("/workspaces/w-analytics/sessions?pageSize=50", CurrentPathAndQuery));
        cut.WaitForAssertion(() => Assert.Equal((50, 1), (Proxy.SessionRequests.Last().Query.PageSize, Proxy.SessionRequests.Last().Query.Page)));
        WaitReady(cut);
        Assert.Equal("50", Selected(cut, "page-size"));
        Assert.Equal(4, cut.FindAll("select[data-testid=page-size] option").Count);
    }

    [Fact]
    public void Every_field_has_a_label_tied_to_its_control()
    {
        var cut = RenderList();

        foreach (var (id, label) in new[] { ("session-search", "Search"), ("filter-state", "State"), ("filter-kind", "Kind"), ("filter-queue", "Queue"),
                     ("filter-owner", "Owner"), ("filter-reason", "Reason code"), ("filter-listed", "Listed"), ("page-size", "Rows per page") })
        {
            Assert.Equal(label, cut.Find($"label[for={id}]").TextContent);
            Assert.Single(cut.FindAll($"#{id}"));
        }

        Assert.Equal("Auto-refresh (15 s)", cut.Find("input[role=switch][data-testid=auto-refresh]").Closest("label")!.TextContent.Trim());
    }
}
