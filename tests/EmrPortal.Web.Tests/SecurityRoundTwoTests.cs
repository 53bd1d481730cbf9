using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static EmrPortal.Web.Tests.SecurityHeadersTests;

namespace EmrPortal.Web.Tests;

/// <summary>Issue 18's low items on the Web host: forwarded headers from trusted proxies only, non-ASCII return URLs.</summary>
public sealed class SecurityRoundTwoTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("10.1.2.3", true)]      // the load balancer, inside ForwardedHeaders:KnownNetworks
    [InlineData("192.168.7.7", true)]   // listed in ForwardedHeaders:KnownProxies
    [InlineData("203.0.113.9", false)]  // anyone else claiming https
    public async Task Https_from_a_trusted_proxy_gets_hsts_and_from_anyone_else_does_not(string peer, bool trusted)
    {
        await using var app = factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/8");
            b.UseSetting("ForwardedHeaders:KnownProxies:0", "192.168.7.7");
            b.ConfigureTestServices(s => s.AddTransient<IStartupFilter>(_ => new PeerAddress(peer)));
        });
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://portal.example.test") });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "198.51.100.7");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(trusted, response.Headers.Contains("Strict-Transport-Security"));

        // Plain http from the trusted proxy (no forwarded proto) is not https either.
        using var plain = await client.GetAsync("/signin", Ct);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/workspaces/w-analytics/sessions?q=über", "/workspaces/w-analytics/sessions?q=%C3%BCber")]
    [InlineData("/sessions?q=日本", "/sessions?q=%E6%97%A5%E6%9C%AC")]
    [InlineData("/sessions?q=\uD83D\uDE00", "/sessions?q=%F0%9F%98%80")]
    public async Task Non_ascii_return_urls_round_trip_or_fall_back_and_never_fail(string returnUrl, string expected)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });
        var token = await AntiforgeryTokenAsync(client, "/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));

        using var signIn = await client.PostAsync("/signin/demo", Form(token, ("user", "viewer"), ("returnUrl", returnUrl)), Ct);
        using var login = await client.GetAsync("/authentication/login?returnUrl=" + Uri.EscapeDataString(returnUrl), Ct);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(expected, signIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    [Fact]
    public void A_return_url_that_is_not_valid_text_falls_back_home()
    {
        Assert.Equal("/", EmrPortal.Web.Services.LocalUrl.OrDefault("/sessions?q=\uD800x"));
        Assert.Equal("/", EmrPortal.Web.Services.LocalUrl.OrDefault("/a\uDC00"));
    }

    private sealed class PeerAddress(string address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
