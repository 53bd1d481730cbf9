using System.Net;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>Two proxy instances share a real redis-server as L2: B serves the snapshot A scanned, without scanning.</summary>
public sealed class SharedCacheTests : IAsyncLifetime
{
    private RedisServer? _redis;
    private ProxyHost? _a;
    private ProxyHost? _b;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);

        // The sequential scan, so A's upstream calls are exactly its 100 pages (the partitioned scan is tested apart).
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _redis.ConnectionString, ["Snapshots:PartitionedScan"] = "false" };
        _a = new ProxyHost(proxySettings: settings);
        _b = new ProxyHost(proxySettings: settings, sharedEmulator: _a.Emulator);
    }

    public async ValueTask DisposeAsync()
    {
        if (_b is not null) await _b.DisposeAsync();
        if (_a is not null) await _a.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Second_instance_serves_the_snapshot_from_redis_without_scanning()
    {
        var (fromA, bodyA) = await _a!.GetAsync("admin", "/api/v1/workspaces/w-large/sessions?sort=name&page=7");
        Assert.Equal(HttpStatusCode.OK, fromA.StatusCode);
        Assert.Equal(100, _a.Calls.Count("ListSessionClusters"));

        var (fromB, bodyB) = await _b!.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions");
        Assert.Equal(HttpStatusCode.OK, fromB.StatusCode);
        var (largeFromB, largeBodyB) = await _b.GetAsync("admin", "/api/v1/workspaces/w-large/sessions?sort=name&page=7");

        Assert.Equal(HttpStatusCode.OK, largeFromB.StatusCode);
        Assert.Equal(bodyA, largeBodyB); // same items, same asOf
        Assert.Equal(4, _b.Calls.Count("ListSessionClusters")); // only w-analytics, which A never scanned
        Assert.Contains(_b.Logs.Lines, l => l.Message.Contains("Adopted the shared snapshot of workspace w-large", StringComparison.Ordinal));
        _ = PortalJsonContext.Default;
    }
}
