using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using EmrPortal.Emulator.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Emulator.Tests;

/// <summary>Each operation's shape, its not-found answers, and Start/Stop moving state on the emulator's clock.</summary>
public sealed partial class OperationsTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Default_seed_has_the_documented_workspaces_and_sizes()
    {
        using var factory = new EmulatorFactory(appDefaults: true);
        using var client = factory.CreateClient();

        var workspaces = await client.SendAcsAsync(factory.Get("/api/v1/workspaces?maxResults=100", "ListWorkspaces"), Ct);
        var sizes = new Dictionary<string, int>();
        foreach (var id in new[] { "w-analytics", "w-marketing", "w-finance", "w-large" })
        {
            var page = await client.SendAcsAsync(factory.Get($"/api/v1/workspaces/{id}/sessionClusters?maxResults=1", "ListSessionClusters"), Ct);
            sizes[id] = page.Json.GetProperty("totalCount").GetInt32();
        }

        Assert.Equal(["w-analytics", "w-marketing", "w-finance", "w-large"],
            workspaces.Json.GetProperty("workspaces").EnumerateArray().Select(w => w.GetProperty("workspaceId").GetString()));
        Assert.Equal(new Dictionary<string, int> { ["w-analytics"] = 320, ["w-marketing"] = 120, ["w-finance"] = 60, ["w-large"] = 10_000 }, sizes);
    }

    [Fact]
    public async Task Seeded_sessions_are_realistic_and_varied()
    {
        using var factory = new EmulatorFactory(new Dictionary<string, string?> { ["Emulator:Seed:Workspaces:0:Sessions"] = "320" });
        using var client = factory.CreateClient();
        var sessions = new List<JsonElement>();
        string? token = null;
        do
        {
            var page = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/sessionClusters?maxResults=100" + (token is null ? "" : $"&nextToken={token}"), "ListSessionClusters"), Ct);
            sessions.AddRange(page.Json.GetProperty("sessionClusters").EnumerateArray());
            token = page.Json.GetProperty("nextToken").GetString();
        }
        while (!string.IsNullOrEmpty(token));

        string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var states = sessions.Select(s => Text(s, "state")).ToHashSet();
        var keys = sessions.SelectMany(s => s.GetProperty("applicationConfigs").EnumerateArray()).Select(c => Text(c, "configItemKey")).ToHashSet();

        Assert.Superset(new HashSet<string?> { "Starting", "Running", "Stopping", "Stopped", "Error" }, states);
        Assert.Contains(states, s => s is not ("Starting" or "Running" or "Stopping" or "Stopped" or "Error"));
        Assert.Equal(new HashSet<string?> { "SQL", "NOTEBOOK", "THRIFT" }, sessions.Select(s => Text(s, "kind")).ToHashSet());
        Assert.Superset(new HashSet<string?> { "root_queue", "dev_queue", "prod_queue" }, sessions.Select(s => Text(s, "queueName")).ToHashSet());
        Assert.Contains("spark.hadoop.fs.oss.accessKeySecret", keys);
        Assert.Contains("spark.sql.catalog.password", keys);
        Assert.Contains(sessions, s => s.TryGetProperty("connectionToken", out _));
        Assert.Contains(sessions, s => s.TryGetProperty("autoStopConfiguration", out var a) && !a.GetProperty("enable").GetBoolean());
        Assert.All(sessions, s =>
        {
            Assert.Equal(JsonValueKind.Number, s.GetProperty("gmtCreate").ValueKind);
            Assert.Equal(JsonValueKind.String, s.GetProperty("extra").ValueKind);
            Assert.Equal(JsonValueKind.String, s.GetProperty("stateChangeReason").GetProperty("code").ValueKind);
            Assert.StartsWith("esr-", Text(s, "displayReleaseVersion"), StringComparison.Ordinal);
            Assert.False(s.TryGetProperty("envId", out _), "envId is only in GetSessionCluster");
        });
        Assert.Equal(sessions.Count, sessions.Select(s => Text(s, "userName")).Count(n => !string.IsNullOrEmpty(n)));
    }

    [Fact]
    public async Task Same_seed_gives_the_same_data_and_another_seed_does_not()
    {
        async Task<string> FirstIds(string seed)
        {
            using var factory = new EmulatorFactory(new Dictionary<string, string?> { ["Emulator:Seed:RandomSeed"] = seed });
            using var client = factory.CreateClient();
            var page = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/sessionClusters?maxResults=10", "ListSessionClusters"), Ct);
            return string.Join(',', page.Json.GetProperty("sessionClusters").EnumerateArray().Select(s => s.GetProperty("sessionClusterId").GetString() + s.GetProperty("name").GetString()));
        }

        Assert.Equal(await FirstIds("7"), await FirstIds("7"));
        Assert.NotEqual(await FirstIds("7"), await FirstIds("8"));
    }

    [Fact]
    public async Task Hostile_seed_adds_sessions_with_markup_bidi_and_line_breaks_in_valid_json()
    {
        using var factory = new EmulatorFactory(new Dictionary<string, string?> { ["Emulator:Seed:Hostile"] = "true" });
        using var client = factory.CreateClient();

        var page = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-other/sessionClusters?maxResults=100", "ListSessionClusters"), Ct);
        var names = page.Json.GetProperty("sessionClusters").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToList();

        Assert.Equal(13, names.Count);
        Assert.Contains(names, n => n.Contains("<script>", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains('\u202E', StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("\r\n", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Length >= 5000);
    }

    [Fact]
    public async Task Every_response_has_an_uppercase_guid_request_id_matching_the_header()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();

        var ok = await client.SendAcsAsync(factory.Get("/api/v1/releaseVersions", "ListReleaseVersions"), Ct);
        var error = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-nope/queues", "ListWorkspaceQueues"), Ct);

        Assert.Matches(UppercaseGuid(), ok.Json.GetProperty("requestId").GetString());
        Assert.Matches(UppercaseGuid(), error.Json.GetProperty("RequestId").GetString());
        Assert.Equal(ok.Json.GetProperty("requestId").GetString(), ok.Message.Headers.GetValues("x-acs-request-id").Single());
    }

    [Theory]
    [InlineData("GET", "/api/v1/workspaces/w-nope/sessionClusters", "ListSessionClusters", HttpStatusCode.NotFound, "WorkspaceNotFound")]
    [InlineData("GET", "/api/v1/workspaces/w-nope/sessionClusters/sc-1", "GetSessionCluster", HttpStatusCode.NotFound, "WorkspaceNotFound")]
    [InlineData("GET", "/api/v1/workspaces/w-test/sessionClusters/sc-nope", "GetSessionCluster", HttpStatusCode.NotFound, "SessionClusterNotFound")]
    [InlineData("GET", "/api/v1/workspaces/w-nope/queues", "ListWorkspaceQueues", HttpStatusCode.NotFound, "WorkspaceNotFound")]
    [InlineData("GET", "/api/v1/releaseVersions?workspaceId=w-nope", "ListReleaseVersions", HttpStatusCode.NotFound, "WorkspaceNotFound")]
    [InlineData("GET", "/api/v1/workspaces/w-test/queues?environment=staging", "ListWorkspaceQueues", HttpStatusCode.BadRequest, "InvalidParameter")]
    [InlineData("GET", "/api/v1/nothing-here", "ListWorkspaces", HttpStatusCode.NotFound, "InvalidApi.NotFound")]
    [InlineData("DELETE", "/api/v1/workspaces", "ListWorkspaces", HttpStatusCode.NotFound, "InvalidApi.NotFound")]
    [InlineData("GET", "/api/v1/workspaces/w-test/sessionClusters/action/startSessionCluster", "StartSessionCluster", HttpStatusCode.NotFound, "InvalidApi.NotFound")]
    public async Task Errors_are_the_gateway_json_body(string method, string path, string action, HttpStatusCode status, string code)
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        TestSigner.Sign(request, "localhost", action, EmulatorFactory.DemoKey, factory.Now,
            canonicalQuery: path.Contains('?', StringComparison.Ordinal) ? path[(path.IndexOf('?', StringComparison.Ordinal) + 1)..] : "");

        var response = await client.SendAcsAsync(request, Ct);

        Assert.Equal((status, code), (response.Status, response.Code));
        Assert.StartsWith("application/json", response.Message.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        foreach (var field in new[] { "RequestId", "HostId", "Code", "Message", "Recommend" })
        {
            Assert.False(string.IsNullOrEmpty(response.Json.GetProperty(field).GetString()), field);
        }
    }

    [Fact]
    public async Task Get_returns_the_listed_session_with_its_details()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();
        var listed = (await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/sessionClusters?maxResults=1", "ListSessionClusters"), Ct))
            .Json.GetProperty("sessionClusters")[0];
        var id = listed.GetProperty("sessionClusterId").GetString();

        var detail = await client.SendAcsAsync(factory.Get($"/api/v1/workspaces/w-test/sessionClusters/{id}", "GetSessionCluster"), Ct);

        var session = detail.Json.GetProperty("sessionCluster");
        Assert.Equal(id, session.GetProperty("sessionClusterId").GetString());
        Assert.Equal(listed.GetProperty("name").GetString(), session.GetProperty("name").GetString());
        Assert.Equal("w-test", session.GetProperty("workspaceId").GetString());
    }

    [Fact]
    public async Task Queues_and_release_versions_have_their_documented_shapes()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();

        var queues = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/queues", "ListWorkspaceQueues"), Ct);
        var devQueues = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/queues?environment=dev", "ListWorkspaceQueues"), Ct);
        var releases = await client.SendAcsAsync(factory.Get("/api/v1/releaseVersions", "ListReleaseVersions"), Ct);
        var one = await client.SendAcsAsync(factory.Get("/api/v1/releaseVersions?releaseVersion=esr-4.0.0", "ListReleaseVersions"), Ct);

        var queueNames = queues.Json.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("queueName").GetString()).ToList();
        Assert.Superset(new HashSet<string?> { "root_queue", "dev_queue", "prod_queue" }, queueNames.ToHashSet());
        Assert.Equal(JsonValueKind.String, queues.Json.GetProperty("queues")[0].GetProperty("maxResource").ValueKind);
        Assert.DoesNotContain(devQueues.Json.GetProperty("queues").EnumerateArray(), q => q.GetProperty("queueName").GetString() == "prod_queue");
        var versions = releases.Json.GetProperty("releaseVersions").EnumerateArray().Select(r => r.GetProperty("releaseVersion").GetString()!).ToList();
        Assert.Contains(versions, v => v.StartsWith("esr-2.", StringComparison.Ordinal));
        Assert.Contains(versions, v => v.StartsWith("esr-3.", StringComparison.Ordinal));
        Assert.Contains(versions, v => v.StartsWith("esr-4.", StringComparison.Ordinal));
        Assert.Equal("esr-4.0.0 (Spark 3.5.2, Scala 2.12)", one.Json.GetProperty("releaseVersions")[0].GetProperty("displayReleaseVersion").GetString());
    }

    [Fact]
    public async Task Start_moves_a_stopped_session_through_Starting_to_Running_on_the_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 9, 0, 0, TimeSpan.Zero));
        using var factory = new EmulatorFactory(clock: clock);
        using var client = factory.CreateClient();
        var id = await FindSessionAsync(factory, client, "Stopped");

        var started = await client.SendAcsAsync(factory.Post(ActionPath("startSessionCluster"), "StartSessionCluster", $"{{\"sessionClusterId\":\"{id}\",\"queueName\":\"root_queue\"}}"), Ct);
        var justStarted = await StateAsync(factory, client, id);
        clock.Advance(TimeSpan.FromSeconds(7));
        var stillStarting = await StateAsync(factory, client, id);
        clock.Advance(TimeSpan.FromSeconds(1));
        var running = await StateAsync(factory, client, id);

        Assert.Equal(HttpStatusCode.OK, started.Status);
        Assert.Equal(id, started.Json.GetProperty("sessionClusterId").GetString());
        Assert.Equal(("Starting", "Starting", "Running"), (justStarted, stillStarting, running));
    }

    [Fact]
    public async Task Stop_moves_a_running_session_through_Stopping_to_Stopped_and_Start_waits_for_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 9, 0, 0, TimeSpan.Zero));
        using var factory = new EmulatorFactory(clock: clock);
        using var client = factory.CreateClient();
        var id = await FindSessionAsync(factory, client, "Running");

        var stopped = await client.SendAcsAsync(factory.Post(ActionPath("stopSessionCluster"), "StopSessionCluster", $"{{\"sessionClusterId\":\"{id}\"}}"), Ct);
        var stopping = await StateAsync(factory, client, id);
        var startWhileStopping = await client.SendAcsAsync(factory.Post(ActionPath("startSessionCluster"), "StartSessionCluster", $"{{\"sessionClusterId\":\"{id}\"}}"), Ct);
        clock.Advance(TimeSpan.FromSeconds(4));
        var final = await StateAsync(factory, client, id);

        Assert.Equal(HttpStatusCode.OK, stopped.Status);
        Assert.Equal(("Stopping", "Stopped"), (stopping, final));
        Assert.Equal((HttpStatusCode.BadRequest, "IncorrectSessionClusterState"), (startWhileStopping.Status, startWhileStopping.Code));
    }

    [Theory]
    [InlineData("", "MissingParameter")]
    [InlineData("{}", "MissingParameter")]
    [InlineData("{not json", "InvalidParameter")]
    [InlineData("{\"sessionClusterId\":\"sc-x\",\"queueName\":\"no_such_queue\"}", "InvalidParameter")]
    [InlineData("{\"sessionClusterId\":\"sc-x\"}", "SessionClusterNotFound")]
    public async Task Start_validates_its_body(string body, string code)
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();

        var response = await client.SendAcsAsync(factory.Post(ActionPath("startSessionCluster"), "StartSessionCluster", body), Ct);

        Assert.Equal(code, response.Code);
    }

    private static string ActionPath(string action) => $"/api/v1/workspaces/w-test/sessionClusters/action/{action}";

    private static async Task<string> FindSessionAsync(EmulatorFactory factory, HttpClient client, string state)
    {
        var page = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/sessionClusters?maxResults=100", "ListSessionClusters"), Ct);
        return page.Json.GetProperty("sessionClusters").EnumerateArray()
            .First(s => s.GetProperty("state").GetString() == state).GetProperty("sessionClusterId").GetString()!;
    }

    private static async Task<string?> StateAsync(EmulatorFactory factory, HttpClient client, string id)
    {
        var response = await client.SendAcsAsync(factory.Get($"/api/v1/workspaces/w-test/sessionClusters/{id}", "GetSessionCluster"), Ct);
        return response.Json.GetProperty("sessionCluster").GetProperty("state").GetString();
    }

    [GeneratedRegex("^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")]
    private static partial Regex UppercaseGuid();
}
