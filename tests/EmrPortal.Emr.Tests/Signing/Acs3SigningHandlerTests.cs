using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using EmrPortal.Emr.Signing;
using EmrPortal.Emr.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Emr.Tests.Signing;

public sealed partial class Acs3SigningHandlerTests
{
    [Fact]
    public async Task Handler_reproduces_vector_B_on_the_wire()
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Json("{}"));
        using var client = Client(
            stub,
            new EmrClientOptions { Endpoint = "emr-serverless-spark.cn-hangzhou.aliyuncs.com", AccessKeyId = "YourAccessKeyId", AccessKeySecret = "YourAccessKeySecret" },
            new FakeTimeProvider(DateTimeOffset.Parse("2025-01-15T08:30:00Z", System.Globalization.CultureInfo.InvariantCulture)),
            "7c9e6679f2e94b1a8f3d2c5b4a691e0d");
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://emr-serverless-spark.cn-hangzhou.aliyuncs.com/api/v1/workspaces/w-1234abcd/sessionClusters?maxResults=20&kind=SQL");
        request.Options.Set(Acs3SigningHandler.ActionOption, "ListSessionClusters");
        request.Headers.UserAgent.ParseAdd("EmrPortal/1.0");

        using var _ = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var sent = Assert.Single(stub.Requests);
        Assert.Equal(
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=72da03a0316fca3605f3b56a1abfee3af5faede84e0707eede832ef529512f3c",
            sent.Header("Authorization"));
        Assert.Equal("emr-serverless-spark.cn-hangzhou.aliyuncs.com", sent.Header("Host"));
        Assert.Equal(Acs3Signer.EmptyPayloadSha256, sent.Header("x-acs-content-sha256"));
        Assert.Null(sent.Header("content-type"));
    }

    [Fact]
    public async Task Handler_reproduces_vector_C_signing_content_type_verbatim_and_exact_body()
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Json("{}"));
        using var client = Client(
            stub,
            new EmrClientOptions { Endpoint = "emr-serverless-spark.cn-hangzhou.aliyuncs.com", AccessKeyId = "YourAccessKeyId", AccessKeySecret = "YourAccessKeySecret" },
            new FakeTimeProvider(DateTimeOffset.Parse("2025-01-15T08:31:00Z", System.Globalization.CultureInfo.InvariantCulture)),
            "b2f1e0d9c8a7465f9e3d2c1b0a998877");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://emr-serverless-spark.cn-hangzhou.aliyuncs.com/api/v1/workspaces/w-1234abcd/sessionClusters/action/startSessionCluster?regionId=cn-hangzhou")
        {
            Content = new ByteArrayContent("{\"sessionClusterId\":\"sc-abc123\",\"queueName\":\"root_queue\"}"u8.ToArray()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Options.Set(Acs3SigningHandler.ActionOption, "StartSessionCluster");

        using var _ = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var sent = Assert.Single(stub.Requests);
        Assert.EndsWith("Signature=1ceb852bff7574350088ebaac7a8d172076edc0575a4ed264e469934557b608a", sent.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal("cdfe9c042406f32da6cd9c3752ad06661ade0f03c675c33ac3460ed623ad6f80", sent.Header("x-acs-content-sha256"));
    }

    [Fact]
    public async Task Handler_signs_host_with_non_default_port_and_sends_32_hex_nonce_and_second_precision_date()
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Json("{}"));
        using var client = Client(stub, Options("http://localhost:5180"), new FakeTimeProvider(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero)));

        using var _ = await client.SendAsync(Request("http://localhost:5180/api/v1/workspaces"), TestContext.Current.CancellationToken);

        var sent = Assert.Single(stub.Requests);
        Assert.Equal("localhost:5180", sent.Header("Host"));
        Assert.Equal("2025-03-04T05:06:07Z", sent.Header("x-acs-date"));
        Assert.Matches(Hex32(), sent.Header("x-acs-signature-nonce")!);
        Assert.Equal("2023-08-08", sent.Header("x-acs-version"));
        Assert.Equal("ListWorkspaces", sent.Header("x-acs-action"));
        SignatureAssert.Valid(sent);
    }

    [Fact]
    public async Task Sts_credentials_add_signed_security_token_and_access_key_id_headers()
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Json("{}"));
        var options = Options("http://localhost:5180");
        options.SecurityToken = "CAIS-sts-token";
        using var client = Client(stub, options, TimeProvider.System);

        using var _ = await client.SendAsync(Request("http://localhost:5180/api/v1/workspaces"), TestContext.Current.CancellationToken);

        var sent = Assert.Single(stub.Requests);
        Assert.Equal("CAIS-sts-token", sent.Header("x-acs-security-token"));
        Assert.Equal(EmrClientHost.AccessKeyId, sent.Header("x-acs-accesskey-id"));
        Assert.Contains("SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,", sent.Header("Authorization"), StringComparison.Ordinal);
        SignatureAssert.Valid(sent);
    }

    [Fact]
    public async Task Requests_to_another_host_are_refused_before_anything_is_sent()
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Json("{}"));
        using var client = Client(stub, Options("http://localhost:5180"), TimeProvider.System);

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Request("http://evil.example:5180/api/v1/workspaces"), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Request("https://localhost:5180/api/v1/workspaces"), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Request("http://localhost:5181/api/v1/workspaces"), TestContext.Current.CancellationToken));

        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Rotated_credentials_apply_to_the_next_request_without_restart()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emr:Endpoint"] = EmrClientHost.Endpoint,
            ["Emr:AccessKeyId"] = "STS.first",
            ["Emr:AccessKeySecret"] = "first-secret",
            ["Emr:SecurityToken"] = "first-token",
        }).Build();
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Json("""{"requestId":"r","workspaces":[]}"""));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEmrServerlessSparkClient(config).ConfigurePrimaryHttpMessageHandler(() => stub);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IEmrServerlessSparkClient>();

        await client.ListWorkspacesAsync(cancellationToken: TestContext.Current.CancellationToken);
        config["Emr:AccessKeyId"] = "STS.second";
        config["Emr:AccessKeySecret"] = "second-secret";
        config["Emr:SecurityToken"] = "second-token";
        ((IConfigurationRoot)config).Reload();
        await client.ListWorkspacesAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, stub.Requests.Count);
        SignatureAssert.Valid(stub.Requests[0], "STS.first", "first-secret");
        Assert.Equal("first-token", stub.Requests[0].Header("x-acs-security-token"));
        SignatureAssert.Valid(stub.Requests[1], "STS.second", "second-secret");
        Assert.Equal("second-token", stub.Requests[1].Header("x-acs-security-token"));
    }

    private static EmrClientOptions Options(string endpoint) =>
        new() { Endpoint = endpoint, AccessKeyId = EmrClientHost.AccessKeyId, AccessKeySecret = EmrClientHost.AccessKeySecret };

    private static HttpRequestMessage Request(string uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Options.Set(Acs3SigningHandler.ActionOption, "ListWorkspaces");
        return request;
    }

    private static HttpClient Client(StubHttpHandler stub, EmrClientOptions options, TimeProvider time, string? nonce = null)
    {
        var monitor = new StaticOptionsMonitor(options);
        var handler = nonce is null
            ? new Acs3SigningHandler(monitor, time)
            : new Acs3SigningHandler(monitor, time, () => nonce);
        handler.InnerHandler = stub;
        return new HttpClient(handler);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex Hex32();

    private sealed class StaticOptionsMonitor(EmrClientOptions value) : IOptionsMonitor<EmrClientOptions>
    {
        public EmrClientOptions CurrentValue => value;

        public EmrClientOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<EmrClientOptions, string?> listener) => null;
    }
}
