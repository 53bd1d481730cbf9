using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// What a person sees when an address leads nowhere or is refused: the portal's own 404/403 page, with the portal's
/// navigation and a way back, never the browser's or the server's bare page.
/// </summary>
public sealed class ErrorPagesTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    [Fact]
    public async Task An_unknown_address_shows_the_portals_404_page_with_its_navigation_and_a_way_home()
    {
        var page = await OpenAsync("admin", "/");
        var response = await page.GotoAsync("/no-such-page/at-all?x=1");

        Assert.Equal(404, response!.Status);
        var view = page.Locator("[data-testid='not-found-view']");
        await Assertions.Expect(view).ToBeVisibleAsync();
        await Assertions.Expect(view.Locator("h1")).ToHaveTextAsync("Not found");
        // The portal's chrome: a signed-in person can go anywhere from here, not only back.
        await Assertions.Expect(page.Locator("[data-testid='portal-nav']")).ToBeVisibleAsync();

        await view.Locator("[data-testid='way-back']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/");
        await PortalBrowser.WaitForReadyAsync(page);
    }

    [Fact]
    public async Task A_missing_session_shows_the_portals_404_page_with_a_way_back_to_its_list()
    {
        var page = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(), "admin", "/workspaces/w-analytics/sessions/sc-does-not-exist");

        var view = page.Locator("[data-testid='not-found-view']");
        await Assertions.Expect(view).ToBeVisibleAsync();
        await Assertions.Expect(view.Locator("h1")).ToHaveTextAsync("Session not found");
        await Assertions.Expect(page.Locator("[data-testid='portal-nav']")).ToBeVisibleAsync();

        await view.Locator("[data-testid='way-back']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/workspaces/w-analytics/sessions");
        await PortalBrowser.WaitForListReadyAsync(page);
    }

    [Fact]
    public async Task A_forbidden_csv_export_shows_the_portals_403_page_not_the_sign_in_page_or_a_bare_status()
    {
        var (status, _) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/workspaces/w-marketing/sessions.csv", Ct);
        Assert.Equal(403, status);

        var page = await OpenAsync("viewer", "/");
        var response = await page.GotoAsync("/export/workspaces/w-marketing/sessions.csv?sort=name");

        Assert.Equal(403, response!.Status);
        Assert.Equal("/export/workspaces/w-marketing/sessions.csv", new Uri(page.Url).AbsolutePath);
        Assert.Contains("no-store", await response.HeaderValueAsync("cache-control") ?? "", StringComparison.Ordinal);
        var view = page.Locator("[data-testid='forbidden-view']");
        await Assertions.Expect(view).ToBeVisibleAsync();
        await Assertions.Expect(view.Locator("h1")).ToContainTextAsync("w-marketing");
        await Assertions.Expect(page.Locator("[data-testid='portal-nav']")).ToBeVisibleAsync();

        await view.Locator("[data-testid='way-back']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/");
        await PortalBrowser.WaitForReadyAsync(page);
    }

    [Fact]
    public async Task An_export_of_an_unknown_workspace_shows_the_portals_404_page()
    {
        var page = await OpenAsync("admin", "/");
        var response = await page.GotoAsync("/export/workspaces/w-nope/sessions.csv");

        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.Locator("[data-testid='not-found-view']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='not-found-view'] [data-testid='way-back']")).ToHaveAttributeAsync("href", "/");
    }
}
