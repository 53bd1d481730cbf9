using System.Diagnostics;
using System.Net;
using EmrPortal.Emr.Diagnostics;
using EmrPortal.Emr.Tests.Infrastructure;

namespace EmrPortal.Emr.Tests.Http;

public sealed class SecretHygieneTests
{
    private const string Token = "CAIS-sts-security-token-value-123";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signature_mismatch_echoing_the_canonical_request_leaks_no_secret_into_exception_or_logs()
    {
        string? sentSignature = null;
        var stub = new StubHttpHandler((request, _) =>
        {
            var authorization = request.Header("Authorization")!;
            sentSignature = authorization[(authorization.LastIndexOf('=') + 1)..];
            // Real gateways echo their canonical request (which holds the security token); a careless one might echo more.
            var message = $"The request signature does not conform to Aliyun standards. server string to sign is:GET\\n/api/v1/workspaces\\n\\n" +
                          $"host:localhost:5180\\nx-acs-security-token:{Token}\\n\\nAuthorization: {authorization}\\nsecret was {EmrClientHost.AccessKeySecret}";
            return StubHttpHandler.Json($$"""{"RequestId":"R-9","Code":"SignatureDoesNotMatch","Message":"{{message}}"}""", HttpStatusCode.BadRequest);
        });
        using var host = new EmrClientHost(stub, o => o.SecurityToken = Token);

        var error = await Assert.ThrowsAsync<EmrApiException>(() => host.Client.ListWorkspacesAsync(cancellationToken: Ct));

        Assert.NotNull(sentSignature);
        Assert.True(error.IsAuthError);
        Assert.Single(stub.Requests);
        var texts = new List<string> { error.ToString(), error.Message, error.ErrorMessage ?? "" };
        texts.AddRange(host.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Message.Contains("SignatureDoesNotMatch", StringComparison.Ordinal) && r.Message.Contains("R-9", StringComparison.Ordinal));
        foreach (var text in texts)
        {
            Assert.DoesNotContain(EmrClientHost.AccessKeySecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(sentSignature, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Retry_logs_name_action_and_code_but_no_credentials()
    {
        var stub = new StubHttpHandler((_, i) => i == 0
            ? StubHttpHandler.Error(HttpStatusCode.BadRequest, "Throttling.Api")
            : StubHttpHandler.Json("""{"requestId":"R","workspaces":[]}"""));
        using var host = new EmrClientHost(stub, o => o.SecurityToken = Token);

        await host.Client.ListWorkspacesAsync(cancellationToken: Ct);

        var logs = host.Logs.GetSnapshot();
        Assert.Contains(logs, r => r.Message.Contains("ListWorkspaces attempt 1 failed (HTTP 400 Throttling.Api)", StringComparison.Ordinal));
        Assert.All(logs, r =>
        {
            Assert.DoesNotContain(EmrClientHost.AccessKeySecret, r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Signature=", r.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Options_to_string_shows_no_credentials()
    {
        var options = new EmrClientOptions { Endpoint = EmrClientHost.Endpoint, AccessKeyId = EmrClientHost.AccessKeyId, AccessKeySecret = EmrClientHost.AccessKeySecret, SecurityToken = Token };

        var text = options.ToString();

        Assert.DoesNotContain(EmrClientHost.AccessKeySecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.Contains(EmrClientHost.Endpoint, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_call_is_one_span_tagged_with_action_workspace_and_request_id_only()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EmrTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var host = new EmrClientHost(
            new StubHttpHandler((_, _) => StubHttpHandler.Json("""{"requestId":"REQ-7","sessionCluster":{"workspaceId":"w-span","sessionClusterId":"sc-1","connectionToken":"ct-secret"}}""")),
            o => o.SecurityToken = Token);

        await host.Client.GetSessionClusterAsync("w-span", "sc-1", Ct);

        Activity span;
        lock (stopped)
        {
            span = Assert.Single(stopped, a => (string?)a.GetTagItem("emr.workspace_id") == "w-span");
        }

        Assert.Equal("EMR GetSessionCluster", span.DisplayName);
        Assert.Equal("GetSessionCluster", span.GetTagItem("emr.action"));
        Assert.Equal("REQ-7", span.GetTagItem("emr.request_id"));
        Assert.All(span.TagObjects, tag =>
        {
            var value = tag.Value?.ToString() ?? "";
            Assert.DoesNotContain(EmrClientHost.AccessKeySecret, value, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, value, StringComparison.Ordinal);
            Assert.DoesNotContain("ct-secret", value, StringComparison.Ordinal);
        });
    }
}
