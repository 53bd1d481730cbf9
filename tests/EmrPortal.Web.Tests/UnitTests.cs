using System.Net;
using System.Security.Cryptography;
using EmrPortal.Contracts;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Extensions;
using EmrPortal.Web.Options;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace EmrPortal.Web.Tests;

public sealed class ProxyBearerTokenHandlerTests
{
    private sealed class Capture : HttpMessageHandler
    {
        public HttpRequestMessage? Last;
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Last = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    private static async Task<string?> SendAsync(string url)
    {
        var capture = new Capture();
        var handler = new ProxyBearerTokenHandler(MsOptions.Create(new ProxyOptions { BaseUrl = new Uri("http://proxy.local:5181/") })) { InnerHandler = capture };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(ProxyBearerTokenHandler.AccessTokenKey, "tok");
        await client.SendAsync(request, TestContext.Current.CancellationToken);
        return capture.Last!.Headers.Authorization?.ToString();
    }

    [Fact]
    public async Task Token_is_attached_to_requests_for_the_proxy_host()
    {
        Assert.Equal("Bearer tok", await SendAsync("http://proxy.local:5181/api/v1/me"));
    }

    [Theory]
    [InlineData("http://elsewhere.example/api/v1/me")]
    [InlineData("http://proxy.local:9999/api/v1/me")]
    [InlineData("https://proxy.local:5181/api/v1/me")]
    [InlineData("http://proxy.local.evil.example:5181/api/v1/me")]
    public async Task Token_is_never_attached_to_another_host_port_or_scheme(string url)
    {
        Assert.Null(await SendAsync(url));
    }
}

public sealed class LocalUrlTests
{
    [Theory]
    [InlineData("/workspaces/w-analytics/sessions?page=2&q=etl", "/workspaces/w-analytics/sessions?page=2&q=etl")]
    [InlineData("/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("~/x", "/")]
    [InlineData("/a\r\nLocation: x", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void Return_urls_are_local_only(string? input, string expected)
    {
        Assert.Equal(expected, LocalUrl.OrDefault(input));
    }

    [Fact]
    public void Demo_sign_in_redirects_to_the_local_deep_link_with_its_query()
    {
        var result = AuthenticationEndpoints.SignInDemoUser("viewer", "/workspaces/w-analytics/sessions?sort=name&page=3");
        var signIn = Assert.IsType<SignInHttpResult>(result.Result);
        Assert.Equal("/workspaces/w-analytics/sessions?sort=name&page=3", signIn.Properties!.RedirectUri);
        Assert.Equal("viewer", signIn.Principal.FindFirst("oid")!.Value);
        Assert.Contains(signIn.Principal.FindAll("groups"), c => c.Value == "grp-analytics");
    }

    [Fact]
    public void Demo_sign_in_replaces_an_absolute_return_url_with_home()
    {
        var result = AuthenticationEndpoints.SignInDemoUser("admin", "https://evil.example/");
        Assert.Equal("/", Assert.IsType<SignInHttpResult>(result.Result).Properties!.RedirectUri);
    }

    [Fact]
    public void Demo_sign_in_refuses_an_unknown_user()
    {
        var result = AuthenticationEndpoints.SignInDemoUser("mallory", "/");
        Assert.IsType<RedirectHttpResult>(result.Result);
    }

    [Fact]
    public void Login_url_carries_the_relative_return_url_escaped()
    {
        Assert.Equal("/authentication/login?returnUrl=%2Fworkspaces%2Fw%2Fsessions%3Fpage%3D2", LocalUrl.Login("/workspaces/w/sessions?page=2"));
    }
}

public sealed class AuthenticationModeTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Demo_mode_must_be_explicit()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => AuthenticationExtensions.ResolveMode(Config()));
        Assert.Contains("Authentication:Mode=Demo", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_mode_is_refused_when_entra_is_configured()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => AuthenticationExtensions.ResolveMode(
            Config(("Authentication:Mode", "Demo"), ("AzureAd:ClientId", "00000000-0000-0000-0000-000000000001"))));
        Assert.Contains("refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entra_is_used_when_configured()
    {
        Assert.Equal(AuthenticationModes.Entra, AuthenticationExtensions.ResolveMode(Config(("AzureAd:ClientId", "00000000-0000-0000-0000-000000000001"))));
        Assert.Equal(AuthenticationModes.Demo, AuthenticationExtensions.ResolveMode(Config(("Authentication:Mode", "Demo"))));
    }
}

public sealed class DemoTokenIssuerTests
{
    [Fact]
    public async Task Demo_tokens_are_es256_with_the_agreed_claims_and_validate_with_the_public_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var issuer = new DemoTokenIssuer(MsOptions.Create(new PortalAuthenticationOptions { Demo = new() { PrivateKeyPem = key.ExportPkcs8PrivateKeyPem() } }), time);

        var token = issuer.GetToken(DemoUsers.Find("viewer")!);

        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(key.ExportSubjectPublicKeyInfoPem());
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "emrportal-demo",
            ValidAudience = "api://emrportal-proxy",
            IssuerSigningKey = new ECDsaSecurityKey(publicKey),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("access_as_user", jwt.GetClaim("scp").Value);
        Assert.Equal("viewer", jwt.GetClaim("oid").Value);
        Assert.Equal("viewer", jwt.Subject);
        Assert.Equal("Vic Viewer", jwt.GetClaim("name").Value);
        Assert.Equal(["Portal.Viewer"], jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal(["grp-analytics"], jwt.Claims.Where(c => c.Type == "groups").Select(c => c.Value));
        Assert.Equal(TimeSpan.FromMinutes(5), jwt.ValidTo - jwt.ValidFrom);
    }

    [Fact]
    public void Tokens_are_cached_per_user_until_a_minute_before_expiry()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var issuer = new DemoTokenIssuer(MsOptions.Create(new PortalAuthenticationOptions { Demo = new() { PrivateKeyPem = key.ExportPkcs8PrivateKeyPem() } }), time);
        var admin = DemoUsers.Find("admin")!;

        var first = issuer.GetToken(admin);
        Assert.NotEqual(first, issuer.GetToken(DemoUsers.Find("outsider")!));
        time.Advance(TimeSpan.FromMinutes(3.9));
        Assert.Equal(first, issuer.GetToken(admin));
        time.Advance(TimeSpan.FromMinutes(0.2));
        Assert.NotEqual(first, issuer.GetToken(admin));
    }
}

public sealed class ViewHelperTests
{
    [Theory]
    [InlineData(30, "just now")]
    [InlineData(5 * 60, "5 min ago")]
    [InlineData(3 * 3600, "3 h ago")]
    [InlineData(2 * 86400, "2 days ago")]
    [InlineData(-10 * 60, "in 10 min")]
    public void Relative_time_reads_naturally(int secondsAgo, string expected)
    {
        var now = FakeProxyClient.T0;
        Assert.Equal(expected, RelativeTime.Relative(now.AddSeconds(-secondsAgo), now));
    }

    [Fact]
    public void Absolute_time_is_shown_in_the_viewers_time_zone()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Equal("2026-11-25 20:00:00 (UTC+08:00, Asia/Shanghai)", RelativeTime.Absolute(FakeProxyClient.T0, zone));
    }

    [Fact]
    public void Query_binding_normalizes_hand_edited_links()
    {
        var q = SessionQueryBinding.Normalize(0, 500, "evil", "up", " Running ", "", null, null, "  ");
        Assert.Equal(new SessionQuery { State = "Running" }, q);
    }
}
