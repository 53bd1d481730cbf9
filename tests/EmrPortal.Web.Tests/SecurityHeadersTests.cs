using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using EmrPortal.Web.Services;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Web.Tests;

/// <summary>
/// The Web host's security surface over HTTP: headers on every kind of response (pages, redirects, errors, 404s,
/// static assets, health), the auth cookie's flags, idle and absolute session timeouts on a fake clock, antiforgery on
/// every state-changing endpoint, and local-only return URLs (an open-redirect table) on both sign-in endpoints.
/// </summary>
public sealed partial class SecurityHeadersTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    private static readonly Uri Https = new("https://portal.example.test");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(WebApplicationFactory<WebApp>? app = null, Uri? baseAddress = null) =>
        (app ?? factory).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = baseAddress ?? Https });

    public static TheoryData<string, string> Responses() => new()
    {
        { "GET", "/signin" },
        { "GET", "/" },
        { "GET", "/workspaces/w-analytics/sessions?page=2" },
        { "GET", "/no/such/page" },
        { "GET", "/not-found" },
        { "GET", "/Error" },
        { "GET", "/authentication/login?returnUrl=%2Fsessions" },
        { "GET", "/export/workspaces/w-analytics/sessions.csv" },
        { "GET", "/export/workspaces/bad.id/sessions.csv" },
        { "GET", "/_framework/blazor.web.js" },
        { "GET", "/css/portal.css" },
        { "GET", "/no-such-asset.js" },
        { "GET", "/health/live" },
        { "POST", "/signin/demo" },
        { "POST", "/authentication/logout" },
        { "DELETE", "/signin" },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_response_carries_the_security_headers_outside_development(string method, string path)
    {
        using var response = await Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        AssertSecurityHeaders(response, expectHsts: true);
    }

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Development_keeps_the_headers_but_sends_no_hsts(string method, string path)
    {
        await using var development = factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));

        using var response = await Client(development).SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        AssertSecurityHeaders(response, expectHsts: false);
    }

    [Fact]
    public async Task Auth_and_antiforgery_cookies_are_secure_httponly_and_samesite_outside_development()
    {
        using var client = Client();
        var token = await AntiforgeryTokenAsync(client, "/signin");

        using var response = await client.PostAsync("/signin/demo", Form(token, ("user", "viewer"), ("returnUrl", "/")), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var auth = Assert.Single(SetCookies(response), c => c.StartsWith("EmrPortal.Auth=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; secure", auth, StringComparison.Ordinal);
        Assert.Contains("; httponly", auth, StringComparison.Ordinal);
        Assert.Contains("; samesite=lax", auth, StringComparison.Ordinal);
        Assert.DoesNotContain("expires=", auth, StringComparison.Ordinal); // a session cookie: the ticket carries the timeouts

        using var page = await Client().GetAsync("/signin", Ct);
        var antiforgery = Assert.Single(SetCookies(page), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; httponly", antiforgery, StringComparison.Ordinal);
        Assert.Contains("; samesite=strict", antiforgery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_over_plain_http_drops_only_the_secure_flag()
    {
        await using var development = factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        using var client = Client(development, new Uri("http://localhost"));
        var token = await AntiforgeryTokenAsync(client, "/signin");

        using var response = await client.PostAsync("/signin/demo", Form(token, ("user", "viewer"), ("returnUrl", "/")), Ct);

        var auth = Assert.Single(SetCookies(response), c => c.StartsWith("EmrPortal.Auth=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.DoesNotContain("; secure", auth, StringComparison.Ordinal);
        Assert.Contains("; httponly", auth, StringComparison.Ordinal);
        Assert.Contains("; samesite=lax", auth, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/signin/demo", "user=admin&returnUrl=%2F")]
    [InlineData("/authentication/logout", "returnUrl=%2F")]
    public async Task State_changing_posts_without_an_antiforgery_token_are_400(string path, string form)
    {
        using var client = Client();
        await SignInAsync(client, "admin");

        using var content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync(path, content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(SetCookies(response), c => c.StartsWith("EmrPortal.Auth=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_from_another_browser_is_refused()
    {
        using var victim = Client();
        var victimToken = await AntiforgeryTokenAsync(victim, "/signin");
        using var attacker = Client();
        _ = await AntiforgeryTokenAsync(attacker, "/signin"); // the attacker has a cookie of its own, not the victim's

        using var response = await attacker.PostAsync("/signin/demo", Form(victimToken, ("user", "admin"), ("returnUrl", "/")), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sign_out_with_a_token_works()
    {
        using var client = Client();
        await SignInAsync(client, "admin");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);

        var token = await AntiforgeryTokenAsync(client, "/signin");
        using var response = await client.PostAsync("/authentication/logout", Form(token, ("returnUrl", "/")), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", Ct)).StatusCode);
    }

    [Fact]
    public async Task Idle_session_ends_after_the_configured_idle_timeout()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = WithTimeouts(clock, idle: "00:10:00", absolute: "00:30:00");
        using var client = Client(app);
        await SignInAsync(client, "viewer");

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode); // active: the cookie slides

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode); // 18 min after sign-in, 9 idle

        clock.Advance(TimeSpan.FromMinutes(11));
        using var idle = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
        Assert.StartsWith("/signin", idle.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Active_session_still_ends_at_the_configured_absolute_timeout()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = WithTimeouts(clock, idle: "00:10:00", absolute: "00:30:00");
        using var client = Client(app);
        await SignInAsync(client, "viewer");

        for (var minute = 6; minute <= 30; minute += 6)
        {
            clock.Advance(TimeSpan.FromMinutes(6));
            Assert.True((await client.GetAsync("/", Ct)).StatusCode == HttpStatusCode.OK, $"still signed in at minute {minute}");
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        using var expired = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.StartsWith("/signin", expired.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeouts_are_validated_at_startup()
    {
        await using var app = factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Authentication:IdleTimeout", "02:00:00");
            b.UseSetting("Authentication:AbsoluteTimeout", "01:00:00");
        });

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("AbsoluteTimeout", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Return URLs an attacker might plant in a link; each must end up on this site.</summary>
    public static TheoryData<string> OpenRedirects() =>
    [
        "//evil.com", "//evil.com/path", "///evil.com", "////evil.com", "/\\evil.com", "/\\/evil.com", "\\\\evil.com", "\\/evil.com",
        "https://evil.com", "http://evil.com", "HTTPS://evil.com", "https:evil.com", "//evil.com@portal.example.test", "ftp://evil.com",
        "javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
        "%2F%2Fevil.com", "%2f%5cevil.com", "/\t/evil.com", "/\r\n/evil.com", " //evil.com", "\u0000//evil.com",
        "~/../../evil.com", "evil.com", "@evil.com", "\u202E//moc.live",
    ];

    [Theory]
    [MemberData(nameof(OpenRedirects))]
    public async Task Login_endpoint_never_redirects_off_site(string returnUrl)
    {
        using var response = await Client().GetAsync("/authentication/login?returnUrl=" + Uri.EscapeDataString(returnUrl), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        AssertStaysOnSite(location);
        // The return URL travels on to the sign-in page only if it is local; none of these is.
        Assert.Equal("/signin?returnUrl=%2F", location);
    }

    [Theory]
    [MemberData(nameof(OpenRedirects))]
    public async Task Demo_sign_in_never_redirects_off_site(string returnUrl)
    {
        using var client = Client();
        var token = await AntiforgeryTokenAsync(client, "/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));

        using var response = await client.PostAsync("/signin/demo", Form(token, ("user", "viewer"), ("returnUrl", returnUrl)), Ct);

        // Signed in and sent home, or (a NUL in the form) refused outright; never sent elsewhere.
        if (response.StatusCode == HttpStatusCode.BadRequest && returnUrl.Contains('\0', StringComparison.Ordinal))
        {
            Assert.Null(response.Headers.Location);
            return;
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [MemberData(nameof(OpenRedirects))]
    public async Task Sign_in_page_renders_only_a_local_return_url(string returnUrl)
    {
        var html = await Client().GetStringAsync("/signin?returnUrl=" + Uri.EscapeDataString(returnUrl), Ct);

        foreach (Match hidden in HiddenReturnUrl().Matches(html))
        {
            Assert.Equal("/", hidden.Groups[1].Value);
        }

        Assert.DoesNotContain("evil.com", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/workspaces/w-analytics/sessions?page=2&sort=name")]
    // Percent-encoded look-alikes are paths on this site: the browser does not decode a Location before resolving it,
    // and the portal decodes a return URL exactly once (the raw tab in the table above is refused instead).
    [InlineData("/%09/evil.com")]
    [InlineData("/%2F%2Fevil.com")]
    [InlineData("/%5Cevil.com")]
    [InlineData("/sessions?q=%3Cscript%3E")]
    [InlineData("/")]
    public async Task Local_deep_links_survive_sign_in(string returnUrl)
    {
        using var client = Client();
        var token = await AntiforgeryTokenAsync(client, "/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));

        using var response = await client.PostAsync("/signin/demo", Form(token, ("user", "viewer"), ("returnUrl", returnUrl)), Ct);

        Assert.Equal(returnUrl, response.Headers.Location!.OriginalString);
    }

    internal static void AssertSecurityHeaders(HttpResponseMessage response, bool expectHsts)
    {
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} → {(int)response.StatusCode}";
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csps), $"{what}: no CSP");
        var csp = Assert.Single(csps);
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d, StringComparer.Ordinal);
        Assert.Equal("script-src 'self'", directives["script-src"]);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("object-src 'none'", directives["object-src"]);
        Assert.Equal("base-uri 'self'", directives["base-uri"]);
        // MudBlazor writes its theme as a <style> element: inline styles only, never inline script (see security-readme).
        Assert.Equal("style-src 'self' 'unsafe-inline'", directives["style-src"]);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var permissions = Assert.Single(response.Headers.GetValues("Permissions-Policy"));
        foreach (var feature in new[] { "camera=()", "microphone=()", "geolocation=()" })
        {
            Assert.Contains(feature, permissions, StringComparison.Ordinal);
        }

        Assert.True(response.Headers.Contains("Strict-Transport-Security") == expectHsts, $"{what}: HSTS expected {expectHsts}");
        if (expectHsts)
        {
            Assert.Matches(@"max-age=\d{6,}", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        }
    }

    private static void AssertStaysOnSite(string location)
    {
        Assert.StartsWith("/", location, StringComparison.Ordinal);
        Assert.False(location.StartsWith("//", StringComparison.Ordinal) || location.StartsWith("/\\", StringComparison.Ordinal), location);
    }

    private WebApplicationFactory<WebApp> WithTimeouts(FakeTimeProvider clock, string idle, string absolute) =>
        factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Authentication:IdleTimeout", idle);
            b.UseSetting("Authentication:AbsoluteTimeout", absolute);
            // Pages prerender with proxy calls whose retries and budget run on this clock, which only moves when the
            // test says: the session-lifetime tests answer them from memory (what they test is the cookie, not the proxy).
            b.ConfigureTestServices(s => s
                .AddSingleton<TimeProvider>(clock)
                .AddScoped<IProxyClient>(_ => new FakeProxyClient())
                .AddScoped<INotificationsClient>(_ => new FakeNotificationsClient()));
        });

    internal static async Task SignInAsync(HttpClient client, string user)
    {
        var token = await AntiforgeryTokenAsync(client, "/signin");
        using var response = await client.PostAsync("/signin/demo", Form(token, ("user", user), ("returnUrl", "/")), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(SetCookies(response), c => c.StartsWith("EmrPortal.Auth=", StringComparison.Ordinal));
    }

    /// <summary>GETs a page with a form and returns its antiforgery token (the client keeps the paired cookie).</summary>
    internal static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path, Ct);
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, $"no antiforgery token on {path}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    internal static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    internal static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenReturnUrl();
}
