using System.Net;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Tests.Infrastructure;
using EmrPortal.Proxy.Tests.Unit;
using Microsoft.Extensions.DependencyInjection;

namespace EmrPortal.Proxy.Tests.Api;

[Collection(ProxyCollection.Name)]
public sealed class SessionApiTests(ProxyFixture fixture) : ApiTestBase(fixture)
{
    [Fact]
    public async Task Me_tells_each_role_what_it_may_see()
    {
        var admin = await GetOk<MeDto>("admin", "/api/v1/me");
        var viewer = await GetOk<MeDto>("viewer", "/api/v1/me");
        var outsider = await GetOk<MeDto>("outsider", "/api/v1/me");

        Assert.True(admin.IsAdmin);
        Assert.Equal(["w-analytics", "w-finance", "w-large", "w-marketing"], admin.Workspaces.Order(StringComparer.Ordinal));
        Assert.Equal(["Portal.Admin"], admin.Roles);
        Assert.Equal("user-admin", admin.UserId);
        Assert.Equal("Ada Admin", admin.Name);
        Assert.False(viewer.IsAdmin);
        Assert.Equal(["w-analytics"], viewer.Workspaces);
        Assert.Empty(outsider.Workspaces);
    }

    [Fact]
    public async Task Workspace_list_holds_only_what_the_caller_may_see()
    {
        var admin = await GetOk<List<WorkspaceDto>>("admin", "/api/v1/workspaces");
        var viewer = await GetOk<List<WorkspaceDto>>("viewer", "/api/v1/workspaces");
        var outsider = await GetOk<List<WorkspaceDto>>("outsider", "/api/v1/workspaces");

        Assert.Equal(4, admin.Count);
        Assert.Equal("Analytics", Assert.Single(viewer).Name);
        Assert.Empty(outsider);
    }

    [Fact]
    public async Task Workspace_list_shows_counts_once_scanned()
    {
        await GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions");
        var analytics = Assert.Single(await GetOk<List<WorkspaceDto>>("viewer", "/api/v1/workspaces"));

        Assert.Equal(320, analytics.SessionCount);
        Assert.Equal(320, analytics.SessionCountsByState!.Values.Sum());
    }

    [Theory]
    [InlineData("outsider", "w-analytics", HttpStatusCode.Forbidden)]
    [InlineData("viewer", "w-marketing", HttpStatusCode.Forbidden)]
    [InlineData("viewer", "w-does-not-exist", HttpStatusCode.Forbidden)]
    [InlineData("admin", "w-does-not-exist", HttpStatusCode.NotFound)]
    public async Task Workspace_routes_refuse_unmapped_or_unknown_workspaces(string user, string workspace, HttpStatusCode status)
    {
        foreach (var path in new[] { "sessions", "sessions.csv", "scan", "sessions/sc-0000000000000000" })
        {
            var (response, body) = await Host.GetAsync(user, $"/api/v1/workspaces/{workspace}/{path}");
            AssertProblem(response, body, status);
        }
    }

