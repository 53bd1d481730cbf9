using System.Net;
using EmrPortal.Emulator.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Emulator.Tests;

/// <summary>nextToken paging over a 10,000-session workspace, maxResults bounds, and tamper-evident tokens.</summary>
public sealed class PagingTests : IClassFixture<PagingTests.Fixture>
{
    private readonly EmulatorFactory _factory;
    private readonly HttpClient _client;

    public PagingTests(Fixture fixture)
    {
        _factory = fixture.Factory;
        _client = fixture.Factory.CreateClient();
    }

    public sealed class Fixture : IDisposable
    {
        public EmulatorFactory Factory { get; } = new(new Dictionary<string, string?>
        {
            ["Emulator:Seed:Workspaces:2:Id"] = "w-large",
            ["Emulator:Seed:Workspaces:2:Name"] = "Large",
            ["Emulator:Seed:Workspaces:2:Sessions"] = "10000",
        });

        public void Dispose() => Factory.Dispose();
    }

    private Task<AcsResponse> ListAsync(string workspace, string query) =>
        _client.SendAcsAsync(_factory.Get($"/api/v1/workspaces/{workspace}/sessionClusters{query}", "ListSessionClusters"), TestContext.Current.CancellationToken);

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(100)]
    public async Task Walking_all_pages_sees_every_one_of_10000_sessions_exactly_once(int maxResults)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;
        var pages = 0;
        string? token = null;
        do
        {
            var query = $"?maxResults={maxResults}" + (token is null ? "" : $"&nextToken={token}");
            var page = await ListAsync("w-large", query);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Equal(10_000, page.Json.GetProperty("totalCount").GetInt32());
            Assert.Equal(maxResults, page.Json.GetProperty("maxResults").GetInt32());
            foreach (var session in page.Json.GetProperty("sessionClusters").EnumerateArray())
            {
                if (!seen.Add(session.GetProperty("sessionClusterId").GetString()!))
                {
                    duplicates++;
                }
            }

            token = page.Json.GetProperty("nextToken").GetString();
            pages++;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(0, duplicates);
        Assert.Equal(10_000, seen.Count);
        Assert.Equal((10_000 + maxResults - 1) / maxResults, pages);
    }

    [Fact]
    public async Task Without_maxResults_a_page_holds_20()
    {
        var page = await ListAsync("w-test", "");

        Assert.Equal(20, page.Json.GetProperty("maxResults").GetInt32());
        Assert.Equal(20, page.Json.GetProperty("sessionClusters").GetArrayLength());
        Assert.Equal(45, page.Json.GetProperty("totalCount").GetInt32());
        Assert.NotEqual("", page.Json.GetProperty("nextToken").GetString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    [InlineData("")]
    public async Task Out_of_range_or_non_numeric_maxResults_is_InvalidParameter(string value)
    {
        var response = await ListAsync("w-test", $"?maxResults={value}");

        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameter"), (response.Status, response.Code));
    }

    [Fact]
    public async Task Repeated_parameter_is_InvalidParameter()
    {
        var response = await ListAsync("w-test", "?maxResults=5&maxResults=6");

        Assert.Equal("InvalidParameter", response.Code);
    }

    [Fact]
    public async Task Filters_apply_across_pages()
    {
        var all = await ListAsync("w-large", "?kind=SQL&queueName=dev_queue&maxResults=100");
        var total = all.Json.GetProperty("totalCount").GetInt32();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await ListAsync("w-large", "?kind=SQL&queueName=dev_queue&maxResults=100" + (token is null ? "" : $"&nextToken={token}"));
            foreach (var session in page.Json.GetProperty("sessionClusters").EnumerateArray())
            {
                Assert.Equal("SQL", session.GetProperty("kind").GetString());
                Assert.Equal("dev_queue", session.GetProperty("queueName").GetString());
                ids.Add(session.GetProperty("sessionClusterId").GetString()!);
            }

            token = page.Json.GetProperty("nextToken").GetString();
        }
        while (!string.IsNullOrEmpty(token));

        Assert.InRange(total, 500, 5000);
        Assert.Equal(total, ids.Count);
    }

    [Fact]
    public async Task SessionClusterId_filter_returns_just_that_session()
    {
        var first = (await ListAsync("w-test", "?maxResults=1")).Json.GetProperty("sessionClusters")[0].GetProperty("sessionClusterId").GetString();

        var page = await ListAsync("w-test", $"?sessionClusterId={first}");

        Assert.Equal(1, page.Json.GetProperty("totalCount").GetInt32());
        Assert.Equal(first, page.Json.GetProperty("sessionClusters")[0].GetProperty("sessionClusterId").GetString());
    }

    [Fact]
    public async Task Tampered_token_is_InvalidParameter()
    {
        var token = (await ListAsync("w-test", "?maxResults=5")).Json.GetProperty("nextToken").GetString()!;
        var tampered = (token[3] == 'A' ? "B" : "A") is var c ? token[..3] + c + token[4..] : token;

        var response = await ListAsync("w-test", $"?maxResults=5&nextToken={tampered}");

        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameter"), (response.Status, response.Code));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("DD6B1B2A-5837-5237-ABE4-FF0C89568980")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%FF%FE")]
    [InlineData("not_base64__at_all")]
    public async Task Forged_token_is_InvalidParameter_not_a_crash(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/workspaces/w-test/sessionClusters?nextToken={token}");
        var canonical = token.StartsWith('%') ? $"nextToken={token}" : $"nextToken={Uri.EscapeDataString(token)}";
        TestSigner.Sign(request, "localhost", "ListSessionClusters", EmulatorFactory.DemoKey, _factory.Now, canonicalQuery: canonical);

        var response = await _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameter"), (response.Status, response.Code));
    }

    [Fact]
    public async Task Token_from_another_workspace_is_InvalidParameter()
    {
        var token = (await ListAsync("w-test", "?maxResults=2")).Json.GetProperty("nextToken").GetString();

        var response = await ListAsync("w-other", $"?maxResults=2&nextToken={token}");

        Assert.Equal("InvalidParameter", response.Code);
    }

    [Fact]
    public async Task Token_from_another_filter_is_InvalidParameter()
    {
        var token = (await ListAsync("w-large", "?maxResults=2&kind=SQL")).Json.GetProperty("nextToken").GetString();

        var response = await ListAsync("w-large", $"?maxResults=2&kind=NOTEBOOK&nextToken={token}");

        Assert.Equal("InvalidParameter", response.Code);
    }

    [Fact]
    public async Task Token_from_another_emulator_instance_is_InvalidParameter()
    {
        using var other = new EmulatorFactory();
        using var otherClient = other.CreateClient();
        var foreign = (await otherClient.SendAcsAsync(other.Get("/api/v1/workspaces/w-test/sessionClusters?maxResults=2", "ListSessionClusters"),
            TestContext.Current.CancellationToken)).Json.GetProperty("nextToken").GetString();

        var response = await ListAsync("w-test", $"?maxResults=2&nextToken={foreign}");

        Assert.Equal("InvalidParameter", response.Code);
    }

    [Fact]
    public async Task Token_older_than_its_lifetime_is_InvalidParameter()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero));
        using var factory = new EmulatorFactory(clock: clock);
        using var client = factory.CreateClient();
        var token = (await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/sessionClusters?maxResults=2", "ListSessionClusters"),
            TestContext.Current.CancellationToken)).Json.GetProperty("nextToken").GetString();
        clock.Advance(TimeSpan.FromMinutes(59));
        var fresh = await client.SendAcsAsync(factory.Get($"/api/v1/workspaces/w-test/sessionClusters?maxResults=2&nextToken={token}", "ListSessionClusters"),
            TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(2));

        var expired = await client.SendAcsAsync(factory.Get($"/api/v1/workspaces/w-test/sessionClusters?maxResults=2&nextToken={token}", "ListSessionClusters"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        Assert.Equal("InvalidParameter", expired.Code);
    }

    [Fact]
    public async Task Workspaces_page_with_tokens_too()
    {
        var first = await _client.SendAcsAsync(_factory.Get("/api/v1/workspaces?maxResults=2", "ListWorkspaces"), TestContext.Current.CancellationToken);
        var token = first.Json.GetProperty("nextToken").GetString();
        var second = await _client.SendAcsAsync(_factory.Get($"/api/v1/workspaces?maxResults=2&nextToken={token}", "ListWorkspaces"), TestContext.Current.CancellationToken);

        Assert.Equal(3, first.Json.GetProperty("totalCount").GetInt32());
        Assert.Equal(2, first.Json.GetProperty("workspaces").GetArrayLength());
        Assert.Equal(1, second.Json.GetProperty("workspaces").GetArrayLength());
        Assert.Equal("", second.Json.GetProperty("nextToken").GetString());
    }
}
