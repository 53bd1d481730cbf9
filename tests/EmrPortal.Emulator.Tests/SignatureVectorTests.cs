using System.Net;
using System.Text;
using EmrPortal.Emulator.Signing;
using EmrPortal.Emulator.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Emulator.Tests;

/// <summary>The reference's fixed vectors (§3.3–3.5), checked by the emulator's own verifier, not by any signer.</summary>
public sealed class SignatureVectorTests
{
    private const string EmptyHash = TestSigner.EmptySha256;

    [Fact]
    public void Vector_A_official_RPC_request_canonicalizes_and_signs_to_the_published_values()
    {
        var request = Received("POST", "/", "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai", new()
        {
            ["host"] = "ecs.cn-shanghai.aliyuncs.com",
            ["x-acs-action"] = "RunInstances",
            ["x-acs-content-sha256"] = EmptyHash,
            ["x-acs-date"] = "2023-10-26T10:22:32Z",
            ["x-acs-signature-nonce"] = "3156853299f313e23d1673dc12e1703d",
            ["x-acs-version"] = "2014-05-26",
        });
        var signedHeaders = new[] { "host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version" };

        var canonical = Acs3Signature.CanonicalRequest(request, signedHeaders);
        var stringToSign = Acs3Signature.StringToSign(canonical);

        Assert.Equal(
            "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
            + "host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:" + EmptyHash + "\n"
            + "x-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n\n"
            + "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n" + EmptyHash,
            canonical);
        Assert.Equal("ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259", stringToSign);
        Assert.Equal("06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
            Convert.ToHexStringLower(Acs3Signature.Sign("YourAccessKeySecret", stringToSign)));
    }

    [Fact]
    public void Vector_B_sorts_the_query_and_matches_the_published_signature()
    {
        var request = Received("GET", "/api/v1/workspaces/w-1234abcd/sessionClusters", "maxResults=20&kind=SQL", new()
        {
            ["host"] = "emr-serverless-spark.cn-hangzhou.aliyuncs.com",
            ["x-acs-action"] = "ListSessionClusters",
            ["x-acs-content-sha256"] = EmptyHash,
            ["x-acs-date"] = "2025-01-15T08:30:00Z",
            ["x-acs-signature-nonce"] = "7c9e6679f2e94b1a8f3d2c5b4a691e0d",
            ["x-acs-version"] = "2023-08-08",
        });
        Assert.True(Acs3Signature.TryParseAuthorization(VectorBAuthorization, out var authorization, out _));

        var stringToSign = Acs3Signature.StringToSign(Acs3Signature.CanonicalRequest(request, authorization!.SignedHeaders));

        Assert.Equal("kind=SQL&maxResults=20", Acs3Signature.CanonicalQuery(request));
        Assert.Equal("ACS3-HMAC-SHA256\n1813c3763f9a30bf32749ddea260abbfbb7763df7a9ae88522c425ad344e68ca", stringToSign);
        Assert.Equal(authorization.Signature, Acs3Signature.Sign("YourAccessKeySecret", stringToSign));
    }

    [Fact]
    public void Vector_C_signs_content_type_and_the_body_hash()
    {
        var request = Received("POST", "/api/v1/workspaces/w-1234abcd/sessionClusters/action/startSessionCluster", "regionId=cn-hangzhou", new()
        {
            ["content-type"] = "application/json",
            ["host"] = "emr-serverless-spark.cn-hangzhou.aliyuncs.com",
            ["x-acs-action"] = "StartSessionCluster",
            ["x-acs-content-sha256"] = "cdfe9c042406f32da6cd9c3752ad06661ade0f03c675c33ac3460ed623ad6f80",
            ["x-acs-date"] = "2025-01-15T08:31:00Z",
            ["x-acs-signature-nonce"] = "b2f1e0d9c8a7465f9e3d2c1b0a998877",
            ["x-acs-version"] = "2023-08-08",
        });
        var signedHeaders = "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version".Split(';');

        var stringToSign = Acs3Signature.StringToSign(Acs3Signature.CanonicalRequest(request, signedHeaders));

        Assert.Equal("ACS3-HMAC-SHA256\naefda1f1ac1b6224a65a0ab0c610c57216d9d3e7505fd337006644f337ac978b", stringToSign);
        Assert.Equal("1ceb852bff7574350088ebaac7a8d172076edc0575a4ed264e469934557b608a",
            Convert.ToHexStringLower(Acs3Signature.Sign("YourAccessKeySecret", stringToSign)));
    }

