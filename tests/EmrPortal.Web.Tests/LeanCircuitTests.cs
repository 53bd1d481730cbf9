using System.Runtime.CompilerServices;
using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.Web.Components.Layout;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Components.SessionList;
using EmrPortal.Web.Components.Sessions;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;

namespace EmrPortal.Web.Tests;

/// <summary>
/// What an idle circuit keeps, as structure (the bytes are the bench's business, docs/benchmarks.md): closed menus
/// render none of their items, a list keeps no row of a page it left, and what every circuit shows alike (column
/// definitions, the theme's style sheet) is one shared instance rather than a copy per circuit.
/// </summary>
public sealed class LeanCircuitTests : PortalTestContext
{
    private IRenderedComponent<IComponent> RenderListWithProvider()
    {
        Navigation.NavigateTo("/workspaces/w-analytics/sessions");
        AsAdmin();
        var host = Render(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<UserMenu>(1);
            b.CloseComponent();
            b.OpenComponent<WorkspaceSessions>(2);
            b.AddAttribute(3, nameof(WorkspaceSessions.WorkspaceId), "w-analytics");
            b.CloseComponent();
        });
        host.WaitForAssertion(() => Assert.Equal("true", host.Find("[data-testid=session-list]").GetAttribute("data-ready")));
        host.WaitForAssertion(() => Assert.Equal("true", host.Find("[data-testid=saved-views]").GetAttribute("data-ready")));
        return host;
    }

    [Fact]
    public void Closed_menus_render_none_of_their_items_until_opened()
    {
        Proxy.Views.Add(new(Guid.NewGuid(), "w-analytics", "Failing ETL", "state=Failed", "admin", FakeProxyClient.T0));
        var host = RenderListWithProvider();

        // The user menu, the saved views and the column chooser are closed: their contents are not in the page.
        Assert.Empty(host.FindAll("[data-testid=user-menu-panel]"));
        Assert.Empty(host.FindAll("[data-testid=views-panel]"));
        Assert.Empty(host.FindAll("[data-testid=saved-view]"));
        Assert.Empty(host.FindAll("[data-testid^=column-toggle-]"));
        Assert.DoesNotContain(host.FindComponents<MudCheckBox<bool>>(), _ => true);
        // Nor is a dialog: "Save view" creates its dialog only when clicked.
        Assert.Empty(host.FindComponents<MudDialog>());

        host.Find("[data-testid=column-chooser] button").Click();
        host.WaitForAssertion(() => Assert.NotEmpty(host.FindAll("input[data-testid=column-toggle-queue]")));
        Assert.Empty(host.FindAll("[data-testid=views-panel]"));

        host.Find("[data-testid=views-menu] button").Click();
        host.WaitForAssertion(() => Assert.Contains("Failing ETL", host.Find("[data-testid=views-panel]").TextContent));
    }

    [Fact]
    public async Task Column_definitions_are_one_instance_shared_by_every_circuit()
    {
        await using var other = new SecondCircuit();
        var mine = RenderListWithProvider().FindComponent<SessionTable>().Instance.Columns;
        var theirs = other.RenderList().Instance.Columns;

        Assert.Same(mine, theirs);
        Assert.Same(SessionColumns.For(allWorkspaces: false), mine);
    }

    [Fact]
    public async Task Theme_style_sheet_is_MudBlazors_and_built_once_for_every_circuit()
    {
        var mud = Render<MudThemeProvider>(p => p.Add(x => x.Theme, PortalTheme.Theme));
        var ours = Render<PortalThemeProvider>(p => p.Add(x => x.Theme, PortalTheme.Theme));
        var shared = PortalThemeProvider.Shared(dark: false);

        Assert.NotNull(shared);
        Assert.Equal(mud.Markup, ours.Markup);
        Assert.Contains("--mud-palette-primary", ours.Markup, StringComparison.Ordinal);

        // Another circuit (and the dark mode) renders from the shared strings: no rebuild, no copy.
        await using var other = new SecondCircuit();
        var second = other.Render<PortalThemeProvider>(p => p.Add(x => x.Theme, PortalTheme.Theme));
        Assert.Same(shared, PortalThemeProvider.Shared(dark: false));
        Assert.Equal(mud.Markup, second.Markup);
        // ... without a MudThemeProvider of its own (a theme copy, a system dark-mode watch through JS interop).
        Assert.Empty(second.FindComponents<MudThemeProvider>());

        var dark = Render<PortalThemeProvider>(p => p.Add(x => x.Theme, PortalTheme.Theme).Add(x => x.IsDarkMode, true));
        var mudDark = Render<MudThemeProvider>(p => p.Add(x => x.Theme, PortalTheme.Theme).Add(x => x.IsDarkMode, true));
        Assert.Equal(mudDark.Markup, dark.Markup);
        Assert.NotEqual(ours.Markup, dark.Markup);
        Assert.NotNull(PortalThemeProvider.Shared(dark: true));
    }

    [Fact]
    public void Theme_provider_refuses_a_theme_it_does_not_share()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Render<PortalThemeProvider>(p => p.Add(x => x.Theme, new MudTheme())));
        Assert.Contains(nameof(PortalTheme), ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Navigation_links_are_markup_with_the_classes_of_a_small_text_MudButton()
    {
        AsAdmin();
        var mud = Render<MudButton>(p => p.Add(x => x.Href, "/sessions").Add(x => x.Color, Color.Inherit).Add(x => x.Size, Size.Small).AddChildContent("Sessions"));
        var nav = Render<PortalNav>();

        nav.WaitForAssertion(() => Assert.NotEmpty(nav.FindAll("[data-testid=nav-audit]")));
        var link = nav.Find("a[data-testid=nav-sessions]");
        Assert.Equal("/sessions", link.GetAttribute("href"));
        Assert.Equal(Classes(mud.Find("a")), Classes(link));
        Assert.Equal(mud.Find("a .mud-button-label").TextContent, link.QuerySelector(".mud-button-label")!.TextContent);
        // Four links and not one component for them.
        Assert.Empty(nav.FindComponents<MudButton>());
    }

    [Fact]
    public void Workspace_state_counts_are_markup_with_the_classes_of_an_outlined_small_MudChip()
    {
        Proxy.Workspaces.Add(new("w-analytics", "Analytics", "RUNNING", null, null, null, null,
            new Dictionary<string, int> { ["Running"] = 3, ["Failed"] = 1, ["Stopped"] = 12 }, 16)
        { ScanState = ScanStates.Ready });
        var mud = Render<MudChip<string>>(p => p.Add(x => x.Size, Size.Small).Add(x => x.Color, SessionStateChip.ColorOf("Failed"))
            .Add(x => x.Variant, Variant.Outlined).AddChildContent("Failed 1"));

        var home = Render<Home>();
        home.WaitForAssertion(() => Assert.Equal("true", home.Find("[data-testid=workspace-list]").GetAttribute("data-ready")));

        var links = home.FindAll("a.state-count");
        Assert.Equal(["Failed 1", "Running 3", "Stopped 12"], links.Select(a => a.TextContent.Trim()));
        Assert.Equal("/workspaces/w-analytics/sessions?state=Failed", links[0].GetAttribute("href"));
        Assert.Equal(Classes(mud.Find(".mud-chip")), Classes(links[0].QuerySelector(".mud-chip")!));
        Assert.Equal("Failed 1", links[0].QuerySelector(".mud-chip-content")!.TextContent);
        // A chip per workspace and state was most of the page's components: none is a component now.
        Assert.Empty(home.FindComponents<MudChip<string>>());
    }

    [Fact]
    public void Workspace_table_is_markup_with_the_classes_of_MudSimpleTable_and_the_page_keeps_no_table_or_notice_component()
    {
        var mud = Render<MudSimpleTable>(p => p.Add(x => x.Dense, true).Add(x => x.Hover, true).Add(x => x.Elevation, 0)
            .Add(x => x.Class, "workspace-table").AddChildContent("<tbody><tr><td>x</td></tr></tbody>"));
        for (var i = 0; i < 7; i++)
        {
            Proxy.Workspaces.Add(new($"w-{i}", $"Workspace {i}", "RUNNING", null, null, null, null,
                new Dictionary<string, int> { ["Running"] = 3, ["Failed"] = 1, ["Stopped"] = 12, ["Starting"] = 2, ["Stopping"] = 1, ["Upgrading"] = 4 }, 23)
            { ScanState = ScanStates.Ready });
        }

        var home = Render<Home>();
        home.WaitForAssertion(() => Assert.Equal("true", home.Find("[data-testid=workspace-list]").GetAttribute("data-ready")));

        var table = home.Find("[data-testid=workspace-list] > div");
        Assert.Equal(Classes(mud.Find("div")), Classes(table));
        Assert.Equal(Classes(mud.Find("div > div")), Classes(table.QuerySelector(":scope > div")!));
        Assert.NotNull(table.QuerySelector(":scope > div.mud-table-container > table > tbody"));
        Assert.Equal(7, home.FindAll("[data-testid=workspace-row]").Count);
        Assert.Equal(42, home.FindAll("a.state-count").Count);
        // Every component of an idle page is memory in every circuit: the table is markup, the groups-overage notice
        // exists only when it shows (it does not for this user), the count chips are markup.
        var types = home.FindComponents<IComponent>().Select(c => c.Instance.GetType()).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", types.Select(t => t.Name)));
        Assert.DoesNotContain(types, t => t == typeof(MudSimpleTable) || t == typeof(EmrPortal.Web.Components.Common.GroupsOverageNotice)
            || t == typeof(MudChip<string>));
        Assert.InRange(types.Count, 0, 2);
        Assert.Empty(home.FindAll("[data-testid=groups-overage]"));
    }

    [Fact]
    public void Workspace_state_counts_of_a_row_are_one_markup_string_and_a_row_without_counts_shows_a_dash()
    {
        var w = new WorkspaceDto("w-analytics", "Analytics", "RUNNING", null, null, null, null,
            new Dictionary<string, int> { ["Stopped"] = 12, ["Failed"] = 1 }, 13)
        { ScanState = ScanStates.Ready };

        var html = Home.StateCounts(w).Value;

        Assert.StartsWith("<a href=\"/workspaces/w-analytics/sessions?state=Failed\" class=\"state-count\" title=\"Show Failed sessions\">", html, StringComparison.Ordinal);
        Assert.Contains(">Stopped 12</span></span></a>", html, StringComparison.Ordinal);
        Assert.Equal("<span class=\"text-muted\">—</span>", Home.StateCounts(w with { SessionCountsByState = null }).Value);

        // Every circuit showing the same counts holds the same string (each circuit has its own copy of the DTO).
        var again = w with { SessionCountsByState = new Dictionary<string, int> { ["Failed"] = 1, ["Stopped"] = 12 } };
        Assert.Same(html, Home.StateCounts(again).Value);
        var changed = Home.StateCounts(w with { SessionCountsByState = new Dictionary<string, int> { ["Stopped"] = 13 } }).Value;
        Assert.Contains(">Stopped 13</span>", changed, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed", changed, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_writes_the_shared_theme_style_sheet_itself_once_it_is_captured()
    {
        var mud = Render<MudThemeProvider>(p => p.Add(x => x.Theme, PortalTheme.Theme));
        Render<PortalThemeProvider>(p => p.Add(x => x.Theme, PortalTheme.Theme));
        Assert.NotNull(PortalThemeProvider.Shared(dark: false));

        var layout = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p>page</p>"))));

        Assert.Empty(layout.FindComponents<PortalThemeProvider>());
        Assert.Empty(layout.FindComponents<MudThemeProvider>());
        Assert.StartsWith(mud.Markup.Trim(), layout.Markup.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void App_bar_icon_buttons_are_markup_with_the_classes_of_a_MudIconButton()
    {
        var mud = Render<MudIconButton>(p => p.Add(x => x.Icon, Icons.Material.Filled.DarkMode).Add(x => x.Color, Color.Inherit));
        var mudLink = Render<MudIconButton>(p => p.Add(x => x.Icon, Icons.Material.Outlined.Notifications).Add(x => x.Color, Color.Inherit).Add(x => x.Href, "/notifications"));
        var layout = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p>page</p>"))));
        var bell = Render<EmrPortal.Web.Components.Notifications.NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal("0", bell.Find("[data-testid=notification-bell]").GetAttribute("data-count")));

        var button = layout.Find("button[data-testid=theme-toggle]");
        Assert.Equal(Classes(mud.Find("button")), Classes(button));
        Assert.Equal(Classes(mud.Find("button svg")), Classes(button.QuerySelector("svg")!));
        Assert.Equal(Classes(mud.Find("button > span")), Classes(button.QuerySelector("span")!));
        var link = bell.Find("a[data-testid=notification-bell-button]");
        Assert.Equal(Classes(mudLink.Find("a")), Classes(link));
        Assert.Equal(Classes(mudLink.Find("a svg")), Classes(link.QuerySelector("svg")!));

        // Still a button that does its job (the layout's theme, saved through the portal's script), and not one
        // MudBlazor component for either.
        Assert.Equal("Switch to dark theme", button.GetAttribute("aria-label"));
        button.Click();
        layout.WaitForAssertion(() => Assert.Equal("Switch to light theme", layout.Find("button[data-testid=theme-toggle]").GetAttribute("aria-label")));
        Assert.Single(JSInterop.Invocations, i => i.Identifier == "emrPortal.setTheme" && Equals(i.Arguments[0], "dark"));
        Assert.Equal(Classes(mud.Find("button")), Classes(layout.Find("button[data-testid=theme-toggle]")));
        Assert.Empty(layout.FindComponents<MudIconButton>());
        Assert.Empty(bell.FindComponents<MudIconButton>());
        Assert.Empty(bell.FindComponents<MudBadge>());
        Assert.Empty(bell.FindAll("[data-testid=notification-bell-badge]"));
    }

    [Fact]
    public void Bell_badge_markup_has_the_classes_of_the_MudBadge_it_replaces()
    {
        for (var i = 0; i < 120; i++)
        {
            NotificationsApi.Add("w-analytics", $"sc-{i:000}", "etl failed");
        }
        var mud = Render<MudBadge>(p => p.Add(x => x.Content, 120).Add(x => x.Visible, true).Add(x => x.Max, 99).Add(x => x.Color, Color.Error)
            .Add(x => x.Overlap, true).Add(x => x.Bordered, true).Add(x => x.Class, "notification-badge").AddChildContent("<a></a>"));

        var bell = Render<EmrPortal.Web.Components.Notifications.NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal("120", bell.Find("[data-testid=notification-bell]").GetAttribute("data-count")));

        var badge = bell.Find("[data-testid=notification-bell-badge]");
        Assert.Equal(mud.Find(".mud-badge").TextContent.Trim(), badge.TextContent);
        Assert.Equal("99+", badge.TextContent);
        Assert.Equal(Classes(mud.Find(".mud-badge")), Classes(badge));
        Assert.Equal(Classes(mud.Find(".mud-badge-wrapper")), Classes(badge.ParentElement!));
        Assert.Equal(Classes(mud.Find(".mud-badge-root")), Classes(bell.Find(".mud-badge-root")));
        // The count is announced once, by the bell's own status (the badge is hidden from screen readers).
        Assert.Equal("true", badge.GetAttribute("aria-hidden"));
        Assert.Equal("120 unread notifications", bell.Find("[data-testid=notification-bell-status]").TextContent);
    }

    [Fact]
    public void Home_heading_and_all_sessions_link_are_markup_with_the_classes_of_MudText_and_MudButton()
    {
        var mudText = Render<MudText>(p => p.Add(x => x.Typo, Typo.h5).Add(x => x.HtmlTag, "h1").AddChildContent("Your workspaces"));
        var mudButton = Render<MudButton>(p => p.Add(x => x.Href, "/sessions").Add(x => x.Variant, Variant.Outlined)
            .Add(x => x.StartIcon, Icons.Material.Filled.List).AddChildContent("All sessions"));
        Proxy.Workspaces.Add(new("w-analytics", "Analytics", "RUNNING", null, null, null, null,
            new Dictionary<string, int> { ["Running"] = 3 }, 3)
        { ScanState = ScanStates.Ready });

        var home = Render<Home>();
        home.WaitForAssertion(() => Assert.Equal("true", home.Find("[data-testid=workspace-list]").GetAttribute("data-ready")));

        Assert.Equal(Classes(mudText.Find("h1")), Classes(home.Find("h1")));
        var link = home.Find("a[data-testid=all-sessions-link]");
        Assert.Equal("/sessions", link.GetAttribute("href"));
        Assert.Equal(Classes(mudButton.Find("a")), Classes(link));
        Assert.Equal(Classes(mudButton.Find("a .mud-button-label")), Classes(link.QuerySelector(".mud-button-label")!));
        Assert.Equal(Classes(mudButton.Find("a .mud-button-icon-start")), Classes(link.QuerySelector(".mud-button-icon-start")!));
        Assert.Equal(Classes(mudButton.Find("a svg")), Classes(link.QuerySelector("svg")!));
        Assert.Equal(mudButton.Find("a").TextContent.Trim(), link.TextContent.Trim());
        Assert.Empty(home.FindComponents<MudButton>());
        Assert.Empty(home.FindComponents<MudText>());
    }

    [Fact]
    public void Layout_keeps_its_closed_drawer_empty_and_its_app_bar_free_of_icon_components()
    {
        var layout = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p>page</p>"))));
        layout.WaitForAssertion(() => Assert.NotEmpty(layout.FindAll("[data-testid=portal-nav]")));

        // Closed: no header, no navigation list, no sign-out form in the drawer.
        Assert.Empty(layout.FindComponents<MudDrawerHeader>());
        Assert.Empty(layout.FindAll("[data-testid=drawer-nav]"));
        Assert.Empty(layout.FindAll("[data-testid=drawer-sign-out]"));
        // The app bar's icon buttons, the bell's badge and the demo banner's icon are markup.
        Assert.Empty(layout.FindComponents<MudIconButton>());
        Assert.Empty(layout.FindComponents<MudBadge>());
        Assert.DoesNotContain(layout.FindComponents<MudIcon>(), c => c.Instance.Icon == Icons.Material.Filled.Science);
        Assert.Empty(layout.FindComponents<MudSpacer>());

        var toggle = layout.Find("[data-testid=nav-drawer-toggle]");
        Assert.Equal("false", toggle.GetAttribute("aria-expanded"));
        toggle.Click();
        layout.WaitForAssertion(() => Assert.NotEmpty(layout.FindAll("[data-testid=drawer-nav]")));
        Assert.Single(layout.FindComponents<MudDrawerHeader>());
        Assert.Equal("true", layout.Find("[data-testid=nav-drawer-toggle]").GetAttribute("aria-expanded"));
    }

    [Fact]
    public void Layout_shell_and_closed_user_menu_are_markup_and_the_drawer_exists_only_while_open()
    {
        var layout = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p>page</p>"))));
        layout.WaitForAssertion(() => Assert.Contains("Vic Viewer", layout.Find("[data-testid=user-menu-button] button").TextContent));

        // Was 30 with MudLayout, MudAppBar/MudToolBar, a closed MudDrawer (and its MudOverlay), MudMainContent,
        // MudContainer and the user menu's MudMenu, MudButton, MudIcon, MudPopover and MudOverlay.
        var types = layout.FindComponents<IComponent>().Select(c => c.Instance.GetType()).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", types.Select(t => t.Name)));
        // PortalNav and DemoBanner: static or nearly so (links, a banner), markup written by the layout itself.
        Assert.DoesNotContain(types, t => t == typeof(MudLayout) || t == typeof(MudAppBar) || t == typeof(MudToolBar) || t == typeof(MudDrawer)
            || t == typeof(MudOverlay) || t == typeof(MudMainContent) || t == typeof(MudContainer) || t == typeof(MudMenu)
            || t == typeof(MudButton) || t == typeof(MudIcon) || t == typeof(MudPopover) || t == typeof(PortalNav) || t == typeof(DemoBanner));
        Assert.InRange(types.Count, 1, LayoutComponentBudget);
        Assert.Empty(layout.FindAll("[data-testid=nav-drawer]"));

        // The drawer opens (MudBlazor's own temporary drawer), and closes from its overlay.
        layout.Find("[data-testid=nav-drawer-toggle]").Click();
        layout.WaitForAssertion(() => Assert.NotEmpty(layout.FindAll("[data-testid=drawer-nav]")));
        Assert.Contains("mud-drawer--open", layout.Find("aside[data-testid=nav-drawer]").ClassList);
        layout.Find(".mud-overlay").Click();
        layout.WaitForAssertion(() => Assert.Empty(layout.FindAll("[data-testid=nav-drawer]")));
        Assert.Equal("false", layout.Find("[data-testid=nav-drawer-toggle]").GetAttribute("aria-expanded"));
        Assert.Empty(layout.FindComponents<MudDrawer>());
    }

    [Fact]
    public void Layout_shell_markup_has_the_classes_of_MudLayout_MudAppBar_MudToolBar_MudMainContent_and_MudContainer()
    {
        var mud = Render(b =>
        {
            b.OpenComponent<MudLayout>(0);
            b.AddAttribute(1, nameof(MudLayout.ChildContent), (RenderFragment)(l =>
            {
                l.OpenComponent<MudAppBar>(0);
                l.AddAttribute(1, nameof(MudAppBar.Elevation), 1);
                l.AddAttribute(2, nameof(MudAppBar.Dense), true);
                l.AddAttribute(3, nameof(MudAppBar.ChildContent), (RenderFragment)(a => a.AddMarkupContent(0, "<span>bar</span>")));
                l.CloseComponent();
                l.OpenComponent<MudMainContent>(4);
                l.AddAttribute(5, nameof(MudMainContent.ChildContent), (RenderFragment)(m =>
                {
                    m.OpenComponent<MudContainer>(0);
                    m.AddAttribute(1, nameof(MudContainer.MaxWidth), MaxWidth.ExtraExtraLarge);
                    m.AddAttribute(2, nameof(MudContainer.Class), "portal-content");
                    m.CloseComponent();
                }));
                l.CloseComponent();
            }));
            b.CloseComponent();
        });
        var layout = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p>page</p>"))));

        foreach (var selector in new[] { ".mud-layout", "header.mud-appbar", ".mud-toolbar", ".mud-main-content", ".mud-container" })
        {
            Assert.Equal(Classes(mud.Find(selector)), Classes(layout.Find(selector)));
        }
        Assert.Equal(mud.Find(".mud-toolbar").GetAttribute("role"), layout.Find(".mud-toolbar").GetAttribute("role"));
        Assert.Equal("main", layout.Find(".mud-container").Id);
    }

    [Fact]
    public async Task User_menu_activator_markup_has_the_classes_of_the_MudMenu_it_replaces_and_opens_on_click()
    {
        // In a circuit of its own, so that its (closed) popover is not in this circuit's provider.
        await using var other = new SecondCircuit();
        var mud = other.Render(b =>
        {
            b.OpenComponent<MudMenu>(0);
            b.AddAttribute(1, nameof(MudMenu.Label), "Vic Viewer");
            b.AddAttribute(2, nameof(MudMenu.StartIcon), Icons.Material.Filled.AccountCircle);
            b.AddAttribute(3, nameof(MudMenu.Color), Color.Inherit);
            b.AddAttribute(4, nameof(MudMenu.Class), "user-menu");
            b.CloseComponent();
        });
        var host = Render(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<UserMenu>(1);
            b.CloseComponent();
        });
        host.WaitForAssertion(() => Assert.Contains("Vic Viewer", host.Find("[data-testid=user-menu-button] button").TextContent));

        Assert.Equal(Classes(mud.Find(".mud-menu")), Classes(host.Find("[data-testid=user-menu-button]")));
        var button = host.Find("[data-testid=user-menu-button] button");
        Assert.Equal(Classes(mud.Find(".mud-menu button")), Classes(button));
        Assert.Equal(Classes(mud.Find(".mud-menu button .mud-button-icon-start")), Classes(button.QuerySelector(".mud-button-icon-start")!));
        Assert.Equal(Classes(mud.Find(".mud-menu button svg")), Classes(button.QuerySelector("svg")!));
        Assert.Equal(mud.Find(".mud-menu button").TextContent.Trim(), button.TextContent.Trim());
        Assert.Equal("false", button.GetAttribute("aria-expanded"));
        // Closed: no MudBlazor component at all, and nothing in the popover provider.
        Assert.Empty(host.FindComponent<UserMenu>().FindComponents<IComponent>());
        Assert.Empty(host.FindAll(".mud-popover"));

        button.Click();
        host.WaitForAssertion(() => Assert.NotEmpty(host.FindAll("[data-testid=user-menu-panel]")));
        Assert.Equal("true", host.Find("[data-testid=user-menu-button] button").GetAttribute("aria-expanded"));
        host.Find("[data-testid=user-menu-button]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=user-menu-panel]")));

        host.Find("[data-testid=user-menu-button] button").Click();
        host.WaitForAssertion(() => Assert.NotEmpty(host.FindAll("[data-testid=user-menu-panel]")));
        host.Find(".mud-overlay").Click();
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=user-menu-panel]")));
        Assert.Empty(host.FindComponent<UserMenu>().FindComponents<MudPopover>());
    }

    [Fact]
    public void Drawer_toggle_markup_has_the_classes_of_the_MudIconButton_it_replaces()
    {
        var mud = Render<MudIconButton>(p => p.Add(x => x.Icon, Icons.Material.Filled.Menu).Add(x => x.Color, Color.Inherit).Add(x => x.Class, "nav-drawer-toggle"));
        var layout = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p>page</p>"))));

        var toggle = layout.Find("button[data-testid=nav-drawer-toggle]");
        Assert.Equal(Classes(mud.Find("button")), Classes(toggle));
        Assert.Equal(Classes(mud.Find("button svg")), Classes(toggle.QuerySelector("svg")!));
        Assert.Equal("Open navigation", toggle.GetAttribute("aria-label"));
        Assert.Equal(Classes(Render<MudSpacer>().Find("div")), Classes(layout.Find(".mud-toolbar > .flex-grow-1")));
    }

    /// <summary>Components of the layout in an idle circuit (theme, providers, error boundary, app bar parts).</summary>
    private const int LayoutComponentBudget = 11;

    [Fact]
    public async Task List_menus_are_markup_with_the_classes_of_the_MudMenus_they_replace_and_keep_no_component_while_closed()
    {
        // The real MudMenus in a circuit of their own, so their closed popovers are not in this circuit's provider.
        await using var other = new SecondCircuit();
        var mud = other.Render(b =>
        {
            b.OpenComponent<MudMenu>(0);
            b.AddAttribute(1, nameof(MudMenu.Icon), Icons.Material.Filled.ViewColumn);
            b.AddAttribute(2, "data-testid", "real-columns");
            b.CloseComponent();
            b.OpenComponent<MudMenu>(3);
            b.AddAttribute(4, nameof(MudMenu.Label), "Views (1)");
            b.AddAttribute(5, nameof(MudMenu.StartIcon), Icons.Material.Filled.Bookmarks);
            b.AddAttribute(6, nameof(MudMenu.Variant), Variant.Outlined);
            b.AddAttribute(7, nameof(MudMenu.Size), Size.Small);
            b.AddAttribute(8, "data-testid", "real-views");
            b.CloseComponent();
            b.OpenComponent<MudButton>(9);
            b.AddAttribute(10, nameof(MudButton.Variant), Variant.Outlined);
            b.AddAttribute(11, nameof(MudButton.Size), Size.Small);
            b.AddAttribute(12, nameof(MudButton.StartIcon), Icons.Material.Filled.BookmarkAdd);
            b.AddAttribute(13, nameof(MudButton.ChildContent), (RenderFragment)(c => c.AddContent(0, "Save view")));
            b.AddAttribute(14, "data-testid", "real-save");
            b.CloseComponent();
        });
        Proxy.Views.Add(new(Guid.NewGuid(), "w-analytics", "Failing ETL", "state=Failed", "admin", FakeProxyClient.T0));
        var host = RenderListWithProvider();

        foreach (var (real, ours) in new[] { ("real-columns", "column-chooser"), ("real-views", "views-menu") })
        {
            Assert.Equal(Classes(mud.Find($"[data-testid={real}]")), Classes(host.Find($"[data-testid={ours}]")));
            Assert.Equal(Classes(mud.Find($"[data-testid={real}] button")), Classes(host.Find($"[data-testid={ours}] button")));
            Assert.Equal(Classes(mud.Find($"[data-testid={real}] button svg")), Classes(host.Find($"[data-testid={ours}] button svg")));
        }
        Assert.Equal(Classes(mud.Find("[data-testid=real-views] button .mud-button-icon-start")), Classes(host.Find("[data-testid=views-menu] button .mud-button-icon-start")));
        Assert.Equal(mud.Find("[data-testid=real-views] button").TextContent.Trim(), host.Find("[data-testid=views-menu] button").TextContent.Trim());
        Assert.Equal(Classes(mud.Find("button[data-testid=real-save]")), Classes(host.Find("button[data-testid=save-view]")));
        Assert.Equal(Classes(mud.Find("button[data-testid=real-save] .mud-button-icon-start")), Classes(host.Find("button[data-testid=save-view] .mud-button-icon-start")));
        Assert.Equal(Classes(mud.Find("button[data-testid=real-save] svg")), Classes(host.Find("button[data-testid=save-view] svg")));

        // Closed: one component each (the menu itself), no MudBlazor component inside, nothing in the popover provider.
        Assert.Empty(host.FindComponent<ColumnChooser>().FindComponents<MudComponentBase>());
        Assert.Empty(host.FindComponent<Components.Views.SavedViewsMenu>().FindComponents<MudComponentBase>());
        Assert.Empty(host.FindAll(".mud-popover"));

        // Opens on click, closes on Escape, on a click beside it, and when the page navigates.
        host.Find("[data-testid=column-chooser] button").Click();
        host.WaitForAssertion(() => Assert.NotEmpty(host.FindAll("input[data-testid=column-toggle-queue]")));
        Assert.Equal("true", host.Find("[data-testid=column-chooser] button").GetAttribute("aria-expanded"));
        host.Find("[data-testid=column-chooser]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=column-chooser-panel]")));

        host.Find("[data-testid=views-menu] button").Click();
        host.WaitForAssertion(() => Assert.Contains("Failing ETL", host.Find("[data-testid=views-panel]").TextContent));
        host.Find(".mud-overlay").Click();
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=views-panel]")));

        host.Find("[data-testid=views-menu] button").Click();
        host.WaitForAssertion(() => Assert.NotEmpty(host.FindAll("[data-testid=views-panel]")));
        Navigation.NavigateTo("/workspaces/w-analytics/sessions?state=Failed");
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=views-panel]")));
        Assert.Empty(host.FindComponent<Components.Views.SavedViewsMenu>().FindComponents<MudPopover>());
    }

    private static IReadOnlyList<string> Classes(AngleSharp.Dom.IElement element) => [.. element.ClassList.Order(StringComparer.Ordinal)];

    /// <summary>A second, independent circuit (its own services and renderer) beside the test's.</summary>
    private sealed class SecondCircuit : PortalTestContext
    {
        public IRenderedComponent<SessionTable> RenderList()
        {
            Navigation.NavigateTo("/workspaces/w-analytics/sessions");
            var cut = Render<WorkspaceSessions>(p => p.Add(x => x.WorkspaceId, "w-analytics"));
            cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=session-list]").GetAttribute("data-ready")));
            return cut.FindComponent<SessionTable>();
        }
    }
}

