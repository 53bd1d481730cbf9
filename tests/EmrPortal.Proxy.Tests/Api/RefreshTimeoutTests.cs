using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// A refresh that fails because the cloud answers too slowly is reported as timed out, not as "unavailable": the
/// emulator's latency (30 s per call) is longer than the proxy's attempt timeout (5 s, roomy for a loaded machine), on
/// the real clock, through the real client pipeline (resilience handler, signer, emulator). The in-process transport
/// must fail a cancelled send as a socket does (see <see cref="RecordingHandler"/>), or the timeout reads as an
/// unreadable body ("Unavailable").
/// </summary>
public sealed class RefreshTimeoutTests() : ApiTestBase(new ProxyHost(
    proxySettings: new Dictionary<string, string?>
    {
        ["Emr:MaxAttempts"] = "1",
        ["Emr:AttemptTimeout"] = "00:00:05",
        ["Emr:TotalTimeout"] = "00:00:10",
        ["Snapshots:FreshTtl"] = "00:00:01",
        ["Snapshots:FailureBackoff"] = "00:00:00",
    },
    emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" })), IAsyncLifetime
{
    private const string ListPath = "/api/v1/workspaces/w-finance/sessions";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task A_refresh_slower_than_the_attempt_timeout_is_reported_as_timed_out()
    {
        var fresh = await GetOk<SessionPageDto>("admin", ListPath);
        Assert.Null(fresh.RefreshFailure);
        await Host.EmulatorAdminAsync("PUT", "/admin/faults", """{"latency":{"fixedMs":30000,"jitterMs":0}}""");

        // Each read past the 1 s TTL starts a refresh; the first to fail reports its cause.
        RefreshFailureDto? failure = null;
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); failure is null && DateTimeOffset.UtcNow < deadline;)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            failure = (await GetOk<SessionPageDto>("admin", ListPath)).RefreshFailure;
        }

        Assert.NotNull(failure);
        Assert.Equal(RefreshFailureCauses.TimedOut, failure.Cause);
    }
}
