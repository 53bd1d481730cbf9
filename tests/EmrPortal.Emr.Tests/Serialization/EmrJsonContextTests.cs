using System.Text.Json;
using EmrPortal.Emr.Models;
using EmrPortal.Emr.Serialization;

namespace EmrPortal.Emr.Tests.Serialization;

public sealed class EmrJsonContextTests
{
    [Fact]
    public void List_response_reads_documented_example_with_epoch_ms_and_nested_objects()
    {
        const string json = """
            {"requestId":"DD6B1B2A-5837-5237-ABE4-FF0C89568980","nextToken":"2","maxResults":20,"totalCount":200,
             "sessionClusters":[{"workspaceId":"w-1234abcd","sessionClusterId":"sc-123131","name":"adhoc_query",
              "userId":"123131","userName":"test_user","queueName":"dev_queue","kind":"SQL","state":"Running",
              "stateChangeReason":{"code":"200","message":"ok"},"autoStartConfiguration":{"enable":true},
              "autoStopConfiguration":{"enable":false,"idleTimeoutMinutes":45},
              "applicationConfigs":[{"configFileName":"spark-defaults.conf","configItemKey":"spark.driver.cores","configItemValue":"1"}],
              "releaseVersion":"esr-2.1","displayReleaseVersion":"esr-4.0.0 (Spark 3.5.2, Scala 2.12)","webUI":"https://ui.example/sc-123131",
              "fusion":false,"gmtCreate":1732267598000,"startTime":1732267600000,"extra":"{\"extraInfoKey\":\"extraInfoValue\"}",
              "publicEndpointEnabled":true,"connectionToken":"ct-secret"}]}
            """;

        var response = JsonSerializer.Deserialize(json, EmrJsonContext.Default.ListSessionClustersResponse)!;

        Assert.Equal("2", response.NextToken);
        Assert.Equal(20, response.MaxResults);
        Assert.Equal(200, response.TotalCount);
        var session = Assert.Single(response.SessionClusters!);
        Assert.Equal("sc-123131", session.SessionClusterId);
        Assert.Equal("200", session.StateChangeReason!.Code);
        Assert.True(session.AutoStartConfiguration!.Enable);
        Assert.Equal(45, session.AutoStopConfiguration!.IdleTimeoutMinutes);
        Assert.Equal("spark.driver.cores", Assert.Single(session.ApplicationConfigs!).ConfigItemKey);
        Assert.Equal("https://ui.example/sc-123131", session.WebUI);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1732267598000), session.GmtCreate);
        Assert.Equal(TimeSpan.Zero, session.GmtCreate!.Value.Offset);
        Assert.Equal("{\"extraInfoKey\":\"extraInfoValue\"}", session.Extra);
        Assert.True(session.PublicEndpointEnabled);
        Assert.Equal("ct-secret", session.ConnectionToken);
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_missing_fields_stay_null()
    {
        const string json = """
            {"requestId":"r","brandNewField":{"deep":[1,2,{"x":null}]},"sessionClusters":[{"sessionClusterId":"sc-1","futureFlag":true,"state":"Hibernating"}]}
            """;

        var response = JsonSerializer.Deserialize(json, EmrJsonContext.Default.ListSessionClustersResponse)!;

        var session = Assert.Single(response.SessionClusters!);
        Assert.Equal("Hibernating", session.State);
        Assert.Null(session.GmtCreate);
        Assert.Null(session.StateChangeReason);
        Assert.Null(session.Fusion);
        Assert.Null(response.NextToken);
        Assert.Null(response.TotalCount);
    }

    [Fact]
    public void Numbers_and_strings_swap_both_ways()
    {
        const string json = """
            {"requestId":12345,"nextToken":7,"maxResults":"20","totalCount":"3",
             "sessionClusters":[{"sessionClusterId":"sc-1","userId":123131,"stateChangeReason":{"code":200,"message":"ok"},
              "autoStopConfiguration":{"enable":"true","idleTimeoutMinutes":"30"},"fusion":1,"publicEndpointEnabled":"False",
              "gmtCreate":"1732267598000","startTime":null,"extra":{"unquoted":true}}]}
            """;

        var response = JsonSerializer.Deserialize(json, EmrJsonContext.Default.ListSessionClustersResponse)!;

        Assert.Equal("12345", response.RequestId);
        Assert.Equal("7", response.NextToken);
        Assert.Equal(20, response.MaxResults);
        Assert.Equal(3, response.TotalCount);
        var session = Assert.Single(response.SessionClusters!);
        Assert.Equal("123131", session.UserId);
        Assert.Equal("200", session.StateChangeReason!.Code);
        Assert.True(session.AutoStopConfiguration!.Enable);
        Assert.Equal(30, session.AutoStopConfiguration.IdleTimeoutMinutes);
        Assert.True(session.Fusion);
        Assert.False(session.PublicEndpointEnabled);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1732267598000), session.GmtCreate);
        Assert.Null(session.StartTime);
        Assert.Equal("{\"unquoted\":true}", session.Extra);
    }

    [Fact]
    public void Empty_string_time_reads_as_null()
    {
        var session = JsonSerializer.Deserialize("""{"gmtCreate":"","startTime":"  "}""", EmrJsonContext.Default.SessionCluster)!;

        Assert.Null(session.GmtCreate);
        Assert.Null(session.StartTime);
    }

    [Fact]
    public void Garbage_time_is_a_json_error_not_a_silent_default() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"gmtCreate":"yesterday-ish"}""", EmrJsonContext.Default.SessionCluster));

    [Fact]
    public void Writing_uses_camel_case_epoch_ms_and_omits_nulls()
    {
        var session = new SessionCluster
        {
            SessionClusterId = "sc-1",
            WebUI = "https://ui",
            GmtCreate = DateTimeOffset.FromUnixTimeMilliseconds(1732267598000),
            AutoStopConfiguration = new AutoStopConfiguration { Enable = true, IdleTimeoutMinutes = 45 },
        };

        var json = JsonSerializer.Serialize(session, EmrJsonContext.Default.SessionCluster);

        Assert.Equal(
            """{"sessionClusterId":"sc-1","autoStopConfiguration":{"enable":true,"idleTimeoutMinutes":45},"webUI":"https://ui","gmtCreate":1732267598000}""",
            json);
    }

    [Fact]
    public void Queue_resource_fields_stay_json_strings_and_release_version_maps_its_name()
    {
        const string json = """
            {"queues":[{"queueName":"root_queue","maxResource":"{\"cpu\": \"2\",\"memory\": \"2Gi\"}","createTime":1700000000000,"preheat":false,
              "allowActions":[{"actionName":"view","dependencies":["a"]}]}],
             "releaseVersions":[{"releaseVersion":"esr-4.0.0","cpuArchitectures":["x86"],"gmtCreate":1700000000000}]}
            """;

        var queues = JsonSerializer.Deserialize(json, EmrJsonContext.Default.ListWorkspaceQueuesResponse)!;
        var releases = JsonSerializer.Deserialize(json, EmrJsonContext.Default.ListReleaseVersionsResponse)!;

        var queue = Assert.Single(queues.Queues!);
        Assert.Equal("{\"cpu\": \"2\",\"memory\": \"2Gi\"}", queue.MaxResource);
        Assert.Equal("view", Assert.Single(queue.AllowActions!).ActionName);
        Assert.Equal("esr-4.0.0", Assert.Single(releases.ReleaseVersions!).Version);
    }

    [Theory]
    [InlineData("""{"RequestId":"R-1","HostId":"h","Code":"Throttling.User","Message":"Request was denied due to user flow control.","Recommend":"https://diag"}""")]
    [InlineData("""{"requestId":"R-1","hostId":"h","code":"Throttling.User","message":"Request was denied due to user flow control.","recommend":"https://diag"}""")]
    public void Error_body_reads_both_casings(string json)
    {
        var error = JsonSerializer.Deserialize(json, EmrJsonContext.Default.EmrErrorBody)!;

        Assert.Equal("R-1", error.RequestId);
        Assert.Equal("Throttling.User", error.Code);
        Assert.Equal("Request was denied due to user flow control.", error.Message);
        Assert.Equal("https://diag", error.Recommend);
    }

    [Fact]
    public void Workspace_times_read_from_epoch_ms()
    {
        const string json = """{"workspaces":[{"workspaceId":"w-1","createTime":1700000000000,"endTime":"1800000000000","autoRenew":"true","duration":"12"}]}""";

        var workspace = Assert.Single(JsonSerializer.Deserialize(json, EmrJsonContext.Default.ListWorkspacesResponse)!.Workspaces!);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), workspace.CreateTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1800000000000), workspace.EndTime);
        Assert.True(workspace.AutoRenew);
        Assert.Equal(12, workspace.Duration);
    }
}
