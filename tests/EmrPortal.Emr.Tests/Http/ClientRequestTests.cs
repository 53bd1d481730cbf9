using System.Text;
using EmrPortal.Emr.Models;
using EmrPortal.Emr.Tests.Infrastructure;

namespace EmrPortal.Emr.Tests.Http;

public sealed class ClientRequestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_operation_uses_the_documented_method_path_and_action()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) => StubHttpHandler.Json("""{"requestId":"R"}""")), o => o.RegionId = "cn-hangzhou");
        var client = host.Client;

        await client.ListSessionClustersAsync(new ListSessionClustersRequest("w-1") { MaxResults = 20, Kind = "SQL", QueueName = "dev_queue", NextToken = "a b/+", SessionClusterId = "sc-9" }, Ct);
        await client.GetSessionClusterAsync("w-1", "sc-2", Ct);
        await client.ListWorkspacesAsync(new ListWorkspacesRequest { Name = "ana", MaxResults = 5 }, Ct);
        await client.ListWorkspaceQueuesAsync("w-1", "dev", Ct);
        await client.ListReleaseVersionsAsync(cancellationToken: Ct);
        await client.StartSessionClusterAsync("w-1", "sc-2", "root_queue", Ct);
        await client.StopSessionClusterAsync("w-1", "sc-2", null, Ct);

        var sent = host.Handler.Requests.Select(r => $"{r.Method} {r.Uri.PathAndQuery} {r.Header("x-acs-action")}").ToArray();
        Assert.Equal(
            [
                "GET /api/v1/workspaces/w-1/sessionClusters?nextToken=a%20b%2F%2B&maxResults=20&sessionClusterId=sc-9&queueName=dev_queue&kind=SQL&regionId=cn-hangzhou ListSessionClusters",
                "GET /api/v1/workspaces/w-1/sessionClusters/sc-2 GetSessionCluster",
                "GET /api/v1/workspaces?maxResults=5&name=ana&regionId=cn-hangzhou ListWorkspaces",
                "GET /api/v1/workspaces/w-1/queues?environment=dev&regionId=cn-hangzhou ListWorkspaceQueues",
                "GET /api/v1/releaseVersions?regionId=cn-hangzhou ListReleaseVersions",
                "POST /api/v1/workspaces/w-1/sessionClusters/action/startSessionCluster?regionId=cn-hangzhou StartSessionCluster",
                "POST /api/v1/workspaces/w-1/sessionClusters/action/stopSessionCluster?regionId=cn-hangzhou StopSessionCluster",
            ],
            sent);
        Assert.All(host.Handler.Requests, r => SignatureAssert.Valid(r));
    }

    [Fact]
    public async Task Start_posts_exact_json_body_with_signed_utf8_content_type()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) => StubHttpHandler.Json("""{"requestId":"R","sessionClusterId":"sc-2"}""")));

        var response = await host.Client.StartSessionClusterAsync("w-1", "sc-2", "root_queue", Ct);

        Assert.Equal("sc-2", response.SessionClusterId);
        var sent = Assert.Single(host.Handler.Requests);
        Assert.Equal("""{"sessionClusterId":"sc-2","queueName":"root_queue"}""", Encoding.UTF8.GetString(sent.Body!));
        Assert.Equal("application/json; charset=utf-8", sent.ContentType);
        Assert.StartsWith("ACS3-HMAC-SHA256 Credential=LTAI5tEmrPortalDemoKey,SignedHeaders=content-type;host;", sent.Header("Authorization"), StringComparison.Ordinal);
        SignatureAssert.Valid(sent);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("w/1")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a..b")]
    [InlineData("w\\1")]
    [InlineData("w%2F1")]
    [InlineData("w-1\n")]
    [InlineData("w-1\u0000")]
    public async Task Ids_that_could_change_the_path_are_refused_before_sending(string id)
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) => StubHttpHandler.Json("{}")));
        var client = host.Client;

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetSessionClusterAsync(id, "sc-1", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetSessionClusterAsync("w-1", id, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => client.ListSessionClustersAsync(new ListSessionClustersRequest(id), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => client.ListWorkspaceQueuesAsync(id, null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => client.StopSessionClusterAsync("w-1", id, null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in client.ListAllSessionClustersAsync(new ListSessionClustersRequest(id), Ct))
            {
            }
        });

        Assert.Empty(host.Handler.Requests);
    }

    [Fact]
    public async Task Unusual_but_harmless_id_characters_are_escaped_as_one_segment_and_signed()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) => StubHttpHandler.Json("""{"requestId":"R"}""")));

        await host.Client.GetSessionClusterAsync("w-1", "sc é*~?#", Ct);

        var sent = Assert.Single(host.Handler.Requests);
        Assert.Equal("/api/v1/workspaces/w-1/sessionClusters/sc%20%C3%A9%2A~%3F%23", sent.Uri.AbsolutePath);
        Assert.Equal(string.Empty, sent.Uri.Query);
        SignatureAssert.Valid(sent);
    }

    [Fact]
    public async Task A_session_from_another_workspace_is_refused()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) =>
            StubHttpHandler.Json("""{"requestId":"R","sessionCluster":{"workspaceId":"w-other","sessionClusterId":"sc-1"}}""")));

        var error = await Assert.ThrowsAsync<EmrApiException>(() => host.Client.GetSessionClusterAsync("w-1", "sc-1", Ct));

        Assert.Equal(EmrErrorCodes.WorkspaceMismatch, error.Code);
    }

    [Fact]
    public async Task Cancellation_is_honoured_while_waiting_for_the_server()
    {
        var stub = new StubHttpHandler(async (_, _, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return StubHttpHandler.Json("{}");
        });
        using var host = new EmrClientHost(stub);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(100));
        var started = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Client.ListWorkspacesAsync(cancellationToken: cts.Token));

        // Well under the server's 30 s: proves the wait was cancelled, without a bound a loaded machine could break.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(25), $"took {started.Elapsed}");
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Success_with_unreadable_body_is_an_invalid_response_error()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) => StubHttpHandler.Json("<html>oops</html>")));

        var error = await Assert.ThrowsAsync<EmrApiException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));

        Assert.Equal(EmrErrorCodes.InvalidResponse, error.Code);
    }
}
