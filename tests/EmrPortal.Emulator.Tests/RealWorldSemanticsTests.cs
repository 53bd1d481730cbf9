using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;
using EmrPortal.Emulator.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmrPortal.Emulator.Tests;

/// <summary>What the real service does that the first emulator did not: RAM per workspace, refused writes, tags, moving lists.</summary>
public sealed class RealWorldSemanticsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sessions(string workspaceId, string query = "maxResults=100") => $"/api/v1/workspaces/{workspaceId}/sessionClusters?{query}";

    [Fact]
    public async Task Ram_policy_denies_a_chosen_workspace_for_one_key_with_403_NoPermission_while_others_answer()
    {
        using var factory = new EmulatorFactory(new Dictionary<string, string?> { ["Emulator:AccessKeys:0:DeniedWorkspaces:0"] = "w-other" });
        using var client = factory.CreateClient();

        var denied = await client.SendAcsAsync(factory.Get(Sessions("w-other"), "ListSessionClusters"), Ct);
        var detail = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-other/sessionClusters/sc-1", "GetSessionCluster"), Ct);
        var queues = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-other/queues", "ListWorkspaceQueues"), Ct);
        var allowed = await client.SendAcsAsync(factory.Get(Sessions("w-test"), "ListSessionClusters"), Ct);
        var listed = await client.SendAcsAsync(factory.Get("/api/v1/workspaces", "ListWorkspaces"), Ct);
        var otherKey = await client.SendAcsAsync(factory.Get(Sessions("w-other"), "ListSessionClusters", EmulatorFactory.VectorKey), Ct);

        Assert.Equal((HttpStatusCode.Forbidden, "NoPermission"), (denied.Status, denied.Code));
        Assert.Equal("emr-serverless-spark:ListSessionClusters", denied.Json.GetProperty("AccessDeniedDetail").GetProperty("AuthAction").GetString());
        Assert.Equal("ImplicitDeny", denied.Json.GetProperty("AccessDeniedDetail").GetProperty("NoPermissionType").GetString());
        Assert.Equal((HttpStatusCode.Forbidden, "NoPermission"), (detail.Status, detail.Code));
        Assert.Equal((HttpStatusCode.Forbidden, "NoPermission"), (queues.Status, queues.Code));
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal(["w-test", "w-other"], listed.Json.GetProperty("workspaces").EnumerateArray().Select(w => w.GetProperty("workspaceId").GetString()));
        Assert.Equal(HttpStatusCode.OK, otherKey.Status);

        // Granted at run time through the admin API.
        using var put = await client.PutAsJsonAsync("/admin/ram", new { accessKeyId = EmulatorFactory.DemoKey.AccessKeyId, deniedWorkspaces = Array.Empty<string>() }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var granted = await client.SendAcsAsync(factory.Get(Sessions("w-other"), "ListSessionClusters"), Ct);
        Assert.Equal(HttpStatusCode.OK, granted.Status);

        // And denied again.
        using var deny = await client.PutAsJsonAsync("/admin/ram", new { accessKeyId = EmulatorFactory.DemoKey.AccessKeyId, deniedWorkspaces = new[] { "w-test" } }, Ct);
        var policy = await client.GetFromJsonAsync<JsonElement>("/admin/ram", Ct);
        Assert.Equal("w-test", policy.GetProperty("deniedWorkspaces").GetProperty(EmulatorFactory.DemoKey.AccessKeyId)[0].GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAcsAsync(factory.Get(Sessions("w-test"), "ListSessionClusters"), Ct)).Status);
    }

    [Fact]
    public async Task Starting_a_running_session_and_stopping_a_stopped_one_are_refused_not_silently_accepted()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();
        var sessions = (await client.SendAcsAsync(factory.Get(Sessions("w-test"), "ListSessionClusters"), Ct)).Json.GetProperty("sessionClusters").EnumerateArray().ToList();
        var running = sessions.First(s => s.GetProperty("state").GetString() == "Running").GetProperty("sessionClusterId").GetString();
        var stopped = sessions.First(s => s.GetProperty("state").GetString() == "Stopped").GetProperty("sessionClusterId").GetString();
        const string Action = "/api/v1/workspaces/w-test/sessionClusters/action/";

        var start = await client.SendAcsAsync(factory.Post(Action + "startSessionCluster", "StartSessionCluster", $$"""{"sessionClusterId":"{{running}}"}"""), Ct);
        var stop = await client.SendAcsAsync(factory.Post(Action + "stopSessionCluster", "StopSessionCluster", $$"""{"sessionClusterId":"{{stopped}}"}"""), Ct);
        var stillRunning = await client.SendAcsAsync(factory.Get($"/api/v1/workspaces/w-test/sessionClusters/{running}", "GetSessionCluster"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, start.Status);
        Assert.Contains("Running", start.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, stop.Status);
        Assert.Contains("Stopped", stop.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("Running", stillRunning.Json.GetProperty("sessionCluster").GetProperty("state").GetString());

        // The legal transition still works, and repeating it is refused.
        var first = await client.SendAcsAsync(factory.Post(Action + "stopSessionCluster", "StopSessionCluster", $$"""{"sessionClusterId":"{{running}}"}"""), Ct);
        var again = await client.SendAcsAsync(factory.Post(Action + "stopSessionCluster", "StopSessionCluster", $$"""{"sessionClusterId":"{{running}}"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
    }

    /// <summary>The real client (EmrPortal.Emr) against an emulator built from <paramref name="settings"/>.</summary>
    private static (EmulatorFactory Factory, ServiceProvider Services, IEmrServerlessSparkClient Client) RealClient(IDictionary<string, string?>? settings = null)
    {
        var factory = new EmulatorFactory(settings);
        factory.StartServer();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddEmrServerlessSparkClient(o =>
            {
                o.Endpoint = "http://localhost";
                o.RegionId = "cn-hangzhou";
                o.AccessKeyId = EmulatorFactory.DemoKey.AccessKeyId;
                o.AccessKeySecret = EmulatorFactory.DemoKey.Secret;
                o.MaxAttempts = 1;
            })
            .ConfigurePrimaryHttpMessageHandler(() => factory.Server.CreateHandler());
        var provider = services.BuildServiceProvider();
        return (factory, provider, provider.GetRequiredService<IEmrServerlessSparkClient>());
    }

    [Fact]
    public async Task ListWorkspaces_filters_by_the_sdks_tag_json_array_and_returns_tagKey_tagValue()
    {
        var (factory, services, client) = RealClient(new Dictionary<string, string?>
        {
            ["Emulator:Seed:Workspaces:0:Tags:env"] = "prod",
            ["Emulator:Seed:Workspaces:0:Tags:team"] = "bi",
            ["Emulator:Seed:Workspaces:1:Tags:env"] = "dev",
        });
        using var _ = factory;
        using var __ = services;
        async Task<string?[]> Ids(params WorkspaceTagFilter[] tags) =>
            [.. (await client.ListWorkspacesAsync(new ListWorkspacesRequest { Tag = tags }, Ct)).Workspaces!.Select(w => w.WorkspaceId)];

        Assert.Equal(["w-test"], await Ids(new WorkspaceTagFilter("env", "prod")));
        Assert.Equal(["w-test"], await Ids(new WorkspaceTagFilter("env", "prod"), new WorkspaceTagFilter("team", "bi")));
        Assert.Equal(["w-test", "w-other"], await Ids(new WorkspaceTagFilter("env", null)));
        Assert.Empty(await Ids(new WorkspaceTagFilter("env", "prod"), new WorkspaceTagFilter("team", "ml")));
        Assert.Equal(["w-test", "w-other"], await Ids());

        var prod = Assert.Single((await client.ListWorkspacesAsync(new ListWorkspacesRequest { Tag = [new("env", "prod")] }, Ct)).Workspaces!);
        Assert.Equal(new HashSet<(string?, string?)> { ("env", "prod"), ("team", "bi") }, prod.Tags!.Select(t => (t.TagKey, t.TagValue)).ToHashSet());

        // Not a JSON array of {key, value}: refused as the cloud refuses bad parameters.
        using var http = factory.CreateClient();
        var broken = await http.SendAcsAsync(factory.Get("/api/v1/workspaces?tag=env", "ListWorkspaces"), Ct);
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameter"), (broken.Status, broken.Code));
    }

    [Fact]
    public async Task ListReleaseVersions_offers_both_release_shapes_and_filters_by_serviceFilter_and_display_form()
    {
        var (factory, services, client) = RealClient();
        using var _ = factory;
        using var __ = services;
        async Task<string?[]> Versions(ListReleaseVersionsRequest request) =>
            [.. (await client.ListReleaseVersionsAsync(request, Ct)).ReleaseVersions!.Select(v => v.Version)];

        var all = await Versions(new ListReleaseVersionsRequest());
        var kyuubi = await Versions(new ListReleaseVersionsRequest { ServiceFilter = "kyuubi" });
        var byDisplay = await Versions(new ListReleaseVersionsRequest { ReleaseVersion = "esr-2.1 (Spark 3.3.1, Scala 2.12, Java Runtime)" });

        Assert.Contains("esr-2.1", all);
        Assert.Contains("esr-4.0.0", all);
        Assert.NotEmpty(kyuubi);
        Assert.True(kyuubi.Length < all.Length);
        Assert.DoesNotContain(kyuubi, v => v!.StartsWith("esr-2.", StringComparison.Ordinal));
        Assert.Equal(["esr-2.1"], byDisplay);
    }

    [Fact]
    public async Task Seeded_sessions_carry_two_part_and_three_part_release_versions()
    {
        using var factory = new EmulatorFactory(new Dictionary<string, string?> { ["Emulator:Seed:Workspaces:0:Sessions"] = "400" });
        using var client = factory.CreateClient();
        var versions = new HashSet<string?>();
        string? token = null;
        do
        {
            var page = await client.SendAcsAsync(factory.Get(Sessions("w-test") + (token is null ? "" : "&nextToken=" + Uri.EscapeDataString(token)), "ListSessionClusters"), Ct);
            versions.UnionWith(page.Json.GetProperty("sessionClusters").EnumerateArray().Select(s => s.GetProperty("releaseVersion").GetString()));
            token = page.Json.GetProperty("nextToken").GetString();
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Contains(versions, v => v!.Split('.').Length == 2);
        Assert.Contains(versions, v => v!.Split('.').Length == 3);
    }

    [Fact]
    public async Task Churn_fault_creates_and_deletes_sessions_while_a_client_pages_so_totalCount_moves()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();
        using var put = await client.PutAsJsonAsync("/admin/faults", new { churn = new { workspaceId = "w-test", createPerCall = 3, deletePerCall = 1, calls = 2 } }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var totals = new List<int>();
        var ids = new List<string?>();
        string? token = null;
        do
        {
            var page = await client.SendAcsAsync(factory.Get(Sessions("w-test", "maxResults=20") + (token is null ? "" : "&nextToken=" + Uri.EscapeDataString(token)), "ListSessionClusters"), Ct);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            totals.Add(page.Json.GetProperty("totalCount").GetInt32());
            ids.AddRange(page.Json.GetProperty("sessionClusters").EnumerateArray().Select(s => s.GetProperty("sessionClusterId").GetString()));
            token = page.Json.GetProperty("nextToken").GetString();
        }
        while (!string.IsNullOrEmpty(token));

        // 45 seeded: +2 after the first call, +2 after the second, then still (the fault's calls are used up).
        Assert.Equal([47, 49, 49], totals);
        // Offsets shifted under the reader: the naive page walk repeats sessions (new ones pushed old ones back).
        Assert.True(ids.Count != ids.Distinct().Count() || ids.Distinct().Count() != 49, "churn did not disturb the offset walk");
        var other = await client.SendAcsAsync(factory.Get(Sessions("w-other"), "ListSessionClusters"), Ct);
        Assert.Equal(7, other.Json.GetProperty("totalCount").GetInt32());
    }
}
