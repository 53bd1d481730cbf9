using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// A stack of its own (the shared portal stays untouched): an emulator seeded with hostile names and configs on a
/// fixed loopback port (so it can be killed and started again at the same address), a proxy and a web app.
/// </summary>
public sealed class HostileStackFixture : IAsyncLifetime
{
    private RunningApp? _emulator;
    private int _emulatorStarts;

    /// <summary>Fixed for the life of the fixture, and outside the ephemeral range so nothing takes it while the emulator is down.</summary>
    public int EmulatorPort { get; } = FreePort.NextOutsideEphemeralRange();

    internal DemoIdentity Identity { get; } = new();

    internal RunningApp? Proxy { get; private set; }

    internal RunningApp? Web { get; private set; }

    internal ProxyApiClient ProxyApi => new(Proxy!.BaseAddress, Identity);

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await StartEmulatorAsync(timeout.Token);
        Proxy = await RunningApp.StartAsync("Proxy", "proxy-hostile",
            PortalFixture.WithoutNulls(PortalFixture.ProxySettings(new Uri($"http://127.0.0.1:{EmulatorPort}"), Identity.PublicKeyPem)), timeout.Token);
        Web = await RunningApp.StartAsync("Web", "web-hostile",
            PortalFixture.WithoutNulls(PortalFixture.WebSettings(Proxy.BaseAddress, Identity.PrivateKeyPem)), timeout.Token);
    }

    /// <summary>Starts the emulator at <see cref="EmulatorPort"/> (again, after <see cref="KillEmulatorAsync"/>).</summary>
    public async Task StartEmulatorAsync(CancellationToken ct)
    {
        var settings = PortalFixture.EmulatorSettings();
        settings["Emulator__Seed__Hostile"] = "true";
        var root = await PublishedApps.RootAsync(ct);
        var name = $"emulator-hostile-{++_emulatorStarts}";
        var process = ManagedProcess.Start(name, "dotnet",
            [PublishedApps.EntryAssembly(root, "Emulator"), "--urls", $"http://127.0.0.1:{EmulatorPort}"],
            Path.Combine(root, "Emulator"), PortalFixture.WithoutNulls(settings));
        var app = new RunningApp(name, process, new Uri($"http://127.0.0.1:{EmulatorPort}"));
        try
        {
            await app.WaitUntilLiveAsync(TimeSpan.FromSeconds(90), ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _emulator = app;
    }

    /// <summary>Kills the emulator process outright (no graceful shutdown).</summary>
    public async Task KillEmulatorAsync()
    {
        if (_emulator is { } emulator)
        {
            await emulator.Process.StopAsync(TimeSpan.Zero);
            await emulator.DisposeAsync();
            _emulator = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { Web, Proxy, _emulator })
        {
            if (app is not null) await app.DisposeAsync();
        }

        Identity.Dispose();
    }
}

/// <summary>Process-level faults and hostile data, with real processes and Chromium.</summary>
public sealed partial class ResilienceProcessTests(PortalFixture portal, BrowserFixture browser, HostileStackFixture stack)
    : PortalTestBase(portal, browser), IClassFixture<HostileStackFixture>
{
    private const string FinanceList = "/api/v1/workspaces/w-finance/sessions?sort=name&dir=asc";

    [Fact]
    public async Task Emulator_killed_and_restarted_the_proxy_serves_the_last_data_stale_and_then_recovers()
    {
        var (status, fresh) = await stack.ProxyApi.GetAsync("admin", FinanceList, Ct);
        Assert.Equal(200, status);

        await stack.KillEmulatorAsync();
        try
        {
            // The cloud is gone: after the 2 s fresh TTL the last snapshot is served, labelled stale, same rows.
            var stale = await PollAsync(FinanceList, body => body["stale"]!.GetValue<bool>(), "stale data while the emulator is down");
            Assert.Equal(Ids(fresh!), Ids(stale));
            // A background refresh may have landed between the first read and the kill, so the last good snapshot is
            // at least as new as the first read, and it stays the one served while the cloud is gone.
            var lastGood = stale["asOf"]!.GetValue<DateTimeOffset>();
            Assert.True(lastGood >= fresh!["asOf"]!.GetValue<DateTimeOffset>());
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            var (_, later) = await stack.ProxyApi.GetAsync("admin", FinanceList, Ct);
            Assert.True(later!["stale"]!.GetValue<bool>());
            Assert.Equal(lastGood, later["asOf"]!.GetValue<DateTimeOffset>());

            // A workspace never loaded has nothing to show: a clear, retryable 503.
            var (coldStatus, cold) = await stack.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-marketing/sessions", Ct);
            Assert.Equal(503, coldStatus);
            Assert.Equal(503, cold!["status"]!.GetValue<int>());
            Assert.NotNull(cold["traceId"]);
        }
        finally
        {
            await stack.StartEmulatorAsync(Ct);
        }

        // Nobody touches the proxy: it notices the emulator is back and serves fresh data again.
        var recovered = await PollAsync(FinanceList, body => !body["stale"]!.GetValue<bool>(), "fresh data after the emulator came back");
        Assert.Equal(Ids(fresh!), Ids(recovered));
        var (marketingStatus, _) = await stack.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-marketing/sessions", Ct);
        Assert.Equal(200, marketingStatus);
    }

    [Fact]
    public async Task Hostile_session_names_and_configs_render_inert_and_the_layout_holds()
    {
        var context = await NewContextAsync(stack.Web!.BaseAddress);
        var dialogs = new List<string>();
        var cspViolations = new List<string>();
        context.Page += (_, page) =>
        {
            // Any dialog at all means script ran: record it (and dismiss it so the page does not hang).
            page.Dialog += async (_, dialog) =>
            {
                dialogs.Add($"{dialog.Type}: {dialog.Message}");
                await dialog.DismissAsync();
            };
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) cspViolations.Add(message.Text);
            };
        };

        var page = await PortalBrowser.OpenAsSignedInAsync(context, "admin", "/workspaces/w-analytics/sessions?pageSize=100&sort=name&dir=asc");
        // The list itself: the first ready element on the page is the Views menu, which can be ready before any row.
        await PortalBrowser.WaitForListReadyAsync(page);
        var rows = await PortalBrowser.RowIdsAsync(page);
        Assert.True(rows.Count >= 60, $"only {rows.Count} rows");

        // The script-shaped name is shown as text, and nothing it describes exists as an element.
        await Assertions.Expect(page.GetByText("<script>alert('xss')</script>").First).ToBeAttachedAsync();
        Assert.Equal(0, await page.Locator("img[src='x'], [onerror], [onload]").CountAsync());
        Assert.Equal(0, await page.EvaluateAsync<int>("() => [...document.scripts].filter(s => !s.src).length"));
        await AssertLayoutHoldsAsync(page, "session list");

        // The detail of each hostile session (5,000-character name, 20,000-character config value, RTL override, CR/LF).
        var (_, list) = await stack.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200&q=%3Cscript%3E", Ct);
        var hostileIds = Ids(list!);
        var (_, longOnes) = await stack.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200&q=LLLLLLLLLL", Ct);
        var (_, rtl) = await stack.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200&q=invoice", Ct);
        var (_, links) = await stack.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200&q=link-test", Ct);
        var detailIds = hostileIds.Concat(Ids(longOnes!)).Concat(Ids(rtl!)).Concat(Ids(links!)).Distinct().ToList();
        Assert.True(detailIds.Count >= 4, $"hostile sessions not found: {string.Join(", ", detailIds)}");
        foreach (var id in detailIds)
        {
            await page.GotoAsync($"/workspaces/w-analytics/sessions/{id}");
            await PortalBrowser.WaitForReadyAsync(page);
            Assert.Equal(0, await page.Locator("img[src='x'], [onerror], [onload]").CountAsync());
            Assert.Equal(0, await page.Locator("a[href^='javascript:' i]").CountAsync());
            await AssertLayoutHoldsAsync(page, $"detail {id}");
        }

        Assert.True(dialogs.Count == 0, "a dialog fired: " + string.Join("; ", dialogs));
        Assert.True(cspViolations.Count == 0, "the CSP had to block something: " + string.Join("; ", cspViolations));
    }

    [Fact]
    public async Task A_long_session_name_stays_on_one_line_truncated_with_an_ellipsis_and_shown_in_full_as_a_tooltip()
    {
        var (_, longOnes) = await stack.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?q=LLLLLLLLLL", Ct);
        var id = Ids(longOnes!).First();
        var name = longOnes!["items"]!.AsArray().First(s => s!["sessionClusterId"]!.GetValue<string>() == id)!["name"]!.GetValue<string>();
        Assert.Equal(5000, name.Length);

        var context = await NewContextAsync(stack.Web!.BaseAddress, o => o.ViewportSize = new ViewportSize { Width = 1280, Height = 900 });
        var page = await PortalBrowser.OpenAsSignedInAsync(context, "admin", "/workspaces/w-analytics/sessions?q=LLLLLLLLLL&mine=false");
        await PortalBrowser.WaitForListReadyAsync(page);
        var row = page.Locator($"{PortalBrowser.ListSelector} [data-testid='session-row'][data-session-id='{id}']");
        var link = row.Locator("[data-testid='session-link']");
        await Assertions.Expect(link).ToHaveAttributeAsync("title", name);

        var style = await link.EvaluateAsync<string>("a => [getComputedStyle(a).textOverflow, getComputedStyle(a).whiteSpace, a.scrollWidth > a.clientWidth].join('|')");
        Assert.Equal("ellipsis|nowrap|true", style);
        var height = await row.EvaluateAsync<double>("r => r.getBoundingClientRect().height");
        Assert.True(height <= 44, $"row height {height}");
    }

    [Fact]
    public async Task Two_web_instances_on_shared_redis_accept_each_others_auth_cookie()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        var settings = PortalFixture.WithoutNulls(PortalFixture.WebSettings(Portal.Proxy!.BaseAddress, Portal.Identity.PrivateKeyPem, redis.ConnectionString));
        await using var webA = await RunningApp.StartAsync("Web", "web-redis-a", settings, Ct);
        await using var webB = await RunningApp.StartAsync("Web", "web-redis-b", settings, Ct);
        await using var webAlone = await RunningApp.StartAsync("Web", "web-no-redis",
            PortalFixture.WithoutNulls(PortalFixture.WebSettings(Portal.Proxy!.BaseAddress, Portal.Identity.PrivateKeyPem)), Ct);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

        var authCookies = await SignInAsync(http, webA.BaseAddress, "viewer");

        Assert.Equal(HttpStatusCode.OK, await HomeStatusAsync(http, webA.BaseAddress, authCookies));
        Assert.Equal(HttpStatusCode.OK, await HomeStatusAsync(http, webB.BaseAddress, authCookies));
        // Control: an instance with keys of its own cannot read the cookie, so the acceptance above is the shared ring's.
        Assert.Equal(HttpStatusCode.Redirect, await HomeStatusAsync(http, webAlone.BaseAddress, authCookies));
        Assert.Contains("EmrPortal:Web:DataProtection-Keys", (await redis.CommandAsync(Ct, "KEYS", "*")) ?? "", StringComparison.Ordinal);
    }

    private async Task<JsonNode> PollAsync(string path, Func<JsonNode, bool> done, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(45);
        (int Status, JsonNode? Body) last = default;
        while (DateTimeOffset.UtcNow < deadline)
        {
            last = await stack.ProxyApi.GetAsync("admin", path, Ct);
            Assert.True(last.Status is 200 or 503, $"unexpected {last.Status}: {last.Body}");
            if (last.Status == 200 && done(last.Body!)) return last.Body!;
            await Task.Delay(500, Ct);
        }

        Assert.Fail($"No {what} within 45 s (last: {last.Status} {last.Body?.ToJsonString()[..Math.Min(300, last.Body.ToJsonString().Length)]})\n{stack.Proxy!.Process.Tail(20)}");
        return null!;
    }

    private static List<string> Ids(JsonNode page) =>
        page["items"]!.AsArray().Select(i => i!["sessionClusterId"]!.GetValue<string>()).ToList();

    /// <summary>Nothing wider than the viewport: the session table (or the page) never scrolls sideways.</summary>
    private static async Task AssertLayoutHoldsAsync(IPage page, string where)
    {
        var widths = await page.EvaluateAsync<int[]>("""
            () => [window.innerWidth, document.documentElement.scrollWidth,
                   Math.ceil(Math.max(0, ...[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right)))]
            """);
        Assert.True(widths[1] <= widths[0] + 1, $"{where}: the page is {widths[1]} px wide in a {widths[0]} px viewport");
        Assert.True(widths[2] <= widths[0] + 1, $"{where}: a table reaches {widths[2]} px in a {widths[0]} px viewport");
    }

    /// <summary>Signs in on the demo form over plain HTTP (cookies handled by hand: the auth cookie is Secure).</summary>
    private static async Task<string> SignInAsync(HttpClient http, Uri web, string user)
    {
        using var signIn = await http.GetAsync(new Uri(web, "/signin"), Ct);
        var html = await signIn.Content.ReadAsStringAsync(Ct);
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(token), "no antiforgery token on /signin");

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(web, "/signin/demo"))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("user", user), new("returnUrl", "/")]),
        };
        post.Headers.TryAddWithoutValidation("Cookie", CookieHeader(signIn));
        using var response = await http.SendAsync(post, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookies = CookieHeader(response);
        Assert.Contains("EmrPortal.Auth", cookies, StringComparison.Ordinal);
        return cookies;
    }

    private static async Task<HttpStatusCode> HomeStatusAsync(HttpClient http, Uri web, string cookies)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(web, "/"));
        request.Headers.TryAddWithoutValidation("Cookie", cookies);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static string CookieHeader(HttpResponseMessage response) =>
        string.Join("; ", (response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            .Select(v => v.Split(';', 2)[0]).Where(v => !v.EndsWith('=')));

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
