using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Proxy.Audit;
using EmrPortal.Proxy.Timeline;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Tests.Api;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EmrPortal.Proxy.Tests.Insights;

/// <summary>Helpers for the issue-10 API tests: drive rescans, wait for the background recorder and audit writer.</summary>
internal static class InsightsHost
{
    /// <summary>The viewer's demo cloud user in these tests (owns sessions of w-analytics in the default seed).</summary>
    public const string ViewerCloudUser = "emma.schmidt";

    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Identity:CloudUsers:user-viewer:0"] = ViewerCloudUser,
            ["RateLimiting:Burst"] = "100000",
            ["RateLimiting:PermitsPerSecond"] = "100000",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Dictionary<string, string?> NoThrottling => new() { ["Emulator:Faults:Throttling:Enabled"] = "false" };

    public static T Service<T>(this ProxyHost host) where T : notnull => host.Proxy.Services.GetRequiredService<T>();

    /// <summary>Waits until every snapshot published so far has been recorded in the portal database.</summary>
    public static Task RecordedAsync(this ProxyHost host) =>
        host.Service<TransitionRecorder>().WhenIdleAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    public static Task AuditedAsync(this ProxyHost host) =>
        host.Service<AuditWriter>().WhenIdleAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    /// <summary>Forces a new scan of a loaded workspace (as start/stop does) and waits until it is published and recorded.</summary>
    public static async Task<Snapshot> RescanAsync(this ProxyHost host, string workspaceId)
    {
        var store = host.Service<SnapshotStore>();
        var before = store.Peek(workspaceId) ?? throw new InvalidOperationException("Load the workspace first.");
        store.Invalidate(workspaceId);
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); DateTimeOffset.UtcNow < deadline;)
        {
            if (store.Peek(workspaceId) is { } now && !ReferenceEquals(now, before) && store.Status(workspaceId).State != "Scanning")
            {
                await host.RecordedAsync();
                return now;
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("No new snapshot of " + workspaceId);
    }

    /// <summary>The emulator's cloud, through the proxy's own signed client (start/stop moves emulator states).</summary>
    public static IEmrServerlessSparkClient Cloud(this ProxyHost host) => host.Service<IEmrServerlessSparkClient>();

    /// <summary>Every session of a workspace as the admin sees it (all pages).</summary>
    public static async Task<List<SessionSummaryDto>> AllSessionsAsync(this ApiTestBase test, ProxyHost host, string path)
    {
        var all = new List<SessionSummaryDto>();
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        for (var page = 1; ; page++)
        {
            var (response, body) = await host.GetAsync("admin", $"{path}{separator}pageSize=200&page={page}");
            Assert.True(response.IsSuccessStatusCode, body);
            var dto = System.Text.Json.JsonSerializer.Deserialize(body, PortalJsonContext.Default.SessionPageDto)!;
            all.AddRange(dto.Items);
            if (all.Count >= dto.TotalCount || dto.Items.Count == 0) return all;
        }
    }

    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(
        this ProxyHost host, HttpMethod method, string token, string path, object? json = null)
    {
        using var client = host.Proxy.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}

/// <summary>Hides chosen sessions from ListSessionClusters answers, as if upstream stopped listing them.</summary>
internal sealed class UpstreamHider
{
    public ConcurrentDictionary<string, bool> Hidden { get; } = new(StringComparer.Ordinal);

    public async Task RewriteAsync(HttpResponseMessage response)
    {
        IEnumerable<string>? action = null;
        if (Hidden.IsEmpty || response.RequestMessage?.Headers.TryGetValues("x-acs-action", out action) != true
            || action?.FirstOrDefault() != "ListSessionClusters" || !response.IsSuccessStatusCode)
        {
            return;
        }

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (body["sessionClusters"] is JsonArray clusters)
        {
            foreach (var hidden in clusters.Where(c => Hidden.ContainsKey(c?["sessionClusterId"]?.GetValue<string>() ?? "")).ToList())
            {
                clusters.Remove(hidden);
            }
        }

        response.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
    }
}

/// <summary><see cref="ApiTestBase"/>'s helpers for tests that own their host.</summary>
internal sealed class Api(ProxyHost host) : ApiTestBase(host)
{
    public new Task<T> GetOk<T>(string user, string path) => base.GetOk<T>(user, path);

    public static System.Text.Json.JsonElement Problem(HttpResponseMessage response, string body, System.Net.HttpStatusCode status) =>
        AssertProblem(response, body, status);

    public static T Read<T>(string body) => System.Text.Json.JsonSerializer.Deserialize<T>(body, PortalJsonOptions)!;
}
