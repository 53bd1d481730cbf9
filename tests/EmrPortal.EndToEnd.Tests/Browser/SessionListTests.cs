using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// The list in a real browser against the real proxy. The oracle is the proxy's own API for the same query (its
/// sorting/paging correctness is proven in the proxy's tests); here the point is that what a person clicks is what
/// the proxy is asked, what it answers is what is shown, and the URL holds the whole view.
/// </summary>
public sealed class SessionListTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string Workspace = "w-analytics";
    private const string ListPath = "/workspaces/w-analytics/sessions";

    [Theory]
    [InlineData("name", "name")]
    [InlineData("state", "state")]
    [InlineData("kind", "kind")]
    [InlineData("queue", "queueName")]
    [InlineData("owner", "userName")]
    [InlineData("release", "releaseVersion")]
    [InlineData("created", "gmtCreate")]
    [InlineData("started", "startTime")]
    public async Task Clicking_a_column_header_sorts_all_sessions_both_ways_like_the_proxy(string column, string sortKey)
    {
        var page = await OpenAsync("admin", ListPath);
        var header = page.Locator($"[data-testid='sort-{column}']");

        string? firstDir = null;
        for (var click = 0; click < 2; click++)
        {
            var before = page.Url;
            await header.ClickAsync();
            // Polled, not Playwright's WaitForURL: the circuit's pushState can land between its check and its subscription.
            // The list may still show the previous order here; ExpectRowsAsync below waits for the new one.
            await PortalBrowser.WaitForUrlAsync(page, url => url != before);

            var sort = PortalBrowser.QueryValue(page.Url, "sort") ?? "startTime";
            var dir = PortalBrowser.QueryValue(page.Url, "dir") ?? "desc";
            Assert.Equal(sortKey, sort);
            Assert.NotEqual(firstDir, dir);
            firstDir ??= dir;

            var expected = await ProxyPageAsync($"sort={sortKey}&dir={dir}");
            await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(expected));
            await Assertions.Expect(page.Locator($"[data-testid='header-{column}']"))
                .ToHaveAttributeAsync("aria-sort", dir == "asc" ? "ascending" : "descending");
        }
    }

    [Fact]
    public async Task Last_page_button_shows_the_last_rows_of_the_whole_workspace()
    {
        var total = PortalFixture.SeededWorkspaces.Single(w => w.Id == Workspace).Sessions;
        var lastPage = (total + 24) / 25;
        var page = await OpenAsync("admin", $"{ListPath}?sort=name&dir=asc");

        await page.Locator("[data-testid='page-last']").ClickAsync();
        await PortalBrowser.WaitForListAsync(page, "page", lastPage.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var expected = await ProxyPageAsync($"sort=name&dir=asc&page={lastPage}");
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(expected));
        var rows = await PortalBrowser.RowIdsAsync(page);
        Assert.Equal(total - ((lastPage - 1) * 25), rows.Count);
        await Assertions.Expect(page.Locator("[data-testid='pager-range']")).ToHaveTextAsync($"{((lastPage - 1) * 25) + 1}–{total} of {total}");
        await Assertions.Expect(page.Locator("[data-testid='page-next']")).ToBeDisabledAsync();
        await PortalBrowser.ScreenshotAsync(page, "session-list-last-page");
    }

    [Fact]
    public async Task Search_and_filters_narrow_the_rows_and_the_url_captures_them()
    {
        var all = await ProxyPageAsync("pageSize=200");
        var first = all!["items"]!.AsArray()[0]!;
        var owner = first["userName"]?.GetValue<string>() ?? first["userId"]!.GetValue<string>();
        var queue = first["queueName"]!.GetValue<string>();
        var page = await OpenAsync("admin", ListPath);

        // Free-text search (debounced) goes to the URL as q=…
        await page.Locator("#session-search").FillAsync(owner);
        await PortalBrowser.WaitForListAsync(page, "q", owner);
        var searched = await ProxyPageAsync($"q={Uri.EscapeDataString(owner)}");
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(searched));
        Assert.True(searched!["totalCount"]!.GetValue<int>() < all["totalCount"]!.GetValue<int>(), "search did not narrow the list");

        // A queue filter adds queue=… and keeps q.
        await page.Locator("#filter-queue").FillAsync(queue);
        await page.Locator("#filter-queue").PressAsync("Enter");
        await PortalBrowser.WaitForListAsync(page, "queue", queue);
        Assert.Equal(owner, PortalBrowser.QueryValue(page.Url, "q"));
        var filtered = await ProxyPageAsync($"q={Uri.EscapeDataString(owner)}&queue={Uri.EscapeDataString(queue)}");
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(filtered));
        Assert.Contains(first["sessionClusterId"]!.GetValue<string>(), await PortalBrowser.RowIdsAsync(page));

        // A state filter from the (native) select.
        var state = first["state"]!.GetValue<string>();
        await page.Locator("select[data-testid='filter-state']").SelectOptionAsync(new SelectOptionValue { Label = state });
        await PortalBrowser.WaitForListAsync(page, "state", state);
        var narrowed = await ProxyPageAsync($"q={Uri.EscapeDataString(owner)}&queue={Uri.EscapeDataString(queue)}&state={state}");
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(narrowed));
    }

    [Fact]
    public async Task Native_filter_fields_show_focus_follow_back_and_forward_and_clear_by_their_button()
    {
        var page = await OpenAsync("admin", $"{ListPath}?sort=name&dir=asc");
        await PortalBrowser.WaitForListReadyAsync(page);
        var state = page.Locator("select[data-testid='filter-state']");
        var size = page.Locator("select[data-testid='page-size']");
        await Assertions.Expect(state).ToHaveValueAsync("");
        await Assertions.Expect(size).ToHaveValueAsync("25");

        // The select lies transparent over MudBlazor's field: focusing it rings the field as MudBlazor's focus does.
        var border = page.Locator("select[data-testid='filter-state'] ~ fieldset.mud-input-outlined-border");
        await Assertions.Expect(border).ToHaveCSSAsync("border-top-width", "1px");
        await state.FocusAsync();
        await Assertions.Expect(border).ToHaveCSSAsync("border-top-width", "2px");

        await state.SelectOptionAsync(new SelectOptionValue { Value = "Running" });
        await PortalBrowser.WaitForListAsync(page, "state", "Running");
        await size.SelectOptionAsync(new SelectOptionValue { Value = "10" });
        await PortalBrowser.WaitForListAsync(page, "pageSize", "10");
        await Assertions.Expect(page.Locator("[data-testid='pager-range']")).ToContainTextAsync("1–10 of");

        // Back and forward move the fields with the URL.
        await page.GoBackAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => PortalBrowser.QueryValue(url, "pageSize") is null && PortalBrowser.QueryValue(url, "state") == "Running");
        await Assertions.Expect(size).ToHaveValueAsync("25");
        await Assertions.Expect(state).ToHaveValueAsync("Running");
        await page.GoBackAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => PortalBrowser.QueryValue(url, "state") is null);
        await Assertions.Expect(state).ToHaveValueAsync("");
        await page.GoForwardAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => PortalBrowser.QueryValue(url, "state") == "Running");
        await Assertions.Expect(state).ToHaveValueAsync("Running");
        await PortalBrowser.WaitForListReadyAsync(page);

        // A text filter's clear button (named for what it clears) drops the filter.
        var queue = page.Locator("#filter-queue");
        await queue.FillAsync("dev_queue");
        await queue.PressAsync("Enter");
        await PortalBrowser.WaitForListAsync(page, "queue", "dev_queue");
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear queue", Exact = true }).ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => PortalBrowser.QueryValue(url, "queue") is null);
        await Assertions.Expect(queue).ToHaveValueAsync("");
        Assert.Equal("Running", PortalBrowser.QueryValue(page.Url, "state"));
    }

    [Fact]
    public async Task Reloading_a_list_url_restores_the_exact_view()
    {
        var all = await ProxyPageAsync("pageSize=200");
        // The most common kind, so page 2 of 10 rows exists whatever the seed's mix.
        var kind = all!["items"]!.AsArray().GroupBy(s => s!["kind"]!.GetValue<string>()).MaxBy(g => g.Count())!.Key;
        var query = $"page=2&pageSize=10&sort=name&dir=desc&kind={kind}";
        var expected = SignInTests.Ids(await ProxyPageAsync(query));
        Assert.NotEmpty(expected);

        var page = await OpenAsync("admin", $"{ListPath}?{query}");
        await PortalBrowser.ExpectRowsAsync(page, expected);
        await page.ReloadAsync();

        await PortalBrowser.ExpectRowsAsync(page, expected);
        Assert.Equal($"{ListPath}?{query}", PortalBrowser.PathAndQuery(page.Url));
        await Assertions.Expect(page.Locator("[data-testid='header-name']")).ToHaveAttributeAsync("aria-sort", "descending");
        await Assertions.Expect(page.Locator("[data-testid='page-number']")).ToContainTextAsync("Page 2");
    }

    [Fact]
    public async Task List_page_screenshot_is_saved_as_a_test_artifact()
    {
        var page = await OpenAsync("admin", ListPath);
        await Assertions.Expect(page.Locator("[data-testid='session-row']")).ToHaveCountAsync(25);

        var path = await PortalBrowser.ScreenshotAsync(page, "session-list");

        Assert.True(new FileInfo(path).Length > 20_000, "the screenshot is suspiciously small");
    }

    private async Task<JsonNode?> ProxyPageAsync(string query)
    {
        var (status, body) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions?{query}", Ct);
        Assert.Equal(200, status);
        return body;
    }
}
