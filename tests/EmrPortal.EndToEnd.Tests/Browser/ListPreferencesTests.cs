using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// Smaller list and detail fixes: hidden columns follow the user (reload, another browser), two rows picked with
/// their checkboxes open the compare page, and the detail page is headed by the session's name.
/// </summary>
public sealed class ListPreferencesTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string ListPath = "/workspaces/w-analytics/sessions?sort=name";
    private const string ColumnsPath = "/api/v1/me/preferences/columns";

    [Fact]
    public async Task A_hidden_column_stays_hidden_after_a_reload_and_in_another_browser_of_the_same_user()
    {
        try
        {
            var page = await OpenAsync("admin", ListPath);
            await PortalBrowser.WaitForListReadyAsync(page);
            var queueHeader = page.Locator($"{PortalBrowser.ListSelector} [data-testid='header-queue']");
            await Assertions.Expect(queueHeader).ToBeVisibleAsync();

            await page.Locator("[data-testid='column-chooser'] button").First.ClickAsync();
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Queue", Exact = true }).ClickAsync();
            await Assertions.Expect(queueHeader).ToHaveCountAsync(0);
            // The proxy confirmed the choice (the list says what it stored) before the page is left.
            await page.Locator($"{PortalBrowser.ListSelector}[data-hidden-columns='queue']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

            await page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Commit, Timeout = PortalBrowser.PageTimeoutMs });
            await PortalBrowser.WaitForListReadyAsync(page);
            await Assertions.Expect(page.Locator($"{PortalBrowser.ListSelector} [data-testid='header-kind']")).ToBeVisibleAsync();
            await Assertions.Expect(queueHeader).ToHaveCountAsync(0);

            // Another browser profile (no shared cookies or storage), same user: the same columns.
            var elsewhere = await OpenAsync("admin", ListPath);
            await PortalBrowser.WaitForListReadyAsync(elsewhere);
            await Assertions.Expect(elsewhere.Locator($"{PortalBrowser.ListSelector} [data-testid='header-kind']")).ToBeVisibleAsync();
            await Assertions.Expect(elsewhere.Locator($"{PortalBrowser.ListSelector} [data-testid='header-queue']")).ToHaveCountAsync(0);
            await Assertions.Expect(elsewhere.Locator($"{PortalBrowser.ListSelector} [data-testid='cell-queue']")).ToHaveCountAsync(0);

            // Another user's columns are their own.
            var viewer = await OpenAsync("viewer", ListPath);
            await PortalBrowser.WaitForListReadyAsync(viewer);
            await Assertions.Expect(viewer.Locator($"{PortalBrowser.ListSelector} [data-testid='header-queue']")).ToBeVisibleAsync();
        }
        finally
        {
            // The module's other tests expect every column.
            await Portal.ProxyApi.PutJsonAsync("admin", ColumnsPath, """{"hidden":[]}""", Ct);
        }
    }

    [Fact]
    public async Task Two_rows_picked_with_the_keyboard_open_the_compare_page_for_those_two()
    {
        var (_, list) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?sort=name&pageSize=25", Ct);
        var items = list!["items"]!.AsArray();
        string Id(int i) => items[i]!["sessionClusterId"]!.GetValue<string>();
        string Name(int i) => items[i]!["name"]?.GetValue<string>() is { Length: > 0 } name ? name : Id(i);

        var page = await OpenAsync("admin", ListPath);
        await PortalBrowser.WaitForListReadyAsync(page);
        var compare = page.Locator("[data-testid='compare-picked']");
        await Assertions.Expect(compare).ToBeDisabledAsync();

        // Each checkbox is named after its session; Space picks it.
        async Task PressSpaceOnAsync(int row)
        {
            var box = page.Locator($"{PortalBrowser.ListSelector} [data-testid='session-row'][data-session-id='{Id(row)}'] [data-testid='compare-pick']");
            await Assertions.Expect(box).ToHaveAttributeAsync("aria-label", $"Pick {Name(row)} to compare");
            await box.FocusAsync();
            await page.Keyboard.PressAsync("Space");
        }

        await PressSpaceOnAsync(0);
        await Assertions.Expect(compare).ToHaveAttributeAsync("data-picked", "1");
        await Assertions.Expect(compare).ToBeDisabledAsync();
        await PressSpaceOnAsync(1);
        await Assertions.Expect(compare).ToHaveAttributeAsync("data-picked", "2");
        await Assertions.Expect(compare).ToBeEnabledAsync();
        // Three picked is one too many; unpicking one enables it again.
        await PressSpaceOnAsync(2);
        await Assertions.Expect(compare).ToBeDisabledAsync();
        await PressSpaceOnAsync(2);
        await Assertions.Expect(compare).ToBeEnabledAsync();

        await compare.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/diff");
        Assert.Equal($"w-analytics/{Id(0)}", PortalBrowser.QueryValue(page.Url, "left"));
        Assert.Equal($"w-analytics/{Id(1)}", PortalBrowser.QueryValue(page.Url, "right"));
        await page.Locator("[data-testid='diff'][data-ready='true']").WaitForAsync(new() { Timeout = PortalBrowser.PageTimeoutMs });
        await Assertions.Expect(page.Locator("[data-testid='diff-summary']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_detail_page_is_headed_by_the_sessions_name_with_its_id_beside_it()
    {
        var (_, list) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?sort=name&pageSize=50", Ct);
        var named = list!["items"]!.AsArray().First(s => s!["name"]?.GetValue<string>() is { Length: > 0 } name && name != s["sessionClusterId"]!.GetValue<string>())!;
        var (id, name) = (named["sessionClusterId"]!.GetValue<string>(), named["name"]!.GetValue<string>());

        var page = await OpenAsync("admin", $"/workspaces/w-analytics/sessions/{id}");
        await page.Locator("[data-testid='session-detail'][data-ready='true']").WaitForAsync();

        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Assertions.Expect(heading).ToHaveTextAsync(name);
        await Assertions.Expect(heading).Not.ToContainTextAsync(id);
        await Assertions.Expect(page.Locator("[data-testid='session-detail'] .page-header .session-id")).ToContainTextAsync(id);
    }
}
