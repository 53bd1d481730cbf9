using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// The portal on a phone (390 × 844): the app bar fits, a drawer holds every destination and sign-out, and the session
/// list scrolls sideways inside itself with the session's name kept in view.
/// </summary>
public sealed class MobileTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private static void Phone(BrowserNewContextOptions options)
    {
        options.ViewportSize = new ViewportSize { Width = 390, Height = 844 };
        options.IsMobile = true;
        options.HasTouch = true;
    }

    [Fact]
    public async Task At_390_px_the_app_bar_fits_and_a_drawer_offers_every_destination_and_sign_out()
    {
        var page = await OpenAsync("admin", "/", Phone);

        // The app bar collapses: no overflowing row of buttons, the drawer button instead of the nav and user menu.
        var bar = page.Locator(".mud-appbar .mud-toolbar");
        Assert.True(await bar.EvaluateAsync<bool>("b => b.scrollWidth <= b.clientWidth"), "The app bar overflows at 390 px.");
        await Assertions.Expect(page.Locator("[data-testid='portal-nav']")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("[data-testid='user-menu-button']")).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways at 390 px.");

        var toggle = page.Locator("[data-testid='nav-drawer-toggle']");
        await toggle.ClickAsync();
        var drawer = page.Locator("[data-testid='nav-drawer']");
        foreach (var destination in new[] { "home", "sessions", "errors", "diff", "audit" })
        {
            await Assertions.Expect(drawer.Locator($"[data-testid='drawer-{destination}']")).ToBeVisibleAsync();
        }

        await Assertions.Expect(drawer.Locator("[data-testid='drawer-sign-out']")).ToBeVisibleAsync();

        // A destination navigates and closes the drawer.
        await drawer.Locator("[data-testid='drawer-errors']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/errors");
        await Assertions.Expect(drawer.Locator("[data-testid='drawer-errors']")).ToHaveCountAsync(0);

        await toggle.ClickAsync();
        await drawer.Locator("[data-testid='drawer-sign-out']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/signin");
        await page.GotoAsync("/sessions");
        await PortalBrowser.WaitForUrlAsync(page, url => url.Contains("/signin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_390_px_the_list_scrolls_inside_itself_and_keeps_the_session_name_in_view()
    {
        var page = await OpenAsync("admin", "/workspaces/w-analytics/sessions?sort=name", Phone);
        await PortalBrowser.WaitForListReadyAsync(page);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways at 390 px.");

        var container = page.Locator($"{PortalBrowser.ListSelector} .session-table .mud-table-container");
        Assert.True(await container.EvaluateAsync<bool>("c => c.scrollWidth > c.clientWidth"), "The table does not scroll inside its container.");
        await container.EvaluateAsync("c => c.scrollLeft = c.scrollWidth");

        var name = page.Locator($"{PortalBrowser.ListSelector} [data-testid='session-row'] [data-testid='cell-name']").First;
        var box = await container.BoundingBoxAsync();
        await Assertions.Expect(name).ToBeVisibleAsync();
        var nameBox = await name.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.NotNull(nameBox);
        // Scrolled all the way right, the name cell is still at the container's left edge, on screen.
        Assert.InRange(nameBox.X, box.X - 1, box.X + 2);
        await name.Locator("[data-testid='session-link']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath.StartsWith("/workspaces/w-analytics/sessions/", StringComparison.Ordinal));
        await page.Locator("[data-testid='session-detail'][data-ready='true']").WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The detail page scrolls sideways at 390 px.");
    }
}
