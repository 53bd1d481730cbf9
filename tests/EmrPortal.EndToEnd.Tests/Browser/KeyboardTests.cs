using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// The portal with a keyboard only: every step is Tab, Enter or typing, checked by where focus is. A skip link reaches
/// the first row of a list in a handful of Tab presses.
/// </summary>
public sealed class KeyboardTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string ListPath = "/workspaces/w-analytics/sessions";

    [Fact]
    public async Task The_skip_link_reaches_the_first_row_of_a_freshly_loaded_list_within_five_tab_presses()
    {
        var page = await OpenAsync("admin", ListPath + "?sort=name");
        await PortalBrowser.WaitForListReadyAsync(page);
        var first = (await PortalBrowser.RowIdsAsync(page))[0];
        // A fresh document: focus starts at the top, as for someone arriving from a link.
        await page.ReloadAsync();
        await PortalBrowser.WaitForListReadyAsync(page);

        var presses = 0;
        var trail = new List<string>();
        while (presses < 5 && !await FocusIsInFirstRowAsync(page, first))
        {
            await page.Keyboard.PressAsync("Tab");
            presses++;
            trail.Add(await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing'"));
            if (await page.EvaluateAsync<bool>("() => document.activeElement?.hasAttribute('data-skip-link') === true"))
            {
                await page.Keyboard.PressAsync("Enter");
            }
        }

        Assert.True(await FocusIsInFirstRowAsync(page, first), $"Focus is not in the first row after {presses} Tab presses: {string.Join(" | ", trail)}");
    }

    [Fact]
    public async Task Sign_in_open_a_workspace_sort_filter_page_open_a_detail_and_go_back_with_the_keyboard_only()
    {
        var (_, all) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200", Ct);
        // A search that matches more than one page of 25, so paging has somewhere to go: a busy queue if one is, else
        // a piece of every generated name.
        var candidates = all!["items"]!.AsArray().Select(s => s!["queueName"]?.GetValue<string>()).OfType<string>()
            .GroupBy(q => q).OrderByDescending(g => g.Count()).Select(g => g.Key).Append("_");
        string? search = null;
        System.Text.Json.Nodes.JsonNode? expected = null;
        foreach (var candidate in candidates)
        {
            var (_, found) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/w-analytics/sessions?q={Uri.EscapeDataString(candidate)}&sort=name&dir=asc&page=2", Ct);
            if (found!["totalCount"]!.GetValue<int>() > 25)
            {
                (search, expected) = (candidate, found);
                break;
            }
        }

        Assert.NotNull(search);
        var page2 = SignInTests.Ids(expected);
        Assert.NotEmpty(page2);

        var page = await (await NewContextAsync()).NewPageAsync();
        await page.GotoAsync("/signin?returnUrl=%2F");
        await TabToAsync(page, "[data-testid='signin-as-admin']");
        await page.Keyboard.PressAsync("Enter");
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/", PortalBrowser.PageTimeoutMs);
        await PortalBrowser.WaitForReadyAsync(page);

        await TabToAsync(page, "[data-testid='workspace-row'][data-workspace-id='w-analytics'] [data-testid='workspace-link']");
        await page.Keyboard.PressAsync("Enter");
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == ListPath);
        await PortalBrowser.WaitForListReadyAsync(page);

        await TabToAsync(page, "[data-testid='sort-name']");
        await page.Keyboard.PressAsync("Enter");
        await PortalBrowser.WaitForListAsync(page, "sort", "name");

        await TabToAsync(page, "#session-search");
        await page.Keyboard.TypeAsync(search);
        await PortalBrowser.WaitForListAsync(page, "q", search);

        await TabToAsync(page, "[data-testid='page-next']");
        await page.Keyboard.PressAsync("Enter");
        await PortalBrowser.WaitForListAsync(page, "page", "2");
        await PortalBrowser.ExpectRowsAsync(page, page2);
        var listUrl = page.Url;

        await TabToAsync(page, $"[data-session-id='{page2[0]}'] [data-testid='session-link']");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-testid='session-detail'][data-ready='true']").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid='session-name']")).ToBeVisibleAsync();

        await TabToAsync(page, $"[data-testid='breadcrumbs'] a[href^='{ListPath}']");
        await page.Keyboard.PressAsync("Enter");
        await PortalBrowser.WaitForUrlAsync(page, url => url == listUrl);
        await PortalBrowser.ExpectRowsAsync(page, page2);
    }

    private static Task<bool> FocusIsInFirstRowAsync(IPage page, string id) =>
        page.EvaluateAsync<bool>(
            "id => !!document.activeElement?.closest(`[data-testid='session-list'] [data-testid='session-row'][data-session-id='${id}']`)", id);

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/>.</summary>
    private static async Task TabToAsync(IPage page, string selector, int max = 150)
    {
        for (var i = 0; i < max; i++)
        {
            if (await page.EvaluateAsync<bool>("s => { const e = document.activeElement; return !!e && (e.matches(s) || !!e.closest(s)); }", selector))
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        // Backwards (Shift+Tab) for a control before the current focus, e.g. the toolbar's search after a sort header.
        var trail = new List<string>();
        for (var i = 0; i < max; i++)
        {
            await page.Keyboard.PressAsync("Shift+Tab");
            if (trail.Count < 8)
            {
                trail.Add(await page.EvaluateAsync<string>("() => (document.activeElement?.id || '') + ':' + (document.activeElement?.outerHTML.slice(0, 80) ?? 'nothing')"));
            }

            if (await page.EvaluateAsync<bool>("s => { const e = document.activeElement; return !!e && (e.matches(s) || !!e.closest(s)); }", selector))
            {
                return;
            }
        }

        var focused = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'");
        Assert.Fail($"{selector} never got keyboard focus within {max} presses; focus is on {focused}; backwards: {string.Join(" | ", trail)}");
    }
}
