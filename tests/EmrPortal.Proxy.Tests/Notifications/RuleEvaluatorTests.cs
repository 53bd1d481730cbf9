using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.Proxy.Notifications;
using EmrPortal.Proxy.Sessions;

namespace EmrPortal.Proxy.Tests.Notifications;

/// <summary>Detection on recorded changes, without I/O.</summary>
public sealed class RuleEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DetectionContext NoContext = new(_ => new OwnerSet([]), new Dictionary<Guid, SessionView>(), null);

    private static SessionSummaryDto Session(string id, string state, string user = "emma", string queue = "dev_queue", string kind = "SQL", bool? autoStop = false, string release = "esr-4.0.0") =>
        new("w", id, "name-" + id, state, state == "Error" ? "1000007" : null, null, kind, queue, user, user, release, null, null, T0.AddDays(-1), null, autoStop, null);

    private static RuleSpec Rule(string kind, bool onlyMine = false, string? queue = null, string? sessionKind = null, int? hours = null, Guid? view = null, DateTimeOffset? since = null) =>
        new(Guid.NewGuid(), "w", kind, "r", "user-1", onlyMine, queue, sessionKind, hours, null, view, since ?? T0.AddDays(-10));

    private static DetectionInput Changes(DateTimeOffset? previous, IReadOnlyList<SessionDiff> changes, IReadOnlyList<SessionSummaryDto>? sessions = null, Dictionary<string, DateTimeOffset>? since = null) =>
        new("w", T0, previous, sessions ?? changes.Where(c => c.Current is not null).Select(c => c.Current!).ToList(), changes, since ?? new Dictionary<string, DateTimeOffset>());

    [Fact]
    public void Session_error_fires_on_entering_Error_with_the_rules_filters_and_a_stable_id()
    {
        var failed = new SessionDiff("s1", Session("s1", "Running"), Session("s1", "Error"), "Running");
        var otherQueue = new SessionDiff("s2", Session("s2", "Running", queue: "prod_queue"), Session("s2", "Error", queue: "prod_queue"), "Running");
        var stillError = new SessionDiff("s3", Session("s3", "Error"), Session("s3", "Error") with { Name = "renamed" }, "Error");
        var appearedFailed = new SessionDiff("s4", null, Session("s4", "Error", user: "bob"), null);
        var any = Rule(RuleKinds.SessionError);
        var devOnly = Rule(RuleKinds.SessionError, queue: "DEV_QUEUE");
        var mine = Rule(RuleKinds.SessionError, onlyMine: true);
        var notebooks = Rule(RuleKinds.SessionError, sessionKind: "NOTEBOOK");
        var context = NoContext with { OwnersOf = _ => new OwnerSet(["Emma"]) };
        var changes = Changes(T0.AddSeconds(-15), [failed, otherQueue, stillError, appearedFailed]);

        var events = RuleEvaluator.Evaluate(changes, [any, devOnly, mine, notebooks], context);
        var again = RuleEvaluator.Evaluate(changes, [any, devOnly, mine, notebooks], context);

        Assert.Equal(["s1", "s2", "s4"], events.Where(e => e.Rule == any).Select(e => e.Session!.SessionClusterId));
        Assert.Equal(["s1", "s4"], events.Where(e => e.Rule == devOnly).Select(e => e.Session!.SessionClusterId));
        Assert.Equal(["s1", "s2"], events.Where(e => e.Rule == mine).Select(e => e.Session!.SessionClusterId));
        Assert.DoesNotContain(events, e => e.Rule == notebooks);
        Assert.All(events, e => Assert.Equal(EventTypes.SessionError, e.Type));
        Assert.Equal(events.Select(e => e.EventId), again.Select(e => e.EventId));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public void A_workspaces_first_recording_announces_no_old_failures()
    {
        var change = new SessionDiff("s1", null, Session("s1", "Error"), null);

        Assert.Empty(RuleEvaluator.Evaluate(Changes(null, [change]), [Rule(RuleKinds.SessionError)], NoContext));
    }

    [Fact]
    public void Long_running_fires_once_when_the_threshold_falls_in_the_recorded_interval_and_never_with_auto_stop()
    {
        var running = Session("s1", "Running");
        var autoStopped = Session("s2", "Running", autoStop: true);
        var since = new Dictionary<string, DateTimeOffset> { ["s1"] = T0.AddHours(-5).AddSeconds(-5), ["s2"] = T0.AddHours(-9) };
        var rule = Rule(RuleKinds.LongRunning, hours: 5);

        var crossing = RuleEvaluator.Evaluate(Changes(T0.AddSeconds(-15), [], [running, autoStopped], since), [rule], NoContext);
        var nextRefresh = RuleEvaluator.Evaluate(Changes(T0.AddSeconds(-15), [], [running, autoStopped], since) with { AsOf = T0.AddSeconds(15), PreviousAsOf = T0 }, [rule], NoContext);
        var tooEarly = RuleEvaluator.Evaluate(Changes(T0.AddSeconds(-15), [], [running], new() { ["s1"] = T0.AddHours(-4) }), [rule], NoContext);
        var ruleCreatedNow = RuleEvaluator.Evaluate(
            Changes(T0.AddSeconds(-15), [], [running], new() { ["s1"] = T0.AddHours(-30) }), [Rule(RuleKinds.LongRunning, hours: 5, since: T0.AddSeconds(-3))], NoContext);

        var e = Assert.Single(crossing);
        Assert.Equal(("s1", EventTypes.SessionLongRunning), (e.Session!.SessionClusterId, e.Type));
        Assert.Empty(nextRefresh);
        Assert.Empty(tooEarly);
        Assert.Single(ruleCreatedNow); // already over the threshold when the rule was made: told once
    }

    [Fact]
    public void View_membership_reports_entering_and_leaving_including_sessions_no_longer_listed()
    {
        var view = new SessionView(1, 25, SessionSortKey.StartTime, true, new SessionFilter("Running", null, "dev", null, null));
        var rule = Rule(RuleKinds.ViewMembership, view: Guid.NewGuid());
        var context = NoContext with { Views = new Dictionary<Guid, SessionView> { [rule.ViewId!.Value] = view } };
        var entered = new SessionDiff("s1", Session("s1", "Starting"), Session("s1", "Running"), "Starting");
        var left = new SessionDiff("s2", Session("s2", "Running"), Session("s2", "Error"), "Running");
        var gone = new SessionDiff("s3", Session("s3", "Running"), null, "Running");
        var elsewhere = new SessionDiff("s4", Session("s4", "Starting", queue: "prod"), Session("s4", "Running", queue: "prod"), "Starting");
        var newcomer = new SessionDiff("s5", null, Session("s5", "Running"), null);

        var events = RuleEvaluator.Evaluate(Changes(T0.AddSeconds(-15), [entered, left, gone, elsewhere, newcomer]), [rule], context);

        Assert.Equal(
            [("s1", EventTypes.ViewEntered), ("s2", EventTypes.ViewLeft), ("s3", EventTypes.ViewLeft), ("s5", EventTypes.ViewEntered)],
            events.Select(e => (e.Session!.SessionClusterId, e.Type)));
    }

    [Fact]
    public void Release_retired_fires_for_active_sessions_on_a_release_no_longer_online()
    {
        var online = new HashSet<EsrVersion> { new(4, 1, 0) };
        var rule = Rule(RuleKinds.ReleaseRetired);
        var sessions = new[] { Session("s1", "Running", release: "esr-4.0.0"), Session("s2", "Running", release: "esr-4.1.0"), Session("s3", "Stopped", release: "esr-3.0.0") };

        var events = RuleEvaluator.Evaluate(Changes(T0.AddSeconds(-15), [], sessions), [rule], NoContext with { OnlineReleases = online });
        var unknownCatalog = RuleEvaluator.Evaluate(Changes(T0.AddSeconds(-15), [], sessions), [rule], NoContext);

        Assert.Equal(["s1"], events.Select(e => e.Session!.SessionClusterId));
        Assert.Empty(unknownCatalog);
    }
}
