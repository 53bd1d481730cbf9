using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// The partitioned snapshot scan (parallel kind × queue chains reconciled with the unfiltered totalCount) against the
/// emulator's 10,000-session w-large: it must return exactly what the sequential scan returns, and fall back to the
/// sequential scan whenever the partitions can't be trusted. Each test builds its own hosts (nothing cached).
/// </summary>
public sealed class PartitionedScanTests
{
    private const string Large = "w-large";

    private static readonly Dictionary<string, string?> Unthrottled = new()
    {
        // These tests are about what is read, not pacing: let the calls go out at once.
        ["UpstreamQuota:Burst"] = "1000",
        ["UpstreamQuota:PermitsPerSecond"] = "1000",
        ["RateLimiting:Burst"] = "1000",
    };

    private static readonly Dictionary<string, string?> EmulatorUnthrottled = new() { ["Emulator:Faults:Throttling:Enabled"] = "false" };

    private static Dictionary<string, string?> Settings(bool partitioned) =>
        new(Unthrottled) { ["Snapshots:PartitionedScan"] = partitioned ? "true" : "false" };

    [Fact]
    public async Task Partitioned_scan_of_ten_thousand_sessions_equals_the_sequential_scan_id_for_id_in_one_coalesced_scan()
    {
        await using var partitioned = new ProxyHost(proxySettings: Settings(true), emulatorSettings: EmulatorUnthrottled);
        await using var plain = new ProxyHost(proxySettings: Settings(false), sharedEmulator: partitioned.Emulator);

        // 50 simultaneous first requests share one (partitioned) scan.
        using var client = partitioned.Client("admin");
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.GetAsync($"/api/v1/workspaces/{Large}/sessions?page={i + 1}&sort=name", TestContext.Current.CancellationToken)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var fast = await SnapshotOf(partitioned);
        var reference = await SnapshotOf(plain);

        Assert.Equal(10_000, reference.Count);
        Assert.Equal(Json(reference), Json(fast));
        Assert.Equal(100, plain.Calls.Count("ListSessionClusters"));

        // Exactly one partitioned scan: the unfiltered first page, then every (kind, queue) chain once (an empty
        // partition still costs its one empty page).
        var queues = new[] { "root_queue", "dev_queue", "prod_queue", "etl_queue", "adhoc_queue", "ml_queue" };
        var chainPages = SnapshotScanner.Kinds.SelectMany(kind => queues.Select(queue => reference.Sessions.Count(s =>
                string.Equals(s.Kind, kind, StringComparison.OrdinalIgnoreCase) && s.QueueName == queue)))
            .Sum(n => Math.Max(1, (n + 99) / 100));
        Assert.Equal(1 + chainPages, partitioned.Calls.Count("ListSessionClusters"));
        Assert.InRange(chainPages, 100, 100 + 18);
        Assert.Equal(1, partitioned.Calls.Count("ListWorkspaceQueues"));
        Assert.Contains(partitioned.Logs.Lines, l => l.Message.Contains("Partitioned scan of workspace w-large: 18", StringComparison.Ordinal));
        Assert.DoesNotContain(partitioned.Logs.Lines, l => l.Message.Contains("fell back", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sessions_in_a_queue_that_ListWorkspaceQueues_does_not_list_make_the_scan_fall_back_to_the_sequential_scan()
    {
        await using var partitioned = new ProxyHost(proxySettings: Settings(true), emulatorSettings: EmulatorUnthrottled,
            rewriteUpstream: r => DropQueue(r, "ml_queue"));
        await using var plain = new ProxyHost(proxySettings: Settings(false), sharedEmulator: partitioned.Emulator);

        var fast = await SnapshotOf(partitioned);
        var reference = await SnapshotOf(plain);

        Assert.Contains(reference.Sessions, s => s.QueueName == "ml_queue");
        Assert.Equal(Json(reference), Json(fast));
        AssertFellBack(partitioned);
    }

    [Fact]
    public async Task A_totalCount_that_the_partitions_do_not_add_up_to_makes_the_scan_fall_back()
    {
        // Upstream's totalCount may be approximate: one more than the sessions that exist.
        await using var partitioned = new ProxyHost(proxySettings: Settings(true), emulatorSettings: EmulatorUnthrottled,
            rewriteUpstream: InflateUnfilteredTotal);
        await using var plain = new ProxyHost(proxySettings: Settings(false), sharedEmulator: partitioned.Emulator);

        var fast = await SnapshotOf(partitioned);
        var reference = await SnapshotOf(plain);

        Assert.Equal(Json(reference), Json(fast));
        var reason = AssertFellBack(partitioned);
        Assert.Contains("the partitions hold 10000 sessions, the unfiltered totalCount is 10001", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_partition_chain_makes_the_scan_fall_back_and_still_returns_every_session()
    {
        await using var partitioned = new ProxyHost(proxySettings: Settings(true), emulatorSettings: EmulatorUnthrottled,
            rewriteUpstream: FailPartition("THRIFT", "etl_queue"));
        await using var plain = new ProxyHost(proxySettings: Settings(false), sharedEmulator: partitioned.Emulator);

        var fast = await SnapshotOf(partitioned);
        var reference = await SnapshotOf(plain);

        Assert.Equal(10_000, fast.Count);
        Assert.Equal(Json(reference), Json(fast));
        Assert.True(partitioned.Calls.Count("ListSessionClusters", 503) > 0, "the partition chain should have failed");
        Assert.Contains("a partition chain failed", AssertFellBack(partitioned, inFlightSlack: 16), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_progress_reports_the_partitioned_scan_while_it_runs()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = new ProxyHost(proxySettings: Settings(true), emulatorSettings: EmulatorUnthrottled, rewriteUpstream: async r =>
        {
            // Hold every partition chain (filtered by kind) until the test has seen the scan in progress.
            if (r.RequestMessage?.RequestUri?.Query.Contains("kind=", StringComparison.Ordinal) == true)
            {
                await gate.Task;
            }
        });
        using var client = host.Client("admin");

        var first = client.GetAsync($"/api/v1/workspaces/{Large}/sessions", TestContext.Current.CancellationToken);
        ScanStatusDto? during = null;
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(30); during is not { State: "Scanning", Total: 10_000 } && DateTimeOffset.UtcNow < deadline;)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
            during = await Status(host);
        }

        gate.SetResult();
        using var response = await first;
        var after = await Status(host);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Scanning", during?.State);
        Assert.Equal(10_000, during?.Total);
        Assert.InRange(during!.Loaded, 0, 10_000);
        Assert.Equal(("Ready", 10_000, (int?)10_000), (after.State, after.Loaded, after.Total));
    }

    private static async Task<Snapshot> SnapshotOf(ProxyHost host) =>
        (await host.Proxy.Services.GetRequiredService<SnapshotStore>().GetAsync(Large, TestContext.Current.CancellationToken)).Snapshot;

    private static async Task<ScanStatusDto> Status(ProxyHost host)
    {
        var (response, body) = await host.GetAsync("admin", $"/api/v1/workspaces/{Large}/scan");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Deserialize(body, PortalJsonContext.Default.ScanStatusDto)!;
    }

    /// <summary>Every session, in id order, as JSON: equal strings mean the same sessions with the same fields.</summary>
    private static string Json(Snapshot snapshot) => string.Join('\n', snapshot.Sessions
        .OrderBy(s => s.SessionClusterId, StringComparer.Ordinal)
        .Select(s => JsonSerializer.Serialize(s, PortalJsonContext.Default.SessionSummaryDto)));

    /// <summary>The fallback was logged, and every page it read is accounted for: the sequential scan's 100 pages
    /// (its first page is the one the partitioned attempt started from) plus the partition pages read before it gave
    /// up (when a chain fails, up to one in-flight page per other chain may arrive after the count).</summary>
    private static string AssertFellBack(ProxyHost host, int inFlightSlack = 0)
    {
        var line = Assert.Single(host.Logs.Lines, l => l.Message.Contains("fell back to the sequential scan", StringComparison.Ordinal));
        var spent = int.Parse(line.Values["Calls"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(host.Calls.Count("ListSessionClusters", 200), 100 + spent, 100 + spent + inFlightSlack);
        return line.Values["Reason"]!;
    }

    private static async Task DropQueue(HttpResponseMessage response, string queue)
    {
        if (Action(response) != "ListWorkspaceQueues" || !response.IsSuccessStatusCode) return;
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var queues = body["queues"]!.AsArray();
        foreach (var q in queues.Where(q => q?["queueName"]?.GetValue<string>() == queue).ToList()) queues.Remove(q);
        response.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
    }

    private static async Task InflateUnfilteredTotal(HttpResponseMessage response)
    {
        var query = response.RequestMessage?.RequestUri?.Query ?? "";
        if (Action(response) != "ListSessionClusters" || !response.IsSuccessStatusCode || query.Contains("kind=", StringComparison.Ordinal)) return;
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["totalCount"] = body["totalCount"]!.GetValue<int>() + 1;
        response.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
    }

    /// <summary>Every call of one partition chain answers 503 (retries included), as a failing upstream would.</summary>
    private static Func<HttpResponseMessage, Task> FailPartition(string kind, string queue) => response =>
    {
        var query = response.RequestMessage?.RequestUri?.Query ?? "";
        if (Action(response) == "ListSessionClusters" && query.Contains($"kind={kind}", StringComparison.Ordinal)
            && query.Contains($"queueName={queue}", StringComparison.Ordinal))
        {
            response.StatusCode = HttpStatusCode.ServiceUnavailable;
            response.Content = new StringContent("""{"RequestId":"REQ-FAULT","Code":"ServiceUnavailable","Message":"injected"}""", Encoding.UTF8, "application/json");
        }

        return Task.CompletedTask;
    };

    private static string? Action(HttpResponseMessage response) =>
        response.RequestMessage?.Headers.TryGetValues("x-acs-action", out var values) == true ? values.FirstOrDefault() : null;
}
