using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// Signing out in one tab ends the session for every tab of that browser: the other tab's next action lands on the
/// sign-in (or signed-out) page and shows none of the data it had.
/// </summary>
public sealed class TwoTabSignOutTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    [Fact]
    public async Task Signing_out_in_one_tab_sends_the_other_tab_to_sign_in_on_its_next_action()
    {
        var context = await NewContextAsync();
        var home = await PortalBrowser.OpenAsSignedInAsync(context, "admin", "/");
        await PortalBrowser.WaitForReadyAsync(home);

        // The second tab shares the cookie: it opens the list without signing in again.
        var list = await context.NewPageAsync();
        await list.GotoAsync("/workspaces/w-analytics/sessions", new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = PortalBrowser.PageTimeoutMs });
        await PortalBrowser.WaitForListReadyAsync(list, PortalBrowser.PageTimeoutMs);
        var shown = await PortalBrowser.RowIdsAsync(list);
        Assert.NotEmpty(shown);
        Assert.Equal("/workspaces/w-analytics/sessions", new Uri(list.Url).AbsolutePath);

        await home.Locator("[data-testid='user-menu-button']").ClickAsync();
        await home.Locator("[data-testid='sign-out']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(home, url => IsSignedOutPage(url), PortalBrowser.PageTimeoutMs);

        // The list tab's circuit is still open; its next action needs a proxy token, which is minted only for a live session.
        await list.Locator("[data-testid='page-next']").ClickAsync(new LocatorClickOptions { Timeout = PortalBrowser.PageTimeoutMs });
        await PortalBrowser.WaitForUrlAsync(list, url => IsSignedOutPage(url), PortalBrowser.PageTimeoutMs);
        await list.Locator("[data-testid^='signin-as-'], [data-testid='signed-out']").First
            .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = PortalBrowser.PageTimeoutMs });

        Assert.Equal(0, await list.Locator("[data-testid='session-row']").CountAsync());
        var html = await list.ContentAsync();
        Assert.All(shown, id => Assert.DoesNotContain(id, html, StringComparison.Ordinal));

        // A fresh load in that tab is protected too.
        await list.GotoAsync("/workspaces/w-analytics/sessions", new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = PortalBrowser.PageTimeoutMs });
        await PortalBrowser.WaitForUrlAsync(list, url => new Uri(url).AbsolutePath == "/signin", PortalBrowser.PageTimeoutMs);
    }

    private static bool IsSignedOutPage(string url) => new Uri(url).AbsolutePath is "/signin" or "/signed-out";
}
