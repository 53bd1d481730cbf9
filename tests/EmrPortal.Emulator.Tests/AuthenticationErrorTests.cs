using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EmrPortal.Emulator.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Emulator.Tests;

/// <summary>Every way a request can fail authentication, with the cloud's status and code.</summary>
public sealed class AuthenticationErrorTests : IClassFixture<AuthenticationErrorTests.Fixture>
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly EmulatorFactory _factory;
    private readonly HttpClient _client;

    public AuthenticationErrorTests(Fixture fixture)
    {
        _factory = fixture.Factory;
        _client = fixture.Factory.CreateClient();
    }

    public sealed class Fixture : IDisposable
    {
        public EmulatorFactory Factory { get; } = new(clock: new FakeTimeProvider(Start));

        public void Dispose() => Factory.Dispose();
    }

    private Task<AcsResponse> SendAsync(HttpRequestMessage request) => _client.SendAcsAsync(request, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Missing_Authorization_is_IncompleteSignature()
    {
        var request = _factory.Get("/api/v1/workspaces", "ListWorkspaces");
        request.Headers.Authorization = null;

        var response = await SendAsync(request);

        Assert.Equal((HttpStatusCode.BadRequest, "IncompleteSignature"), (response.Status, response.Code));
    }

    [Theory]
    [InlineData("ACS3-HMAC-SHA256 Credential=LTAI5tEmrPortalDemoKey")]
    [InlineData("ACS3-HMAC-SHA256 Credential=LTAI5tEmrPortalDemoKey,SignedHeaders=host,Signature=zz")]
    [InlineData("ACS3-HMAC-SHA256 garbage")]
    [InlineData("Bearer abc.def")]
    [InlineData("acs LTAI5tEmrPortalDemoKey")]
    public async Task Malformed_Authorization_is_IncompleteSignature(string authorization)
    {
        var request = _factory.Get("/api/v1/workspaces", "ListWorkspaces");
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await SendAsync(request);

        Assert.Equal((HttpStatusCode.BadRequest, "IncompleteSignature"), (response.Status, response.Code));
    }

    [Fact]
    public async Task Unknown_AccessKeyId_is_404_InvalidAccessKeyId_NotFound()
    {
        var response = await SendAsync(_factory.Get("/api/v1/workspaces", "ListWorkspaces", new SigningKey("LTAI5tNobody", "x")));

        Assert.Equal((HttpStatusCode.NotFound, "InvalidAccessKeyId.NotFound"), (response.Status, response.Code));
    }

    [Fact]
    public async Task Wrong_secret_is_SignatureDoesNotMatch_with_the_servers_string_to_sign_and_canonical_request()
    {
        var key = EmulatorFactory.DemoKey with { Secret = "wrong-secret" };

        var response = await SendAsync(_factory.Get("/api/v1/workspaces/w-test/sessionClusters?maxResults=5", "ListSessionClusters", key));

        Assert.Equal((HttpStatusCode.BadRequest, "SignatureDoesNotMatch"), (response.Status, response.Code));
        Assert.Contains("ACS3-HMAC-SHA256\n", response.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("GET\n/api/v1/workspaces/w-test/sessionClusters\nmaxResults=5\nhost:localhost\n", response.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(EmulatorFactory.DemoKey.Secret, response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signature_mismatch_hint_masks_the_security_token()
    {
        var key = EmulatorFactory.StsKey with { Secret = "wrong" };

        var response = await SendAsync(_factory.Get("/api/v1/workspaces", "ListWorkspaces", key));

        Assert.Equal("SignatureDoesNotMatch", response.Code);
        Assert.DoesNotContain(EmulatorFactory.StsKey.SecurityToken!, response.Json.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("x-acs-security-token:***", response.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-acs-date")]
    [InlineData("x-acs-signature-nonce")]
    [InlineData("x-acs-content-sha256")]
    public async Task Missing_required_header_is_MissingParameter(string header)
    {
        var request = _factory.Get("/api/v1/workspaces", "ListWorkspaces");
        request.Headers.Remove(header);

        var response = await SendAsync(request);

        Assert.Equal((HttpStatusCode.BadRequest, "MissingParameter"), (response.Status, response.Code));
        Assert.Contains(header, response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_version_or_action_header_is_MissingParameter()
    {
        var noVersion = _factory.Get("/api/v1/workspaces", "ListWorkspaces");
        noVersion.Headers.Remove("x-acs-version");
        var noAction = _factory.Get("/api/v1/workspaces", "ListWorkspaces");
        noAction.Headers.Remove("x-acs-action");

        var versionResponse = await SendAsync(noVersion);
        var actionResponse = await SendAsync(noAction);

        Assert.Equal("MissingParameter", versionResponse.Code);
        Assert.Equal("MissingParameter", actionResponse.Code);
    }

    [Fact]
    public async Task Required_header_left_out_of_SignedHeaders_is_IncompleteSignature()
    {
        var request = _factory.Get("/api/v1/workspaces", "ListWorkspaces");
        var parameter = request.Headers.Authorization!.Parameter!.Replace("x-acs-date;", "", StringComparison.Ordinal);
        request.Headers.Authorization = new AuthenticationHeaderValue("ACS3-HMAC-SHA256", parameter);

        var response = await SendAsync(request);

        Assert.Equal("IncompleteSignature", response.Code);
        Assert.Contains("x-acs-date", response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_header_that_does_not_match_the_path_is_InvalidParameter()
    {
        var response = await SendAsync(_factory.Get("/api/v1/workspaces", "ListSessionClusters"));

        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameter"), (response.Status, response.Code));
    }

    [Fact]
    public async Task Unsupported_version_is_InvalidParameter()
    {
        var request = _factory.Get("/api/v1/workspaces", "ListWorkspaces");
        request.Headers.Remove("x-acs-version");
        request.Headers.TryAddWithoutValidation("x-acs-version", "2020-01-01");

        var response = await SendAsync(request);

        Assert.Equal("InvalidParameter", response.Code);
    }

    [Theory]
    [InlineData(-16, "InvalidTimeStamp.Expired")]
    [InlineData(16, "InvalidTimeStamp.Expired")]
    [InlineData(-14, null)]
    [InlineData(14, null)]
    public async Task Date_more_than_15_minutes_off_is_InvalidTimeStamp_Expired(int minutes, string? expectedCode)
    {
        var response = await SendAsync(TestSigner.Get("/api/v1/workspaces", "ListWorkspaces", EmulatorFactory.DemoKey, _factory.Now.AddMinutes(minutes)));

        Assert.Equal(expectedCode, response.Code);
        Assert.Equal(expectedCode is null ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.Status);
    }

    [Theory]
    [InlineData("2025-03-01 12:00:00")]
    [InlineData("Sat, 01 Mar 2025 12:00:00 GMT")]
    [InlineData("2025-03-01T12:00:00.123Z")]
    [InlineData("yesterday")]
    public async Task Unparsable_date_is_InvalidTimeStamp_Format(string date)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces");
        request.Headers.TryAddWithoutValidation("x-acs-date", date);
        TestSigner.Sign(request, "localhost", "ListWorkspaces", EmulatorFactory.DemoKey, _factory.Now);
        request.Headers.Remove("x-acs-date");
        request.Headers.TryAddWithoutValidation("x-acs-date", date);

        var response = await SendAsync(request);

        Assert.Equal((HttpStatusCode.BadRequest, "InvalidTimeStamp.Format"), (response.Status, response.Code));
    }

    [Fact]
    public async Task Replayed_nonce_is_SignatureNonceUsed()
    {
        var nonce = TestSigner.NewNonce();
        HttpRequestMessage Signed()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces");
            TestSigner.Sign(request, "localhost", "ListWorkspaces", EmulatorFactory.DemoKey, _factory.Now, nonce);
            return request;
        }

        var first = await SendAsync(Signed());
        var replay = await SendAsync(Signed());

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal((HttpStatusCode.BadRequest, "SignatureNonceUsed"), (replay.Status, replay.Code));
    }

    [Fact]
    public async Task Forged_request_does_not_burn_the_nonce_of_a_later_genuine_one()
    {
        var nonce = TestSigner.NewNonce();
        var forged = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces");
        TestSigner.Sign(forged, "localhost", "ListWorkspaces", EmulatorFactory.DemoKey with { Secret = "forger" }, _factory.Now, nonce);
        var genuine = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workspaces");
        TestSigner.Sign(genuine, "localhost", "ListWorkspaces", EmulatorFactory.DemoKey, _factory.Now, nonce);

        var forgedResponse = await SendAsync(forged);
        var genuineResponse = await SendAsync(genuine);

        Assert.Equal("SignatureDoesNotMatch", forgedResponse.Code);
        Assert.Equal(HttpStatusCode.OK, genuineResponse.Status);
    }

    [Fact]
    public async Task Body_that_does_not_match_the_signed_content_hash_is_refused()
    {
        var request = _factory.Post("/api/v1/workspaces/w-test/sessionClusters/action/startSessionCluster", "StartSessionCluster",
            "{\"sessionClusterId\":\"sc-1\"}");
        var swapped = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"sessionClusterId\":\"sc-2\"}"));
        swapped.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        request.Content = swapped;

        var response = await SendAsync(request);

        Assert.Equal((HttpStatusCode.BadRequest, "SignatureDoesNotMatch"), (response.Status, response.Code));
        Assert.Contains("x-acs-content-sha256", response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsigned_content_type_is_IncompleteSignature()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workspaces/w-test/sessionClusters/action/startSessionCluster")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"sessionClusterId\":\"sc-1\"}")),
        };
        TestSigner.Sign(request, "localhost", "StartSessionCluster", EmulatorFactory.DemoKey, _factory.Now);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        var response = await SendAsync(request);

        Assert.Equal("IncompleteSignature", response.Code);
        Assert.Contains("content-type", response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sts_key_accepts_its_token()
    {
        var response = await SendAsync(_factory.Get("/api/v1/workspaces", "ListWorkspaces", EmulatorFactory.StsKey));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Sts_key_without_token_is_MissingSecurityToken()
    {
        var response = await SendAsync(_factory.Get("/api/v1/workspaces", "ListWorkspaces", EmulatorFactory.StsKey with { SecurityToken = null }));

        Assert.Equal("MissingSecurityToken", response.Code);
    }

    [Fact]
    public async Task Sts_key_with_another_token_is_MismatchWithAccessKey()
    {
        var response = await SendAsync(_factory.Get("/api/v1/workspaces", "ListWorkspaces", EmulatorFactory.StsKey with { SecurityToken = "someone-elses" }));

        Assert.Equal("InvalidSecurityToken.MismatchWithAccessKey", response.Code);
    }

    [Fact]
    public async Task Permanent_key_sending_a_token_is_MismatchWithAccessKey()
    {
        var response = await SendAsync(_factory.Get("/api/v1/workspaces", "ListWorkspaces", EmulatorFactory.DemoKey with { SecurityToken = "stray" }));

        Assert.Equal("InvalidSecurityToken.MismatchWithAccessKey", response.Code);
    }

    [Fact]
    public async Task Expired_sts_token_is_InvalidSecurityToken_Expired()
    {
        var response = await SendAsync(_factory.Get("/api/v1/workspaces", "ListWorkspaces", EmulatorFactory.ExpiredStsKey));

        Assert.Equal("InvalidSecurityToken.Expired", response.Code);
    }

    [Fact]
    public async Task Disabled_key_is_403_InvalidAccessKeyId_Inactive()
    {
        var response = await SendAsync(_factory.Get("/api/v1/workspaces", "ListWorkspaces", EmulatorFactory.DisabledKey));

        Assert.Equal((HttpStatusCode.Forbidden, "InvalidAccessKeyId.Inactive"), (response.Status, response.Code));
    }
}
