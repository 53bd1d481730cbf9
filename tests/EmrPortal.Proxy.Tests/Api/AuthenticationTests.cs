using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Tests.Api;

[Collection(ProxyCollection.Name)]
public sealed class AuthenticationTests(ProxyFixture fixture) : ApiTestBase(fixture)
{
    public static TheoryData<string> ApiRoutes() =>
    [
        "/api/v1/me",
        "/api/v1/workspaces",
        "/api/v1/workspaces/w-analytics/sessions",
        "/api/v1/workspaces/w-analytics/sessions.csv",
        "/api/v1/workspaces/w-analytics/sessions/sc-0000000000000000",
        "/api/v1/workspaces/w-analytics/scan",
        "/api/v1/sessions",
    ];

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task Anonymous_callers_get_401_on_every_api_route(string path)
    {
        var (response, body) = await Host.GetAsync(null, path);
        AssertProblem(response, body, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Anonymous_reveal_is_401()
    {
        var (response, body) = await Host.PostAsync(null, "/api/v1/workspaces/w-analytics/sessions/sc-0000000000000000/reveal");
        AssertProblem(response, body, HttpStatusCode.Unauthorized);
    }

    public static TheoryData<string> BrokenTokens() => ["wrong-audience", "wrong-issuer", "expired", "too-long-lived", "foreign-key", "garbage"];

    [Theory]
    [MemberData(nameof(BrokenTokens))]
    public async Task Invalid_tokens_are_401(string kind)
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = kind switch
        {
            "wrong-audience" => Host.Token("admin", audience: "api://someone-else"),
            "wrong-issuer" => Host.Token("admin", issuer: "https://evil.example"),
            "expired" => Host.Token("admin", issuedAgo: TimeSpan.FromMinutes(20), lifetime: TimeSpan.FromMinutes(10)),
            "too-long-lived" => Host.Token("admin", lifetime: TimeSpan.FromHours(1)),
            "foreign-key" => Host.Token("admin", key: otherKey),
            _ => "not.a.jwt",
        };
        using var client = Host.Proxy.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await client.GetAsync("/api/v1/me", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        AssertProblem(response, body, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("other_scope")]
    [InlineData("access_as_userx")]
    public async Task Tokens_without_the_api_scope_are_403(string scope)
    {
        using var client = Host.Proxy.CreateClient();
        // A user token with a different scope: authenticated, but not for this API.
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Host.Token("viewer", scope: scope));

        var response = await client.GetAsync("/api/v1/me", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        AssertProblem(response, body, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Scope_among_several_is_accepted()
    {
        using var client = Host.Proxy.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Host.Token("viewer", scope: "openid access_as_user profile"));

        var response = await client.GetAsync("/api/v1/me", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_bearer_pipeline_validates_a_token_once_and_still_refuses_a_tampered_copy()
    {
        var options = Host.Proxy.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        var cache = Assert.IsType<CachingTokenHandler>(Assert.Single(options.TokenHandlers));
        var token = Host.Token("viewer");
        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        var tampered = $"{parts[0]}.{parts[1]}.{new string(signature)}";
        var before = cache.Count;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await MeStatus(token));
        }

        Assert.Equal(before + 1, cache.Count);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatus(tampered));
        Assert.Equal(HttpStatusCode.OK, await MeStatus(token));
        Assert.Equal(before + 1, cache.Count);

        async Task<HttpStatusCode> MeStatus(string bearer)
        {
            using var client = Host.Proxy.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var response = await client.GetAsync("/api/v1/me", TestContext.Current.CancellationToken);
            return response.StatusCode;
        }
    }
}
