using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// What a list page says about its data's freshness: a normal stale-while-revalidate refresh is "revalidating" with no
/// failure; only a refresh that actually failed carries a failure, with since when and the cause the proxy saw.
/// Emulator and proxy share a fake clock, so a snapshot is aged without waiting.
/// </summary>
public sealed class RefreshStatusTests : ApiTestBase, IAsyncLifetime
{
    private const string ListPath = "/api/v1/workspaces/w-analytics/sessions";
    private readonly FakeTimeProvider _clock;

    public RefreshStatusTests()
        : this(new FakeTimeProvider(DateTimeOffset.UtcNow))
    {
    }

    private RefreshStatusTests(FakeTimeProvider clock)
        : base(new ProxyHost(
            proxySettings: new Dictionary<string, string?>
            {
                // Retries would wait on the fake clock; one attempt makes a failure final at once.
                ["Emr:MaxAttempts"] = "1",
            },
            emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" },
            time: clock))
    {
        _clock = clock;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task A_revalidation_while_the_upstream_answers_is_reported_as_revalidating_with_no_failure()
    {
        var fresh = await GetOk<SessionPageDto>("admin", ListPath);
        Assert.False(fresh.Stale);
        Assert.False(fresh.Revalidating);
        Assert.Null(fresh.RefreshFailure);

        _clock.Advance(TimeSpan.FromSeconds(20));
        var revalidating = await GetOk<SessionPageDto>("admin", ListPath);
        Assert.True(revalidating.Stale);
        Assert.True(revalidating.Revalidating);
        Assert.Null(revalidating.RefreshFailure);

        var refreshed = await UntilAsync(p => p.AsOf > fresh.AsOf, "the revalidation never landed");
        Assert.False(refreshed.Stale);
        Assert.Null(refreshed.RefreshFailure);
    }

    [Theory]
    [InlineData("""{"errorRate":1.0}""", RefreshFailureCauses.Unavailable)]
    [InlineData("""{"errorRate":1.0,"errorStatusCodes":[503]}""", RefreshFailureCauses.Unavailable)]
    [InlineData("""{"credentialsRevoked":true}""", RefreshFailureCauses.Credentials)]
    // One token, never refilled on the fake clock: the scan's first page passes, the second is throttled.
    [InlineData("""{"throttling":{"enabled":true,"qps":0.01,"burst":1}}""", RefreshFailureCauses.Throttled)]
    public async Task A_failed_revalidation_reports_since_when_and_the_cause(string faults, string cause)
    {
        var fresh = await GetOk<SessionPageDto>("admin", ListPath);
        await Host.EmulatorAdminAsync("PUT", "/admin/faults", faults);

        _clock.Advance(TimeSpan.FromSeconds(20));
        var failedAt = _clock.GetUtcNow();
        var failed = await UntilAsync(p => p.RefreshFailure is not null, "no failure was reported");

        Assert.True(failed.Stale);
        Assert.Equal(fresh.AsOf, failed.AsOf);
        Assert.Equal(fresh.Items.Select(s => s.SessionClusterId), failed.Items.Select(s => s.SessionClusterId));
        var failure = failed.RefreshFailure!;
        Assert.Equal(cause, failure.Cause);
        Assert.Equal("w-analytics", failure.WorkspaceId);
        Assert.Equal(failedAt, failure.FailingSince);
        Assert.Equal(failedAt, failure.LastAttempt);
    }

    [Fact]
    public async Task A_failing_streak_keeps_its_first_failure_time_and_a_good_refresh_clears_it()
    {
        var fresh = await GetOk<SessionPageDto>("admin", ListPath);
        await Host.EmulatorAdminAsync("PUT", "/admin/faults", """{"errorRate":1.0}""");
        _clock.Advance(TimeSpan.FromSeconds(20));
        var first = (await UntilAsync(p => p.RefreshFailure is not null, "no failure was reported")).RefreshFailure!;

        // After the failure backoff the next request tries again, and fails again: same streak, a later attempt.
        _clock.Advance(TimeSpan.FromSeconds(6));
        var again = (await UntilAsync(p => p.RefreshFailure!.LastAttempt > first.LastAttempt, "no second attempt")).RefreshFailure!;
        Assert.Equal(first.FailingSince, again.FailingSince);
        Assert.Equal(RefreshFailureCauses.Unavailable, again.Cause);

        await Host.EmulatorAdminAsync("PUT", "/admin/faults", """{"errorRate":0.0}""");
        _clock.Advance(TimeSpan.FromSeconds(6));
        var recovered = await UntilAsync(p => p.AsOf > fresh.AsOf, "no recovery");
        Assert.Null(recovered.RefreshFailure);
        Assert.False(recovered.Stale);
    }

    /// <summary>Reads the page until <paramref name="done"/> holds (each read may start a refresh on the fake clock).</summary>
    private async Task<SessionPageDto> UntilAsync(Func<SessionPageDto, bool> done, string failure)
    {
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); DateTimeOffset.UtcNow < deadline;)
        {
            var page = await GetOk<SessionPageDto>("admin", ListPath);
            if (done(page))
            {
                return page;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Fail(failure);
        return null!;
    }
}
