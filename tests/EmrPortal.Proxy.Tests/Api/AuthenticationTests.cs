using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using EmrPortal.Proxy.Tests.Infrastructure;

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
}
