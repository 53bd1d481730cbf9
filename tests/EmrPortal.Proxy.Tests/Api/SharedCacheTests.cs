using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>Two proxy instances share a real redis-server as L2: B serves the snapshot A scanned, without scanning.</summary>
public sealed class SharedCacheTests : IAsyncLifetime
{
    private Process? _redis;
    private ProxyHost? _a;
    private ProxyHost? _b;

    public async ValueTask InitializeAsync()
    {
        // redis binds a port chosen a moment earlier: if something took it meanwhile, redis exits and another port is
        // tried; a connection to someone else's redis is not taken for ours (INFO's process_id must be ours).
        var port = 0;
        for (var attempt = 1; _redis is null; attempt++)
        {
            port = FreePort();
            var redis = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            Assert.NotNull(redis);
            var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
            while (!redis.HasExited && DateTimeOffset.UtcNow < deadline && !await IsRedisAsync(port, redis.Id))
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            if (!redis.HasExited && await IsRedisAsync(port, redis.Id))
            {
                _redis = redis;
            }
            else
            {
                if (!redis.HasExited) redis.Kill();
                redis.Dispose();
                Assert.True(attempt < 5, $"redis-server did not start (last port {port})");
            }
        }

        // The sequential scan, so A's upstream calls are exactly its 100 pages (the partitioned scan is tested apart).
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = $"127.0.0.1:{port}", ["Snapshots:PartitionedScan"] = "false" };
        _a = new ProxyHost(proxySettings: settings);
        _b = new ProxyHost(proxySettings: settings, sharedEmulator: _a.Emulator);
    }

    public async ValueTask DisposeAsync()
    {
        if (_b is not null) await _b.DisposeAsync();
        if (_a is not null) await _a.DisposeAsync();
        if (_redis is { HasExited: false })
        {
            _redis.Kill();
            await _redis.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        _redis?.Dispose();
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether the redis-server with process id <paramref name="pid"/> answers on <paramref name="port"/>.</summary>
    private static async Task<bool> IsRedisAsync(int port, int pid)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            await using var stream = client.GetStream();
            await stream.WriteAsync("*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"u8.ToArray(), timeout.Token);
            var reply = new System.Text.StringBuilder();
            var buffer = new byte[4096];
            while (!reply.ToString().Contains("process_id:", StringComparison.Ordinal) || !reply.ToString().EndsWith("\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) break;
                reply.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
            }

            return reply.ToString().Contains($"process_id:{pid}\r\n", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
