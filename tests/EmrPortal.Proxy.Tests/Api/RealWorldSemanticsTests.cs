using System.Net;
using System.Text;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Tests.Infrastructure;
using EmrPortal.Proxy.Tests.Insights;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// A workspace the cloud's RAM denies to the portal's identity (403 NoPermission) against the emulator's RAM-like
/// policy: only that workspace is affected, and it costs one upstream call per denial TTL. Emulator and proxy share a
/// fake clock so the TTL can pass without waiting.
/// </summary>
public sealed class WorkspacePermissionTests : ApiTestBase, IAsyncLifetime
{
    private const string Denied = "w-finance";
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);

    public WorkspacePermissionTests()
        : base(new ProxyHost(
            proxySettings: new Dictionary<string, string?>
            {
                ["Emr:MaxAttempts"] = "1",
                ["Snapshots:PermissionDeniedTtl"] = "00:00:30",
                ["RateLimiting:Burst"] = "100000",
            },
            emulatorSettings: new Dictionary<string, string?>
            {
                ["Emulator:Faults:Throttling:Enabled"] = "false",
                ["Emulator:AccessKeys:0:DeniedWorkspaces:0"] = Denied,
                ["Emulator:Seed:Workspaces:0:Id"] = "w-analytics",
                ["Emulator:Seed:Workspaces:0:Name"] = "Analytics",
                ["Emulator:Seed:Workspaces:0:Sessions"] = "120",
                ["Emulator:Seed:Workspaces:1:Id"] = Denied,
                ["Emulator:Seed:Workspaces:1:Name"] = "Finance",
                ["Emulator:Seed:Workspaces:1:Sessions"] = "60",
            },
            time: Clock))
    {
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task A_workspace_denied_by_RAM_answers_a_cloud_permission_problem_and_leaves_other_workspaces_and_readiness_healthy()
    {
        var (denied, body) = await Host.GetAsync("admin", $"/api/v1/workspaces/{Denied}/sessions");
        var problem = AssertProblem(denied, body, HttpStatusCode.Forbidden);
        Assert.Equal(ProblemTypes.CloudPermissionDenied, problem.GetProperty("type").GetString());
        Assert.Equal("The portal's cloud identity has no permission on this workspace.", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("credential", body, StringComparison.OrdinalIgnoreCase);

        // The other workspace works, readiness stays healthy, and the cross-workspace list leaves the denied one out.
        var allowed = await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200");
        Assert.Equal(120, allowed.TotalCount);
        using var anonymous = Host.Client(null);
        using var ready = await anonymous.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var everything = await GetOk<SessionPageDto>("admin", "/api/v1/sessions?pageSize=200");
        Assert.Equal(120, everything.TotalCount);
        Assert.All(everything.Items, s => Assert.Equal("w-analytics", s.WorkspaceId));
        var workspaces = await GetOk<List<WorkspaceDto>>("admin", "/api/v1/workspaces");
        Assert.Contains(workspaces, w => w.WorkspaceId == Denied); // still listed: ListWorkspaces is allowed

        // Asked again (list, detail, scan) within the TTL: the same problem, and nothing more reaches the cloud.
        for (var i = 0; i < 5; i++)
        {
            var (again, againBody) = await Host.GetAsync("admin", $"/api/v1/workspaces/{Denied}/sessions?page={i + 1}");
            Assert.Equal(ProblemTypes.CloudPermissionDenied, AssertProblem(again, againBody, HttpStatusCode.Forbidden).GetProperty("type").GetString());
        }

        var (detail, detailBody) = await Host.GetAsync("admin", $"/api/v1/workspaces/{Denied}/sessions/sc-0000000000000000");
        Assert.Equal(ProblemTypes.CloudPermissionDenied, AssertProblem(detail, detailBody, HttpStatusCode.Forbidden).GetProperty("type").GetString());
        Assert.Equal(1, Host.Calls.All.Count(c => c.Status == 403));
        Assert.Equal(0, Host.Calls.Count("GetSessionCluster"));

        // RAM grants the workspace: once the denial TTL has passed, it loads like any other.
        await Host.EmulatorAdminAsync("PUT", "/admin/ram", """{"accessKeyId":"LTAI5tEmrPortalDemoKey","deniedWorkspaces":[]}""");
        Clock.Advance(TimeSpan.FromSeconds(31));
        var granted = await GetOk<SessionPageDto>("admin", $"/api/v1/workspaces/{Denied}/sessions");
        Assert.Equal(60, granted.TotalCount);
    }
}

/// <summary>Revoked credentials are still a credential failure (readiness 503), unlike a per-workspace denial.</summary>
public sealed class CredentialRefusalTests : ApiTestBase, IAsyncLifetime
{
    public CredentialRefusalTests()
        : base(new ProxyHost(
            proxySettings: new Dictionary<string, string?> { ["Emr:MaxAttempts"] = "1" },
            emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false", ["Emulator:Faults:CredentialsRevoked"] = "true" }))
    {
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    [Fact]
    public async Task An_inactive_access_key_403_marks_the_credentials_refused_not_a_workspace()
    {
        var (response, body) = await Host.GetAsync("admin", "/api/v1/workspaces/w-finance/sessions/sc-0000000000000000");
        var problem = AssertProblem(response, body, HttpStatusCode.BadGateway);
        Assert.Contains("credentials", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("type", out var type) && type.GetString() == ProblemTypes.CloudPermissionDenied);

        using var anonymous = Host.Client(null);
        using var ready = await anonymous.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}

/// <summary>Start/Stop are POSTs the cloud may have applied even when its answer is lost.</summary>
public sealed class NonIdempotentWriteTests : IAsyncLifetime
{
    private readonly LoseAnswers _lose = new();
    private readonly ProxyHost _host;

    public NonIdempotentWriteTests() =>
        _host = new ProxyHost(
            InsightsHost.Settings(("Features:StartStop", "true"), ("Emr:RetryBaseDelay", "00:00:00.001"), ("Emr:RetryMaxDelay", "00:00:00.010")),
            InsightsHost.NoThrottling,
            rewriteUpstream: _lose.RewriteAsync);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task A_start_whose_answer_is_lost_is_sent_once_and_answers_202_unconfirmed_with_the_state_read_afterwards()
    {
        var stopped = (await new EmrPortal.Proxy.Tests.Insights.Api(_host).AllSessionsAsync(_host, "/api/v1/workspaces/w-analytics/sessions")).First(s => s.State == "Stopped");
        _lose.Action = "StartSessionCluster";

        var (response, body) = await _host.SendAsync(HttpMethod.Post, _host.Token("admin"), $"/api/v1/workspaces/w-analytics/sessions/{stopped.SessionClusterId}/start");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = EmrPortal.Proxy.Tests.Insights.Api.Read<SessionActionResultDto>(body);
        Assert.Equal((SessionActionOutcomes.Unconfirmed, "Starting"), (result.Outcome, result.State));
        Assert.Equal(1, _host.Calls.Count("StartSessionCluster")); // applied upstream, answer lost, never re-sent
    }

    [Fact]
    public async Task Starting_a_running_session_is_refused_with_409_that_says_the_session_is_running()
    {
        var running = (await new EmrPortal.Proxy.Tests.Insights.Api(_host).AllSessionsAsync(_host, "/api/v1/workspaces/w-analytics/sessions")).First(s => s.State == "Running");

        var (response, body) = await _host.SendAsync(HttpMethod.Post, _host.Token("admin"), $"/api/v1/workspaces/w-analytics/sessions/{running.SessionClusterId}/start");

        var problem = EmrPortal.Proxy.Tests.Insights.Api.Problem(response, body, HttpStatusCode.Conflict);
        Assert.Equal("The cloud refused to start the session: it is Running.", problem.GetProperty("detail").GetString());
        Assert.Equal(1, _host.Calls.Count("StartSessionCluster"));
    }

    /// <summary>Turns the chosen action's successful answer into a 503 after upstream applied it.</summary>
    private sealed class LoseAnswers
    {
        public volatile string? Action;

        public Task RewriteAsync(HttpResponseMessage response)
        {
            var action = response.RequestMessage?.Headers.TryGetValues("x-acs-action", out var v) == true ? v.First() : null;
            if (action is not null && action == Action && response.IsSuccessStatusCode)
            {
                response.StatusCode = HttpStatusCode.ServiceUnavailable;
                response.Content = new StringContent("""{"RequestId":"LOST","Code":"ServiceUnavailable","Message":"answer lost"}""", Encoding.UTF8, "application/json");
            }

            return Task.CompletedTask;
        }
    }
}

/// <summary>
/// totalCount is a snapshot of a moving list: the emulator's churn fault creates and deletes sessions while the
/// proxy pages through the workspace. The scan must end (one reconciliation round at most) with exactly the sessions
/// that exist once the churn stopped: none lost, none twice.
/// </summary>
public sealed class MovingCountTests
{
    private const string Ws = "w-churn";

    private static Dictionary<string, string?> Proxy(bool partitioned) => new()
    {
        ["UpstreamQuota:Burst"] = "1000",
        ["UpstreamQuota:PermitsPerSecond"] = "1000",
        ["RateLimiting:Burst"] = "1000",
        ["Snapshots:PartitionedScan"] = partitioned ? "true" : "false",
        ["Snapshots:PartitionedScanMinPages"] = "5",
    };

    private static readonly Dictionary<string, string?> Emulator = new()
    {
        ["Emulator:Faults:Throttling:Enabled"] = "false",
        ["Emulator:Seed:Workspaces:0:Id"] = Ws,
        ["Emulator:Seed:Workspaces:0:Name"] = "Churn",
        ["Emulator:Seed:Workspaces:0:Sessions"] = "1500",
    };

    [Fact]
    public async Task A_workspace_that_changes_during_a_partitioned_scan_is_reconciled_without_losing_or_duplicating_sessions()
    {
        await using var partitioned = new ProxyHost(proxySettings: Proxy(true), emulatorSettings: Emulator);
        await using var reference = new ProxyHost(proxySettings: Proxy(false), sharedEmulator: partitioned.Emulator);
        await partitioned.EmulatorAdminAsync("PUT", "/admin/faults", $$$"""{"churn":{"workspaceId":"{{{Ws}}}","createPerCall":3,"deletePerCall":2,"calls":12}}""");

        var scanned = await SnapshotOf(partitioned);
        var calls = partitioned.Calls.Count("ListSessionClusters");
        var truth = await SnapshotOf(reference); // after the churn: the list as it now is

        Assert.Equal(1500 + 12, truth.Count);
        Assert.Equal(scanned.Count, scanned.Sessions.Select(s => s.SessionClusterId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Ids(truth), Ids(scanned));
        Assert.Contains(partitioned.Logs.Lines, l => l.Message.Contains("changed while it was scanned", StringComparison.Ordinal));
        Assert.DoesNotContain(partitioned.Logs.Lines, l => l.Message.Contains("fell back", StringComparison.Ordinal));
        // Bounded: the first page, two reads of each of the 18 chains (≤ 3 pages each at this size), one more count.
        Assert.InRange(calls, 1 + (2 * 18), 1 + (2 * 18 * 3) + 1);
    }

    [Fact]
    public async Task A_workspace_that_changes_during_a_sequential_scan_is_read_once_more_and_matches_the_list_as_it_now_is()
    {
        await using var plain = new ProxyHost(proxySettings: Proxy(false), emulatorSettings: Emulator);
        await using var reference = new ProxyHost(proxySettings: Proxy(false), sharedEmulator: plain.Emulator);
        await plain.EmulatorAdminAsync("PUT", "/admin/faults", $$$"""{"churn":{"workspaceId":"{{{Ws}}}","createPerCall":4,"deletePerCall":3,"calls":6}}""");

        var scanned = await SnapshotOf(plain);
        var calls = plain.Calls.Count("ListSessionClusters");
        var truth = await SnapshotOf(reference);

        Assert.Equal(1500 + 6, truth.Count);
        Assert.Equal(Ids(truth), Ids(scanned));
        Assert.InRange(calls, 2 * 15, 2 * 16); // two passes of ~15 pages, never a third
    }

    private static async Task<Snapshot> SnapshotOf(ProxyHost host) =>
        (await host.Proxy.Services.GetRequiredService<SnapshotStore>().GetAsync(Ws, TestContext.Current.CancellationToken)).Snapshot;

    private static string Ids(Snapshot snapshot) =>
        string.Join('\n', snapshot.Sessions.Select(s => s.SessionClusterId).Order(StringComparer.Ordinal));
}

/// <summary>Release versions come as esr-2.1 and as esr-4.0.0 (display: esr-4.0.0 (Spark 3.5.2, Scala 2.12)).</summary>
public sealed class ReleaseShapeTests
{
    [Theory]
    [InlineData("esr-2.1", 2, 1, 0)]
    [InlineData("esr-4.0.0", 4, 0, 0)]
    [InlineData("esr-4.0.0 (Spark 3.5.2, Scala 2.12)", 4, 0, 0)]
    [InlineData("esr-2.1 (Spark 3.3.1, Scala 2.12, Java Runtime)", 2, 1, 0)]
    [InlineData("ESR-4.10.3", 4, 10, 3)]
    public void Both_release_shapes_and_the_display_form_parse_with_a_missing_patch_as_zero(string text, int major, int minor, int patch)
    {
        Assert.True(EsrVersion.TryParse(text, out var v));
        Assert.Equal(new EsrVersion(major, minor, patch), v);
    }

    [Theory]
    [InlineData("esr-4")]
    [InlineData("esr-4.x")]
    [InlineData("esr-4.0.0.1")]
    [InlineData("esr-.1")]
    [InlineData("esr-4..0")]
    [InlineData("4.0.0")]
    [InlineData("")]
    public void Other_text_is_not_a_release(string text) => Assert.False(EsrVersion.TryParse(text, out _));

    [Theory]
    [InlineData("esr-2.1", null, false)]
    [InlineData("esr-2.1.0", null, false)]
    [InlineData("esr-2.0", null, true)]
    [InlineData(null, "esr-2.2 (Spark 3.3.1, Scala 2.12)", false)]
    [InlineData(null, "esr-2.3.0 (Spark 3.3.1, Scala 2.12)", true)]
    [InlineData("esr-2.2", "esr-2.9.0 (Spark 3.3.1, Scala 2.12)", false)]
    public void Drift_works_for_both_shapes_and_falls_back_on_the_display_form(string? release, string? display, bool drifted)
    {
        // esr-2.1 equals esr-2.1.0, so a two-part release is found in a list written with three parts and vice versa.
        var online = new[] { "esr-2.1.0", "esr-2.2" }.Select(v => EsrVersion.TryParse(v, out var parsed) ? parsed : default).ToHashSet();
        Assert.Equal(drifted, ReleaseCatalog.IsDrifted(release, display, online));
    }

    [Fact]
    public void The_release_column_sorts_two_and_three_part_versions_as_versions()
    {
        string[] releases = ["esr-4.10.0", "esr-2.1", "esr-4.0.0", "custom", "esr-2.10", "esr-2.2.1", "esr-4.2"];
        var sessions = releases.Select((r, i) => new SessionSummaryDto(
            "w-1", $"sc-{i}", "n", "Running", null, null, "SQL", "q", "u", "user", r, null, null, null, null, null, null)).ToList();

        var ascending = sessions.Order(Comparer<SessionSummaryDto>.Create((a, b) => SessionSort.Compare(a, b, SessionSortKey.ReleaseVersion, false)))
            .Select(s => s.ReleaseVersion);
        var descending = sessions.Order(Comparer<SessionSummaryDto>.Create((a, b) => SessionSort.Compare(a, b, SessionSortKey.ReleaseVersion, true)))
            .Select(s => s.ReleaseVersion);

        Assert.Equal(["esr-2.1", "esr-2.2.1", "esr-2.10", "esr-4.0.0", "esr-4.2", "esr-4.10.0", "custom"], ascending);
        Assert.Equal(["custom", "esr-4.10.0", "esr-4.2", "esr-4.0.0", "esr-2.10", "esr-2.2.1", "esr-2.1"], descending);
    }
}
