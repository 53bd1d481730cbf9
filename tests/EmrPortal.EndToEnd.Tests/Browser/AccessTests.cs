using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>Authorization is the proxy's; the portal shows its refusal as a 403 page and leaks nothing of the workspace.</summary>
public sealed class AccessTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    [Fact]
    public async Task Viewer_opening_another_workspaces_list_link_sees_the_403_page_and_no_data()
    {
        var foreignIds = await ForeignSessionIdsAsync();

        var page = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(), "viewer", "/workspaces/w-marketing/sessions");

        await Assertions.Expect(page.Locator("[data-testid='forbidden-view']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='forbidden-view']")).ToContainTextAsync("w-marketing");
        await Assertions.Expect(page.Locator("[data-testid='session-row']")).ToHaveCountAsync(0);
        var html = await page.ContentAsync();
        Assert.DoesNotContain(foreignIds, id => html.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Viewer_opening_another_workspaces_detail_link_sees_the_403_page_and_no_data()
    {
        var foreignIds = await ForeignSessionIdsAsync();
        var (_, detail) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/w-marketing/sessions/{foreignIds[0]}", Ct);
        var name = detail!["summary"]!["name"]?.GetValue<string>();

        var page = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(), "viewer", $"/workspaces/w-marketing/sessions/{foreignIds[0]}");

        await Assertions.Expect(page.Locator("[data-testid='forbidden-view']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='session-facts']")).ToHaveCountAsync(0);
        var html = await page.ContentAsync();
        if (!string.IsNullOrWhiteSpace(name))
        {
            Assert.DoesNotContain(name, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Outsider_sees_no_workspace_and_is_refused_a_workspace_link()
    {
        var page = await OpenAsync("outsider", "/");
        await Assertions.Expect(page.Locator("[data-testid='no-workspaces']")).ToBeVisibleAsync();

        await page.GotoAsync("/workspaces/w-analytics/sessions");

        await Assertions.Expect(page.Locator("[data-testid='forbidden-view']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='session-row']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Viewer_all_sessions_view_lists_only_sessions_of_their_workspaces()
    {
        var (status, expected) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/sessions", Ct);
        Assert.Equal(200, status);
        Assert.All(expected!["items"]!.AsArray(), s => Assert.Equal("w-analytics", s!["workspaceId"]!.GetValue<string>()));

        // "Everyone": the viewer is mapped to a cloud user, so without a choice the list starts on their own sessions.
        var page = await OpenAsync("viewer", "/sessions?mine=false");

        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(expected));
        await Assertions.Expect(page.Locator("[data-testid='forbidden-view']")).ToHaveCountAsync(0);

        // Their default, "mine", is the proxy's mine=true for the same user, still within their workspace.
        var (_, mine) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/sessions?mine=true", Ct);
        Assert.All(mine!["items"]!.AsArray(), s => Assert.Equal("w-analytics", s!["workspaceId"]!.GetValue<string>()));
        await page.GotoAsync("/sessions");
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(mine));
    }

    private async Task<IReadOnlyList<string>> ForeignSessionIdsAsync()
    {
        var (status, list) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-marketing/sessions?pageSize=50", Ct);
        Assert.Equal(200, status);
        var (viewerStatus, _) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/workspaces/w-marketing/sessions", Ct);
        Assert.Equal(403, viewerStatus);
        return SignInTests.Ids(list);
    }
}
