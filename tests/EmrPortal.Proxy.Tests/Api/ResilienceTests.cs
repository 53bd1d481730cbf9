using System.Diagnostics;
using System.Net;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// Upstream faults injected in the in-process emulator, seen through the proxy's API: half the calls failing, a slow
/// cloud, throttling, revoked credentials, and recovery without anyone stepping in. Every test also watches
/// <see cref="TaskScheduler.UnobservedTaskException"/>: a fault must never leave a faulted task nobody observed.
/// </summary>
public abstract class ResilienceTestBase : ApiTestBase, IAsyncLifetime
{
    private readonly List<Exception> _unobserved = [];

    protected ResilienceTestBase(ProxyHost host) : base(host)
    {
        // Tasks other tests dropped are finalized first, so what is recorded below is this test's own.
        Collect();
        TaskScheduler.UnobservedTaskException += OnUnobserved;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        TaskScheduler.UnobservedTaskException -= OnUnobserved;
        GC.SuppressFinalize(this);
    }

    /// <summary>Forces finalization of every dropped task, then fails if any of them held an exception nobody saw.</summary>
    protected void AssertNoUnobservedTaskExceptions()
    {
        Collect();
        lock (_unobserved)
        {
            Assert.True(_unobserved.Count == 0, "Unobserved task exceptions:\n" + string.Join("\n---\n", _unobserved));
        }
    }

    protected Task SetFaultsAsync(string json) => Host.EmulatorAdminAsync("PUT", "/admin/faults", json);

    protected async Task<SessionPageDto> PageAsync(string workspace)
    {
        var (response, body) = await Host.GetAsync("admin", $"/api/v1/workspaces/{workspace}/sessions");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{workspace} → {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<SessionPageDto>(body, PortalJsonOptions)!;
    }

    private static void Collect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        lock (_unobserved)
        {
            _unobserved.Add(e.Exception);
        }
    }
}

/// <summary>
/// Resilience tests run alone (not beside other test classes): the unobserved-task-exception event is process-wide,
/// so a parallel test's dropped task (e.g. a deliberately failing startup) must not be blamed on these.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResilienceCollection
{
    public const string Name = "resilience";
}

