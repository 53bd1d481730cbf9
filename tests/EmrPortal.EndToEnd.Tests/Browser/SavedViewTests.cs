using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// Saved team views end to end: a viewer shapes a list (Everyone, a filter, a sort) and saves it; an admin, in a fresh
/// browser, opens it from the Views menu and lands on the same list; someone who may not see the workspace never sees
/// it (the proxy refuses, the page is the 403 view).
/// </summary>
public sealed class SavedViewTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string Workspace = "w-analytics";
    private const string ListPath = "/workspaces/w-analytics/sessions";

    [Fact]
    public async Task A_view_saved_by_a_viewer_opens_the_same_list_for_an_admin_and_never_reaches_an_outsider()
    {
        var (_, all) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions?pageSize=200", Ct);
        // The most common queue, so the view has rows whatever the seed's mix.
        var queue = all!["items"]!.AsArray().GroupBy(s => s!["queueName"]!.GetValue<string>()).MaxBy(g => g.Count())!.Key;
        var name = $"E2E {queue} by name {Guid.NewGuid():N}"[..40];

        // The viewer shapes the list: everyone's sessions, one queue, sorted by name.
        var viewer = await OpenListAsync("viewer", ListPath);
        await viewer.Locator("[data-testid='mine-everyone']").ClickAsync();
        await WaitForListAsync(viewer, "mine", "false");
        await viewer.Locator("[data-testid='sort-name']").ClickAsync();
        await WaitForListAsync(viewer, "sort", "name");
        await viewer.Locator("#filter-queue").FillAsync(queue);
        await viewer.Locator("#filter-queue").PressAsync("Enter");
        await WaitForListAsync(viewer, "queue", queue);
        var viewerQuery = QueryOf(viewer.Url);
        var (_, expected) = await Portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/{Workspace}/sessions?{new Uri(viewer.Url).Query.TrimStart('?')}", Ct);
        var viewerRows = SignInTests.Ids(expected);
        Assert.NotEmpty(viewerRows);
        // Polling: the URL names the filtered view a moment before the circuit has rendered it (the list was
        // already "ready" with the previous rows), so a single read could see the unfiltered list.
        await PortalBrowser.ExpectRowsAsync(viewer, viewerRows);

        // …and saves it under a name.
        await viewer.Locator("[data-testid='save-view']").ClickAsync();
        await viewer.Locator("#save-view-name").FillAsync(name);
        await viewer.Locator("[data-testid='save-view-confirm']").ClickAsync();
        // The menu reloads its list after the proxy stored the view.
        await OpenViewsMenuAsync(viewer);
        await Assertions.Expect(viewer.Locator("[data-testid='saved-view-link']", new() { HasTextString = name })).ToHaveCountAsync(1);
        await CloseViewsMenuAsync(viewer);
        var (status, views) = await Portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/{Workspace}/views", Ct);
        Assert.Equal(200, status);
        var saved = Assert.Single(views!.AsArray(), v => v!["name"]!.GetValue<string>() == name)!;
        Assert.Equal("viewer", saved["createdBy"]!.GetValue<string>());

        // An admin, in a fresh browser, finds it in the Views menu and lands on the same list.
        var admin = await OpenListAsync("admin", ListPath);
        await OpenViewsMenuAsync(admin);
        var adminEntry = admin.Locator("[data-testid='saved-view']").Filter(new() { Has = admin.Locator("[data-testid='saved-view-link']", new() { HasTextString = name }) });
        await Assertions.Expect(adminEntry).ToHaveCountAsync(1);
        // Only its creator is offered "delete" in the menu.
        await Assertions.Expect(adminEntry.Locator("[data-testid='delete-view']")).ToHaveCountAsync(0);
        await adminEntry.Locator("[data-testid='saved-view-link']").ClickAsync();
        await WaitForListAsync(admin, "queue", queue);

        Assert.Equal(viewerQuery, QueryOf(admin.Url));
        await PortalBrowser.ExpectRowsAsync(admin, viewerRows);
        await Assertions.Expect(admin.Locator("[data-testid='header-name']")).ToHaveAttributeAsync("aria-sort", "ascending");

        // Someone who may not see the workspace: the proxy refuses its views, and the view's link is a 403 page.
        var (outsiderStatus, _) = await Portal.ProxyApi.GetAsync("outsider", $"/api/v1/workspaces/{Workspace}/views", Ct);
        Assert.Equal(403, outsiderStatus);
        var outsider = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(), "outsider", PortalBrowser.PathAndQuery(admin.Url));
        await Assertions.Expect(outsider.Locator("[data-testid='forbidden-view']")).ToBeVisibleAsync();
        await Assertions.Expect(outsider.Locator("[data-testid='session-row']")).ToHaveCountAsync(0);
        await Assertions.Expect(outsider.Locator("[data-testid='saved-views']")).ToHaveCountAsync(0);
        Assert.DoesNotContain(name, await outsider.ContentAsync(), StringComparison.Ordinal);

        // Its creator deletes it; it is gone for everyone.
        await OpenViewsMenuAsync(viewer);
        var viewerEntry = viewer.Locator("[data-testid='saved-view']").Filter(new() { Has = viewer.Locator("[data-testid='saved-view-link']", new() { HasTextString = name }) });
        await viewerEntry.Locator("[data-testid='delete-view']").ClickAsync();
        await Assertions.Expect(viewerEntry).ToHaveCountAsync(0);
        var (_, after) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/views", Ct);
        Assert.DoesNotContain(after!.AsArray(), v => v!["name"]!.GetValue<string>() == name);
    }

    [Fact]
    public async Task Outsider_cannot_save_a_view_in_a_workspace_they_cannot_see()
    {
        var (status, _) = await Portal.ProxyApi.PostJsonAsync("outsider", $"/api/v1/workspaces/{Workspace}/views",
            """{ "name": "sneaky", "query": "sort=name&dir=asc" }""", Ct);
        Assert.Equal(403, status);

        var (_, views) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/views", Ct);
        Assert.DoesNotContain(views!.AsArray(), v => v!["name"]!.GetValue<string>() == "sneaky");
    }

    private async Task<IPage> OpenListAsync(string userId, string path)
    {
        var page = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(), userId, path);
        await WaitForListReadyAsync(page);
        return page;
    }

    /// <summary>The list itself, not the first ready thing on the page (the Views menu also says data-ready).</summary>
    private static Task WaitForListReadyAsync(IPage page) =>
        page.Locator("[data-testid='session-list'][data-ready='true']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    private static async Task WaitForListAsync(IPage page, string parameter, string value)
    {
        await PortalBrowser.WaitForUrlAsync(page, url => PortalBrowser.QueryValue(url, parameter) == value);
        await WaitForListReadyAsync(page);
    }

    private static async Task OpenViewsMenuAsync(IPage page)
    {
        await page.Locator("[data-testid='saved-views'][data-ready='true']").WaitForAsync();
        await page.Locator("[data-testid='views-menu'] button").First.ClickAsync();
        await page.Locator("[data-testid='views-panel']").WaitForAsync();
    }

    /// <summary>Closes the menu the way a person does, by clicking beside it, and waits until it is gone.</summary>
    private static async Task CloseViewsMenuAsync(IPage page)
    {
        await page.Mouse.ClickAsync(5, 300);
        await page.Locator("[data-testid='views-panel']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
    }

    /// <summary>A URL's query as sorted name=value pairs (the order of parameters is not part of the view).</summary>
    private static IReadOnlyList<string> QueryOf(string url) =>
        [.. new Uri(url).Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Uri.UnescapeDataString(p.Replace('+', ' ')))
            .Order(StringComparer.Ordinal)];
}
