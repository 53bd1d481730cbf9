using System.Net;
using EmrPortal.Emulator.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmrPortal.Emulator.Tests;

/// <summary>
/// What Alibaba's official clients put on the wire (reference §7), built by hand with literal canonical text so
/// that the emulator, not a shared helper, has to get the canonicalization right.
/// </summary>
public sealed class WireFormTests : IClassFixture<WireFormTests.Fixture>
{
    private readonly EmulatorFactory _factory;
    private readonly HttpClient _client;

    public WireFormTests(Fixture fixture)
    {
        _factory = fixture.Factory;
        _client = fixture.Factory.CreateClient();
    }

    public sealed class Fixture : IDisposable
    {
        public EmulatorFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }

    [Fact]
    public async Task Extra_signed_acs_header_is_verified_over_the_signed_list()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces");
        TestSigner.Sign(request, "localhost", "ListWorkspaces", EmulatorFactory.DemoKey, _factory.Now,
            extraSignedHeaders: new Dictionary<string, string> { ["x-acs-credentials-provider"] = "static_ak" });

        var response = await _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Present_but_unsigned_acs_header_is_refused_as_IncompleteSignature()
    {
        var request = _factory.Get("/api/v1/workspaces", "ListWorkspaces");
        request.Headers.TryAddWithoutValidation("x-acs-credentials-provider", "static_ak");

        var response = await _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("IncompleteSignature", response.Code);
        Assert.Contains("x-acs-credentials-provider", response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_with_unescaped_sub_delims_and_plus_for_space_is_decoded_and_re_encoded()
    {
        // On the wire: ! ' ( ) * ~ left raw and '+' for a space, names out of order. Canonical: RFC 3986, sorted.
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces/w-test/sessionClusters?sessionClusterId=a+b!'()*~&queueName=dev_queue");
        TestSigner.Sign(request, "localhost", "ListSessionClusters", EmulatorFactory.DemoKey, _factory.Now,
            canonicalQuery: "queueName=dev_queue&sessionClusterId=a%20b%21%27%28%29%2A~");

        var response = await _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(0, response.Json.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Lowercase_and_needless_percent_escapes_canonicalize_to_uppercase_RFC3986()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces?name=%2a%7e%41nalytics%20x");
        TestSigner.Sign(request, "localhost", "ListWorkspaces", EmulatorFactory.DemoKey, _factory.Now, canonicalQuery: "name=%2A~Analytics%20x");

        var response = await _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Query_signed_in_wire_order_instead_of_sorted_is_a_signature_mismatch()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces/w-test/sessionClusters?maxResults=5&kind=SQL");
        TestSigner.Sign(request, "localhost", "ListSessionClusters", EmulatorFactory.DemoKey, _factory.Now, canonicalQuery: "maxResults=5&kind=SQL");

        var response = await _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("SignatureDoesNotMatch", response.Code);
        Assert.Contains("kind=SQL&maxResults=5", response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_with_port_is_signed_as_sent()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost:5180") });
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces");
        TestSigner.Sign(request, "localhost:5180", "ListWorkspaces", EmulatorFactory.DemoKey, _factory.Now);

        var ok = await client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces");
        TestSigner.Sign(wrong, "localhost:5180", "ListWorkspaces", EmulatorFactory.DemoKey, _factory.Now);
        var signature = wrong.Headers.Authorization!.Parameter!;
        wrong.Headers.Host = "localhost"; // sent without the port it signed
        var mismatch = await client.SendAcsAsync(wrong, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.NotEmpty(signature);
        Assert.Equal("SignatureDoesNotMatch", mismatch.Code);
        Assert.Contains("host:localhost\n", mismatch.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Percent_encoded_slash_in_a_path_segment_is_canonicalized_from_the_raw_target()
    {
        const string rawPath = "/api/v1/workspaces/w-test/sessionClusters/sc-a%2Fb";
        var request = new HttpRequestMessage(HttpMethod.Get, rawPath);
        TestSigner.Sign(request, "localhost", "GetSessionCluster", EmulatorFactory.DemoKey, _factory.Now, canonicalPath: rawPath);

        var response = await _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("SessionClusterNotFound", response.Code);
        Assert.Contains("sc-a/b", response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_the_decoded_path_instead_of_the_raw_one_is_a_signature_mismatch()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces/w-test/sessionClusters/sc-a%2Fb");
        TestSigner.Sign(request, "localhost", "GetSessionCluster", EmulatorFactory.DemoKey, _factory.Now,
            canonicalPath: "/api/v1/workspaces/w-test/sessionClusters/sc-a/b");

        var response = await _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("SignatureDoesNotMatch", response.Code);
        Assert.Contains("\n/api/v1/workspaces/w-test/sessionClusters/sc-a%2Fb\n", response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_body_with_charset_content_type_and_uuid_nonce_is_accepted()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workspaces/w-test/sessionClusters/action/stopSessionCluster")
        {
            Content = new StringContent("{\"sessionClusterId\":\"sc-missing\",\"queueName\":\"root_queue\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        TestSigner.Sign(request, "localhost", "StopSessionCluster", EmulatorFactory.DemoKey, _factory.Now, nonce: Guid.NewGuid().ToString());

        var response = await _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("SessionClusterNotFound", response.Code);
    }
}
