using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// Things that made people distrust what the list shows: a shared link must show its receiver what it showed its
/// sender, an active filter must be visible and easy to clear, and a toggle must show which side is selected.
/// The oracle is the proxy's own answer for the same query.
/// </summary>
public sealed class ListClarityTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string ListPath = "/workspaces/w-analytics/sessions";

    [Fact]
    public async Task A_shared_list_link_shows_a_viewer_the_rows_it_showed_the_admin_who_sent_it()
    {
        const string link = ListPath + "?sort=name&pageSize=100";
        var (_, sent) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?sort=name&pageSize=100", Ct);
        var (_, mine) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions?sort=name&pageSize=100&mine=true", Ct);
        // Precondition: the viewer's own sessions are fewer, so their default would change what the link shows.
        Assert.True(SignInTests.Ids(mine).Count < SignInTests.Ids(sent).Count);

        var admin = await OpenAsync("admin", link);
        await PortalBrowser.ExpectRowsAsync(admin, SignInTests.Ids(sent));
        var viewer = await OpenAsync("viewer", link);
        await PortalBrowser.ExpectRowsAsync(viewer, SignInTests.Ids(sent));
        await Assertions.Expect(viewer.Locator("[data-testid='mine-filter']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_viewers_default_mine_filter_applies_only_to_a_bare_url_is_visible_and_one_click_clears_it()
    {
        var (_, mine) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions?mine=true", Ct);
        var (_, everyone) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions?mine=false", Ct);

        var page = await OpenAsync("viewer", ListPath);
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(mine));
        var chip = page.Locator("[data-testid='mine-filter']");
        await Assertions.Expect(chip).ToBeVisibleAsync();
        await Assertions.Expect(chip).ToContainTextAsync("Only my sessions");

        await chip.Locator("[data-testid='mine-filter-clear']").ClickAsync();
        await PortalBrowser.WaitForListAsync(page, "mine", "false");
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(everyone));
        await Assertions.Expect(chip).ToHaveCountAsync(0);

        // A filter chosen from the default keeps the default's "mine" in the URL, so the link says what it shows.
        await page.GotoAsync(ListPath);
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(mine));
        await page.Locator("[data-testid='sort-name']").ClickAsync();
        await PortalBrowser.WaitForListAsync(page, "sort", "name");
        Assert.Equal("true", PortalBrowser.QueryValue(page.Url, "mine"));
    }

    [Fact]
    public async Task A_home_state_chip_shows_a_viewer_every_session_in_that_state()
    {
        var (_, workspaces) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/workspaces", Ct);
        var counts = workspaces!.AsArray().First(w => w!["workspaceId"]!.GetValue<string>() == "w-analytics")!["sessionCountsByState"];
        // The workspace's counts are filled once it has been scanned; ask the list first if they are not there yet.
        if (counts is null)
        {
            await Portal.ProxyApi.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions", Ct);
        }

        var page = await OpenAsync("viewer", "/");
        var chips = page.Locator("[data-testid='workspace-row'][data-workspace-id='w-analytics'] a.state-count");
        await Assertions.Expect(chips.First).ToBeVisibleAsync();
        string? state = null;
        IReadOnlyList<string> expected = [];
        foreach (var href in await chips.EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"))
        {
            var candidate = PortalBrowser.QueryValue("http://x" + href, "state")!;
            var (_, all) = await Portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/w-analytics/sessions?state={candidate}&mine=false", Ct);
            var (_, own) = await Portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/w-analytics/sessions?state={candidate}&mine=true", Ct);
            if (SignInTests.Ids(all).Count > SignInTests.Ids(own).Count)
            {
                (state, expected) = (candidate, SignInTests.Ids(all));
                break;
            }
        }

        Assert.NotNull(state);
        await chips.Filter(new() { HasTextString = state }).First.ClickAsync();
        await PortalBrowser.WaitForListAsync(page, "state", state);
        await PortalBrowser.ExpectRowsAsync(page, expected);
    }

    [Fact]
    public async Task Two_option_toggles_show_the_selected_side_in_light_and_dark_themes()
    {
        var page = await OpenAsync("admin", "/workspaces/w-analytics");
        await ExpectSelectedAsync(page, "range-24h", "range-7d");
        await page.Locator("[data-testid='range-7d']").ClickAsync();
        await ExpectSelectedAsync(page, "range-7d", "range-24h");

        await page.Locator("[data-testid='theme-toggle']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='theme-toggle']")).ToHaveAttributeAsync("aria-label", "Switch to light theme");
        await ExpectSelectedAsync(page, "range-7d", "range-24h");

        var viewer = await OpenAsync("viewer", ListPath + "?mine=false");
        await PortalBrowser.WaitForListReadyAsync(viewer);
        await ExpectSelectedAsync(viewer, "mine-everyone", "mine-mine");
        await viewer.Locator("[data-testid='mine-mine']").ClickAsync();
        await PortalBrowser.WaitForListAsync(viewer, "mine", "true");
        await ExpectSelectedAsync(viewer, "mine-mine", "mine-everyone");
    }

    [Fact]
    public async Task A_state_the_portal_does_not_list_filters_and_renders_as_itself()
    {
        // States sort as text, so the emulator's undocumented "Upgrading" comes first when sorting by state descending.
        var (_, byState) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/sessions?sort=state&dir=desc&pageSize=10", Ct);
        var upgrading = byState!["items"]!.AsArray()[0]!;
        Assert.Equal("Upgrading", upgrading["state"]!.GetValue<string>());
        var workspace = upgrading["workspaceId"]!.GetValue<string>();
        var (status, filtered) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{workspace}/sessions?state=Upgrading&pageSize=100", Ct);
        Assert.Equal(200, status);
        var expected = SignInTests.Ids(filtered);
        Assert.Contains(upgrading["sessionClusterId"]!.GetValue<string>(), expected);

        var page = await OpenAsync("admin", "/");
        var chip = page.Locator($"[data-testid='workspace-row'][data-workspace-id='{workspace}'] a.state-count").Filter(new() { HasTextString = "Upgrading" });
        await chip.ClickAsync();
        await PortalBrowser.WaitForListAsync(page, "state", "Upgrading");
        await PortalBrowser.ExpectRowsAsync(page, expected);
        var states = await page.Locator($"{PortalBrowser.ListSelector} [data-testid='session-row'] [data-testid='state-chip']")
            .EvaluateAllAsync<string[]>("chips => chips.map(c => c.getAttribute('data-state') + '|' + c.textContent.trim())");
        Assert.All(states, s => Assert.Equal("Upgrading|Upgrading", s));

        // The State filter (a native select) offers it too, and choosing another state and back works from the filter alone.
        var filter = page.Locator("select[data-testid='filter-state']");
        await Assertions.Expect(filter).ToHaveValueAsync("Upgrading");
        await filter.SelectOptionAsync(new SelectOptionValue { Label = "Running" });
        await PortalBrowser.WaitForListAsync(page, "state", "Running");
        await filter.SelectOptionAsync(new SelectOptionValue { Label = "Upgrading" });
        await PortalBrowser.WaitForListAsync(page, "state", "Upgrading");
        await PortalBrowser.ExpectRowsAsync(page, expected);
    }

    [Fact]
    public async Task A_page_past_the_end_says_so_and_links_to_the_last_page()
    {
        var (_, first) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=10", Ct);
        var total = first!["totalCount"]!.GetValue<int>();
        var lastPage = (total + 9) / 10;
        var (_, last) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/w-analytics/sessions?pageSize=10&page={lastPage}", Ct);

        var page = await OpenAsync("admin", ListPath + "?pageSize=10&page=9999");
        await PortalBrowser.ExpectRowsAsync(page, []);
        await Assertions.Expect(page.Locator("[data-testid='past-end']")).ToContainTextAsync($"Page 9999 is past the end: this view has {lastPage} pages.");
        // No pager claiming "9,981–{total} of {total}" or "Page 9999 of N" beside it.
        await Assertions.Expect(page.Locator("[data-testid='pager']")).ToHaveCountAsync(0);

        await page.Locator("[data-testid='go-to-last-page']").ClickAsync();
        await PortalBrowser.WaitForListAsync(page, "page", lastPage.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(last));
        await Assertions.Expect(page.Locator("[data-testid='page-number']")).ToHaveTextAsync($"Page {lastPage} of {lastPage}");
    }

    /// <summary>The selected option carries aria-pressed=true and looks different from the other one (its background).</summary>
    private static async Task ExpectSelectedAsync(IPage page, string selected, string other)
    {
        var on = page.Locator($"[data-testid='{selected}']");
        var off = page.Locator($"[data-testid='{other}']");
        await Assertions.Expect(on).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(off).ToHaveAttributeAsync("aria-pressed", "false");
        var onBackground = await on.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        var offBackground = await off.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.NotEqual(offBackground, onBackground);
    }
}
