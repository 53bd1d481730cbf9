using System.Globalization;
using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// What the list says about how current its data is: a normal stale-while-revalidate refresh shows a quiet
/// "refreshing…" and never the warning; the warning appears only when a refresh failed, naming the cause the proxy saw.
/// A polite live region tells screen-reader users what loaded. (The fixture's fresh TTL is 2 s, so revalidations are
/// frequent.)
/// </summary>
public sealed class RefreshStateTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string FinanceList = "/workspaces/w-finance/sessions?sort=name&dir=asc";
    private const string FinanceApi = "/api/v1/workspaces/w-finance/sessions?sort=name&dir=asc";

    [Fact]
    public async Task A_healthy_revalidation_shows_a_quiet_refreshing_note_and_never_the_stale_warning()
    {
        var page = await OpenAsync("admin", FinanceList);
        await PortalBrowser.WaitForListReadyAsync(page);
        var note = page.Locator("[data-testid='refreshing-note']");
        var warning = page.Locator("[data-testid='stale-banner']");

        // A slow but healthy cloud: every call answers, after 3 s (well inside the 10 s attempt timeout). A scan then
        // takes longer than the 2 s fresh TTL, so the proxy keeps serving the last snapshot while it revalidates
        // (without the latency a revalidation is too quick for a load to land on it reliably).
        await using (await Portal.EmulatorAdmin.ChangeFaultsAsync(f => f["latency"] = new JsonObject
        {
            ["fixedMs"] = 3000,
            ["jitterMs"] = 0,
        }, Ct))
        {
            // Reload until a load lands while the proxy revalidates; no load may warn.
            var seen = false;
            for (var deadline = DateTimeOffset.UtcNow.AddSeconds(90); !seen && DateTimeOffset.UtcNow < deadline;)
            {
                await page.ReloadAsync();
                await PortalBrowser.WaitForListReadyAsync(page);
                Assert.Equal(0, await warning.CountAsync());
                seen = await note.CountAsync() > 0;
            }

            Assert.True(seen, "no load during a revalidation was seen in 90 s");
            await Assertions.Expect(note).ToHaveTextAsync("refreshing…");
            // Quiet: not an alert, no warning colour.
            Assert.Equal(0, await page.Locator(".session-list .mud-alert").CountAsync());
            var (_, body) = await Portal.ProxyApi.GetAsync("admin", FinanceApi, Ct);
            Assert.Null(body!["refreshFailure"]);
        }
    }

    [Fact]
    public async Task An_injected_throttle_shows_the_warning_with_since_when_and_the_cause()
    {
        var (status, fresh) = await Portal.ProxyApi.GetAsync("admin", FinanceApi, Ct);
        Assert.Equal(200, status);
        var page = await OpenAsync("admin", FinanceList);
        await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(fresh));

        // One token per API, refilled every 100 s: the cloud's wait is longer than a call may take, so the next
        // refresh fails at once with Throttling.User.
        await using (await Portal.EmulatorAdmin.ChangeFaultsAsync(f => f["throttling"] = new JsonObject
        {
            ["enabled"] = true,
            ["qps"] = 0.01,
            ["burst"] = 1,
        }, Ct))
        {
            var failure = await WaitForRefreshFailureAsync();
            Assert.Equal("Throttled", failure["cause"]!.GetValue<string>());

            await page.ReloadAsync();
            await PortalBrowser.ExpectRowsAsync(page, SignInTests.Ids(fresh));
            var banner = page.Locator("[data-testid='stale-banner']");
            await Assertions.Expect(banner).ToBeVisibleAsync();
            await Assertions.Expect(banner).ToHaveAttributeAsync("data-cause", "Throttled");
            await Assertions.Expect(page.Locator("[data-testid='stale-cause']")).ToContainTextAsync("throttling");
            var since = failure["failingSince"]!.GetValue<DateTimeOffset>().ToUniversalTime();
            await Assertions.Expect(page.Locator("[data-testid='stale-since']"))
                .ToContainTextAsync(since.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            await Assertions.Expect(page.Locator("[data-testid='error-view']")).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task The_live_region_announces_how_many_sessions_loaded()
    {
        var (_, sorted) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?sort=name&dir=asc&state=Running", Ct);
        var page = await OpenAsync("admin", "/workspaces/w-analytics/sessions");
        await PortalBrowser.WaitForListReadyAsync(page);
        var region = page.Locator("[data-testid='list-announcer']");
        await Assertions.Expect(region).ToHaveAttributeAsync("aria-live", "polite");
        await Assertions.Expect(region).ToHaveAttributeAsync("role", "status");
        var (_, all) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions", Ct);
        await Assertions.Expect(region).ToHaveTextAsync($"Loaded {all!["totalCount"]!.GetValue<int>()} sessions");

        await page.GotoAsync("/workspaces/w-analytics/sessions?sort=name&dir=asc&state=Running");
        await PortalBrowser.WaitForListReadyAsync(page);
        var total = sorted!["totalCount"]!.GetValue<int>();
        await Assertions.Expect(region).ToHaveTextAsync(total == 1 ? "Loaded 1 session" : $"Loaded {total} sessions");
    }

    private async Task<JsonNode> WaitForRefreshFailureAsync()
    {
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); DateTimeOffset.UtcNow < deadline;)
        {
            var (status, body) = await Portal.ProxyApi.GetAsync("admin", FinanceApi, Ct);
            Assert.Equal(200, status);
            if (body!["refreshFailure"] is JsonObject failure)
            {
                return failure;
            }

            await Task.Delay(250, Ct);
        }

        Assert.Fail("The proxy never reported a failed refresh while the emulator throttled every call.");
        return null!;
    }
}
