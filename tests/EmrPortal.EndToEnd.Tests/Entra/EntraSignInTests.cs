using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Entra;

/// <summary>
/// The production sign-in in a real browser: the published Web and Proxy in Entra mode (Microsoft.Identity.Web, MSAL
/// with the Redis-backed distributed token cache), the development provider answering as login.microsoftonline.com.
/// </summary>
[Collection(EntraCollection.Name)]
public sealed class EntraSignInTests(EntraPortalFixture portal, BrowserFixture browser) : IAsyncLifetime
{
    private const string ProviderHost = "login.microsoftonline.com";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly List<IBrowserContext> _contexts = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        portal.EnsureRunning();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Deep_link_to_a_session_detail_signs_in_at_the_provider_and_returns_to_the_same_detail()
    {
        var sessionId = (await SessionIdsAsync("viewer", "w-analytics"))[3];
        var deepLink = $"/workspaces/w-analytics/sessions/{sessionId}";
        var page = await (await NewContextAsync()).NewPageAsync();

        await page.GotoAsync(deepLink);
        await WaitForProviderSignInAsync(page);
        Assert.Contains($"/{EntraPortalFixture.TenantId}/oauth2/v2.0/authorize", page.Url, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", page.Url, StringComparison.Ordinal);
        await page.Locator("[data-testid='idp-signin-as-viewer']").ClickAsync();

        await PortalBrowser.WaitForUrlAsync(page, url => IsPortal(url) && PortalBrowser.PathAndQuery(url) == deepLink);
        await Assertions.Expect(page.Locator("[data-testid='session-facts']")).ToBeVisibleAsync();
        var detail = await ProxyGetAsync("viewer", $"/api/v1/workspaces/w-analytics/sessions/{sessionId}");
        await Assertions.Expect(page.Locator("[data-testid='owner']")).ToHaveTextAsync(
            detail["summary"]!["userName"]?.GetValue<string>() ?? detail["summary"]!["userId"]!.GetValue<string>());
        await Assertions.Expect(page).ToHaveTitleAsync($"{detail["summary"]!["name"]?.GetValue<string>() ?? sessionId} · EMR Portal");
    }

    [Fact]
    public async Task Every_cookie_the_portal_sets_during_the_Entra_sign_in_is_secure()
    {
        // Production over plain http behind a TLS-terminating proxy: the correlation and nonce cookies of the OpenID
        // Connect handshake must be Secure like the session cookie, or a network attacker could read or plant them.
        const string list = "/workspaces/w-analytics/sessions";
        var page = await (await NewContextAsync()).NewPageAsync();
        var reads = new System.Collections.Concurrent.ConcurrentQueue<Task<string[]>>();
        page.Response += (_, response) =>
        {
            if (IsPortal(response.Url))
            {
                reads.Enqueue(SetCookiesAsync(response));
            }
        };

        await page.GotoAsync(list);
        await WaitForProviderSignInAsync(page);
        await page.Locator("[data-testid='idp-signin-as-viewer']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => IsPortal(url) && PortalBrowser.PathAndQuery(url) == list);
        await Assertions.Expect(page.Locator("[data-testid='session-list']")).ToBeVisibleAsync();

        var cookies = (await Task.WhenAll(reads)).SelectMany(c => c).ToList();
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.OpenIdConnect.Nonce.", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("secure", c.Split(';').Select(a => a.Trim().ToLowerInvariant())));
    }

    private static async Task<string[]> SetCookiesAsync(IResponse response) =>
        [.. (await response.HeadersArrayAsync())
            .Where(h => h.Name.Equals("set-cookie", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Split('\n'))];

    [Fact]
    public async Task Admin_signed_in_through_Entra_sees_every_workspace()
    {
        var page = await SignInAsync("admin", "/");

        await PortalBrowser.WaitForReadyAsync(page);
        var ids = await page.Locator("[data-testid='workspace-row']").EvaluateAllAsync<string[]>("rows => rows.map(r => r.getAttribute('data-workspace-id'))");
        Assert.Equal(PortalFixture.SeededWorkspaces.Select(w => w.Id).Order(), ids.Order());
        await page.Locator("[data-testid='user-menu-button']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='user-roles']")).ToContainTextAsync("Portal.Admin");
    }

    [Fact]
    public async Task Viewer_signed_in_through_Entra_sees_only_w_analytics_and_the_403_page_elsewhere()
    {
        var page = await SignInAsync("viewer", "/");

        await PortalBrowser.WaitForReadyAsync(page);
        var ids = await page.Locator("[data-testid='workspace-row']").EvaluateAllAsync<string[]>("rows => rows.map(r => r.getAttribute('data-workspace-id'))");
        Assert.Equal(["w-analytics"], ids);

        await page.GotoAsync("/workspaces/w-marketing/sessions");
        await Assertions.Expect(page.Locator("[data-testid='forbidden-view']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='session-row']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid='groups-overage']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Outsider_signed_in_through_Entra_gets_the_no_access_page()
    {
        var page = await SignInAsync("outsider", "/");

        await Assertions.Expect(page.Locator("[data-testid='no-workspaces']")).ToBeVisibleAsync();
        await page.GotoAsync("/workspaces/w-analytics/sessions");
        await Assertions.Expect(page.Locator("[data-testid='forbidden-view']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Overage_user_is_told_groups_cannot_be_read_and_gets_only_what_app_roles_grant()
    {
        var page = await SignInAsync("overage", "/");

        await Assertions.Expect(page.Locator("[data-testid='groups-overage']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='groups-overage']")).ToContainTextAsync("too many groups");
        await Assertions.Expect(page.Locator("[data-testid='no-workspaces']")).ToBeVisibleAsync();

        // The group that would grant w-analytics is in the directory, not in the token: refused, with the reason.
        await page.GotoAsync("/workspaces/w-analytics/sessions");
        await Assertions.Expect(page.Locator("[data-testid='forbidden-view']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='groups-overage']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Expired_access_token_is_refreshed_from_the_distributed_cache_while_the_list_stays_open()
    {
        var page = await SignInAsync("viewer", "/workspaces/w-analytics/sessions");
        await PortalBrowser.WaitForListReadyAsync(page);
        var signInsBefore = await portal.Provider.StatAsync("viewer", "signIns", Ct);

        // The latest access token is now expired as far as MSAL is concerned (it renews 5 minutes before exp).
        await WaitUntilCachedTokenExpiredAsync("viewer");
        var refreshesBefore = await portal.Provider.StatAsync("viewer", "refreshGrants", Ct);
        await page.Locator("[data-testid='page-next']").ClickAsync();

        await PortalBrowser.WaitForListAsync(page, "page", "2");
        var expected = await SessionPageAsync("viewer", "/api/v1/workspaces/w-analytics/sessions?page=2");
        await PortalBrowser.ExpectRowsAsync(page, expected);
        Assert.True(IsPortal(page.Url));
        Assert.True(await portal.Provider.StatAsync("viewer", "refreshGrants", Ct) > refreshesBefore, "MSAL did not redeem the cached refresh token");
        Assert.Equal(signInsBefore, await portal.Provider.StatAsync("viewer", "signIns", Ct));
        await Assertions.Expect(page.Locator("[data-testid='error-view']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Revoked_refresh_token_leads_to_a_re_sign_in_that_returns_to_the_same_page()
    {
        var page = await SignInAsync("admin", "/workspaces/w-marketing/sessions");
        await PortalBrowser.WaitForListReadyAsync(page);
        var refusalsBefore = await portal.Provider.StatAsync("admin", "refreshRefusals", Ct);
        Assert.True(await portal.Provider.RevokeAsync("admin", Ct) > 0);
        // Until the access token in MSAL's cache is due for renewal, the portal has no reason to notice.
        await WaitUntilCachedTokenExpiredAsync("admin");

        // The next proxy call needs a new access token: MSAL's refresh is refused (invalid_grant → MsalUiRequired).
        await page.Locator("[data-testid='page-next']").ClickAsync();
        await WaitForProviderSignInAsync(page);
        Assert.True(await portal.Provider.StatAsync("admin", "refreshRefusals", Ct) > refusalsBefore);
        await page.Locator("[data-testid='idp-signin-as-admin']").ClickAsync();

        await PortalBrowser.WaitForUrlAsync(page, url => IsPortal(url) && new Uri(url).AbsolutePath == "/workspaces/w-marketing/sessions"
            && PortalBrowser.QueryValue(url, "page") == "2");
        await PortalBrowser.WaitForListReadyAsync(page);
        var expected = await SessionPageAsync("admin", "/api/v1/workspaces/w-marketing/sessions?page=2");
        await PortalBrowser.ExpectRowsAsync(page, expected);
    }

    [Fact]
    public async Task Sign_out_ends_the_provider_session_and_clears_the_users_token_cache()
    {
        const string outsiderOid = "bd5e9daf-ebee-4b0a-88f7-2e8cab77da34";
        var cacheKey = $"EmrPortal:Web:{outsiderOid}.{EntraPortalFixture.TenantId}";
        var page = await SignInAsync("outsider", "/");
        await PortalBrowser.WaitForReadyAsync(page);
        Assert.Equal("1", await portal.Redis.CommandAsync(Ct, "EXISTS", cacheKey));
        // Other tests may have signed the same user in from other browser profiles: count this profile's session only.
        var sessionsBefore = await portal.Provider.StatAsync("outsider", "activeSessions", Ct);
        var signOutsBefore = await portal.Provider.StatAsync("outsider", "signOuts", Ct);
        Assert.True(sessionsBefore > 0);

        await page.Locator("[data-testid='user-menu-button']").ClickAsync();
        await page.Locator("[data-testid='sign-out']").ClickAsync();

        // The provider's session is gone: coming back to the portal asks which account again instead of signing in silently.
        await WaitForProviderSignInAsync(page);
        Assert.Equal(sessionsBefore - 1, await portal.Provider.StatAsync("outsider", "activeSessions", Ct));
        Assert.Equal(signOutsBefore + 1, await portal.Provider.StatAsync("outsider", "signOuts", Ct));
        Assert.Equal("0", await portal.Redis.CommandAsync(Ct, "EXISTS", cacheKey));
        var cookies = await page.Context.CookiesAsync([portal.WebAddress.ToString()]);
        Assert.DoesNotContain(cookies, c => c.Name.StartsWith("EmrPortal.Auth", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        var failed = TestContext.Current.TestState?.Result == TestResult.Failed;
        foreach (var context in _contexts)
        {
            if (failed)
            {
                foreach (var (p, i) in context.Pages.Select((p, i) => (p, i)))
                {
                    try
                    {
                        await PortalBrowser.ScreenshotAsync(p, $"failed-{TestContext.Current.TestMethod?.MethodName}-{i}");
                    }
                    catch (PlaywrightException)
                    {
                    }
                }
            }

            await context.CloseAsync();
        }
    }

    /// <summary>A fresh browser profile whose traffic to the Microsoft sign-in hosts goes through the provider's tunnel.</summary>
    private async Task<IBrowserContext> NewContextAsync()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = portal.WebAddress.ToString().TrimEnd('/'),
            TimezoneId = "UTC",
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            // Only the Microsoft hosts go through the tunnel; Playwright would proxy loopback (the portal) too unless told.
            Proxy = new Proxy { Server = portal.TunnelAddress!.ToString().TrimEnd('/'), Bypass = "127.0.0.1,localhost" },
            // This run's CA is trusted by the apps (SSL_CERT_FILE), not by Chromium's own store.
            IgnoreHTTPSErrors = true,
        });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(45_000);
        _contexts.Add(context);
        return context;
    }

    private async Task<IPage> SignInAsync(string user, string pathAndQuery)
    {
        var page = await (await NewContextAsync()).NewPageAsync();
        await page.GotoAsync(pathAndQuery);
        await WaitForProviderSignInAsync(page);
        await page.Locator($"[data-testid='idp-signin-as-{user}']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => IsPortal(url) && PortalBrowser.PathAndQuery(url) == pathAndQuery, 45_000);
        return page;
    }

    private static async Task WaitForProviderSignInAsync(IPage page)
    {
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).Host == ProviderHost, 45_000);
        await page.Locator("[data-testid='idp-signin']").WaitForAsync();
    }

    private bool IsPortal(string url) => new Uri(url).Authority == portal.WebAddress.Authority;

    /// <summary>
    /// Waits until the last access token the provider issued to <paramref name="user"/> is inside MSAL's renewal
    /// window, so the portal's next proxy call must redeem the refresh token. Waiting for a token to expire is waiting
    /// for the clock, not for the page.
    /// </summary>
    private async Task WaitUntilCachedTokenExpiredAsync(string user)
    {
        while (true)
        {
            var issued = DateTimeOffset.FromUnixTimeSeconds(await portal.Provider.StatAsync(user, "lastTokenIssuedAt", Ct));
            // +2 s: the provider's seconds are truncated, and clocks are compared across processes.
            var wait = issued + EntraPortalFixture.CachedTokenWindow + TimeSpan.FromSeconds(2) - DateTimeOffset.UtcNow;
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, Ct);
        }
    }

    private async Task<IReadOnlyList<string>> SessionIdsAsync(string user, string workspace) =>
        await SessionPageAsync(user, $"/api/v1/workspaces/{workspace}/sessions?pageSize=10");

    /// <summary>What the proxy returns to <paramref name="user"/> (with a token the provider minted): the oracle.</summary>
    private async Task<IReadOnlyList<string>> SessionPageAsync(string user, string pathAndQuery) =>
        (await ProxyGetAsync(user, pathAndQuery))["items"]!.AsArray().Select(s => s!["sessionClusterId"]!.GetValue<string>()).ToList();

    private async Task<JsonNode> ProxyGetAsync(string user, string pathAndQuery)
    {
        var token = await portal.Provider.MintAsync(new { user }, Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portal.ProxyAddress, pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
    }
}
