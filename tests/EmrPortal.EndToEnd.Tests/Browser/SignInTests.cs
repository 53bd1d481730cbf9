using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

public sealed class SignInTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    [Theory]
    [InlineData("admin")]
    [InlineData("viewer")]
    [InlineData("outsider")]
    public async Task Each_demo_user_signs_in_and_sees_exactly_the_workspaces_the_proxy_allows(string userId)
    {
        var (status, body) = await Portal.ProxyApi.GetAsync(userId, "/api/v1/workspaces", Ct);
        Assert.Equal(200, status);
        var allowed = body!.AsArray().Select(w => w!["workspaceId"]!.GetValue<string>()).Order().ToList();

        var page = await OpenAsync(userId, "/");

        await Assertions.Expect(page.Locator("[data-testid='demo-banner']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='user-menu-button']")).ToContainTextAsync(DemoIdentity.User(userId).Name);
        var shown = await page.Locator("[data-testid='workspace-row']").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => r.getAttribute('data-workspace-id'))");
        Assert.Equal(allowed, shown.Order().ToList());
        if (allowed.Count == 0)
        {
            await Assertions.Expect(page.Locator("[data-testid='no-workspaces']")).ToBeVisibleAsync();
        }

        Assert.Equal(userId switch
        {
            "admin" => PortalFixture.SeededWorkspaces.Select(w => w.Id).Order().ToList(),
            "viewer" => ["w-analytics"],
            _ => [],
        }, allowed);
    }

    [Fact]
    public async Task Signing_out_returns_to_the_sign_in_page_and_protects_the_portal_again()
    {
        var page = await OpenAsync("viewer", "/");

        await page.Locator("[data-testid='user-menu-button']").ClickAsync();
        await page.Locator("[data-testid='sign-out']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/signin");
        await page.GotoAsync("/workspaces/w-analytics/sessions");

        await PortalBrowser.WaitForUrlAsync(page, url => url.Contains("/signin", StringComparison.Ordinal));
        Assert.Equal("/workspaces/w-analytics/sessions", PortalBrowser.QueryValue(page.Url, "returnUrl"));
    }

    internal static IReadOnlyList<string> Ids(JsonNode? page) =>
        page!["items"]!.AsArray().Select(s => s!["sessionClusterId"]!.GetValue<string>()).ToList();
}
