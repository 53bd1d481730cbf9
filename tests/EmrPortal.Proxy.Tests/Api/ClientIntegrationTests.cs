using System.Net;
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
    private RedisServer? _redis;
    private ProxyHost? _host;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        var database = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        _host = new ProxyHost(proxySettings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _redis.ConnectionString,
            ["ConnectionStrings:portaldb"] = database,
            ["Portal:Database"] = "Postgres",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
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

        _redis!.Stop();
        var (ready, body) = await _host.GetAsync(null, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", Assert.Single(Checks(body), c => c.Key.Contains("redis", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.NotEqual(HttpStatusCode.InternalServerError, first.StatusCode);
    }

    private static Dictionary<string, string?> Checks(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
}
