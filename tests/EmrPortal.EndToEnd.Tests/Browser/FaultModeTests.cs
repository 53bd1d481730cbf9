using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

public sealed class FaultModeTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    [Fact]
    public async Task When_the_cloud_api_fails_the_list_shows_the_last_data_with_the_stale_banner_not_an_error()
    {
        const string ListApi = "/api/v1/workspaces/w-finance/sessions?sort=name&dir=asc";
        var (status, fresh) = await Portal.ProxyApi.GetAsync("admin", ListApi, Ct);
        Assert.Equal(200, status);
        var page = await OpenAsync("admin", "/workspaces/w-finance/sessions?sort=name&dir=asc");
        // The fixture's fresh TTL is 2 s, so on a busy machine a page can legitimately load during a revalidation
        // (stale=true). Reload until a fresh load is seen: the banner below must be caused by the injected faults.
        // The banner is counted only once the list has loaded (OpenAsync returns when the Views menu is ready, and a
        // list still loading has no banner either way).
        await PortalBrowser.WaitForListReadyAsync(page);
        var freshBy = DateTimeOffset.UtcNow.AddSeconds(90);
        while (DateTimeOffset.UtcNow < freshBy && await page.Locator("[data-testid='stale-banner']").CountAsync() > 0)
        {
            await page.ReloadAsync();
            await PortalBrowser.WaitForListReadyAsync(page);
        }

        await Assertions.Expect(page.Locator("[data-testid='stale-banner']")).ToHaveCountAsync(0);

        var rejectedBefore = await RejectedCallsAsync();
        await using (await Portal.EmulatorAdmin.ChangeFaultsAsync(f => f["errorRate"] = 1.0, Ct))
        {
            // All must hold: the emulator has refused a refresh, and the proxy still answers with the old data marked
            // stale and reports the failed refresh (with a 2 s TTL the data can be stale from a normal revalidation
            // before any fault is injected, which shows only a quiet "refreshing…", not the banner).
            await WaitUntilProxyServesStaleAfterFaultsAsync(ListApi, rejectedBefore);

            await page.ReloadAsync();
            await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(fresh));

            await Assertions.Expect(page.Locator("[data-testid='stale-banner']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid='stale-banner']")).ToHaveAttributeAsync("data-cause", "Unavailable");
            await Assertions.Expect(page.Locator("[data-testid='error-view']")).ToHaveCountAsync(0);
            await PortalBrowser.ScreenshotAsync(page, "session-list-stale");
        }
    }

    private async Task<long> RejectedCallsAsync()
    {
        var stats = await Portal.EmulatorAdmin.GetStatsAsync(Ct);
        return stats["rejected"]?.AsObject().Sum(kv => kv.Value!.GetValue<long>()) ?? 0;
    }

    private async Task WaitUntilProxyServesStaleAfterFaultsAsync(string listApi, long rejectedBefore)
    {
        var faulted = false;
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); DateTimeOffset.UtcNow < deadline;)
        {
            var (status, body) = await Portal.ProxyApi.GetAsync("admin", listApi, Ct);
            Assert.Equal(200, status);
            faulted = faulted || await RejectedCallsAsync() > rejectedBefore;
            if (faulted && body!["stale"]!.GetValue<bool>() && body["refreshFailure"] is not null)
            {
                return;
            }

            await Task.Delay(500, Ct);
        }

        Assert.Fail(faulted
            ? "The proxy never reported stale data and a failed refresh while the emulator failed every call."
            : "The emulator injected no fault, so stale data would have another cause.");
    }
}
