using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using EmrPortal.Proxy.Tests.Infrastructure;
using EmrPortal.Proxy.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// The outbound quota holds across instances when Redis is configured: two proxies sharing one real redis-server
/// together never send more than the configured rate (emulator throttling off, so only the proxies' buckets pace).
/// </summary>
public sealed class SharedQuotaTests(RedisServer redis) : IClassFixture<RedisServer>
{
    // Low enough that the buckets, not the (loaded, 2-core) machine, set the pace.
    private const double Rate = 10;
    private const int Burst = 5;
    [Fact]
    public async Task Two_proxy_instances_sharing_redis_stay_within_the_quota_together()
    {
        var clock = Stopwatch.StartNew();
        var sentByA = new ConcurrentQueue<TimeSpan>();
        var sentByB = new ConcurrentQueue<TimeSpan>();
        // The bucket is per (account, API): only the scans' ListSessionClusters calls share one (other APIs, such as the
        // scan's workspace and release look-ups, have buckets of their own).
        Func<HttpResponseMessage, Task> Record(ConcurrentQueue<TimeSpan> sent) => response =>
        {
            if (response.RequestMessage?.Headers.TryGetValues("x-acs-action", out var actions) == true && actions.Contains("ListSessionClusters"))
            {
                sent.Enqueue(clock.Elapsed);
            }

            return Task.CompletedTask;
        };

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["UpstreamQuota:PermitsPerSecond"] = Rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["UpstreamQuota:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // 320 sessions in pages of 10: each cold scan is 32+ calls.
            ["Snapshots:ScanPageSize"] = "10",
        };
        var noThrottling = new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" };
        await using var a = new ProxyHost(proxySettings: settings, emulatorSettings: noThrottling, rewriteUpstream: Record(sentByA));
        await using var b = new ProxyHost(proxySettings: settings, sharedEmulator: a.Emulator, rewriteUpstream: Record(sentByB));

        // Both cold at once: each scans the workspace itself (the L2 is still empty).
        var results = await Task.WhenAll(
            a.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?sort=name"),
            b.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?sort=name"));

        Assert.All(results, r => Assert.True(r.Response.StatusCode == HttpStatusCode.OK, r.Body));
        var calls = a.Calls.All.Concat(b.Calls.All).ToList();
        Assert.DoesNotContain(calls, c => c.Status != 200);
        Assert.True(a.Calls.Count("ListSessionClusters") >= 32 && b.Calls.Count("ListSessionClusters") >= 32,
            $"both instances scanned: {a.Calls.Count("ListSessionClusters")} and {b.Calls.Count("ListSessionClusters")} calls");

        // The token bucket's bound: in any window of length w at most Burst + w × Rate calls. The test sees responses,
        // not permits, and on a loaded machine responses bunch up: three calls of slack (without the shared bucket the
        // two instances send twice the rate: 26 calls in 0.5 s were measured).
        // The two scans ran at the same time (otherwise each instance's own bucket would explain the pace).
        var (aFirst, aLast, bFirst, bLast) = (sentByA.Min(), sentByA.Max(), sentByB.Min(), sentByB.Max());
        var overlap = (aLast < bLast ? aLast : bLast) - (aFirst > bFirst ? aFirst : bFirst);
        Assert.True(overlap > (aLast - aFirst) / 2, $"A sent {aFirst.TotalSeconds:F2}–{aLast.TotalSeconds:F2} s, B {bFirst.TotalSeconds:F2}–{bLast.TotalSeconds:F2} s");

        var times = sentByA.Concat(sentByB).Order().ToArray();
        foreach (var window in new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) })
        {
            var most = MostInWindow(times, window);
            Assert.True(most <= Burst + (window.TotalSeconds * Rate) + 3,
                $"{most} calls within {window.TotalSeconds} s; the shared quota allows {Burst} + {window.TotalSeconds * Rate}");
        }

        var span = times[^1] - times[0];
        Assert.True(span.TotalSeconds >= (times.Length - Burst - 1) / Rate,
            $"{times.Length} calls in {span.TotalSeconds:F2} s is faster than {Rate}/s");
    }

    [Fact]
    public async Task Two_buckets_on_one_redis_grant_no_more_than_burst_plus_rate_over_time()
    {
        const double rate = 50;
        const int burst = 5;
        var monitor = new ServiceCollection()
            .AddOptions<UpstreamQuotaOptions>().Configure(o => { o.PermitsPerSecond = rate; o.Burst = burst; }).Services
            .BuildServiceProvider().GetRequiredService<IOptionsMonitor<UpstreamQuotaOptions>>();
        await using var first = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var second = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var quotas = new[]
        {
            new SharedOutboundQuota(first, monitor, NullLogger<SharedOutboundQuota>.Instance),
            new SharedOutboundQuota(second, monitor, NullLogger<SharedOutboundQuota>.Instance),
        };

        var clock = Stopwatch.StartNew();
        var granted = new ConcurrentQueue<TimeSpan>();
        var other = await quotas[0].TryTakeAsync("another-account", "ListSessionClusters");
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async worker =>
        {
            for (var i = 0; i < 10; i++)
            {
                await quotas[worker % 2].AcquireAsync("LTAI-test-account", "ListSessionClusters", TestContext.Current.CancellationToken);
                granted.Enqueue(clock.Elapsed);
            }
        }));

        Assert.Null(other); // buckets are per account
        var times = granted.Order().ToArray();
        Assert.Equal(120, times.Length);
        Assert.True(MostInWindow(times, TimeSpan.FromSeconds(1)) <= burst + rate + 1);
        Assert.True((times[^1] - times[0]).TotalSeconds >= (120 - burst - 1) / rate);

        // The key names no account in clear.
        var keys = first.GetServer(first.GetEndPoints()[0]).Keys(pattern: "emrportal:quota:*").Select(k => (string)k!).ToList();
        Assert.NotEmpty(keys);
        Assert.DoesNotContain(keys, k => k.Contains("LTAI", StringComparison.Ordinal));
    }

    private static int MostInWindow(TimeSpan[] sorted, TimeSpan window)
    {
        var most = 0;
        var start = 0;
        for (var end = 0; end < sorted.Length; end++)
        {
            while (sorted[end] - sorted[start] >= window) start++;
            most = Math.Max(most, end - start + 1);
        }

        return most;
    }
}
