using System.Diagnostics;
using System.Globalization;
using System.Net;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// A user's request budget holds across proxy instances when Redis is configured: two proxies sharing one real
/// redis-server grant one user no more than one bucket together. Without Redis each instance has its own bucket.
/// </summary>
public sealed class SharedRateLimitTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const int Burst = 10;
    private const int PerSecond = 1;
    private const int Requests = 40;

    private Dictionary<string, string?> Settings(bool withRedis)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RateLimiting:Burst"] = Burst.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:PermitsPerSecond"] = PerSecond.ToString(CultureInfo.InvariantCulture),
        };
        if (withRedis)
        {
            settings["ConnectionStrings:redis"] = redis.ConnectionString;
        }

        return settings;
    }

    [Fact]
    public async Task Two_instances_sharing_redis_give_a_user_one_budget_together()
    {
        await using var a = new ProxyHost(proxySettings: Settings(withRedis: true));
        await using var b = new ProxyHost(proxySettings: Settings(withRedis: true), sharedEmulator: a.Emulator);
        // Warm both (authentication metadata, first-request costs) with another user, whose bucket is separate.
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("admin", "/api/v1/me")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("admin", "/api/v1/me")).Response.StatusCode);

        var (ok, refused, elapsed) = await FloodAsync(a, b);

        // One shared bucket: at most the burst plus what refilled meanwhile (whole seconds, one of slack). Two
        // separate buckets would have granted 2 × Burst at once.
        var allowed = Burst + ((int)Math.Ceiling(elapsed.TotalSeconds) * PerSecond) + 1;
        Assert.True(ok.Count <= allowed, $"{ok.Count} of {Requests} granted in {elapsed.TotalSeconds:F1} s; one shared bucket allows {allowed}");
        Assert.True(ok.Count >= Burst, $"only {ok.Count} granted: the burst is {Burst}");
        Assert.Contains(refused, r => r.Instance == "a");
        Assert.Contains(refused, r => r.Instance == "b");
        Assert.All(refused, r =>
        {
            Assert.Equal("application/problem+json", r.ContentType);
            Assert.True(r.RetryAfter >= 1, "Retry-After in whole seconds");
        });
    }

    [Fact]
    public async Task Without_redis_each_instance_keeps_its_own_budget()
    {
        await using var a = new ProxyHost(proxySettings: Settings(withRedis: false));
        await using var b = new ProxyHost(proxySettings: Settings(withRedis: false), sharedEmulator: a.Emulator);

        var (ok, _, elapsed) = await FloodAsync(a, b);

        // Each instance grants its own burst: together at least 2 × Burst (the in-memory fallback works).
        Assert.True(ok.Count >= 2 * Burst, $"{ok.Count} granted in {elapsed.TotalSeconds:F1} s");
        Assert.Contains(ok, r => r.Instance == "a");
        Assert.Contains(ok, r => r.Instance == "b");
    }

    private sealed record Answer(string Instance, HttpStatusCode Status, string? ContentType, int RetryAfter);

    /// <summary>The same user sends <see cref="Requests"/> requests, alternating between the instances, eight at a time.</summary>
    private static async Task<(List<Answer> Ok, List<Answer> Refused, TimeSpan Elapsed)> FloodAsync(ProxyHost a, ProxyHost b)
    {
        using var clientA = a.Client("viewer");
        using var clientB = b.Client("viewer");
        var answers = new List<Answer>();
        var clock = Stopwatch.StartNew();
        for (var batch = 0; batch < Requests; batch += 8)
        {
            answers.AddRange(await Task.WhenAll(Enumerable.Range(batch, 8).Select(async i =>
            {
                var (name, client) = i % 2 == 0 ? ("a", clientA) : ("b", clientB);
                using var response = await client.GetAsync("/api/v1/me", TestContext.Current.CancellationToken);
                var retryAfter = response.Headers.RetryAfter?.Delta is { } d ? (int)d.TotalSeconds : 0;
                return new Answer(name, response.StatusCode, response.Content.Headers.ContentType?.MediaType, retryAfter);
            })));
        }

        clock.Stop();
        Assert.All(answers, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        return (answers.Where(r => r.Status == HttpStatusCode.OK).ToList(), answers.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList(), clock.Elapsed);
    }
}
