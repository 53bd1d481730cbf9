using System.Net;
using System.Text;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>Upstream data that tries to break the portal (formulas, scripts, bidi overrides, bad links, bad domains).</summary>
public sealed class HostileDataTests : ApiTestBase, IAsyncLifetime
{
    public HostileDataTests()
        : base(new ProxyHost(emulatorSettings: new Dictionary<string, string?>
        {
            ["Emulator:Seed:Hostile"] = "true",
            ["Emulator:Seed:Workspaces:0:Id"] = "w-analytics",
            ["Emulator:Seed:Workspaces:0:Name"] = "Analytics",
            ["Emulator:Seed:Workspaces:0:Sessions"] = "10",
        }))
    {
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task Csv_export_escapes_formula_cells()
    {
        var (response, body) = await Host.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions.csv?sort=name&dir=asc");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Every cell that would start a formula is neutralised with a leading quote (and quoted, RFC 4180).
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", body, StringComparison.Ordinal);
        Assert.Contains("'@SUM(1+1)", body, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", body, StringComparison.Ordinal);
        Assert.DoesNotContain(",@SUM", body, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"=", body, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"@", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsafe_links_and_domains_never_reach_the_caller()
    {
        var page = await GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?q=link-test");
        var linkTest = Assert.Single(page.Items);
        var detail = await GetOk<SessionDetailDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions/{linkTest.SessionClusterId}");
        Assert.Null(detail.WebUI);
        Assert.Null(detail.Domain);

        var all = await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200");
        foreach (var s in all.Items)
        {
            var d = await GetOk<SessionDetailDto>("admin", $"/api/v1/workspaces/w-analytics/sessions/{s.SessionClusterId}");
            Assert.True(d.WebUI is null || d.WebUI.StartsWith("https://", StringComparison.Ordinal) || d.WebUI.StartsWith("http://", StringComparison.Ordinal));
            Assert.True(d.Domain is null || !d.Domain.Contains(' ', StringComparison.Ordinal));
            Assert.True(d.Domain is null || !d.Domain.StartsWith('-'));
        }
    }

    [Fact]
    public async Task Audit_log_neutralises_control_characters_from_user_supplied_text()
    {
        Assert.Equal("ops??user?x", Audit.AuditTrail.Clean("ops\r\nuser\u202Ex"));
        await GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions");
        Assert.DoesNotContain(Host.Logs.Lines, l => l.Category.StartsWith("EmrPortal.Proxy", StringComparison.Ordinal)
            && (l.Message.Contains('\u202E', StringComparison.Ordinal) || l.Message.Contains("\r\nINJECTED", StringComparison.Ordinal)));
        _ = Encoding.UTF8;
    }
}

/// <summary>An upstream answer about another workspace is refused, not shown under this workspace's authorization.</summary>
public sealed class WorkspaceMismatchTests : ApiTestBase, IAsyncLifetime
{
    public WorkspaceMismatchTests()
        : base(new ProxyHost(rewriteUpstream: async response =>
        {
            if (response.RequestMessage?.Headers.TryGetValues("x-acs-action", out var action) == true && action.First() == "GetSessionCluster")
            {
                var json = await response.Content.ReadAsStringAsync();
                response.Content = new StringContent(json.Replace("\"workspaceId\":\"w-analytics\"", "\"workspaceId\":\"w-finance\"", StringComparison.Ordinal), Encoding.UTF8, "application/json");
            }
        }))
    {
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task Detail_answered_for_another_workspace_is_502()
    {
        var page = await GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions");
        var (response, body) = await Host.GetAsync("viewer", $"/api/v1/workspaces/w-analytics/sessions/{page.Items[0].SessionClusterId}");

        AssertProblem(response, body, HttpStatusCode.BadGateway);
        Assert.DoesNotContain("w-finance", body, StringComparison.Ordinal);
    }
}

public sealed class RateLimitTests : ApiTestBase, IAsyncLifetime
{
    public RateLimitTests()
        : base(new ProxyHost(proxySettings: new Dictionary<string, string?>
        {
            ["RateLimiting:Burst"] = "3",
            ["RateLimiting:PermitsPerSecond"] = "1",
        }))
    {
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task Requests_beyond_the_per_user_limit_are_429_problem_details_while_other_users_continue()
    {
        using var viewer = Host.Client("viewer");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await viewer.GetAsync("/api/v1/me", TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.NotNull(limited);
        AssertProblem(limited, await limited.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);

        var (admin, _) = await Host.GetAsync("admin", "/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }
}
