using System.Net;
using EmrPortal.Emr.Models;
using EmrPortal.Emr.Tests.Infrastructure;

namespace EmrPortal.Emr.Tests.Http;

/// <summary>What the real service does that a client built against its own guesses tends to miss.</summary>
public sealed class RealWorldSemanticsTests
{
    private const string ActionOk = """{"requestId":"OK-1","sessionClusterId":"sc-2"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "NoPermission")]
    [InlineData(HttpStatusCode.Forbidden, "Forbidden.RAM")]
    [InlineData(HttpStatusCode.Forbidden, "Forbidden")]
    [InlineData(HttpStatusCode.Forbidden, "SomethingNew")]
    public async Task Workspace_permission_denial_is_not_a_credential_error(HttpStatusCode status, string code)
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Error(status, code, "You don't have permission."));
        using var host = new EmrClientHost(stub);

        var error = await Assert.ThrowsAsync<EmrApiException>(() => host.Client.GetSessionClusterAsync("w-1", "sc-1", Ct));

        Assert.True(error.IsPermissionDenied);
        Assert.False(error.IsCredentialError);
        Assert.False(error.IsNotFound);
        Assert.Single(stub.Requests); // never retried
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "InvalidAccessKeyId.NotFound")]
    [InlineData(HttpStatusCode.Forbidden, "InvalidAccessKeyId.Inactive")]
    [InlineData(HttpStatusCode.BadRequest, "SignatureDoesNotMatch")]
    [InlineData(HttpStatusCode.Forbidden, "SignatureDoesNotMatch")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidSecurityToken.Expired")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidSecurityToken.MismatchWithAccessKey")]
    [InlineData(HttpStatusCode.BadRequest, "IncompleteSignature")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidTimeStamp.Expired")]
    [InlineData(HttpStatusCode.Unauthorized, "Http401")]
    public async Task Credential_errors_are_credential_errors_whatever_their_status(HttpStatusCode status, string code)
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Error(status, code));
        using var host = new EmrClientHost(stub);

        var error = await Assert.ThrowsAsync<EmrApiException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));

        Assert.True(error.IsCredentialError);
        Assert.False(error.IsPermissionDenied);
        Assert.False(error.IsNotFound);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "InternalError")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable")]
    [InlineData(HttpStatusCode.BadGateway, "Http502")]
    public async Task Start_and_stop_are_not_retried_after_a_server_error_that_may_hide_an_applied_write(HttpStatusCode status, string code)
    {
        var stub = new StubHttpHandler((_, i) => i == 0 ? StubHttpHandler.Error(status, code) : StubHttpHandler.Json(ActionOk));
        using var host = new EmrClientHost(stub);

        var start = await Assert.ThrowsAsync<EmrApiException>(() => host.Client.StartSessionClusterAsync("w-1", "sc-2", null, Ct));
        Assert.Equal(code, start.Code);
        Assert.Single(stub.Requests);

        // The same failure on a read is retried: only writes are held back.
        var readStub = new StubHttpHandler((_, i) => i == 0 ? StubHttpHandler.Error(status, code) : StubHttpHandler.Json("""{"requestId":"R","workspaces":[]}"""));
        using var readHost = new EmrClientHost(readStub);
        await readHost.Client.ListWorkspacesAsync(cancellationToken: Ct);
        Assert.Equal(2, readStub.Requests.Count);
    }

    [Fact]
    public async Task Stop_is_not_retried_when_the_connection_drops_after_sending()
    {
        var stub = new StubHttpHandler((_, i) => i == 0
            ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")
            : StubHttpHandler.Json(ActionOk));
        using var host = new EmrClientHost(stub);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.StopSessionClusterAsync("w-1", "sc-2", null, Ct));

        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError)]
    [InlineData(HttpRequestError.NameResolutionError)]
    public async Task Start_is_retried_when_the_request_never_left(HttpRequestError before)
    {
        var stub = new StubHttpHandler((_, i) => i == 0 ? throw new HttpRequestException(before, "Connection refused") : StubHttpHandler.Json(ActionOk));
        using var host = new EmrClientHost(stub);

        var response = await host.Client.StartSessionClusterAsync("w-1", "sc-2", null, Ct);

        Assert.Equal("OK-1", response.RequestId);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Theory]
    [InlineData("Throttling.User")]
    [InlineData("Throttling.Api")]
    [InlineData("SignatureNonceUsed")]
    public async Task Start_is_retried_when_the_gateway_refused_it_before_processing(string code)
    {
        var stub = new StubHttpHandler((_, i) => i == 0 ? StubHttpHandler.Error(HttpStatusCode.BadRequest, code) : StubHttpHandler.Json(ActionOk));
        using var host = new EmrClientHost(stub);

        await host.Client.StartSessionClusterAsync("w-1", "sc-2", null, Ct);

        Assert.Equal(2, stub.Requests.Count);
        Assert.NotEqual(stub.Requests[0].Header("x-acs-signature-nonce"), stub.Requests[1].Header("x-acs-signature-nonce"));
    }

    [Fact]
    public async Task ListWorkspaces_sends_the_tag_filter_as_the_sdk_does_one_json_array_parameter()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) => StubHttpHandler.Json("""
            {"requestId":"R","workspaces":[{"workspaceId":"w-1","tags":[{"tagKey":"env","tagValue":"prod"}]}]}
            """)));

        var response = await host.Client.ListWorkspacesAsync(new ListWorkspacesRequest
        {
            Tag = [new WorkspaceTagFilter("env", "prod"), new WorkspaceTagFilter("team", "bi")],
        }, Ct);

        var sent = Assert.Single(host.Handler.Requests);
        var query = System.Web.HttpUtility.ParseQueryString(sent.Uri.Query);
        Assert.Equal("""[{"key":"env","value":"prod"},{"key":"team","value":"bi"}]""", query["tag"]);
        SignatureAssert.Valid(sent);
        var tag = Assert.Single(Assert.Single(response.Workspaces!).Tags!);
        Assert.Equal(("env", "prod"), (tag.TagKey, tag.TagValue));
    }

    [Fact]
    public async Task ListReleaseVersions_sends_serviceFilter_and_leaves_it_out_when_not_set()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) => StubHttpHandler.Json("""{"requestId":"R","releaseVersions":[]}""")), o => o.RegionId = "cn-hangzhou");

        await host.Client.ListReleaseVersionsAsync(new ListReleaseVersionsRequest { ServiceFilter = "kyuubi", ReleaseVersionStatus = "ONLINE" }, Ct);
        await host.Client.ListReleaseVersionsAsync(cancellationToken: Ct);

        Assert.Equal(
            ["/api/v1/releaseVersions?releaseVersionStatus=ONLINE&serviceFilter=kyuubi&regionId=cn-hangzhou", "/api/v1/releaseVersions?regionId=cn-hangzhou"],
            host.Handler.Requests.Select(r => r.Uri.PathAndQuery));
        Assert.All(host.Handler.Requests, r => SignatureAssert.Valid(r));
    }
}
