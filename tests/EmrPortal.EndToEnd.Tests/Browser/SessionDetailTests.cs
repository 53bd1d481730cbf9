using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

public sealed class SessionDetailTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    [Fact]
    public async Task Detail_link_opened_signed_out_lands_on_that_detail_after_sign_in()
    {
        var (_, list) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?sort=name&dir=asc&page=2", Ct);
        var session = list!["items"]!.AsArray()[3]!;
        var id = session["sessionClusterId"]!.GetValue<string>();
        var link = $"/workspaces/w-analytics/sessions/{id}?from={Uri.EscapeDataString("/workspaces/w-analytics/sessions?page=2&sort=name&dir=asc")}";

        var page = await (await NewContextAsync()).NewPageAsync();
        await page.GotoAsync(link);
        await PortalBrowser.WaitForUrlAsync(page, url => url.Contains("/signin", StringComparison.Ordinal));
        Assert.Equal(link, PortalBrowser.QueryValue(page.Url, "returnUrl"));
        await PortalBrowser.SignInAsync(page, "admin");
        await PortalBrowser.WaitForReadyAsync(page);

        Assert.Equal(link, PortalBrowser.PathAndQuery(page.Url));
        var name = session["name"]?.GetValue<string>();
        await Assertions.Expect(page.Locator("[data-testid='session-name']")).ToHaveTextAsync(string.IsNullOrWhiteSpace(name) ? id : name);
        await PortalBrowser.ScreenshotAsync(page, "session-detail");
    }

    [Fact]
    public async Task Viewer_detail_page_shows_secret_looking_configs_redacted_and_never_their_values()
    {
        var (id, revealed) = await FindSessionWithSecretsAsync("w-analytics");
        var secretKeys = revealed.Keys.ToList();

        var page = await OpenAsync("viewer", $"/workspaces/w-analytics/sessions/{id}");

        foreach (var key in secretKeys)
        {
            var row = page.Locator($"[data-testid='config-row'][data-key='{key}']");
            await Assertions.Expect(row.Locator("[data-testid='redacted-chip']")).ToBeVisibleAsync();
        }

        var html = await page.ContentAsync();
        foreach (var secret in revealed.Values)
        {
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        }

        await Assertions.Expect(page.Locator("[data-testid='reveal']")).ToHaveCountAsync(0);
        await PortalBrowser.ScreenshotAsync(page, "session-detail-viewer");
    }

    /// <summary>
    /// A session whose configs the proxy redacts for a viewer, with the real values of those configs (from the admin's
    /// audited reveal) so the page can be searched for them.
    /// </summary>
    internal static async Task<(string Id, Dictionary<string, string> Secrets)> FindSessionWithSecretsAsync(
        PortalFixture portal, string workspace, CancellationToken ct)
    {
        var (_, list) = await portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{workspace}/sessions?pageSize=200&sort=name&dir=asc", ct);
        foreach (var item in list!["items"]!.AsArray())
        {
            var id = item!["sessionClusterId"]!.GetValue<string>();
            var (status, detail) = await portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/{workspace}/sessions/{id}", ct);
            Assert.Equal(200, status);
            var redactedKeys = Configs(detail).Where(c => c["redacted"]!.GetValue<bool>()).Select(c => c["key"]!.GetValue<string>()).ToHashSet();
            if (redactedKeys.Count == 0)
            {
                continue;
            }

            var (revealStatus, revealed) = await portal.ProxyApi.PostAsync("admin", $"/api/v1/workspaces/{workspace}/sessions/{id}/reveal", ct);
            Assert.Equal(200, revealStatus);
            var secrets = Configs(revealed)
                .Where(c => redactedKeys.Contains(c["key"]!.GetValue<string>()))
                .ToDictionary(c => c["key"]!.GetValue<string>(), c => c["value"]!.GetValue<string>());
            Assert.All(secrets.Values, v => Assert.NotEqual("••••••", v));
            return (id, secrets);
        }

        throw new InvalidOperationException($"No session in {workspace} has secret-looking configs; the emulator seed should provide some.");
    }

    private Task<(string Id, Dictionary<string, string> Secrets)> FindSessionWithSecretsAsync(string workspace) =>
        FindSessionWithSecretsAsync(Portal, workspace, Ct);

    private static IEnumerable<JsonNode> Configs(JsonNode? detail) =>
        detail!["applicationConfigs"]!.AsArray().Select(c => c!);
}
