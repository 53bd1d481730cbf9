using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EmrPortal.Emulator.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Emulator.Tests;

/// <summary>Throttling, injected errors and latency, revoked credentials, the loopback-only admin API, stats, logs, health.</summary>
public sealed class FaultAndAdminTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Throttling_is_on_by_default_at_a_realistic_rate()
    {
        using var factory = new EmulatorFactory(appDefaults: true);
        using var client = factory.CreateClient();

        var faults = await client.GetFromJsonAsync<JsonElement>("/admin/faults", Ct);

        Assert.True(faults.GetProperty("throttling").GetProperty("enabled").GetBoolean());
        Assert.Equal(50, faults.GetProperty("throttling").GetProperty("qps").GetDouble());
        Assert.Equal(100, faults.GetProperty("throttling").GetProperty("burst").GetInt32());
    }

    [Fact]
    public async Task A_100_page_scan_fits_the_default_quota_and_is_counted_in_stats()
    {
        using var factory = new EmulatorFactory(appDefaults: true);
        using var client = factory.CreateClient();
        await client.PostAsync("/admin/stats/reset", null, Ct);
        var pages = 0;
        string? token = null;
        do
        {
            var page = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-large/sessionClusters?maxResults=100" + (token is null ? "" : $"&nextToken={token}"), "ListSessionClusters"), Ct);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            token = page.Json.GetProperty("nextToken").GetString();
            pages++;
        }
        while (!string.IsNullOrEmpty(token));

        var stats = await client.GetFromJsonAsync<JsonElement>("/admin/stats", Ct);

        Assert.Equal(100, pages);
        Assert.Equal(100, stats.GetProperty("calls").GetProperty("ListSessionClusters").GetInt64());
        Assert.Equal(100, stats.GetProperty("callsByWorkspace").GetProperty("w-large").GetProperty("ListSessionClusters").GetInt64());
    }

    [Fact]
    public async Task Exhausted_bucket_answers_Throttling_User_with_retry_after_and_refills_on_the_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero));
        using var factory = new EmulatorFactory(new Dictionary<string, string?>
        {
            ["Emulator:Faults:Throttling:Enabled"] = "true",
            ["Emulator:Faults:Throttling:Qps"] = "2",
            ["Emulator:Faults:Throttling:Burst"] = "3",
        }, clock);
        using var client = factory.CreateClient();
        Task<AcsResponse> List(SigningKey? key = null) => client.SendAcsAsync(factory.Get("/api/v1/workspaces", "ListWorkspaces", key), Ct);

        var allowed = new[] { await List(), await List(), await List() };
        var throttled = await List();
        var otherAction = await client.SendAcsAsync(factory.Get("/api/v1/releaseVersions", "ListReleaseVersions"), Ct);
        var otherKey = await List(EmulatorFactory.StsKey);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var refilled = await List();

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal((HttpStatusCode.BadRequest, "Throttling.User"), (throttled.Status, throttled.Code));
        Assert.Equal("Request was denied due to user flow control.", throttled.ErrorMessage);
        Assert.Equal("500", throttled.Message.Headers.GetValues("x-acs-retry-after").Single());
        Assert.Equal(HttpStatusCode.OK, otherAction.Status);
        Assert.Equal(HttpStatusCode.OK, otherKey.Status);
        Assert.Equal(HttpStatusCode.OK, refilled.Status);
    }

    [Theory]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(500, "InternalError")]
    public async Task Error_rate_injects_server_errors_as_json(int status, string code)
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();

        var put = await client.PutAsJsonAsync("/admin/faults", new { errorRate = 1.0, errorStatusCodes = new[] { status } }, Ct);
        var failed = await client.SendAcsAsync(factory.Get("/api/v1/workspaces", "ListWorkspaces"), Ct);
        await client.PutAsJsonAsync("/admin/faults", new { errorRate = 0.0 }, Ct);
        var recovered = await client.SendAcsAsync(factory.Get("/api/v1/workspaces", "ListWorkspaces"), Ct);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(((HttpStatusCode)status, code), (failed.Status, failed.Code));
        Assert.Equal(HttpStatusCode.OK, recovered.Status);
    }

    [Fact]
    public async Task Configured_latency_delays_answers()
    {
        using var factory = new EmulatorFactory(new Dictionary<string, string?> { ["Emulator:Faults:Latency:FixedMs"] = "300" });
        using var client = factory.CreateClient();

        var watch = Stopwatch.StartNew();
        var response = await client.SendAcsAsync(factory.Get("/api/v1/workspaces", "ListWorkspaces"), Ct);
        watch.Stop();

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.InRange(watch.ElapsedMilliseconds, 280, 10_000);
    }

    [Fact]
    public async Task Revoked_credentials_are_refused_until_restored()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();

        await client.PutAsJsonAsync("/admin/faults", new { credentialsRevoked = true }, Ct);
        var revoked = await client.SendAcsAsync(factory.Get("/api/v1/workspaces", "ListWorkspaces"), Ct);
        await client.PutAsJsonAsync("/admin/faults", new { credentialsRevoked = false }, Ct);
        var restored = await client.SendAcsAsync(factory.Get("/api/v1/workspaces", "ListWorkspaces"), Ct);

        Assert.Equal((HttpStatusCode.Forbidden, "InvalidAccessKeyId.Inactive"), (revoked.Status, revoked.Code));
        Assert.Equal(HttpStatusCode.OK, restored.Status);
    }

    [Fact]
    public async Task Put_faults_merges_and_rejects_invalid_values()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();

        var merged = await (await client.PutAsJsonAsync("/admin/faults", new { latency = new { jitterMs = 5 } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var invalid = await client.PutAsJsonAsync("/admin/faults", new { errorRate = 2.0, throttling = new { qps = 0 } }, Ct);

        Assert.Equal(5, merged.GetProperty("latency").GetProperty("jitterMs").GetInt32());
        Assert.False(merged.GetProperty("throttling").GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("errorRate", out _));
    }

    [Theory]
    [InlineData("GET", "/admin/stats")]
    [InlineData("POST", "/admin/stats/reset")]
    [InlineData("GET", "/admin/faults")]
    [InlineData("PUT", "/admin/faults")]
    [InlineData("POST", "/admin/sessions/w-test/sc-any/fail")]
    public async Task Admin_endpoints_refuse_non_loopback_callers(string method, string path)
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add(EmulatorFactory.RemoteIpHeader, "10.1.2.3");
        if (method == "PUT")
        {
            request.Content = JsonContent.Create(new { credentialsRevoked = true });
        }

        var response = await client.SendAsync(request, Ct);
        var faults = await client.GetFromJsonAsync<JsonElement>("/admin/faults", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(faults.GetProperty("credentialsRevoked").GetBoolean());
    }

    [Fact]
    public async Task Stats_count_calls_per_action_and_workspace_and_reset()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/sessionClusters", "ListSessionClusters"), Ct);
        }

        await client.SendAcsAsync(factory.Get("/api/v1/workspaces", "ListWorkspaces"), Ct);
        await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/sessionClusters", "ListSessionClusters", new SigningKey("LTAI5tNobody", "x")), Ct);

        var stats = await client.GetFromJsonAsync<JsonElement>("/admin/stats", Ct);
        var reset = await client.PostAsync("/admin/stats/reset", null, Ct);
        var after = await client.GetFromJsonAsync<JsonElement>("/admin/stats", Ct);

        Assert.Equal("""{"ListSessionClusters":3,"ListWorkspaces":1}""", stats.GetProperty("calls").GetRawText());
        Assert.Equal("""{"w-test":{"ListSessionClusters":3}}""", stats.GetProperty("callsByWorkspace").GetRawText());
        Assert.Equal(1, stats.GetProperty("rejected").GetProperty("InvalidAccessKeyId.NotFound").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal("{}", after.GetProperty("calls").GetRawText());
    }

    [Fact]
    public async Task Health_endpoints_answer_without_signing()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);
    }

    [Fact]
    public async Task Request_log_has_action_workspace_status_and_request_id_but_no_secrets()
    {
        var collector = new FakeLogCollector();
        using var factory = new EmulatorFactory();
        using var configured = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddLogging(l => l.AddProvider(new FakeLoggerProvider(collector)).AddFilter<FakeLoggerProvider>(null, LogLevel.Information))));
        using var client = configured.CreateClient();

        var ok = await client.SendAcsAsync(TestSigner.Get("/api/v1/workspaces/w-test/sessionClusters", "ListSessionClusters", EmulatorFactory.StsKey, DateTimeOffset.UtcNow), Ct);
        var bad = await client.SendAcsAsync(TestSigner.Get("/api/v1/workspaces", "ListWorkspaces", EmulatorFactory.StsKey with { Secret = "wrong" }, DateTimeOffset.UtcNow), Ct);

        var lines = collector.GetSnapshot().Where(r => r.Category!.EndsWith("AcsGatewayMiddleware", StringComparison.Ordinal)).Select(r => r.Message).ToList();
        var all = string.Join('\n', collector.GetSnapshot().Select(r => r.Message + r.Exception));
        Assert.Contains(lines, l => l.Contains("ListSessionClusters", StringComparison.Ordinal) && l.Contains("workspace=w-test", StringComparison.Ordinal)
                                    && l.Contains("status=200", StringComparison.Ordinal) && l.Contains(ok.Json.GetProperty("requestId").GetString()!, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("code=SignatureDoesNotMatch", StringComparison.Ordinal) && l.Contains(bad.Json.GetProperty("RequestId").GetString()!, StringComparison.Ordinal));
        Assert.DoesNotContain(EmulatorFactory.StsKey.SecurityToken!, all, StringComparison.Ordinal);
        Assert.DoesNotContain(EmulatorFactory.StsKey.Secret, all, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature=", all, StringComparison.Ordinal);
        Assert.DoesNotContain("ct-", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_puts_a_session_into_Error_with_the_given_reason_and_listings_show_it()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();
        var running = await FirstSessionAsync(client, factory, s => s.GetProperty("state").GetString() != "Error");
        var id = running.GetProperty("sessionClusterId").GetString();

        var failed = await client.PostAsync($"/admin/sessions/w-test/{id}/fail", JsonContent.Create(new { code = "1000007", message = "Driver exited." }), Ct);
        var detail = await client.SendAcsAsync(factory.Get($"/api/v1/workspaces/w-test/sessionClusters/{id}", "GetSessionCluster"), Ct);
        var listed = await FirstSessionAsync(client, factory, s => s.GetProperty("sessionClusterId").GetString() == id);

        Assert.Equal(HttpStatusCode.NoContent, failed.StatusCode);
        var session = detail.Json.GetProperty("sessionCluster");
        Assert.Equal("Error", session.GetProperty("state").GetString());
        Assert.Equal("1000007", session.GetProperty("stateChangeReason").GetProperty("code").GetString());
        Assert.Equal("Driver exited.", session.GetProperty("stateChangeReason").GetProperty("message").GetString());
        Assert.Equal("Error", listed.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Fail_without_a_body_uses_a_seeded_error_reason_and_unknown_ids_are_404()
    {
        using var factory = new EmulatorFactory();
        using var client = factory.CreateClient();
        var id = (await FirstSessionAsync(client, factory, _ => true)).GetProperty("sessionClusterId").GetString();

        var failed = await client.PostAsync($"/admin/sessions/w-test/{id}/fail", null, Ct);
        var detail = await client.SendAcsAsync(factory.Get($"/api/v1/workspaces/w-test/sessionClusters/{id}", "GetSessionCluster"), Ct);
        var unknownSession = await client.PostAsync("/admin/sessions/w-test/sc-nope/fail", null, Ct);
        var unknownWorkspace = await client.PostAsync($"/admin/sessions/w-nope/{id}/fail", null, Ct);

        Assert.Equal(HttpStatusCode.NoContent, failed.StatusCode);
        Assert.Equal("Error", detail.Json.GetProperty("sessionCluster").GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(detail.Json.GetProperty("sessionCluster").GetProperty("stateChangeReason").GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, unknownSession.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownWorkspace.StatusCode);
    }

    private static async Task<JsonElement> FirstSessionAsync(HttpClient client, EmulatorFactory factory, Func<JsonElement, bool> predicate)
    {
        string? token = null;
        do
        {
            var page = await client.SendAcsAsync(factory.Get("/api/v1/workspaces/w-test/sessionClusters?maxResults=100" + (token is null ? "" : $"&nextToken={token}"), "ListSessionClusters"), Ct);
            foreach (var session in page.Json.GetProperty("sessionClusters").EnumerateArray())
            {
                if (predicate(session))
                {
                    return session.Clone();
                }
            }

            token = page.Json.GetProperty("nextToken").GetString();
        }
        while (!string.IsNullOrEmpty(token));

        throw new InvalidOperationException("No matching session.");
    }
}
