using System.Net;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>A host of its own: nothing cached when the test starts.</summary>
public sealed class ColdStartTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new(proxySettings: new Dictionary<string, string?>
    {
        // This test is about coalescing, not pacing: let the whole scan go out at once.
        ["UpstreamQuota:Burst"] = "1000",
        ["UpstreamQuota:PermitsPerSecond"] = "1000",
        ["RateLimiting:Burst"] = "1000",
        // Counts the sequential scan's 100 pages; the partitioned scan's coalescing is in PartitionedScanTests.
        ["Snapshots:PartitionedScan"] = "false",
    }, emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Fifty_concurrent_first_requests_cause_exactly_one_upstream_scan()
    {
        await _host.EmulatorAdminAsync("POST", "/admin/stats/reset");
        using var client = _host.Client("admin");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.GetAsync($"/api/v1/workspaces/w-large/sessions?page={i + 1}&sort=name", TestContext.Current.CancellationToken)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var pages = await Task.WhenAll(responses.Select(async r => JsonSerializer.Deserialize(
            await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), PortalJsonContext.Default.SessionPageDto)!));
        Assert.All(pages, p => Assert.Equal(10_000, p.TotalCount));
        Assert.Equal(pages.Length * 25, pages.SelectMany(p => p.Items).Select(s => s.SessionClusterId).Distinct().Count());

        // ceil(10,000 / 100) pages of one scan, counted by the emulator and by the proxy's outbound handler.
        Assert.Equal(100, _host.Calls.Count("ListSessionClusters"));
        var stats = JsonDocument.Parse(await _host.EmulatorAdminAsync("GET", "/admin/stats")).RootElement;
        Assert.Equal(100, stats.GetProperty("callsByWorkspace").GetProperty("w-large").GetProperty("ListSessionClusters").GetInt32());
    }
}