    [Theory]
    [InlineData("/api/v1/workspaces/bad.id/sessions", "workspaceId")]
    [InlineData("/api/v1/workspaces/w%2F..%2Fw-finance/sessions", "workspaceId")]
    [InlineData("/api/v1/workspaces/w-analytics/sessions/sc..x", "sessionClusterId")]
    [InlineData("/api/v1/workspaces/w-analytics/sessions/%2E%2E%2Fsc-1", "sessionClusterId")]
    [InlineData("/api/v1/workspaces/w-analytics/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sessionClusterId")]
    public async Task Ids_outside_the_allowed_pattern_are_400_naming_the_parameter(string path, string parameter)
    {
        var (response, body) = await Host.GetAsync("admin", path);
        var problem = AssertProblem(response, body, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), body);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("sort=bogus", "sort")]
    [InlineData("dir=sideways", "dir")]
    [InlineData("state=Run-ning", "state")]
    [InlineData("kind=SPARK", "kind")]
    [InlineData("reason=a%20b", "reason")]
    [InlineData("reason=%3Cscript%3E", "reason")]
    [InlineData("reason=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "reason")]
    public async Task Bad_query_values_are_400_naming_the_parameter(string query, string parameter)
    {
        foreach (var path in new[] { "/api/v1/workspaces/w-analytics/sessions", "/api/v1/workspaces/w-analytics/sessions.csv", "/api/v1/sessions" })
        {
            var (response, body) = await Host.GetAsync("viewer", $"{path}?{query}");
            var problem = AssertProblem(response, body, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), body);
        }
    }

    [Fact]
    public async Task Pages_sort_globally_across_all_upstream_pages()
    {
        var all = await UpstreamSessions("w-analytics");
        foreach (var key in SortKeys.All)
        {
            foreach (var dir in new[] { SortDirections.Asc, SortDirections.Desc })
            {
                var expected = SnapshotSortTests.ReferenceSort(all, key, dir == SortDirections.Desc).Select(s => s.SessionClusterId).ToList();
                foreach (var page in new[] { 1, 4, 7 })
                {
                    var result = await GetOk<SessionPageDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions?sort={key}&dir={dir}&page={page}&pageSize=50");
                    Assert.Equal(expected.Skip((page - 1) * 50).Take(50), result.Items.Select(s => s.SessionClusterId));
                    Assert.Equal(320, result.TotalCount);
                    Assert.False(result.Stale);
                    Assert.NotNull(result.AsOf);
                }
            }
        }
    }

    [Fact]
    public async Task Filters_and_search_combine()
    {
        var all = await UpstreamSessions("w-analytics");
        var sample = all.First(s => s.UserName is { Length: > 3 } && s.State is not null && s.Kind is not null);
        var owner = sample.UserName![..3].ToUpperInvariant();
        var cases = new (string Query, Func<SessionSummaryDto, bool> Match)[]
        {
            ($"state={sample.State}", s => s.State == sample.State),
            ($"kind={sample.Kind!.ToLowerInvariant()}", s => s.Kind == sample.Kind),
            ("queue=dev", s => s.QueueName?.Contains("dev", StringComparison.OrdinalIgnoreCase) == true),
            ($"owner={owner}&state={sample.State}", s => s.State == sample.State && (s.UserName?.Contains(owner, StringComparison.OrdinalIgnoreCase) == true || s.UserId?.Contains(owner, StringComparison.OrdinalIgnoreCase) == true)),
            ($"q={sample.SessionClusterId}", s => s.SessionClusterId == sample.SessionClusterId),
            ("q=etl&kind=SQL", s => s.Kind == "SQL" && new[] { s.SessionClusterId, s.Name, s.UserName, s.UserId, s.QueueName }.Any(v => v?.Contains("etl", StringComparison.OrdinalIgnoreCase) == true)),
            ("q=nothing-matches-this", _ => false),
        };
        foreach (var (query, match) in cases)
        {
            var expected = SnapshotSortTests.ReferenceSort(all.Where(match), SortKeys.Name, false).Select(s => s.SessionClusterId).ToList();
            var result = await GetOk<SessionPageDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions?{query}&sort=name&dir=asc&pageSize=200");
            Assert.Equal(expected.Count, result.TotalCount);
            Assert.Equal(expected.Take(200), result.Items.Select(s => s.SessionClusterId));
        }
    }

    [Fact]
    public async Task The_reason_filter_lists_the_sessions_with_that_state_change_reason_code()
    {
        var all = await UpstreamSessions("w-analytics");
        var code = all.Where(s => s.State == SessionStates.Error && !string.IsNullOrEmpty(s.StateChangeReasonCode))
            .GroupBy(s => s.StateChangeReasonCode).OrderByDescending(g => g.Count()).First().Key!;
        var expected = SnapshotSortTests.ReferenceSort(all.Where(s => s.StateChangeReasonCode == code), SortKeys.Name, false)
            .Select(s => s.SessionClusterId).ToList();
        var expectedErrors = SnapshotSortTests.ReferenceSort(all.Where(s => s.StateChangeReasonCode == code && s.State == SessionStates.Error), SortKeys.Name, false)
            .Select(s => s.SessionClusterId).ToList();

        var result = await GetOk<SessionPageDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions?reason={Uri.EscapeDataString(code)}&sort=name&dir=asc&pageSize=200");
        var errors = await GetOk<SessionPageDto>("viewer", $"/api/v1/sessions?state=Error&reason={Uri.EscapeDataString(code)}&sort=name&dir=asc&pageSize=200");

        Assert.NotEmpty(expectedErrors);
        Assert.True(expected.Count < all.Count);
        Assert.Equal(expected.Count, result.TotalCount);
        Assert.Equal(expected, result.Items.Select(s => s.SessionClusterId));
        Assert.Equal(expectedErrors, errors.Items.Select(s => s.SessionClusterId));
        // The error triage's group for the same code counts the same sessions.
        var groups = await GetOk<IReadOnlyList<ErrorGroupDto>>("viewer", "/api/v1/errors?workspace=w-analytics");
        Assert.Equal(expectedErrors.Count, groups.Single(g => g.Code == code).Count);
    }

    [Theory]
    [InlineData("Upgrading")]
    [InlineData("upgrading")]
    [InlineData("Hibernating")]
    public async Task A_state_the_portal_does_not_document_filters_as_itself(string state)
    {
        var all = await UpstreamSessions("w-analytics");
        var expected = SnapshotSortTests.ReferenceSort(all.Where(s => string.Equals(s.State, state, StringComparison.OrdinalIgnoreCase)), SortKeys.Name, false)
            .Select(s => s.SessionClusterId).ToList();

        var result = await GetOk<SessionPageDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions?state={state}&sort=name&dir=asc&pageSize=200");

        Assert.Equal(expected.Count, result.TotalCount);
        Assert.Equal(expected, result.Items.Select(s => s.SessionClusterId));
    }

    [Fact]
    public async Task Cross_workspace_list_merges_only_visible_workspaces()
    {
        var viewer = await GetOk<SessionPageDto>("viewer", "/api/v1/sessions?pageSize=200&sort=name&dir=asc");
        var outsider = await GetOk<SessionPageDto>("outsider", "/api/v1/sessions");
        var admin = await GetOk<SessionPageDto>("admin", "/api/v1/sessions?sort=gmtCreate&dir=desc&page=2&pageSize=100");

        Assert.Equal(320, viewer.TotalCount);
        Assert.All(viewer.Items, s => Assert.Equal("w-analytics", s.WorkspaceId));
        Assert.Equal(0, outsider.TotalCount);
        Assert.Empty(outsider.Items);
        Assert.Equal(320 + 120 + 60 + 10_000, admin.TotalCount);

        var union = new List<SessionSummaryDto>();
        foreach (var ws in new[] { "w-analytics", "w-marketing", "w-finance", "w-large" }) union.AddRange(await UpstreamSessions(ws));
        var expected = SnapshotSortTests.ReferenceSort(union, SortKeys.GmtCreate, true).Skip(100).Take(100).Select(s => (s.WorkspaceId, s.SessionClusterId));
        Assert.Equal(expected, admin.Items.Select(s => (s.WorkspaceId, s.SessionClusterId)));
    }

    [Fact]
    public async Task Detail_is_redacted_for_everyone_and_revealed_only_to_admins_with_an_audit_entry()
    {
        var raw = await UpstreamDetails("w-analytics");
        var secretOne = raw.First(s => s.ApplicationConfigs!.Any(c => c.ConfigItemKey!.EndsWith("accessKeySecret", StringComparison.Ordinal)));
        var path = $"/api/v1/workspaces/w-analytics/sessions/{secretOne.SessionClusterId}";

        foreach (var user in new[] { "viewer", "admin" })
        {
            var detail = await GetOk<SessionDetailDto>(user, path);
            Assert.True(detail.Redacted);
            var hidden = detail.ApplicationConfigs.Single(c => c.Key!.EndsWith("accessKeySecret", StringComparison.Ordinal));
            Assert.Equal(ApplicationConfigDto.RedactedValue, hidden.Value);
            var memory = detail.ApplicationConfigs.Single(c => c.Key == "spark.driver.memory");
            Assert.False(memory.Redacted);
            Assert.EndsWith("g", memory.Value, StringComparison.Ordinal);
            Assert.Equal(secretOne.SessionClusterId, detail.Summary.SessionClusterId);
        }

        var (denied, deniedBody) = await Host.PostAsync("viewer", path + "/reveal");
        AssertProblem(denied, deniedBody, HttpStatusCode.Forbidden);

        var (revealedResponse, revealedBody) = await Host.PostAsync("admin", path + "/reveal");
        Assert.Equal(HttpStatusCode.OK, revealedResponse.StatusCode);
        var revealed = JsonSerializer.Deserialize<SessionDetailDto>(revealedBody, PortalJsonOptions)!;
        Assert.False(revealed.Redacted);
        Assert.Equal(
            secretOne.ApplicationConfigs!.Select(c => c.ConfigItemValue),
            revealed.ApplicationConfigs.Select(c => c.Value));

        var audit = Host.Logs.Lines.Where(l => l.Category == "EmrPortal.Proxy.Audit" && l.Values.GetValueOrDefault("SessionClusterId") == secretOne.SessionClusterId).ToList();
        Assert.Contains(audit, l => l.Values["Action"] == "session.view" && l.Values["UserId"] == "user-viewer" && l.Values["Outcome"] == "allowed");
        Assert.Contains(audit, l => l.Values["Action"] == "session.reveal" && l.Values["UserId"] == "user-viewer" && l.Values["Outcome"] == "denied");
        Assert.Contains(audit, l => l.Values["Action"] == "session.reveal" && l.Values["UserId"] == "user-admin" && l.Values["Outcome"] == "allowed" && l.Values["WorkspaceId"] == "w-analytics");
    }

    [Fact]
    public async Task Unknown_session_is_404()
    {
        var (response, body) = await Host.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions/sc-doesnotexist0000");
        AssertProblem(response, body, HttpStatusCode.NotFound);
        Assert.Contains(Host.Logs.Lines, l => l.Category == "EmrPortal.Proxy.Audit" && l.Values.GetValueOrDefault("Outcome") == "not-found");
    }

    [Fact]
    public async Task Csv_export_streams_the_current_view_with_download_headers()
    {
        var (response, body) = await Host.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions.csv?sort=name&dir=asc&state=Running&page=3&pageSize=5");
        var page = await GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?sort=name&dir=asc&state=Running&pageSize=200");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith("sessions-w-analytics-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);

        var lines = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("workspaceId,sessionClusterId,name,state,kind", lines[0], StringComparison.Ordinal);
        Assert.Equal(page.TotalCount, lines.Length - 1); // every matching row, not one page
        Assert.Equal(page.Items.Select(s => s.SessionClusterId), lines.Skip(1).Select(l => l.Split(',')[1]));
        Assert.Contains(Host.Logs.Lines, l => l.Category == "EmrPortal.Proxy.Audit" && l.Values.GetValueOrDefault("Action") == "sessions.export" && l.Values["UserId"] == "user-viewer");
    }

    [Fact]
    public async Task Scan_status_reports_progress_of_the_snapshot()
    {
        var idle = await GetOk<ScanStatusDto>("admin", "/api/v1/workspaces/w-finance/scan");
        await GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-finance/sessions");
        // On a loaded machine the snapshot's TTL can pass right after the page was served, and a revalidation reports
        // Scanning for a moment: wait (bounded) for the state the page proves, Ready.
        var ready = await GetOk<ScanStatusDto>("admin", "/api/v1/workspaces/w-finance/scan");
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ready.State != "Ready" && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            ready = await GetOk<ScanStatusDto>("admin", "/api/v1/workspaces/w-finance/scan");
        }

        Assert.True(idle.State is "Idle" or "Ready");
        Assert.Equal("Ready", ready.State);
        Assert.Equal(60, ready.Loaded);
        Assert.Equal(60, ready.Total);
        Assert.NotNull(ready.AsOf);
    }

    [Fact]
    public async Task Api_responses_carry_security_headers()
    {
        var (response, _) = await Host.GetAsync("viewer", "/api/v1/me");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_document_lists_every_route()
    {
        var (response, body) = await Host.GetAsync(null, "/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(body).RootElement.GetProperty("paths");

        foreach (var route in new[]
        {
            "/api/v1/me", "/api/v1/workspaces", "/api/v1/workspaces/{workspaceId}/sessions", "/api/v1/workspaces/{workspaceId}/sessions.csv",
            "/api/v1/workspaces/{workspaceId}/sessions/{sessionClusterId}", "/api/v1/workspaces/{workspaceId}/sessions/{sessionClusterId}/reveal",
            "/api/v1/workspaces/{workspaceId}/scan", "/api/v1/sessions",
        })
        {
            Assert.True(paths.TryGetProperty(route, out _) || paths.TryGetProperty(route + "/", out _), $"{route} missing from {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        }
    }

    [Fact]
    public async Task Health_endpoints_are_anonymous_and_ready_once_upstream_answered()
    {
        await GetOk<MeDto>("viewer", "/api/v1/me");
        var (live, _) = await Host.GetAsync(null, "/health/live");
        var (ready, readyBody) = await Host.GetAsync(null, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True(ready.StatusCode == HttpStatusCode.OK, readyBody);
    }

    /// <summary>The emulator's sessions read directly (signed client, no proxy), mapped to the contract shape.</summary>
    private async Task<List<SessionSummaryDto>> UpstreamSessions(string workspaceId)
    {
        var client = UpstreamClient();
        var list = new List<SessionSummaryDto>();
        await foreach (var s in client.ListAllSessionClustersAsync(new ListSessionClustersRequest(workspaceId) { MaxResults = 100 }, TestContext.Current.CancellationToken))
        {
            list.Add(SessionMapper.ToSummary(s, workspaceId));
        }

        return list;
    }

    private async Task<List<SessionCluster>> UpstreamDetails(string workspaceId)
    {
        var client = UpstreamClient();
        var list = new List<SessionCluster>();
        await foreach (var s in client.ListAllSessionClustersAsync(new ListSessionClustersRequest(workspaceId) { MaxResults = 100 }, TestContext.Current.CancellationToken))
        {
            list.Add(s);
        }

        return list;
    }

    private IEmrServerlessSparkClient UpstreamClient()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddEmrServerlessSparkClient(o =>
        {
            o.Endpoint = "http://emr-emulator.test";
            o.RegionId = "cn-hangzhou";
            o.AccessKeyId = ProxyHost.AccessKeyId;
            o.AccessKeySecret = ProxyHost.AccessKeySecret;
        }).ConfigurePrimaryHttpMessageHandler(() => Host.Emulator.Server.CreateHandler());
        return services.BuildServiceProvider().GetRequiredService<IEmrServerlessSparkClient>();
    }
}
