using System.Net;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>Emulator and proxy share a fake clock, so a snapshot can be aged without waiting.</summary>
public sealed class UpstreamFaultTests : ApiTestBase, IAsyncLifetime
{
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);

    public UpstreamFaultTests()
        : base(new ProxyHost(
            proxySettings: new Dictionary<string, string?>
            {
                // Retries would wait on the fake clock; one attempt keeps the failure path immediate.
                ["Emr:MaxAttempts"] = "1",
            },
            emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" },
            time: Clock))
    {
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task Failing_upstream_serves_the_last_snapshot_as_stale_and_503_when_there_is_none()
    {
        var fresh = await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-finance/sessions");
        Assert.False(fresh.Stale);

        await Host.EmulatorAdminAsync("PUT", "/admin/faults", """{"errorRate":1.0}""");

        // Within the SWR window: old data at once, marked stale, with its original asOf.
        Clock.Advance(TimeSpan.FromSeconds(20));
        var stale = await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-finance/sessions");
        Assert.True(stale.Stale);
        Assert.Equal(fresh.AsOf, stale.AsOf);
        Assert.Equal(fresh.Items.Select(s => s.SessionClusterId), stale.Items.Select(s => s.SessionClusterId));

        // Beyond the SWR window the request waits for a refresh, which fails: still the old data, still stale.
        Clock.Advance(TimeSpan.FromMinutes(6));
        var old = await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-finance/sessions");
        Assert.True(old.Stale);
        Assert.Equal(fresh.AsOf, old.AsOf);

        // A workspace never loaded: a clear 503 with Retry-After, no stack trace.
        var (cold, coldBody) = await Host.GetAsync("admin", "/api/v1/workspaces/w-marketing/sessions");
        AssertProblem(cold, coldBody, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(cold.Headers.RetryAfter);

        // Upstream recovers: after the failure backoff a fresh snapshot replaces the stale one.
        await Host.EmulatorAdminAsync("PUT", "/admin/faults", """{"errorRate":0.0}""");
        Clock.Advance(TimeSpan.FromSeconds(10));
        SessionPageDto recovered = stale;
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(30); recovered.Stale && DateTimeOffset.UtcNow < deadline;)
        {
            recovered = await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-finance/sessions");
            if (recovered.Stale) await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.False(recovered.Stale);
        Assert.True(recovered.AsOf > fresh.AsOf);
    }

    [Fact]
    public async Task Revoked_credentials_fail_readiness_and_detail_with_502()
    {
        await GetOk<MeDto>("admin", "/api/v1/me");
        await Host.EmulatorAdminAsync("PUT", "/admin/faults", """{"credentialsRevoked":true}""");
        try
        {
            var (detail, body) = await Host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions/sc-0000000000000000");
            var problem = AssertProblem(detail, body, HttpStatusCode.BadGateway);
            Assert.Contains("credentials", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

            var (ready, _) = await Host.GetAsync(null, "/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        finally
        {
            await Host.EmulatorAdminAsync("PUT", "/admin/faults", """{"credentialsRevoked":false}""");
        }
    }
}

/// <summary>The emulator throttles hard; the client's retries (honouring x-acs-retry-after) still complete the scan.</summary>
public sealed class ThrottlingTests : ApiTestBase, IAsyncLifetime
{
    public ThrottlingTests()
        : base(new ProxyHost(
            proxySettings: new Dictionary<string, string?>
            {
                ["UpstreamQuota:Burst"] = "1000",
                ["UpstreamQuota:PermitsPerSecond"] = "1000",
                ["Emr:MaxAttempts"] = "6",
            },
            emulatorSettings: new Dictionary<string, string?>
            {
                ["Emulator:Faults:Throttling:Enabled"] = "true",
                ["Emulator:Faults:Throttling:Qps"] = "10",
                ["Emulator:Faults:Throttling:Burst"] = "1",
            }))
    {
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task Throttled_upstream_calls_are_retried_until_the_scan_completes()
    {
        var page = await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200");

        Assert.Equal(320, page.TotalCount);
        Assert.False(page.Stale);
        Assert.True(Host.Calls.Count("ListSessionClusters", 400) > 0, "the emulator should have throttled some calls");
        Assert.All(Host.Calls.All.Where(c => c.Status == 400), c => Assert.Contains("Throttling", c.Body, StringComparison.Ordinal));
        Assert.Equal(4, Host.Calls.Count("ListSessionClusters", 200));
    }
}

/// <summary>The proxy's own token bucket paces a scan so the emulator's throttling never triggers.</summary>
public sealed class OutboundQuotaPacingTests : ApiTestBase, IAsyncLifetime
{
    public OutboundQuotaPacingTests()
        : base(new ProxyHost(
            proxySettings: new Dictionary<string, string?>
            {
                ["UpstreamQuota:Burst"] = "1",
                ["UpstreamQuota:PermitsPerSecond"] = "8",
            },
            emulatorSettings: new Dictionary<string, string?>
            {
                ["Emulator:Faults:Throttling:Enabled"] = "true",
                ["Emulator:Faults:Throttling:Qps"] = "10",
                ["Emulator:Faults:Throttling:Burst"] = "1",
            }))
    {
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task Outbound_token_bucket_keeps_the_proxy_under_the_cloud_quota()
    {
        var page = await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions");

        Assert.Equal(320, page.TotalCount);
        Assert.Equal(0, Host.Calls.Count("ListSessionClusters", 400));
        Assert.Equal(4, Host.Calls.Count("ListSessionClusters"));
    }
}