    [Fact]
    public async Task Vector_B_request_sent_verbatim_is_accepted_by_the_running_emulator()
    {
        using var factory = VectorFactory(new DateTimeOffset(2025, 1, 15, 8, 30, 0, TimeSpan.Zero));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://emr-serverless-spark.cn-hangzhou.aliyuncs.com") });
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces/w-1234abcd/sessionClusters?maxResults=20&kind=SQL");
        request.Headers.TryAddWithoutValidation("x-acs-action", "ListSessionClusters");
        request.Headers.TryAddWithoutValidation("x-acs-version", "2023-08-08");
        request.Headers.TryAddWithoutValidation("x-acs-date", "2025-01-15T08:30:00Z");
        request.Headers.TryAddWithoutValidation("x-acs-signature-nonce", "7c9e6679f2e94b1a8f3d2c5b4a691e0d");
        request.Headers.TryAddWithoutValidation("x-acs-content-sha256", EmptyHash);
        request.Headers.TryAddWithoutValidation("Authorization", VectorBAuthorization);

        var response = await client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(20, response.Json.GetProperty("maxResults").GetInt32());
        Assert.All(response.Json.GetProperty("sessionClusters").EnumerateArray(), s => Assert.Equal("SQL", s.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Vector_C_request_sent_verbatim_passes_authentication_and_reaches_the_operation()
    {
        using var factory = VectorFactory(new DateTimeOffset(2025, 1, 15, 8, 31, 0, TimeSpan.Zero));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://emr-serverless-spark.cn-hangzhou.aliyuncs.com") });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workspaces/w-1234abcd/sessionClusters/action/startSessionCluster?regionId=cn-hangzhou")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"sessionClusterId\":\"sc-abc123\",\"queueName\":\"root_queue\"}")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TryAddWithoutValidation("x-acs-action", "StartSessionCluster");
        request.Headers.TryAddWithoutValidation("x-acs-version", "2023-08-08");
        request.Headers.TryAddWithoutValidation("x-acs-date", "2025-01-15T08:31:00Z");
        request.Headers.TryAddWithoutValidation("x-acs-signature-nonce", "b2f1e0d9c8a7465f9e3d2c1b0a998877");
        request.Headers.TryAddWithoutValidation("x-acs-content-sha256", "cdfe9c042406f32da6cd9c3752ad06661ade0f03c675c33ac3460ed623ad6f80");
        request.Headers.TryAddWithoutValidation("Authorization",
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=1ceb852bff7574350088ebaac7a8d172076edc0575a4ed264e469934557b608a");

        var response = await client.SendAcsAsync(request, TestContext.Current.CancellationToken);

        // sc-abc123 is not seeded: the operation itself answers, which it only does after the signature verified.
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("SessionClusterNotFound", response.Code);
    }

    private const string VectorBAuthorization =
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=72da03a0316fca3605f3b56a1abfee3af5faede84e0707eede832ef529512f3c";

    private static EmulatorFactory VectorFactory(DateTimeOffset now) => new(
        new Dictionary<string, string?>
        {
            ["Emulator:Seed:Workspaces:0:Id"] = "w-1234abcd",
            ["Emulator:Seed:Workspaces:0:Name"] = "Vectors",
            ["Emulator:Seed:Workspaces:0:Sessions"] = "60",
        },
        new FakeTimeProvider(now));

    private static ReceivedRequest Received(string method, string path, string query, Dictionary<string, string> headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        return new ReceivedRequest(method, path, query, dictionary, []);
    }
}
