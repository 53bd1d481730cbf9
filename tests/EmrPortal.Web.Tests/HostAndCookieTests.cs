using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using static EmrPortal.Web.Tests.SecurityHeadersTests;

namespace EmrPortal.Web.Tests;

/// <summary>
/// Cookies are Secure outside Development even when the app sees plain http (a TLS-terminating proxy that forwards no
/// scheme), and a configured <c>AllowedHosts</c> answers a foreign Host header with 400 before any page renders.
/// </summary>
public sealed class HostAndCookieTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient PlainHttp(WebApplicationFactory<WebApp> app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://portal.example.test") });

    [Fact]
    public async Task Every_cookie_is_secure_outside_development_even_over_plain_http()
    {
        // Cookies are carried by hand: a cookie container (like a browser on a non-local http site) would not send the
        // Secure ones back over http, which is the point of the flag.
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = false,
            BaseAddress = new Uri("http://portal.example.test"),
        });
        var jar = new Dictionary<string, string>(StringComparer.Ordinal);
        var all = new List<string>();

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            if (jar.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
            }

            var response = await client.SendAsync(request, Ct);
            foreach (var cookie in SetCookies(response))
            {
                all.Add(cookie);
                var pair = cookie.Split(';', 2)[0].Split('=', 2);
                jar[pair[0]] = pair[1];
            }

            return response;
        }

        async Task<string> TokenAsync()
        {
            using var page = await SendAsync(HttpMethod.Get, "/signin");
            var html = await page.Content.ReadAsStringAsync(Ct);
            var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"");
            Assert.True(match.Success, "no antiforgery token on /signin");
            return WebUtility.HtmlDecode(match.Groups[1].Value);
        }

        using var signIn = await SendAsync(HttpMethod.Post, "/signin/demo", Form(await TokenAsync(), ("user", "viewer"), ("returnUrl", "/")));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        using var signOut = await SendAsync(HttpMethod.Post, "/authentication/logout", Form(await TokenAsync(), ("returnUrl", "/")));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        Assert.Contains(all, c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.Contains(all, c => c.StartsWith("EmrPortal.Auth=", StringComparison.Ordinal));
        Assert.All(all, c => Assert.Contains("; secure", c.ToLowerInvariant(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Development_over_plain_http_sets_no_secure_antiforgery_cookie()
    {
        await using var development = factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        using var client = PlainHttp(development);

        using var page = await client.GetAsync("/signin", Ct);

        var antiforgery = Assert.Single(SetCookies(page), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.DoesNotContain("; secure", antiforgery.ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/health/live")]
    [InlineData("/workspaces/w-analytics/sessions")]
    public async Task A_host_header_outside_allowed_hosts_is_400_and_not_echoed(string path)
    {
        await using var app = factory.WithWebHostBuilder(b => b.UseSetting("AllowedHosts", "portal.example.test;localhost"));
        using var allowed = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });
        using var foreign = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://evil.example.test") });

        using var ok = await allowed.GetAsync(path, Ct);
        using var refused = await foreign.GetAsync(path, Ct);

        Assert.NotEqual(HttpStatusCode.BadRequest, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("evil.example.test", body, StringComparison.OrdinalIgnoreCase);
        Assert.Null(refused.Headers.Location);
    }

    [Fact]
    public async Task An_address_instead_of_a_named_host_is_refused_too()
    {
        // The shipped appsettings.json keeps "*" (local runs, tests); the production overlay names the hosts, and
        // this host refuses any other once they are set (the deploy tests check the overlay names them).
        await using var app = factory.WithWebHostBuilder(b => b.UseSetting("AllowedHosts", "portal.example.test"));
        using var ip = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://10.1.2.3:8080") });

        using var response = await ip.GetAsync("/health/live", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
