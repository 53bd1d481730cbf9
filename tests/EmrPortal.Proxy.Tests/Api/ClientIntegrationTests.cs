using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// With Redis and PostgreSQL configured, the proxy wires them through Aspire's client integrations: each has a
/// health check in the readiness JSON (and traces/metrics), against a real redis-server and a real PostgreSQL.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClientIntegrationTests(PostgresServer postgres) : IAsyncLifetime
{
    private Process? _redis;
    private ProxyHost? _host;

    public async ValueTask InitializeAsync()
    {
        var port = FreePort();
        _redis = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        });
        Assert.NotNull(_redis);
        for (var i = 0; i < 100 && !CanConnect(port); i++) await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.True(CanConnect(port), "redis-server did not start");

        var database = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        _host = new ProxyHost(proxySettings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = $"127.0.0.1:{port}",
            ["ConnectionStrings:portaldb"] = database,
            ["Portal:Database"] = "Postgres",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        StopRedis();
        _redis?.Dispose();
    }

    [Fact]
    public async Task Readiness_json_lists_healthy_redis_and_postgres_checks()
    {
        // The upstream check turns healthy once the cloud API answered.
        var (me, _) = await _host!.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        var (ready, body) = await _host.GetAsync(null, "/health/ready");

        Assert.True(ready.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/json", ready.Content.Headers.ContentType?.MediaType);
        var checks = Checks(body);
        Assert.Equal("Healthy", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", Assert.Single(checks, c => c.Key.Contains("redis", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Equal("Healthy", Assert.Single(checks, c => c.Key.Contains("PostgresPortalDbContext", StringComparison.Ordinal)).Value);
        Assert.Equal("Healthy", checks["upstream"]);
        // Names and statuses only: no host, port or connection detail in a public endpoint.
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_fails_when_redis_goes_away()
    {
        var (first, firstBody) = await _host!.GetAsync(null, "/health/ready");
        Assert.Equal("Healthy", Assert.Single(Checks(firstBody), c => c.Key.Contains("redis", StringComparison.OrdinalIgnoreCase)).Value);

        StopRedis();
        var (ready, body) = await _host.GetAsync(null, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", Assert.Single(Checks(body), c => c.Key.Contains("redis", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.NotEqual(HttpStatusCode.InternalServerError, first.StatusCode);
    }

    private static Dictionary<string, string?> Checks(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());

    private void StopRedis()
    {
        if (_redis is { HasExited: false })
        {
            _redis.Kill();
            _redis.WaitForExit(10_000);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
