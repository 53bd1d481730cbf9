using System.Net;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Proxy.Tests.Insights;

/// <summary>
/// Timeline recording end to end on a fake clock shared by proxy and emulator: the emulator moves a session through
/// Starting→Running and Stopping→Stopped when its clock passes; every rescan's diff lands in the timeline.
/// </summary>
public sealed class TimelineApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ProxyHost _host;

    public TimelineApiTests() => _host = new ProxyHost(InsightsHost.Settings(), InsightsHost.NoThrottling, _clock);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Start_and_stop_in_the_cloud_show_up_as_timeline_transitions_oldest_first()
    {
        var host = _host;
        var t = new Api(host);
        var stopped = (await t.GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?state=Stopped&pageSize=1")).Items[0];
        var firstScan = host.Service<EmrPortal.Proxy.Snapshots.SnapshotStore>().Peek("w-analytics")!.AsOf;
        await host.RecordedAsync();

        var initial = await t.GetOk<SessionTimelineDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions/{stopped.SessionClusterId}/timeline");
        var observed = Assert.Single(initial.Transitions);
        Assert.Equal((null, "Stopped", firstScan), (observed.FromState, observed.ToState, observed.ObservedAt));

        // Start upstream; the emulator says Starting now and Running 8 s later (on the shared clock).
        await host.Cloud().StartSessionClusterAsync("w-analytics", stopped.SessionClusterId, null, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var starting = await host.RescanAsync("w-analytics");
        _clock.Advance(TimeSpan.FromSeconds(10));
        var running = await host.RescanAsync("w-analytics");
        await host.Cloud().StopSessionClusterAsync("w-analytics", stopped.SessionClusterId, null, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await host.RescanAsync("w-analytics");
        _clock.Advance(TimeSpan.FromSeconds(5));
        var final = await host.RescanAsync("w-analytics");

        var timeline = await t.GetOk<SessionTimelineDto>("viewer", $"/api/v1/workspaces/w-analytics/sessions/{stopped.SessionClusterId}/timeline");
        Assert.Equal(
            [(null, "Stopped"), ("Stopped", "Starting"), ("Starting", "Running"), ("Running", "Stopping"), ("Stopping", "Stopped")],
            timeline.Transitions.Select(x => (x.FromState, x.ToState)));
        Assert.Equal(starting.AsOf, timeline.Transitions[1].ObservedAt);
        Assert.Equal(running.AsOf, timeline.Transitions[2].ObservedAt);
        Assert.Equal("1000000", timeline.Transitions[^1].ReasonCode); // "Stopped by user."
        Assert.True(timeline.Transitions.Zip(timeline.Transitions.Skip(1)).All(p => p.First.ObservedAt < p.Second.ObservedAt));
        Assert.Equal(final.AsOf, timeline.LastSeen);
        Assert.False(timeline.NoLongerListed);

        // The list says since when the session is in its state ("stopped for 0 s"), others keep their own.
        var row = (await t.GetOk<SessionPageDto>("admin", $"/api/v1/workspaces/w-analytics/sessions?q={stopped.SessionClusterId}")).Items.Single();
        Assert.Equal(("Stopped", final.AsOf), (row.State, row.StateSince));
        var unchanged = await t.GetOk<SessionPageDto>("admin", "/api/v1/workspaces/w-analytics/sessions?state=Error&pageSize=5");
        Assert.All(unchanged.Items, s => Assert.True(s.StateSince <= firstScan));

        // Only sessions that changed got new rows: 4 transitions after the first scan, the rest are single observations.
        Assert.Equal(320 + 4, await CountTransitionsAsync(host));
    }

    [Fact]
    public async Task Timeline_of_an_unknown_session_is_404_and_bad_ids_are_400()
    {
        var host = _host;
        var (missing, body) = await host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions/sc-nosuchsession00/timeline");
        Api.Problem(missing, body, HttpStatusCode.NotFound);
        var (bad, badBody) = await host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions/bad.id/timeline");
        Api.Problem(bad, badBody, HttpStatusCode.BadRequest);
        var (forbidden, forbiddenBody) = await host.GetAsync("viewer", "/api/v1/workspaces/w-finance/sessions/sc-nosuchsession00/timeline");
        Api.Problem(forbidden, forbiddenBody, HttpStatusCode.Forbidden);
    }

    private static async Task<int> CountTransitionsAsync(ProxyHost host)
    {
        await using var db = host.Service<EmrPortal.PortalData.IPortalDbFactory>().CreateDbContext();
        return db.StateTransitions.Count(x => x.WorkspaceId == "w-analytics");
    }
}