/// <summary>Faults on a fake clock shared by proxy and emulator (one attempt per call, so nothing waits on the clock).</summary>
[Collection(ResilienceCollection.Name)]
public sealed class UpstreamFaultResilienceTests() : ResilienceTestBase(new ProxyHost(
    proxySettings: new Dictionary<string, string?>
    {
        ["Emr:MaxAttempts"] = "1",
        ["RateLimiting:Burst"] = "100000",
        ["RateLimiting:PermitsPerSecond"] = "100000",
    },
    emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" },
    time: new FakeTimeProvider(DateTimeOffset.UtcNow)))
{
    private FakeTimeProvider Clock => (FakeTimeProvider)Host.Time!;

    [Fact]
    public async Task Half_the_upstream_calls_failing_never_reaches_callers_as_an_error_once_data_exists()
    {
        var first = await PageAsync("w-finance");
        await SetFaultsAsync("""{"errorRate":0.5,"errorStatusCodes":[500,503]}""");

        var stale = 0;
        var refreshed = 0;
        var lastAsOf = first.AsOf;
        for (var round = 0; round < 40; round++)
        {
            Clock.Advance(TimeSpan.FromSeconds(20)); // past the fresh TTL and any failure backoff
            var page = await PageAsync("w-finance");
            Assert.Equal(first.TotalCount, page.TotalCount);
            if (page.Stale) stale++;
            if (page.AsOf > lastAsOf) refreshed++;
            lastAsOf = page.AsOf;

            // Background refreshes run on Task.Run: let this round's finish before the clock moves again.
            await WaitForScanToSettleAsync("w-finance");
        }

        Assert.True(Host.Calls.Count("ListSessionClusters", 500) + Host.Calls.Count("ListSessionClusters", 503) > 0, "no fault was injected");
        Assert.True(stale > 0, "stale data was never served although refreshes failed");
        Assert.True(refreshed > 0, "no refresh ever succeeded although half the calls did");
        AssertNoUnobservedTaskExceptions();
    }

    [Fact]
    public async Task Without_data_a_failing_upstream_is_a_retryable_503_and_the_proxy_recovers_by_itself()
    {
        await PageAsync("w-finance"); // the workspace list is known; w-marketing has never been scanned
        await SetFaultsAsync("""{"errorRate":1.0}""");
        Clock.Advance(TimeSpan.FromMinutes(2)); // the cached workspace list has expired too: the last good one is used

        foreach (var path in new[]
        {
            "/api/v1/workspaces/w-marketing/sessions", "/api/v1/workspaces/w-marketing/sessions.csv", "/api/v1/sessions?q=x",
        })
        {
            var (response, body) = await Host.GetAsync("admin", path);
            var problem = AssertProblem(response, body, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
            Assert.True(response.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        }

        // The cloud comes back; nobody restarts anything: after the Retry-After the next request just works.
        await SetFaultsAsync("""{"errorRate":0.0}""");
        Clock.Advance(TimeSpan.FromSeconds(10));
        var recovered = await PageAsync("w-marketing");
        Assert.False(recovered.Stale);
        Assert.Equal(120, recovered.TotalCount);
        AssertNoUnobservedTaskExceptions();
    }

    [Fact]
    public async Task Revoked_credentials_make_readiness_unhealthy_until_they_are_accepted_again()
    {
        var before = await PageAsync("w-finance");
        Assert.Equal(HttpStatusCode.OK, (await Host.GetAsync(null, "/health/ready")).Response.StatusCode);

        await SetFaultsAsync("""{"credentialsRevoked":true}""");
        Clock.Advance(TimeSpan.FromSeconds(20));
        // Readers keep the last data (stale) while the refresh is refused...
        var during = await PageAsync("w-finance");
        Assert.True(during.Stale);
        Assert.Equal(before.AsOf, during.AsOf);
        await WaitForScanToSettleAsync("w-finance");
        // ...but the instance says it is not ready, and keeps saying so while the refusal lasts (re-probing).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Host.GetAsync(null, "/health/ready")).Response.StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Host.GetAsync(null, "/health/ready")).Response.StatusCode);

        // Rotated (here: restored) credentials: the next probe after the spacing turns it ready again.
        await SetFaultsAsync("""{"credentialsRevoked":false}""");
        Clock.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(HttpStatusCode.OK, (await Host.GetAsync(null, "/health/ready")).Response.StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(20));
        await PageAsync("w-finance");
        await WaitForScanToSettleAsync("w-finance");
        Assert.False((await PageAsync("w-finance")).Stale);
        AssertNoUnobservedTaskExceptions();
    }

    private async Task WaitForScanToSettleAsync(string workspace)
    {
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(30); DateTimeOffset.UtcNow < deadline;)
        {
            var (_, body) = await Host.GetAsync("admin", $"/api/v1/workspaces/{workspace}/scan");
            if (!body.Contains("\"Scanning\"", StringComparison.Ordinal)) return;
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"the scan of {workspace} never settled");
    }
}

/// <summary>A slow cloud (2 s per call, real time): requests are still answered, and stale data does not wait for it.</summary>
[Collection(ResilienceCollection.Name)]
public sealed class SlowUpstreamResilienceTests() : ResilienceTestBase(new ProxyHost(
    proxySettings: new Dictionary<string, string?> { ["Snapshots:FreshTtl"] = "00:00:03" },
    emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" }))
{
    [Fact]
    public async Task Two_second_latency_is_answered_and_a_stale_snapshot_is_served_without_waiting()
    {
        await SetFaultsAsync("""{"latency":{"fixedMs":2000,"jitterMs":0}}""");

        var cold = Stopwatch.StartNew();
        var first = await PageAsync("w-finance");
        cold.Stop();
        Assert.False(first.Stale);
        Assert.True(cold.Elapsed >= TimeSpan.FromSeconds(2), $"the fault was not applied ({cold.Elapsed})");

        // asOf is when the scan started, 2 s before the first answer: 1.5 s later the snapshot is past its 3 s TTL.
        await Task.Delay(TimeSpan.FromMilliseconds(1500), TestContext.Current.CancellationToken);
        var stale = await PageAsync("w-finance");

        // Not a timing check (a loaded machine makes any bound flaky): a proxy that waited for the refresh would have
        // answered with the new snapshot, not the old one marked stale.
        Assert.True(stale.Stale);
        Assert.Equal(first.AsOf, stale.AsOf);

        // The refresh that request started lands by itself.
        SessionPageDto latest = stale;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (latest.AsOf <= first.AsOf && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            latest = await PageAsync("w-finance");
        }

        Assert.True(latest.AsOf > first.AsOf, "the background refresh never completed");
        AssertNoUnobservedTaskExceptions();
    }

    [Fact]
    public async Task A_caller_who_gives_up_does_not_cancel_the_scan_others_are_waiting_for()
    {
        await SetFaultsAsync("""{"latency":{"fixedMs":1500,"jitterMs":0}}""");
        await Host.GetAsync("admin", "/api/v1/workspaces"); // the workspace list, so only the scan is left
        Host.Calls.Clear();

        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        using var client = Host.Client("viewer");
        var leaving = client.GetAsync("/api/v1/workspaces/w-analytics/sessions", impatient.Token);
        var staying = Host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        var (response, body) = await staying;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"totalCount\":320", body, StringComparison.Ordinal);
        Assert.Equal(4, Host.Calls.Count("ListSessionClusters")); // one scan of 4 pages, never restarted
        AssertNoUnobservedTaskExceptions();
    }
}

/// <summary>The cloud throttles every call beyond a trickle; with one attempt per call the caller gets a clean 503.</summary>
[Collection(ResilienceCollection.Name)]
public sealed class ThrottledUpstreamResilienceTests() : ResilienceTestBase(new ProxyHost(
    proxySettings: new Dictionary<string, string?>
    {
        ["Emr:MaxAttempts"] = "1",
        ["Snapshots:FailureBackoff"] = "00:00:00",
        ["UpstreamQuota:Burst"] = "1000",
        ["UpstreamQuota:PermitsPerSecond"] = "1000",
    },
    emulatorSettings: new Dictionary<string, string?>
    {
        ["Emulator:Faults:Throttling:Enabled"] = "true",
        ["Emulator:Faults:Throttling:Qps"] = "0.2",
        ["Emulator:Faults:Throttling:Burst"] = "2",
    }))
{
    [Fact]
    public async Task Throttling_without_data_is_a_503_with_retry_after_and_clears_when_the_cloud_does()
    {
        // Two permits: the workspace list and the first of four scan pages; the second page is throttled.
        var (response, body) = await Host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions");

        var problem = AssertProblem(response, body, HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        Assert.Contains("Throttling", string.Join(" ", Host.Calls.All.Select(c => c.Body)), StringComparison.Ordinal);
        Assert.NotNull(problem.GetProperty("detail").GetString());

        await SetFaultsAsync("""{"throttling":{"enabled":false}}""");
        var page = await PageAsync("w-analytics");
        Assert.Equal(320, page.TotalCount);
        AssertNoUnobservedTaskExceptions();
    }
}
