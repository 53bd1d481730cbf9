using System.Net;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// A script requesting random session ids must not spend the account's shared cloud budget: ids a fresh snapshot
/// does not hold are 404 at no upstream cost, and while no fresh snapshot exists a user may cause only a few lookups.
/// </summary>
public sealed class UnknownSessionIdTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new(proxySettings: new Dictionary<string, string?>
    {
        ["RateLimiting:Burst"] = "1000",
        ["Features:StartStop"] = "true",
    });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static string RandomId(int i) => $"sc-random{i:D4}{Guid.NewGuid():N}"[..30];

    [Fact]
    public async Task Unknown_ids_are_404_from_a_fresh_snapshot_without_an_upstream_call()
    {
        var page = await GetJson("viewer", "/api/v1/workspaces/w-analytics/sessions?pageSize=1");
        var known = page.GetProperty("items")[0].GetProperty("sessionClusterId").GetString()!;
        _host.Calls.Clear();

        for (var i = 0; i < 40; i++)
        {
            var (response, body) = await _host.GetAsync("viewer", $"/api/v1/workspaces/w-analytics/sessions/{RandomId(i)}");
            AssertProblem(response, body, HttpStatusCode.NotFound);
        }

        foreach (var action in new[] { "start", "stop" })
        {
            var (response, body) = await _host.PostAsync("admin", $"/api/v1/workspaces/w-analytics/sessions/{RandomId(99)}/{action}");
            AssertProblem(response, body, HttpStatusCode.NotFound);
        }

        Assert.Equal(0, _host.Calls.Count("GetSessionCluster"));
        Assert.Equal(0, _host.Calls.Count("StartSessionCluster") + _host.Calls.Count("StopSessionCluster"));

        // 40 identical refusals are one audit entry now (their repeats follow as one entry when the window closes).
        Assert.Single(_host.Logs.Lines, l => l.Category == "EmrPortal.Proxy.Audit"
            && l.Values.GetValueOrDefault("UserId") == "user-viewer" && l.Values.GetValueOrDefault("Outcome") == "not-found");

        // A session the snapshot holds is still read from upstream (its configs are not in the snapshot).
        var (ok, _) = await _host.GetAsync("viewer", $"/api/v1/workspaces/w-analytics/sessions/{known}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, _host.Calls.Count("GetSessionCluster"));
    }

    [Fact]
    public async Task Without_a_fresh_snapshot_a_user_causes_only_a_few_unknown_id_lookups()
    {
        // Nothing scanned yet: the first requests find no snapshot, start one and may look upstream — within budget.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            var (response, body) = await _host.GetAsync("viewer", $"/api/v1/workspaces/w-analytics/sessions/{RandomId(i)}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests });
            Assert.DoesNotContain("sc-random", body, StringComparison.Ordinal);
            statuses.Add(response.StatusCode);
        }

        Assert.InRange(_host.Calls.Count("GetSessionCluster"), 1, 3);
    }

    [Fact]
    public async Task Identical_lookups_share_one_upstream_call_and_a_missing_session_is_remembered_briefly()
    {
        var id = RandomId(7);
        using var client = _host.Client("admin");
        var ct = TestContext.Current.CancellationToken;

        // Cold: no snapshot, so these go upstream — as one call.
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            client.GetAsync($"/api/v1/workspaces/w-analytics/sessions/{id}", ct)));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests }));
        Assert.Equal(1, _host.Calls.All.Count(c => c.Action == "GetSessionCluster"));

        using var again = await client.GetAsync($"/api/v1/workspaces/w-analytics/sessions/{id}", ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(1, _host.Calls.All.Count(c => c.Action == "GetSessionCluster"));
    }

    private async Task<JsonElement> GetJson(string user, string path)
    {
        var (response, body) = await _host.GetAsync(user, path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} → {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static void AssertProblem(HttpResponseMessage response, string body, HttpStatusCode status)
    {
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