/// <summary>The list's state keeps the rendered page only: a page it moved away from is unreachable from it.</summary>
public sealed class SessionListStateFootprintTests : IDisposable
{
    private const string Ws = "w-analytics";

    private readonly FakeProxyClient _proxy = new();
    private readonly FakeTimeProvider _time = new(FakeProxyClient.T0);
    private readonly SessionListState _state;

    public SessionListStateFootprintTests()
    {
        // Fresh objects per request (as the real client deserializes them), 25 rows of 320.
        _proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(
            FakeProxyClient.Page(q, [.. FakeProxyClient.Sample(ws!, 25).Select(s => s with { SessionClusterId = $"{s.SessionClusterId}-p{q.Page}" })], total: 320));
        _state = new SessionListState(_proxy, new PortalUserState(_proxy, new Viewer()), _time);
    }

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task After_paging_the_list_state_holds_only_the_current_pages_rows()
    {
        var earlier = new List<WeakReference>();
        for (var page = 1; page <= 3; page++)
        {
            earlier.AddRange(await ShowPageAsync(page));
        }
        var current = await ShowPageAsync(4);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // Pages 1–3 (the page objects and each of their rows) are gone; page 4 is what the state shows and persists.
        Assert.All(earlier, w => Assert.False(w.IsAlive));
        Assert.All(current, w => Assert.True(w.IsAlive));
        Assert.All(_state.Page!.Items, s => Assert.EndsWith("-p4", s.SessionClusterId, StringComparison.Ordinal));
        Assert.Equal(25, _state.ToSnapshot()!.Page!.Items.Count);
        Assert.Same(_state.Page, _state.ToSnapshot()!.Page);
    }

    // Not inlined: the page objects must not stay reachable from this method's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<List<WeakReference>> ShowPageAsync(int page)
    {
        await _state.SetUrlAsync(Ws, new SessionQuery { Page = page }, mineChoice: false);
        Assert.True(_state.IsReady);
        var shown = _state.Page!;
        return [new WeakReference(shown), .. shown.Items.Select(s => new WeakReference(s))];
    }

    private sealed class Viewer : ICircuitUserAccessor
    {
        public ClaimsPrincipal User { get; } = new(new ClaimsIdentity([new Claim("oid", "viewer")], "test"));
    }
}
