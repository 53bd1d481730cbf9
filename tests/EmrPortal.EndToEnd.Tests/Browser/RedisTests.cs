using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>With <c>ConnectionStrings:redis</c> set, a second proxy + web pair keeps its shared state in a real redis-server.</summary>
public sealed class RedisTests(PortalFixture portal, BrowserFixture browser, RedisServer redis)
    : PortalTestBase(portal, browser), IClassFixture<RedisServer>
{
    [Fact]
    public async Task Proxy_and_web_with_redis_serve_the_portal_and_store_their_shared_state_there()
    {
        var proxySettings = PortalFixture.ProxySettings(Portal.Emulator!.BaseAddress, Portal.Identity.PublicKeyPem, redis.ConnectionString);
        await using var proxy = await RunningApp.StartAsync("Proxy", "proxy-redis", PortalFixture.WithoutNulls(proxySettings), Ct);
        var webSettings = PortalFixture.WebSettings(proxy.BaseAddress, Portal.Identity.PrivateKeyPem, redis.ConnectionString);
        await using var web = await RunningApp.StartAsync("Web", "web-redis", PortalFixture.WithoutNulls(webSettings), Ct);
        var before = await KeysAsync();

        var context = await NewContextAsync(web.BaseAddress);
        var page = await PortalBrowser.OpenAsSignedInAsync(context, "admin", "/workspaces/w-finance/sessions");
        await PortalBrowser.WaitForReadyAsync(page);
        await Assertions.Expect(page.Locator("[data-testid='session-row']")).Not.ToHaveCountAsync(0);

        // Signing in and loading a workspace stores shared state (snapshot L2, token cache, data-protection keys).
        var after = await KeysAsync();
        Assert.True(after.IsProperSupersetOf(before),
            $"Browsing stored nothing new in redis. Before: [{string.Join(", ", before)}]; after: [{string.Join(", ", after)}]");
    }

    private async Task<HashSet<string>> KeysAsync() =>
        ((await redis.CommandAsync(Ct, "KEYS", "*")) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
}
