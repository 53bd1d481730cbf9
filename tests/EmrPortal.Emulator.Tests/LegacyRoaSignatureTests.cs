using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using EmrPortal.Emulator.Tests.Infrastructure;

namespace EmrPortal.Emulator.Tests;

/// <summary>
/// The aliyun CLI (and the classic Go SDK) call ROA products with the older <c>acs AK:signature</c> HMAC-SHA1
/// scheme and no x-acs-action. Requests here are built by hand the way that SDK builds them.
/// </summary>
public sealed class LegacyRoaSignatureTests : IClassFixture<LegacyRoaSignatureTests.Fixture>
{
    private const string EmptyMd5 = "1B2M2Y8AsgTpgAmY7PhCfg==";
    private readonly EmulatorFactory _factory;
    private readonly HttpClient _client;

    public LegacyRoaSignatureTests(Fixture fixture)
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
    public async Task Cli_style_signed_list_is_accepted()
    {
        var response = await _client.SendAcsAsync(Legacy("/api/v1/workspaces/w-test/sessionClusters?maxResults=5", "/api/v1/workspaces/w-test/sessionClusters?maxResults=5", EmulatorFactory.DemoKey.Secret),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(5, response.Json.GetProperty("sessionClusters").GetArrayLength());
    }

    [Fact]
    public async Task Cli_style_request_without_query_signs_a_trailing_question_mark()
    {
        var response = await _client.SendAcsAsync(Legacy("/api/v1/workspaces", "/api/v1/workspaces?", EmulatorFactory.DemoKey.Secret),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Cli_style_request_with_wrong_secret_is_SignatureDoesNotMatch()
    {
        var response = await _client.SendAcsAsync(Legacy("/api/v1/workspaces", "/api/v1/workspaces?", "not-the-secret"),
            TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.BadRequest, "SignatureDoesNotMatch"), (response.Status, response.Code));
        Assert.Contains("x-acs-signature-method:HMAC-SHA1\n", response.ErrorMessage, StringComparison.Ordinal);
    }

    private HttpRequestMessage Legacy(string pathAndQuery, string signedResource, string secret)
    {
        var date = _factory.Now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery) { Content = new ByteArrayContent([]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        request.Content.Headers.TryAddWithoutValidation("Content-MD5", EmptyMd5);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("Date", date);
        request.Headers.TryAddWithoutValidation("x-acs-version", "2023-08-08");
        request.Headers.TryAddWithoutValidation("x-acs-signature-nonce", nonce);
        request.Headers.TryAddWithoutValidation("x-acs-signature-method", "HMAC-SHA1");
        request.Headers.TryAddWithoutValidation("x-acs-signature-version", "1.0");
        var stringToSign = "GET\napplication/json\n" + EmptyMd5 + "\napplication/octet-stream\n" + date + "\n"
            + "x-acs-signature-method:HMAC-SHA1\nx-acs-signature-nonce:" + nonce + "\nx-acs-signature-version:1.0\nx-acs-version:2023-08-08\n"
            + signedResource;
#pragma warning disable CA5350 // The protocol under test is HMAC-SHA1.
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign)));
#pragma warning restore CA5350
        request.Headers.TryAddWithoutValidation("Authorization", $"acs {EmulatorFactory.DemoKey.AccessKeyId}:{signature}");
        return request;
    }
}
