using System.Collections.Concurrent;
using EmrPortal.Proxy.Upstream;

namespace EmrPortal.Proxy.Tests.Unit;

public sealed class FairShareQuotaTests
{
    private static (OutboundQuota Bucket, FairShareQuota Fair) Create(double perSecond, int burst, int maxQueued = 100)
    {
        var bucket = new OutboundQuota(new StaticOptions<UpstreamQuotaOptions>(new UpstreamQuotaOptions { PermitsPerSecond = perSecond, Burst = burst }));
        return (bucket, new FairShareQuota(bucket, new StaticOptions<FairShareOptions>(new FairShareOptions { MaxQueuedPerUser = maxQueued })));
    }

    [Fact]
    public async Task A_user_flooding_the_bucket_does_not_make_another_user_wait_behind_the_flood()
    {
        var (bucket, fair) = Create(perSecond: 20, burst: 1);
        using var _ = bucket;
        var ct = TestContext.Current.CancellationToken;
        var order = new ConcurrentQueue<string>();

        var flood = Enumerable.Range(0, 30).Select(async i =>
        {
            using var lease = await fair.AcquireAsync("flooder", "AK", "GetSessionCluster", ct);
            Assert.True(lease.IsAcquired);
            order.Enqueue("flooder");
        }).ToList();
        while (order.Count < 2)
        {
            await Task.Delay(10, ct);
        }

        using (var lease = await fair.AcquireAsync("reader", "AK", "GetSessionCluster", ct))
        {
            Assert.True(lease.IsAcquired);
            order.Enqueue("reader");
        }

        // The reader's call got the next token but one (the flooder's call already waiting for it); with one
        // FIFO queue it would have waited behind every flooder call, about 1.5 s at 20/s.
        var position = order.ToList().IndexOf("reader");
        Assert.InRange(position, 2, 4);
        await Task.WhenAll(flood);
    }

    [Fact]
    public async Task Alone_a_user_may_use_the_whole_budget()
    {
        var (bucket, fair) = Create(perSecond: 1, burst: 10);
        using var _ = bucket;
        var leases = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => fair.AcquireAsync("solo", "AK", "GetSessionCluster", TestContext.Current.CancellationToken).AsTask()));
        Assert.All(leases, l => Assert.True(l.IsAcquired));
    }

    [Fact]
    public async Task A_user_with_too_many_calls_waiting_is_refused_at_once()
    {
        var (bucket, fair) = Create(perSecond: 0.1, burst: 1, maxQueued: 3);
        using var _ = bucket;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var first = await fair.AcquireAsync("flooder", "AK", "GetSessionCluster", cts.Token);
        Assert.True(first.IsAcquired);

        // The bucket is empty for ~10 s: one call waits for the next token, the rest of the user's calls queue.
        // (Five calls: the pump may already have taken one of them off the queue to wait for that token.)
        var waiting = Enumerable.Range(0, 5).Select(_ => fair.AcquireAsync("flooder", "AK", "GetSessionCluster", cts.Token).AsTask()).ToList();
        var refused = waiting.Where(t => t.IsCompleted).ToList();
        Assert.InRange(refused.Count, 1, 2);
        foreach (var r in refused)
        {
            Assert.False((await r).IsAcquired);
            waiting.Remove(r);
        }

        // Another user is not refused for the flooder's queue (it waits its turn).
        var other = fair.AcquireAsync("reader", "AK", "GetSessionCluster", cts.Token).AsTask();
        Assert.False(other.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(waiting.Append(other)));
    }
}
