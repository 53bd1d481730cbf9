using System.Net;
using System.Text;
using System.Text.Json;
using EmrPortal.Emulator.Tests.Infrastructure;

namespace EmrPortal.Emulator.Tests;

/// <summary>
/// Malformed signed and unsigned requests against the emulator's cloud API, one table. Every answer is the cloud's
/// JSON error body (<c>RequestId</c>, <c>Code</c>, <c>Message</c>; the request id also in <c>x-acs-request-id</c>) with
/// the expected status and code, never a 500, never a stack trace, and no raw control character from the input.
/// The emulator mirrors the cloud, which names the offending id in some messages (JSON-escaped); the proxy never
/// forwards an upstream message to its callers.
/// </summary>
public sealed class HostileRequestTests(HostileRequestTests.Fixture fixture) : IClassFixture<HostileRequestTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public EmulatorFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }

    private const string Sessions = "/api/v1/workspaces/w-test/sessionClusters";
    private const string Start = "/api/v1/workspaces/w-test/sessionClusters/action/startSessionCluster";

    /// <summary>name → (requests to send, the last one judged; expected status; expected error code).</summary>
    private static readonly Dictionary<string, (Func<EmulatorFactory, HttpRequestMessage[]> Build, int Status, string Code)> Cases = new(StringComparer.Ordinal)
    {
        // Unsigned.
        ["unsigned-list-workspaces"] = (_ => [Plain(HttpMethod.Get, "/api/v1/workspaces")], 400, "MissingParameter"),
        ["unsigned-list-sessions"] = (_ => [Plain(HttpMethod.Get, Sessions)], 400, "MissingParameter"),
        ["unsigned-get-session"] = (_ => [Plain(HttpMethod.Get, Sessions + "/sc-1")], 400, "MissingParameter"),
        ["unsigned-start"] = (_ => [Plain(HttpMethod.Post, Start, "{\"sessionClusterId\":\"sc-1\"}")], 400, "MissingParameter"),
        ["unsigned-release-versions"] = (_ => [Plain(HttpMethod.Get, "/api/v1/releaseVersions")], 400, "MissingParameter"),
        ["unsigned-hostile-path"] = (_ => [Plain(HttpMethod.Get, "/api/v1/workspaces/%3Cscript%3E/sessionClusters")], 400, "MissingParameter"),
        ["unsigned-version-only"] = (_ => [Plain(HttpMethod.Get, "/api/v1/workspaces", version: true)], 400, "IncompleteSignature"),
        ["unsigned-bearer"] = (_ => [Plain(HttpMethod.Get, "/api/v1/workspaces", version: true, authorization: "Bearer eyJhbGciOiJub25lIn0.e30.")], 400, "IncompleteSignature"),

        // Unknown operations.
        ["unknown-path"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/nope", "ListWorkspaces")], 404, "InvalidApi.NotFound"),
        ["wrong-method-delete"] = (f => [Signed(f, HttpMethod.Delete, "/api/v1/workspaces", "ListWorkspaces")], 404, "InvalidApi.NotFound"),
        ["wrong-method-put"] = (f => [Signed(f, HttpMethod.Put, Sessions, "ListSessionClusters")], 404, "InvalidApi.NotFound"),
        ["get-on-post-only"] = (f => [Signed(f, HttpMethod.Get, Start, "StartSessionCluster")], 404, "InvalidApi.NotFound"),
        ["other-version-path"] = (f => [Signed(f, HttpMethod.Get, "/api/v2/workspaces", "ListWorkspaces")], 404, "InvalidApi.NotFound"),
        ["root"] = (f => [Signed(f, HttpMethod.Get, "/", "ListWorkspaces")], 404, "InvalidApi.NotFound"),

        // Hostile ids, signed.
        ["ws-traversal"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces/..%2Fw-other/sessionClusters", "ListSessionClusters")], 404, "WorkspaceNotFound"),
        ["ws-script"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces/%3Cscript%3Ealert(1)%3C%2Fscript%3E/sessionClusters", "ListSessionClusters")], 404, "WorkspaceNotFound"),
        ["ws-overlong"] = (f => [Signed(f, HttpMethod.Get, $"/api/v1/workspaces/{new string('w', 2000)}/sessionClusters", "ListSessionClusters")], 404, "WorkspaceNotFound"),
        ["ws-unicode"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces/w-%C3%A4/sessionClusters", "ListSessionClusters")], 404, "WorkspaceNotFound"),
        ["ws-rtl"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces/w-test%E2%80%AE/sessionClusters", "ListSessionClusters")], 404, "WorkspaceNotFound"),
        ["ws-crlf"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces/w-test%0D%0AX-Injected:%201/sessionClusters", "ListSessionClusters")], 404, "WorkspaceNotFound"),
        ["sc-traversal"] = (f => [Signed(f, HttpMethod.Get, Sessions + "/..%2F..%2Fw-other%2FsessionClusters%2Fsc-1", "GetSessionCluster")], 404, "SessionClusterNotFound"),
        ["sc-overlong"] = (f => [Signed(f, HttpMethod.Get, Sessions + "/" + new string('s', 4096), "GetSessionCluster")], 404, "SessionClusterNotFound"),
        ["sc-sql"] = (f => [Signed(f, HttpMethod.Get, Sessions + "/1%20OR%201%20DROP%20TABLE%20sessions--", "GetSessionCluster")], 404, "SessionClusterNotFound"),
        ["queues-unknown-ws"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces/%E2%80%AE/queues", "ListWorkspaceQueues")], 404, "WorkspaceNotFound"),
        ["release-versions-unknown-ws"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/releaseVersions?workspaceId=nope", "ListReleaseVersions")], 404, "WorkspaceNotFound"),

        // Paging and parameters.
        ["max-results-negative"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?maxResults=-1", "ListSessionClusters")], 400, "InvalidParameter"),
        ["max-results-zero"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?maxResults=0", "ListSessionClusters")], 400, "InvalidParameter"),
        ["max-results-101"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?maxResults=101", "ListSessionClusters")], 400, "InvalidParameter"),
        ["max-results-text"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?maxResults=abc", "ListSessionClusters")], 400, "InvalidParameter"),
        ["max-results-exponent"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?maxResults=1e9", "ListSessionClusters")], 400, "InvalidParameter"),
        ["max-results-20-digits"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?maxResults=99999999999999999999", "ListSessionClusters")], 400, "InvalidParameter"),
        ["max-results-repeated"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?maxResults=1&maxResults=2", "ListSessionClusters", "maxResults=1&maxResults=2")], 400, "InvalidParameter"),
        ["next-token-garbage"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?nextToken=garbage", "ListSessionClusters")], 400, "InvalidParameter"),
        ["next-token-script"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?nextToken=%3Cscript%3E", "ListSessionClusters", "nextToken=%3Cscript%3E")], 400, "InvalidParameter"),
        ["next-token-huge"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?nextToken=" + new string('A', 8000), "ListSessionClusters")], 400, "InvalidParameter"),
        ["queue-repeated"] = (f => [Signed(f, HttpMethod.Get, Sessions + "?queueName=a&queueName=b", "ListSessionClusters", "queueName=a&queueName=b")], 400, "InvalidParameter"),
        ["environment-unknown"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces/w-test/queues?environment=%3Cb%3E", "ListWorkspaceQueues", "environment=%3Cb%3E")], 400, "InvalidParameter"),
        ["workspaces-name-repeated"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces?name=a&name=b", "ListWorkspaces", "name=a&name=b")], 400, "InvalidParameter"),

        // Headers and signature.
        ["version-wrong"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces", "ListWorkspaces", version: "2017-01-01")], 400, "InvalidParameter"),
        ["action-mismatch"] = (f => [Signed(f, HttpMethod.Get, Sessions, "ListWorkspaces")], 400, "InvalidParameter"),
        ["date-far-future"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces", "ListWorkspaces", at: DateTimeOffset.UtcNow.AddHours(3))], 400, "InvalidTimeStamp.Expired"),
        ["date-far-past"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces", "ListWorkspaces", at: DateTimeOffset.UtcNow.AddDays(-2))], 400, "InvalidTimeStamp.Expired"),
        ["nonce-replayed"] = (f => Replay(f), 400, "SignatureNonceUsed"),
        ["unknown-key"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces", "ListWorkspaces", key: new SigningKey("LTAI5tNobody", "x"))], 404, "InvalidAccessKeyId.NotFound"),
        ["wrong-secret"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces", "ListWorkspaces", key: EmulatorFactory.DemoKey with { Secret = "guess" })], 400, "SignatureDoesNotMatch"),
        ["disabled-key"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces", "ListWorkspaces", key: EmulatorFactory.DisabledKey)], 403, "InvalidAccessKeyId.Inactive"),
        ["sts-without-token"] = (f => [Signed(f, HttpMethod.Get, "/api/v1/workspaces", "ListWorkspaces", key: EmulatorFactory.StsKey with { SecurityToken = null })], 400, "MissingSecurityToken"),
        ["tampered-query"] = (f => [Tampered(f)], 400, "SignatureDoesNotMatch"),
        ["body-swapped-after-signing"] = (f => [Swapped(f)], 400, "SignatureDoesNotMatch"),

        // Bodies.
        ["body-not-json"] = (f => [Signed(f, HttpMethod.Post, Start, "StartSessionCluster", body: "<xml>not json</xml>")], 400, "InvalidParameter"),
        ["body-truncated-json"] = (f => [Signed(f, HttpMethod.Post, Start, "StartSessionCluster", body: "{\"sessionClusterId\":")], 400, "InvalidParameter"),
        ["body-wrong-type"] = (f => [Signed(f, HttpMethod.Post, Start, "StartSessionCluster", body: "{\"sessionClusterId\":[1,2]}")], 400, "InvalidParameter"),
        ["body-empty-object"] = (f => [Signed(f, HttpMethod.Post, Start, "StartSessionCluster", body: "{}")], 400, "MissingParameter"),
        ["body-script-id"] = (f => [Signed(f, HttpMethod.Post, Start, "StartSessionCluster", body: "{\"sessionClusterId\":\"<script>alert(1)</script>\"}")], 404, "SessionClusterNotFound"),
        ["body-unknown-queue"] = (f => [Signed(f, HttpMethod.Post, Start, "StartSessionCluster", body: "{\"sessionClusterId\":\"sc-1\",\"queueName\":\"q\\r\\nx\"}")], 400, "InvalidParameter"),
        ["body-too-large"] = (f => [Signed(f, HttpMethod.Post, Start, "StartSessionCluster", body: "{\"x\":\"" + new string('a', 70_000) + "\"}")], 400, "InvalidParameter"),
        ["body-deeply-nested"] = (f => [Signed(f, HttpMethod.Post, Start, "StartSessionCluster", body: new string('[', 5000) + new string(']', 5000))], 400, "InvalidParameter"),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Fact]
    public void The_table_holds_at_least_thirty_malformed_requests() => Assert.True(Cases.Count >= 30, $"{Cases.Count}");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Malformed_request_gets_the_clouds_json_error(string name)
    {
        var (build, status, code) = Cases[name];
        using var client = fixture.Factory.CreateClient();
        HttpResponseMessage? response = null;
        foreach (var request in build(fixture.Factory))
        {
            response?.Dispose();
            using (request)
            {
                response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            }
        }

        using (response)
        {
            var body = await response!.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True((int)response.StatusCode == status, $"{name}: expected {status}, got {(int)response.StatusCode}: {body[..Math.Min(400, body.Length)]}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var json = JsonDocument.Parse(body);
            Assert.Equal(code, json.RootElement.GetProperty("Code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("Message").GetString()));
            var requestId = json.RootElement.GetProperty("RequestId").GetString();
            Assert.False(string.IsNullOrEmpty(requestId));
            Assert.Equal(requestId, Assert.Single(response.Headers.GetValues("x-acs-request-id")));
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            Assert.False(body.Contains('\r', StringComparison.Ordinal) || body.Contains('\n', StringComparison.Ordinal), body);
            Assert.DoesNotContain(response.Headers, h => h.Key.Equals("X-Injected", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(EmulatorFactory.DemoKey.Secret, body, StringComparison.Ordinal);
        }
    }

    private static HttpRequestMessage Plain(HttpMethod method, string path, string? body = null, bool version = false, string? authorization = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (version) request.Headers.TryAddWithoutValidation("x-acs-version", TestSigner.Version);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    /// <summary>A correctly signed request (the test signer's own canonical form), with one property changed on demand.</summary>
    private static HttpRequestMessage Signed(
        EmulatorFactory factory, HttpMethod method, string pathAndQuery, string action, string? canonicalQuery = null,
        string? body = null, string? version = null, DateTimeOffset? at = null, SigningKey? key = null, string? nonce = null)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        }

        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? pathAndQuery : pathAndQuery[..question];
        // The path is signed as sent (escapes included); queries with escapes are given in canonical form.
        TestSigner.Sign(request, "localhost", action, key ?? EmulatorFactory.DemoKey, at ?? factory.Now, nonce: nonce,
            canonicalQuery: canonicalQuery, canonicalPath: path);
        if (version is not null)
        {
            request.Headers.Remove("x-acs-version");
            request.Headers.TryAddWithoutValidation("x-acs-version", version);
        }

        return request;
    }

    private static HttpRequestMessage[] Replay(EmulatorFactory factory)
    {
        var nonce = TestSigner.NewNonce();
        return [Signed(factory, HttpMethod.Get, "/api/v1/workspaces", "ListWorkspaces", nonce: nonce),
                Signed(factory, HttpMethod.Get, "/api/v1/workspaces", "ListWorkspaces", nonce: nonce)];
    }

    private static HttpRequestMessage Tampered(EmulatorFactory factory)
    {
        var signed = Signed(factory, HttpMethod.Get, Sessions + "?maxResults=5", "ListSessionClusters");
        signed.RequestUri = new Uri(Sessions + "?maxResults=50", UriKind.Relative);
        return signed;
    }

    private static HttpRequestMessage Swapped(EmulatorFactory factory)
    {
        var signed = Signed(factory, HttpMethod.Post, Start, "StartSessionCluster", body: "{\"sessionClusterId\":\"sc-1\"}");
        signed.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"sessionClusterId\":\"sc-2\"}"));
        signed.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        return signed;
    }
}
