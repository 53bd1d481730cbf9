using EmrPortal.Contracts;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Tests.Infrastructure;
using EmrPortal.Proxy.Upstream;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Proxy.Tests.Unit;

public sealed class SnapshotStoreTests
{
    private readonly FakeEmrClient _client = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 15, 8, 0, 0, TimeSpan.Zero));
    private readonly SnapshotOptions _options = new() { FreshTtl = TimeSpan.FromSeconds(15), StaleWhileRevalidate = TimeSpan.FromMinutes(5), FailureBackoff = TimeSpan.FromSeconds(5) };

    private SnapshotStore CreateStore()
    {
        var cache = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider().GetRequiredService<HybridCache>();
        var monitor = new StaticOptions<SnapshotOptions>(_options);
        return new SnapshotStore(
            _client,
            new SnapshotL2(cache, monitor, NullLogger<SnapshotL2>.Instance, enabled: false),
            new UpstreamHealth(_time),
            monitor,
            _time,
            new RunningLifetime(),
            NullLogger<SnapshotStore>.Instance);
    }

    [Fact]
    public async Task Fifty_concurrent_cold_requests_share_one_scan()
    {
        _client.Sessions["w-big"] = SyntheticSessions.Clusters("w-big", 1_050);
        _client.Gate = new TaskCompletionSource();
        var store = CreateStore();

        var requests = Enumerable.Range(0, 50).Select(_ => store.GetAsync("w-big", TestContext.Current.CancellationToken)).ToArray();
        _client.Gate.SetResult();
        var results = await Task.WhenAll(requests);

        Assert.Equal(11, _client.ListCalls); // ceil(1050 / 100) pages, one scan
        Assert.All(results, r => Assert.Same(results[0].Snapshot, r.Snapshot));
        Assert.All(results, r => Assert.False(r.Stale));
        Assert.Equal(1_050, results[0].Snapshot.Count);
    }

    [Fact]
    public async Task Fresh_snapshot_is_served_without_upstream_calls()
    {
        _client.Sessions["w"] = SyntheticSessions.Clusters("w", 30);
        var store = CreateStore();
        var first = await store.GetAsync("w", TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromSeconds(14));
        var second = await store.GetAsync("w", TestContext.Current.CancellationToken);

        Assert.Same(first.Snapshot, second.Snapshot);
        Assert.False(second.Stale);
        Assert.Equal(1, _client.ListCalls);
    }

    [Fact]
    public async Task Stale_snapshot_is_served_at_once_while_one_background_refresh_runs()
    {
        _client.Sessions["w"] = SyntheticSessions.Clusters("w", 30);
        var store = CreateStore();
        var first = await store.GetAsync("w", TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(20));
        _client.Gate = new TaskCompletionSource();

        var stale = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.GetAsync("w", TestContext.Current.CancellationToken)));

        Assert.All(stale, r => Assert.True(r.Stale));
        Assert.All(stale, r => Assert.Same(first.Snapshot, r.Snapshot));
        _client.Gate.SetResult();
        await WaitUntil(() => store.Status("w").State == ScanStates.Ready && store.Peek("w") != first.Snapshot);
        Assert.Equal(2, _client.ListCalls); // the first scan and exactly one refresh

        var fresh = await store.GetAsync("w", TestContext.Current.CancellationToken);
        Assert.False(fresh.Stale);
        Assert.Equal(_time.GetUtcNow(), fresh.Snapshot.AsOf);
    }

    [Fact]
    public async Task Upstream_failure_keeps_serving_the_last_snapshot_marked_stale()
    {
        _client.Sessions["w"] = SyntheticSessions.Clusters("w", 30);
        var store = CreateStore();
        var first = await store.GetAsync("w", TestContext.Current.CancellationToken);
        _client.Fail = true;

        // Past fresh + SWR: the request waits for the refresh, which fails, and still gets the old data.
        _time.Advance(TimeSpan.FromMinutes(6));
        var result = await store.GetAsync("w", TestContext.Current.CancellationToken);

        Assert.True(result.Stale);
        Assert.Same(first.Snapshot, result.Snapshot);
        Assert.Equal(ScanStates.Failed, store.Status("w").State);
    }

    [Fact]
    public async Task No_snapshot_and_failing_upstream_is_unavailable_with_retry_after_and_backs_off()
    {
        _client.Sessions["w"] = SyntheticSessions.Clusters("w", 30);
        _client.Fail = true;
        var store = CreateStore();

        var first = await Assert.ThrowsAsync<SnapshotUnavailableException>(() => store.GetAsync("w", TestContext.Current.CancellationToken));
        var callsAfterFirst = _client.ListCalls;
        var second = await Assert.ThrowsAsync<SnapshotUnavailableException>(() => store.GetAsync("w", TestContext.Current.CancellationToken));

        Assert.True(first.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.True(second.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Equal(callsAfterFirst, _client.ListCalls); // within the failure backoff: no new scan

        _client.Fail = false;
        _time.Advance(TimeSpan.FromSeconds(6));
        var recovered = await store.GetAsync("w", TestContext.Current.CancellationToken);
        Assert.Equal(30, recovered.Snapshot.Count);
    }

    [Fact]
    public async Task Answer_for_another_workspace_is_refused()
    {
        _client.Sessions["w"] = SyntheticSessions.Clusters("w", 30);
        _client.Rewrite = s => new Emr.Models.SessionCluster { WorkspaceId = "w-other", SessionClusterId = s.SessionClusterId };
        var store = CreateStore();

        var ex = await Assert.ThrowsAsync<SnapshotUnavailableException>(() => store.GetAsync("w", TestContext.Current.CancellationToken));
        Assert.IsType<UpstreamMismatchException>(ex.InnerException);
    }

    [Fact]
    public async Task A_cancelled_caller_does_not_cancel_the_shared_scan()
    {
        _client.Sessions["w"] = SyntheticSessions.Clusters("w", 250);
        _client.Gate = new TaskCompletionSource();
        var store = CreateStore();
        using var cts = new CancellationTokenSource();

        var abandoned = store.GetAsync("w", cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        _client.Gate.SetResult();

        var result = await store.GetAsync("w", TestContext.Current.CancellationToken);
        Assert.Equal(250, result.Snapshot.Count);
        Assert.Equal(3, _client.ListCalls);
    }

    [Fact]
    public async Task Only_recently_watched_workspaces_are_refreshed_in_the_background()
    {
        _client.Sessions["watched"] = SyntheticSessions.Clusters("watched", 10);
        _client.Sessions["idle"] = SyntheticSessions.Clusters("idle", 10);
        var store = CreateStore();
        await store.GetAsync("idle", TestContext.Current.CancellationToken);
        _time.Advance(_options.WatchWindow + TimeSpan.FromSeconds(1));
        await store.GetAsync("watched", TestContext.Current.CancellationToken);
        var calls = _client.ListCalls;

        _time.Advance(TimeSpan.FromSeconds(13)); // 80% of the fresh TTL of "watched"
        var started = store.RefreshDue();

        Assert.Equal(1, started);
        await WaitUntil(() => _client.ListCalls == calls + 1 && store.Status("watched").State == ScanStates.Ready);
    }

    [Fact]
    public void Fresh_ttl_grows_with_scan_cost_up_to_the_cap()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), _options.FreshTtlFor(1));
        Assert.Equal(TimeSpan.FromSeconds(15), _options.FreshTtlFor(10));
        Assert.Equal(TimeSpan.FromSeconds(45), _options.FreshTtlFor(30));
        Assert.Equal(TimeSpan.FromMinutes(2), _options.FreshTtlFor(100));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(30); !condition() && DateTimeOffset.UtcNow < deadline;)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
