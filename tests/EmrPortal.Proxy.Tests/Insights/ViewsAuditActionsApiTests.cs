using System.Net;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Api;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Insights;

/// <summary>Saved team views (authorized in the proxy per workspace) and the admin audit page.</summary>
public sealed class SavedViewAndAuditApiTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new(InsightsHost.Settings(), InsightsHost.NoThrottling);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private Api Api => new(_host);

    /// <summary>A second viewer of w-analytics (same group, another user).</summary>
    private string Colleague => HostileTokens.Custom(_host, ["Portal.Viewer"], ["grp-analytics"], userId: "user-vera");

    [Fact]
    public async Task A_saved_view_is_shared_with_everyone_who_may_see_the_workspace_and_no_one_else()
    {
        var (created, body) = await _host.SendAsync(HttpMethod.Post, _host.Token("viewer"), "/api/v1/workspaces/w-analytics/views",
            new SaveViewRequest("  Errors by name ", "?state=error&dir=asc&sort=name"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = Api.Read<SavedViewDto>(body);
        Assert.Equal(("Errors by name", "sort=name&dir=asc&state=Error", "user-viewer", "w-analytics"), (view.Name, view.Query, view.CreatedBy, view.WorkspaceId));

        Assert.Equal([view.Id], (await Api.GetOk<IReadOnlyList<SavedViewDto>>("admin", "/api/v1/workspaces/w-analytics/views")).Select(v => v.Id));
        var (colleague, colleagueBody) = await _host.SendAsync(HttpMethod.Get, Colleague, "/api/v1/workspaces/w-analytics/views");
        Assert.Equal(HttpStatusCode.OK, colleague.StatusCode);
        Assert.Contains(view.Id.ToString(), colleagueBody, StringComparison.Ordinal);

        var (outsider, outsiderBody) = await _host.GetAsync("outsider", "/api/v1/workspaces/w-analytics/views");
        Api.Problem(outsider, outsiderBody, HttpStatusCode.Forbidden);
        Assert.DoesNotContain("Errors by name", outsiderBody, StringComparison.Ordinal);
        var (elsewhere, elsewhereBody) = await _host.SendAsync(HttpMethod.Post, _host.Token("viewer"), "/api/v1/workspaces/w-finance/views",
            new SaveViewRequest("Mine", "mine=true"));
        Api.Problem(elsewhere, elsewhereBody, HttpStatusCode.Forbidden);
        Assert.Empty(await Api.GetOk<IReadOnlyList<SavedViewDto>>("admin", "/api/v1/workspaces/w-finance/views"));

        // The same name twice in one workspace is a conflict.
        var (duplicate, duplicateBody) = await _host.SendAsync(HttpMethod.Post, Colleague, "/api/v1/workspaces/w-analytics/views",
            new SaveViewRequest("Errors by name", "state=Running"));
        Api.Problem(duplicate, duplicateBody, HttpStatusCode.Conflict);

        // Only the creator (or an admin) deletes.
        var path = $"/api/v1/workspaces/w-analytics/views/{view.Id}";
        var (notYours, notYoursBody) = await _host.SendAsync(HttpMethod.Delete, Colleague, path);
        Api.Problem(notYours, notYoursBody, HttpStatusCode.Forbidden);
        var (wrongWorkspace, wrongWorkspaceBody) = await _host.SendAsync(HttpMethod.Delete, _host.Token("admin"), $"/api/v1/workspaces/w-finance/views/{view.Id}");
        Api.Problem(wrongWorkspace, wrongWorkspaceBody, HttpStatusCode.NotFound);
        var (deleted, _) = await _host.SendAsync(HttpMethod.Delete, _host.Token("viewer"), path);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var (again, againBody) = await _host.SendAsync(HttpMethod.Delete, _host.Token("viewer"), path);
        Api.Problem(again, againBody, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("", "state=Error", "name")]
    [InlineData("   ", "state=Error", "name")]
    [InlineData("line\nbreak", "state=Error", "name")]
    [InlineData("ok", "sort=bogus", "query.sort")]
    [InlineData("ok", "state=Run-ning", "query.state")]
    [InlineData("ok", "pageSize=500", "query.pageSize")]
    [InlineData("ok", "listed=deleted", "query.listed")]
    [InlineData("ok", "mine=perhaps", "query.mine")]
    [InlineData("ok", "evil=1", "query")]
    [InlineData("ok", "state=Error&state=Running", "query")]
    public async Task Invalid_views_are_refused_with_the_field_named(string name, string query, string field)
    {
        var (response, body) = await _host.SendAsync(HttpMethod.Post, _host.Token("viewer"), "/api/v1/workspaces/w-analytics/views",
            new SaveViewRequest(name, query));

        var problem = Api.Problem(response, body, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), body);
    }

    [Fact]
    public async Task Overlong_names_and_unreadable_bodies_are_400()
    {
        var (longName, longBody) = await _host.SendAsync(HttpMethod.Post, _host.Token("viewer"), "/api/v1/workspaces/w-analytics/views",
            new SaveViewRequest(new string('n', 81), ""));
        Api.Problem(longName, longBody, HttpStatusCode.BadRequest);

        using var client = _host.Client("viewer");
        using var broken = new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/api/v1/workspaces/w-analytics/views", broken, TestContext.Current.CancellationToken);
        Api.Problem(response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);

        var (exact, _) = await _host.SendAsync(HttpMethod.Post, _host.Token("viewer"), "/api/v1/workspaces/w-analytics/views",
            new SaveViewRequest(new string('n', 80), ""));
        Assert.Equal(HttpStatusCode.Created, exact.StatusCode);
    }

    [Fact]
    public async Task Audit_page_is_admin_only_newest_first_and_paged_on_the_server()
    {
        var ids = (await Api.GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?pageSize=3&sort=name")).Items
            .Select(s => s.SessionClusterId).ToList();
        foreach (var id in ids)
        {
            await Api.GetOk<SessionDetailDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions/{id}");
        }

        var (denied, _) = await _host.GetAsync("outsider", $"/api/v1/workspaces/w-analytics/sessions/{ids[0]}");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var (csv, _) = await _host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        await _host.AuditedAsync();

        var (forViewer, forViewerBody) = await _host.GetAsync("viewer", "/api/v1/audit");
        Api.Problem(forViewer, forViewerBody, HttpStatusCode.Forbidden);

        var views = await Api.GetOk<AuditPageDto>("admin", "/api/v1/audit?user=user-viewer&action=session.view");
        Assert.Equal(ids.AsEnumerable().Reverse(), views.Items.Select(e => e.SessionClusterId));
        Assert.All(views.Items, e => Assert.Equal(("Vic Viewer", "allowed", "w-analytics"), (e.UserName, e.Outcome, e.WorkspaceId)));

        var first = await Api.GetOk<AuditPageDto>("admin", "/api/v1/audit?user=user-viewer&pageSize=2");
        var second = await Api.GetOk<AuditPageDto>("admin", "/api/v1/audit?user=user-viewer&pageSize=2&page=2");
        Assert.Equal((3, 2, 1), (first.TotalCount, first.Items.Count, second.Items.Count));
        Assert.Equal(ids[0], second.Items[0].SessionClusterId);
        Assert.True(first.Items[0].At >= first.Items[1].At && first.Items[1].At >= second.Items[0].At);

        var outsider = await Api.GetOk<AuditPageDto>("admin", "/api/v1/audit?user=Olive%20Outsider");
        Assert.Equal(("session.view", "denied"), (outsider.Items.Single().Action, outsider.Items.Single().Outcome));
        var exports = await Api.GetOk<AuditPageDto>("admin", "/api/v1/audit?action=sessions.export&workspace=w-analytics");
        Assert.Equal("user-admin", exports.Items.Single().UserId);

        foreach (var bad in new[] { "page=0", "pageSize=201", "pageSize=x", "user=a%0Ab" })
        {
            var (response, body) = await _host.GetAsync("admin", "/api/v1/audit?" + bad);
            Api.Problem(response, body, HttpStatusCode.BadRequest);
        }
    }
}

/// <summary>Start/Stop is off by default: the routes do not exist.</summary>
public sealed class StartStopOffTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new(InsightsHost.Settings(), InsightsHost.NoThrottling);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task With_the_switch_off_start_and_stop_are_404_and_nobody_may_start_or_stop()
    {
        var id = (await new Api(_host).GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=1")).Items[0].SessionClusterId;
        foreach (var action in new[] { "start", "stop" })
        {
            var (response, _) = await _host.SendAsync(HttpMethod.Post, _host.Token("admin"), $"/api/v1/workspaces/w-analytics/sessions/{id}/{action}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.False((await new Api(_host).GetOk<MeDto>("admin", "/api/v1/me")).CanStartStop);
        Assert.Equal(0, _host.Calls.Count("StartSessionCluster") + _host.Calls.Count("StopSessionCluster"));
    }
}

/// <summary>Start/Stop switched on: owners (by identity mapping), Portal.Operator and Portal.Admin; audited; visible in list and timeline.</summary>
public sealed class StartStopOnTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new(InsightsHost.Settings(("Features:StartStop", "true")), InsightsHost.NoThrottling);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private Api Api => new(_host);

    private string Operator => HostileTokens.Custom(_host, ["Portal.Operator"], ["grp-analytics"], userId: "user-oscar");

    [Fact]
    public async Task Owner_may_start_their_stopped_session_and_the_change_shows_in_list_timeline_and_audit()
    {
        var all = await Api.AllSessionsAsync(_host, "/api/v1/workspaces/w-analytics/sessions");
        await _host.RecordedAsync();
        var mine = all.First(s => s.UserName == InsightsHost.ViewerCloudUser && s.State == "Stopped");

        var (started, body) = await _host.SendAsync(HttpMethod.Post, _host.Token("viewer"), $"/api/v1/workspaces/w-analytics/sessions/{mine.SessionClusterId}/start");

        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.Equal(new SessionActionResultDto("w-analytics", mine.SessionClusterId, "start", "Starting"), Api.Read<SessionActionResultDto>(body));
        Assert.Equal(1, _host.Calls.Count("StartSessionCluster", 200));

        // The proxy rescans at once: the list shows the new state (not stale) and the timeline the transition.
        SessionSummaryDto? row = null;
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(30); row?.State != "Starting" && DateTimeOffset.UtcNow < deadline;)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
            row = (await Api.GetOk<SessionPageDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions?q={mine.SessionClusterId}")).Items.Single();
        }

        Assert.Equal("Starting", row!.State);
        await _host.RecordedAsync();
        var timeline = await Api.GetOk<SessionTimelineDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions/{mine.SessionClusterId}/timeline");
        Assert.Equal(("Stopped", "Starting"), (timeline.Transitions[^1].FromState, timeline.Transitions[^1].ToState));

        await _host.AuditedAsync();
        var audit = await Api.GetOk<AuditPageDto>("admin", "/api/v1/audit?action=session.start");
        Assert.Equal(("user-viewer", mine.SessionClusterId, "allowed"), (audit.Items.Single().UserId, audit.Items.Single().SessionClusterId, audit.Items.Single().Outcome));

        var me = await Api.GetOk<MeDto>("viewer", "/api/v1/me");
        Assert.True(me.CanStartStop);
        Assert.False((await Api.GetOk<MeDto>("outsider", "/api/v1/me")).CanStartStop);
    }

    [Fact]
    public async Task Others_sessions_are_refused_to_a_viewer_but_not_to_an_operator_or_admin()
    {
        var all = await Api.AllSessionsAsync(_host, "/api/v1/workspaces/w-analytics/sessions");
        var running = all.Where(s => s.UserName != InsightsHost.ViewerCloudUser && s.State == "Running").Take(2).ToList();

        var (refused, refusedBody) = await _host.SendAsync(HttpMethod.Post, _host.Token("viewer"), $"/api/v1/workspaces/w-analytics/sessions/{running[0].SessionClusterId}/stop");
        Api.Problem(refused, refusedBody, HttpStatusCode.Forbidden);
        var (outsider, outsiderBody) = await _host.SendAsync(HttpMethod.Post, _host.Token("outsider"), $"/api/v1/workspaces/w-analytics/sessions/{running[0].SessionClusterId}/stop");
        Api.Problem(outsider, outsiderBody, HttpStatusCode.Forbidden);
        Assert.Equal(0, _host.Calls.Count("StopSessionCluster"));

        var (byOperator, operatorBody) = await _host.SendAsync(HttpMethod.Post, Operator, $"/api/v1/workspaces/w-analytics/sessions/{running[0].SessionClusterId}/stop");
        Assert.Equal(HttpStatusCode.OK, byOperator.StatusCode);
        Assert.Equal("Stopping", Api.Read<SessionActionResultDto>(operatorBody).State);
        var (byAdmin, _) = await _host.SendAsync(HttpMethod.Post, _host.Token("admin"), $"/api/v1/workspaces/w-analytics/sessions/{running[1].SessionClusterId}/stop");
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Equal(2, _host.Calls.Count("StopSessionCluster", 200));

        // Starting a session that is still stopping: the cloud refuses, the proxy says 409.
        var (conflict, conflictBody) = await _host.SendAsync(HttpMethod.Post, Operator, $"/api/v1/workspaces/w-analytics/sessions/{running[0].SessionClusterId}/start");
        Api.Problem(conflict, conflictBody, HttpStatusCode.Conflict);
        var (missing, missingBody) = await _host.SendAsync(HttpMethod.Post, Operator, "/api/v1/workspaces/w-analytics/sessions/sc-nosuchsession00/start");
        Api.Problem(missing, missingBody, HttpStatusCode.NotFound);

        await _host.AuditedAsync();
        var denied = await Api.GetOk<AuditPageDto>("admin", "/api/v1/audit?action=session.stop");
        Assert.Equal(["allowed", "allowed", "denied", "denied"], denied.Items.Select(e => e.Outcome).Order(StringComparer.Ordinal));
    }
}
