using System.Net;
using System.Security.Claims;
using Bunit;
using EmrPortal.Web.Components.Layout;
using EmrPortal.Web.Options;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static EmrPortal.Web.Tests.SecurityHeadersTests;

namespace EmrPortal.Web.Tests;

/// <summary>
/// Sign-in sessions are server-side records: signing out, or an idle/absolute timeout, ends the session for every
/// copy of the cookie, every open circuit and every token request.
/// </summary>
public sealed class SessionRevocationTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly PortalAuthenticationOptions Timeouts = new() { IdleTimeout = TimeSpan.FromMinutes(10), AbsoluteTimeout = TimeSpan.FromMinutes(30) };

    private static PortalSessionStore Store(FakeTimeProvider time) =>
        new(new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions())), Microsoft.Extensions.Options.Options.Create(Timeouts), time);

    [Fact]
    public async Task A_copy_of_the_cookie_is_refused_once_its_owner_signed_out()
    {
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });
        var token = await AntiforgeryTokenAsync(browser, "/signin");
        using var signIn = await browser.PostAsync("/signin/demo", Form(token, ("user", "admin"), ("returnUrl", "/")), Ct);
        var cookie = SetCookies(signIn).Single(c => c.StartsWith("EmrPortal.Auth=", StringComparison.Ordinal)).Split(';')[0];

        // Someone copied the cookie (a compromised extension, a shared machine): it works while the session lives...
        using var thief = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://portal.example.test") });
        thief.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/", Ct)).StatusCode);

        var logoutToken = await AntiforgeryTokenAsync(browser, "/signin");
        using var logout = await browser.PostAsync("/authentication/logout", Form(logoutToken, ("returnUrl", "/")), Ct);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        // ...and not after its owner signed out: the server-side session is gone.
        using var after = await thief.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/signin", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_ends_sessions_on_revoke_idle_and_absolute_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = Store(time);

        var revoked = await store.CreateAsync("u1", Ct);
        var idle = await store.CreateAsync("u1", Ct);
        var active = await store.CreateAsync("u1", Ct);
        Assert.True(await store.IsLiveAsync(revoked, Ct));
        await store.RevokeAsync(revoked, Ct);
        Assert.False(await store.IsLiveAsync(revoked, Ct));

        for (var minute = 0; minute < 28; minute += 7)
        {
            time.Advance(TimeSpan.FromMinutes(7));
            Assert.True(await store.TouchAsync(active, Ct), $"active session alive at minute {minute + 7}");
        }

        Assert.False(await store.IsLiveAsync(idle, Ct)); // 28 minutes without activity
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.False(await store.IsLiveAsync(active, Ct)); // 31 minutes after sign-in, however active

        Assert.False(await store.IsLiveAsync(null, Ct));
        Assert.False(await store.IsLiveAsync("../../etc", Ct));
    }

    [Fact]
    public async Task Revalidation_signs_a_circuit_out_when_its_session_ended_without_asking_the_proxy()
    {
        var time = new FakeTimeProvider();
        var store = Store(time);
        var sessionId = await store.CreateAsync("viewer", Ct);
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "viewer"), new Claim(PortalSessionStore.SessionIdClaim, sessionId)], "Cookies"));
        var ended = new SessionEndState();
        using var provider = new ProxyRevalidatingAuthenticationStateProvider(
            NullLoggerFactory.Instance, new ThrowingScopeFactory(), Microsoft.Extensions.Options.Options.Create(Timeouts), store, ended, time);

        Assert.True(await provider.ValidateAsync(user, Ct));
        Assert.False(ended.Ended);

        await store.RevokeAsync(sessionId, Ct); // signed out in another tab, maybe on another instance
        Assert.False(await provider.ValidateAsync(user, Ct));
        Assert.True(ended.Ended);

        // A cookie from before session records (no id) is not a live session either.
        Assert.False(await provider.ValidateAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "viewer")], "Cookies")), Ct));
    }

    [Fact]
    public async Task Proxy_tokens_are_minted_only_for_a_live_session()
    {
        var time = new FakeTimeProvider();
        var store = Store(time);
        var sessionId = await store.CreateAsync("admin", Ct);
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var issuer = new DemoTokenIssuer(Microsoft.Extensions.Options.Options.Create(new PortalAuthenticationOptions { Demo = new() { PrivateKeyPem = key.ExportPkcs8PrivateKeyPem() } }), time);
        var user = new UserOf(new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "admin"), new Claim(PortalSessionStore.SessionIdClaim, sessionId)], "Cookies")));
        var source = new DemoProxyTokenSource(issuer, user, store);

        Assert.False(string.IsNullOrEmpty(await source.GetAccessTokenAsync(Ct)));
        await store.RevokeAsync(sessionId, Ct);
        await Assert.ThrowsAsync<SignInRequiredException>(async () => await source.GetAccessTokenAsync(Ct));
    }

    private sealed class UserOf(ClaimsPrincipal user) : ICircuitUserAccessor
    {
        public ClaimsPrincipal User => user;
    }

    private sealed class ThrowingScopeFactory : IServiceScopeFactory
    {
        public IServiceScope CreateScope() => throw new InvalidOperationException("the proxy must not be asked in this test");
    }
}

/// <summary>An open circuit whose session ended goes to the signed-out page, not silently to sign-in.</summary>
public sealed class SignedOutNavigationTests : PortalTestContext
{
    [Fact]
    public void A_circuit_whose_session_ended_lands_on_the_signed_out_page()
    {
        Services.GetRequiredService<SessionEndState>().Ended = true;
        Auth.SetNotAuthorized();
        Navigation.NavigateTo("/workspaces/w-analytics/sessions?sort=name");

        Render<RedirectToLogin>();

        Assert.Equal("/signed-out?returnUrl=%2Fworkspaces%2Fw-analytics%2Fsessions%3Fsort%3Dname", CurrentPathAndQuery);
    }

    [Fact]
    public void A_circuit_that_was_never_signed_in_goes_to_sign_in()
    {
        Auth.SetNotAuthorized();
        Navigation.NavigateTo("/sessions");

        Render<RedirectToLogin>();

        Assert.StartsWith("/authentication/login?returnUrl=%2Fsessions", CurrentPathAndQuery, StringComparison.Ordinal);
    }
}
