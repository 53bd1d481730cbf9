using EmrPortal.Emr.Signing;

namespace EmrPortal.Emr.Tests.Signing;

/// <summary>Vectors A, B and C of the API reference (§3.3–3.5), reproduced bit for bit.</summary>
public sealed class Acs3SignerVectorTests
{
    private const string AccessKeyId = "YourAccessKeyId";
    private const string AccessKeySecret = "YourAccessKeySecret";

    [Fact]
    public void Vector_A_official_rpc_post_with_empty_body_matches_published_signature()
    {
        var request = new Acs3Request(
            "POST",
            "/",
            "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
            [
                new("host", "ecs.cn-shanghai.aliyuncs.com"),
                new("x-acs-action", "RunInstances"),
                new("x-acs-version", "2014-05-26"),
                new("x-acs-date", "2023-10-26T10:22:32Z"),
                new("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
                new("x-acs-content-sha256", Acs3Signer.EmptyPayloadSha256),
            ],
            Acs3Signer.EmptyPayloadSha256);

        var signature = Acs3Signer.Sign(request, AccessKeyId, AccessKeySecret);

        const string expectedCanonical =
            "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n" +
            "host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\n" +
            "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
            "x-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n" +
            "x-acs-version:2014-05-26\n\n" +
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n" +
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        Assert.Equal(expectedCanonical, signature.CanonicalRequest);
        Assert.Equal("ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259", signature.StringToSign);
        Assert.Equal("06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0", signature.Signature);
    }

    [Fact]
    public void Vector_B_roa_get_sorts_query_and_matches_reference_authorization()
    {
        var uri = new Uri("https://emr-serverless-spark.cn-hangzhou.aliyuncs.com/api/v1/workspaces/w-1234abcd/sessionClusters?maxResults=20&kind=SQL");
        var request = new Acs3Request(
            "GET",
            uri.AbsolutePath,
            uri.Query,
            [
                new("Host", uri.Authority),
                new("x-acs-action", "ListSessionClusters"),
                new("x-acs-version", "2023-08-08"),
                new("x-acs-date", "2025-01-15T08:30:00Z"),
                new("x-acs-signature-nonce", "7c9e6679f2e94b1a8f3d2c5b4a691e0d"),
                new("x-acs-content-sha256", Acs3Signer.EmptyPayloadSha256),
                new("Accept", "application/json"),
                new("User-Agent", "EmrPortal"),
            ],
            Acs3Signer.EmptyPayloadSha256);

        var signature = Acs3Signer.Sign(request, AccessKeyId, AccessKeySecret);

        Assert.StartsWith("GET\n/api/v1/workspaces/w-1234abcd/sessionClusters\nkind=SQL&maxResults=20\n", signature.CanonicalRequest, StringComparison.Ordinal);
        Assert.Equal("ACS3-HMAC-SHA256\n1813c3763f9a30bf32749ddea260abbfbb7763df7a9ae88522c425ad344e68ca", signature.StringToSign);
        Assert.Equal("72da03a0316fca3605f3b56a1abfee3af5faede84e0707eede832ef529512f3c", signature.Signature);
        Assert.Equal(
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=72da03a0316fca3605f3b56a1abfee3af5faede84e0707eede832ef529512f3c",
            signature.Authorization);
    }

    [Fact]
    public void Vector_C_roa_post_signs_content_type_and_exact_body_hash()
    {
        var body = "{\"sessionClusterId\":\"sc-abc123\",\"queueName\":\"root_queue\"}"u8.ToArray();
        var bodyHash = Acs3Signer.Sha256Hex(body);
        Assert.Equal("cdfe9c042406f32da6cd9c3752ad06661ade0f03c675c33ac3460ed623ad6f80", bodyHash);

        var request = new Acs3Request(
            "POST",
            "/api/v1/workspaces/w-1234abcd/sessionClusters/action/startSessionCluster",
            "?regionId=cn-hangzhou",
            [
                new("host", "emr-serverless-spark.cn-hangzhou.aliyuncs.com"),
                new("content-type", "application/json"),
                new("x-acs-action", "StartSessionCluster"),
                new("x-acs-version", "2023-08-08"),
                new("x-acs-date", "2025-01-15T08:31:00Z"),
                new("x-acs-signature-nonce", "b2f1e0d9c8a7465f9e3d2c1b0a998877"),
                new("x-acs-content-sha256", bodyHash),
            ],
            bodyHash);

        var signature = Acs3Signer.Sign(request, AccessKeyId, AccessKeySecret);

        Assert.Equal("content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version", signature.SignedHeaders);
        Assert.Equal("ACS3-HMAC-SHA256\naefda1f1ac1b6224a65a0ab0c610c57216d9d3e7505fd337006644f337ac978b", signature.StringToSign);
        Assert.Equal("1ceb852bff7574350088ebaac7a8d172076edc0575a4ed264e469934557b608a", signature.Signature);
    }

    [Fact]
    public void Signature_ToString_shows_neither_signature_nor_canonical_request()
    {
        var signature = Acs3Signer.Sign(
            new Acs3Request("GET", "/", null, [new("host", "h"), new("x-acs-security-token", "sts-token-value")], Acs3Signer.EmptyPayloadSha256),
            AccessKeyId,
            AccessKeySecret);

        var text = signature.ToString();

        Assert.DoesNotContain(signature.Signature, text, StringComparison.Ordinal);
        Assert.DoesNotContain("sts-token-value", text, StringComparison.Ordinal);
    }
}
