using System.Net;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Triage;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Insights;

/// <summary>"Mine", "no longer listed", release drift, pins and error triage on the list endpoints.</summary>
public sealed class ListInsightsApiTests : IAsyncLifetime
{
    private readonly UpstreamHider _hider = new();
    private readonly ProxyHost _host;
    private readonly Api _api;

    public ListInsightsApiTests()
    {
        _host = new ProxyHost(InsightsHost.Settings(), InsightsHost.NoThrottling, rewriteUpstream: _hider.RewriteAsync);
        _api = new Api(_host);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Mine_lists_exactly_the_sessions_of_the_callers_mapped_cloud_user()
    {
        var all = await _api.AllSessionsAsync(_host, "/api/v1/workspaces/w-analytics/sessions");
        var expected = all.Where(s => s.UserName == InsightsHost.ViewerCloudUser).Select(s => s.SessionClusterId).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);

        var mine = await _api.GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?mine=true&pageSize=200&sort=name&dir=asc");
        var everywhere = await _api.GetOk<SessionPageDto>("viewer", "/api/v1/sessions?mine=true&pageSize=200");
        var me = await _api.GetOk<MeDto>("viewer", "/api/v1/me");

        Assert.Equal(expected, mine.Items.Select(s => s.SessionClusterId).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count, mine.TotalCount);
        Assert.Equal(expected.Count, everywhere.TotalCount);
        Assert.Equal([InsightsHost.ViewerCloudUser], me.CloudUserNames);
        Assert.False(me.CanStartStop); // the feature is off

        // Mine combines with the other filters, and "mine=false" is everyone.
        var mineRunning = await _api.GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?mine=true&state=Running");
        Assert.Equal(all.Count(s => s.UserName == InsightsHost.ViewerCloudUser && s.State == "Running"), mineRunning.TotalCount);
        Assert.Equal(all.Count, (await _api.GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?mine=false")).TotalCount);
    }

    [Fact]
    public async Task Mine_without_a_mapping_is_an_empty_page_and_bad_values_are_400()
    {
        var admin = await _api.GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?mine=true");
        Assert.Equal((0, 0), (admin.TotalCount, admin.Items.Count));
        Assert.Empty((await _api.GetOk<MeDto>("admin", "/api/v1/me")).CloudUserNames);

        foreach (var query in new[] { "mine=maybe", "listed=deleted", "listed=", "mine=yes" })
        {
            var (response, body) = await _host.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions?" + query);
            if (query == "listed=") { Assert.Equal(HttpStatusCode.OK, response.StatusCode); continue; }
            var problem = Api.Problem(response, body, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(query.Split('=')[0], out _), body);
        }
    }

    [Fact]
    public async Task Sessions_upstream_stops_listing_are_kept_as_no_longer_listed_and_filterable()
    {
        var before = await _api.AllSessionsAsync(_host, "/api/v1/workspaces/w-analytics/sessions");
        await _host.RecordedAsync();
        var gone = before.First(s => s.UserName == InsightsHost.ViewerCloudUser);
        _hider.Hidden[gone.SessionClusterId] = true;
        await _host.RescanAsync("w-analytics");

        var current = await _api.GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200");
        var goneOnly = await _api.GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?listed=gone");
        var both = await _api.GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?listed=all&pageSize=200&sort=name");
        var mineGone = await _api.GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?listed=gone&mine=true");
        var acrossGone = await _api.GetOk<SessionPageDto>("admin", "/api/v1/sessions?listed=gone");

        Assert.Equal(before.Count - 1, current.TotalCount);
        var kept = Assert.Single(goneOnly.Items);
        Assert.Equal((gone.SessionClusterId, gone.Name, gone.State, true), (kept.SessionClusterId, kept.Name, kept.State, kept.NoLongerListed));
        Assert.Equal(before.Count, both.TotalCount);
        Assert.Equal([gone.SessionClusterId], mineGone.Items.Select(s => s.SessionClusterId));
        Assert.Equal([gone.SessionClusterId], acrossGone.Items.Select(s => s.SessionClusterId));

        var timeline = await _api.GetOk<SessionTimelineDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions/{gone.SessionClusterId}/timeline");
        Assert.True(timeline.NoLongerListed);

        var (csv, csvBody) = await _host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions.csv?listed=gone");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Contains(gone.SessionClusterId, csvBody, StringComparison.Ordinal);
        Assert.Equal(2, csvBody.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + the one session

        // Listed again upstream: back in the current list, no longer in "gone".
        _hider.Hidden.Clear();
        await _host.RescanAsync("w-analytics");
        Assert.Equal(0, (await _api.GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?listed=gone")).TotalCount);
        Assert.Equal(before.Count, (await _api.GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions")).TotalCount);
    }

    [Fact]
    public async Task Only_sessions_on_a_release_no_longer_offered_or_a_major_version_behind_are_flagged()
    {
        var all = await _api.AllSessionsAsync(_host, "/api/v1/workspaces/w-analytics/sessions");

        // The emulator offers esr-2.2 … esr-4.2.0 as ONLINE (newest major 4) and esr-2.1 as OFFLINE: esr-4.0.0 and
        // esr-4.1.0 are older than the newest but not drift worth a badge; esr-3.x and esr-2.x are a major behind.
        Assert.Contains(all, s => s.ReleaseVersion is "esr-4.0.0" or "esr-4.1.0");
        Assert.Contains(all, s => s.ReleaseVersion!.StartsWith("esr-3.", StringComparison.Ordinal));
        Assert.All(all, s => Assert.Equal(!s.ReleaseVersion!.StartsWith("esr-4.", StringComparison.Ordinal), s.ReleaseOutdated));
    }

    [Fact]
    public async Task A_pin_marks_the_session_for_its_owner_only_and_can_be_removed()
    {
        var target = (await _api.GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?pageSize=1&sort=name")).Items[0];
        var path = $"/api/v1/workspaces/w-analytics/sessions/{target.SessionClusterId}/pin";

        var (put, putBody) = await _host.SendAsync(HttpMethod.Put, _host.Token("viewer"), path);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(target.SessionClusterId, Api.Read<PinDto>(putBody).SessionClusterId);

        Assert.True((await _api.GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?pageSize=1&sort=name")).Items[0].Pinned);
        Assert.False((await _api.GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=1&sort=name")).Items[0].Pinned);
        Assert.Equal([target.SessionClusterId], (await _api.GetOk<IReadOnlyList<PinDto>>("viewer", "/api/v1/pins")).Select(p => p.SessionClusterId));
        Assert.Empty(await _api.GetOk<IReadOnlyList<PinDto>>("admin", "/api/v1/pins"));
        var detail = await _api.GetOk<SessionDetailDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions/{target.SessionClusterId}");
        Assert.True(detail.Summary.Pinned);
        Assert.Equal(!detail.Summary.ReleaseVersion!.StartsWith("esr-4.", StringComparison.Ordinal), detail.Summary.ReleaseOutdated);

        var (unknown, unknownBody) = await _host.SendAsync(HttpMethod.Put, _host.Token("viewer"), "/api/v1/workspaces/w-analytics/sessions/sc-nosuchsession00/pin");
        Api.Problem(unknown, unknownBody, HttpStatusCode.NotFound);

        var (delete, _) = await _host.SendAsync(HttpMethod.Delete, _host.Token("viewer"), path);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.False((await _api.GetOk<SessionPageDto>("viewer", "/api/v1/workspaces/w-analytics/sessions?pageSize=1&sort=name")).Items[0].Pinned);
        Assert.Empty(await _api.GetOk<IReadOnlyList<PinDto>>("viewer", "/api/v1/pins"));
    }

    [Fact]
    public async Task Error_triage_groups_every_visible_error_session_by_reason_code()
    {
        var errors = await _api.AllSessionsAsync(_host, "/api/v1/sessions?state=Error");
        var groups = await _api.GetOk<IReadOnlyList<ErrorGroupDto>>("admin", "/api/v1/errors");

        var expected = errors.GroupBy(s => s.StateChangeReasonCode ?? ErrorTriage.UnknownErrorCode)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), groups.Select(g => KeyValuePair.Create(g.Code, g.Count)).OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Equal(groups.OrderByDescending(g => g.Count).Select(g => g.Code), groups.Select(g => g.Code));
        foreach (var group in groups)
        {
            Assert.Equal(Math.Min(group.Count, ErrorTriage.MaxSessionsPerErrorGroup), group.Sessions.Count);
            Assert.False(string.IsNullOrEmpty(group.SampleMessage));
            var byId = errors.ToDictionary(e => (e.WorkspaceId, e.SessionClusterId));
            Assert.All(group.Sessions, r => Assert.Equal(group.Code, byId[(r.WorkspaceId, r.SessionClusterId)].StateChangeReasonCode));
        }

        // A viewer's triage covers only what they may see; one workspace can be asked for, if visible.
        var viewer = await _api.GetOk<IReadOnlyList<ErrorGroupDto>>("viewer", "/api/v1/errors");
        Assert.All(viewer.SelectMany(g => g.Sessions), r => Assert.Equal("w-analytics", r.WorkspaceId));
        Assert.Equal(errors.Count(e => e.WorkspaceId == "w-analytics"), viewer.Sum(g => g.Count));
        Assert.Equal(viewer.Sum(g => g.Count), (await _api.GetOk<IReadOnlyList<ErrorGroupDto>>("viewer", "/api/v1/errors?workspace=w-analytics")).Sum(g => g.Count));
        Assert.Empty(await _api.GetOk<IReadOnlyList<ErrorGroupDto>>("outsider", "/api/v1/errors"));
        var (forbidden, forbiddenBody) = await _host.GetAsync("viewer", "/api/v1/errors?workspace=w-finance");
        Api.Problem(forbidden, forbiddenBody, HttpStatusCode.Forbidden);
        var (bad, badBody) = await _host.GetAsync("admin", "/api/v1/errors?workspace=..%2Fw-finance");
        Api.Problem(bad, badBody, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Overview_counts_states_and_kinds_and_replays_running_sessions_from_the_timeline()
    {
        var overview = await _api.GetOk<WorkspaceOverviewDto>("viewer", "/api/v1/workspaces/w-analytics/overview");
        var all = await _api.AllSessionsAsync(_host, "/api/v1/workspaces/w-analytics/sessions");

        Assert.Equal(all.GroupBy(s => s.State!).ToDictionary(g => g.Key, g => g.Count()).OrderBy(k => k.Key), overview.ByState.OrderBy(k => k.Key));
        Assert.Equal(all.GroupBy(s => s.Kind!).ToDictionary(g => g.Key, g => g.Count()).OrderBy(k => k.Key), overview.ByKind.OrderBy(k => k.Key));

        // Recorded just now: the series start at the portal's first observation — no flat zero line for the day
        // before it, then a jump — and every Running session counts from there on.
        await _host.RecordedAsync();
        var recorded = await _api.GetOk<WorkspaceOverviewDto>("viewer", "/api/v1/workspaces/w-analytics/overview");
        Assert.InRange(recorded.Running24h.Count, 1, 2);
        Assert.InRange(recorded.Running7d.Count, 1, 2);
        Assert.True(recorded.Running24h[^1].At - recorded.Running24h[0].At < TimeSpan.FromHours(1));
        Assert.All(recorded.Running24h.Concat(recorded.Running7d), p => Assert.Equal(overview.ByState["Running"], p.Running));
    }

    [Fact]
    public void Chart_points_start_at_the_first_observation()
    {
        var now = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        var hourly = Enumerable.Range(0, 24).Select(i => now.AddHours(i - 23)).ToList();

        Assert.Empty(EmrPortal.Proxy.Workspaces.WorkspaceOverviews.FromFirstObservation(hourly, null));
        Assert.Equal(hourly, EmrPortal.Proxy.Workspaces.WorkspaceOverviews.FromFirstObservation(hourly, now.AddDays(-3)));
        var first = now.AddHours(-5).AddMinutes(-20);
        var fromFirst = EmrPortal.Proxy.Workspaces.WorkspaceOverviews.FromFirstObservation(hourly, first);
        Assert.Equal([first, .. hourly.Skip(18)], fromFirst);
        Assert.Equal([now], EmrPortal.Proxy.Workspaces.WorkspaceOverviews.FromFirstObservation(hourly, now));
    }
}

/// <summary>The release-drift rule: a badge only where it should change a decision.</summary>
public sealed class ReleaseDriftTests
{
    private static HashSet<EsrVersion> Online(params string[] versions) =>
        versions.Select(v =>
        {
            Assert.True(EsrVersion.TryParse(v, out var parsed));
            return parsed;
        }).ToHashSet();

    [Theory]
    // Offered, same major as the newest: no badge, however many minors or patches behind.
    [InlineData("esr-4.0.0", false)]
    [InlineData("esr-4.1.0", false)]
    [InlineData("esr-4.2", false)]
    // A major version behind the newest offered release (still offered): badge.
    [InlineData("esr-3.3.1", true)]
    [InlineData("ESR-2.2", true)]
    // No longer offered (OFFLINE or gone from the list): badge, even on the newest major.
    [InlineData("esr-2.1", true)]
    [InlineData("esr-4.0.1", true)]
    // Not an esr version: nothing to compare.
    [InlineData("esr-4.x", false)]
    [InlineData("3.3.1", false)]
    [InlineData(null, false)]
    public void A_release_drifts_when_no_longer_offered_or_a_major_behind(string? release, bool drifted)
    {
        var online = Online("esr-2.2", "esr-3.3.1", "esr-4.0.0", "esr-4.1.0", "esr-4.2.0");
        Assert.Equal(drifted, ReleaseCatalog.IsDrifted(release, null, online));
        // Without a known release list there is never a badge.
        Assert.False(ReleaseCatalog.IsDrifted(release, null, null));
        Assert.False(ReleaseCatalog.IsDrifted(release, null, new HashSet<EsrVersion>()));
    }

    [Fact]
    public void Versions_compare_numerically_so_a_tenth_major_is_newer_than_a_ninth()
    {
        var online = Online("esr-9.9.0", "esr-10.0.0");
        Assert.True(ReleaseCatalog.IsDrifted("esr-9.9.0", null, online));
        Assert.False(ReleaseCatalog.IsDrifted("esr-10.0.0", null, online));
    }
}
