using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.Proxy.Sessions;

namespace EmrPortal.Proxy.Notifications;

/// <summary>A rule as detection needs it. <see cref="ActiveSince"/>: when it was created or last changed.</summary>
internal sealed record RuleSpec(
    Guid Id,
    string WorkspaceId,
    string Kind,
    string Name,
    string OwnerId,
    bool OnlyMine,
    string? Queue,
    string? SessionKind,
    int? Hours,
    int? Minutes,
    Guid? ViewId,
    DateTimeOffset ActiveSince);

/// <summary>One detection: which rule, what happened (<see cref="EventTypes"/>), about which session.</summary>
internal sealed record DetectedEvent(string EventId, string Type, RuleSpec Rule, SessionSummaryDto? Session, string? PreviousState, DateTimeOffset OccurredAt);

/// <summary>One session that is new (no <see cref="Previous"/>), changed, or no longer listed (no <see cref="Current"/>).</summary>
internal sealed record SessionDiff(string SessionClusterId, SessionSummaryDto? Previous, SessionSummaryDto? Current, string? PreviousState);

/// <summary>
/// One recording as detection sees it. <see cref="ActiveSessions"/> holds the listed Starting/Running sessions (the
/// only ones the threshold rules look at); <see cref="StateSince"/> when each listed session entered its state.
/// </summary>
internal sealed record DetectionInput(
    string WorkspaceId,
    DateTimeOffset AsOf,
    DateTimeOffset? PreviousAsOf,
    IReadOnlyList<SessionSummaryDto> ActiveSessions,
    IReadOnlyList<SessionDiff> Changes,
    IReadOnlyDictionary<string, DateTimeOffset> StateSince);

/// <summary>What detection may consult besides the recording: owners' cloud users, watched views, offered releases.</summary>
internal sealed record DetectionContext(
    Func<string, OwnerSet> OwnersOf,
    IReadOnlyDictionary<Guid, SessionView> Views,
    IReadOnlySet<EsrVersion>? OnlineReleases);

/// <summary>
/// Turns one snapshot recording into events, per rule. Pure: no I/O, so it is tested directly and measured by the
/// benchmark. Nothing fires on a workspace's first recording except thresholds already crossed (long-running), so
/// a new deployment does not announce every old failure.
/// </summary>
internal static class RuleEvaluator
{
    public static List<DetectedEvent> Evaluate(DetectionInput changes, IReadOnlyList<RuleSpec> rules, DetectionContext context)
    {
        var events = new List<DetectedEvent>();
        foreach (var rule in rules)
        {
            switch (rule.Kind)
            {
                case RuleKinds.SessionError:
                    SessionErrors(changes, rule, context, events);
                    break;
                case RuleKinds.LongRunning:
                    LongRunning(changes, rule, events);
                    break;
                case RuleKinds.ReleaseRetired:
                    ReleaseRetired(changes, rule, context, events);
                    break;
                case RuleKinds.ViewMembership:
                    ViewMembership(changes, rule, context, events);
                    break;
            }
        }

        return events;
    }

    private static void SessionErrors(DetectionInput c, RuleSpec rule, DetectionContext context, List<DetectedEvent> events)
    {
        if (c.PreviousAsOf is null)
        {
            return;
        }

        OwnerSet? owners = rule.OnlyMine ? context.OwnersOf(rule.OwnerId) : null;
        foreach (var change in c.Changes)
        {
            if (change.Current is not { } s || !IsError(s.State) || IsError(change.PreviousState))
            {
                continue;
            }

            if ((owners is not null && !owners.Matches(s))
                || (rule.Queue is not null && !string.Equals(rule.Queue, s.QueueName, StringComparison.OrdinalIgnoreCase))
                || (rule.SessionKind is not null && !string.Equals(rule.SessionKind, s.Kind, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            events.Add(new DetectedEvent(
                EventIds.For(rule.Id.ToString(), EventTypes.SessionError, s.SessionClusterId, EventIds.Instant(c.AsOf)),
                EventTypes.SessionError, rule, s, change.PreviousState, c.AsOf));
        }
    }

    private static bool IsError(string? state) => string.Equals(state, SessionStates.Error, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Fires once per run, when the threshold instant — entered Running + N hours, but not before the rule existed —
    /// falls in this recording's interval (previous asOf, asOf]. Intervals of consecutive recordings do not overlap, so
    /// a crossing is seen by exactly one recording even across instances and restarts.
    /// </summary>
    private static void LongRunning(DetectionInput c, RuleSpec rule, List<DetectedEvent> events)
    {
        if (rule.Hours is not { } hours)
        {
            return;
        }

        var threshold = TimeSpan.FromHours(hours);
        foreach (var s in c.ActiveSessions)
        {
            if (!string.Equals(s.State, SessionStates.Running, StringComparison.OrdinalIgnoreCase) || s.AutoStopEnabled == true
                || !c.StateSince.TryGetValue(s.SessionClusterId, out var since))
            {
                continue;
            }

            var due = since + threshold;
            if (due < rule.ActiveSince)
            {
                due = rule.ActiveSince;
            }

            if (due <= c.AsOf && (c.PreviousAsOf is not { } previous || due > previous))
            {
                events.Add(new DetectedEvent(
                    EventIds.For(rule.Id.ToString(), EventTypes.SessionLongRunning, s.SessionClusterId, EventIds.Instant(since)),
                    EventTypes.SessionLongRunning, rule, s, null, c.AsOf));
            }
        }
    }

    /// <summary>
    /// Starting/Running sessions on an esr release the cloud no longer lists as ONLINE. The id is per session run and
    /// release, so the detector's check against the outbox makes it fire once.
    /// </summary>
    private static void ReleaseRetired(DetectionInput c, RuleSpec rule, DetectionContext context, List<DetectedEvent> events)
    {
        if (context.OnlineReleases is not { Count: > 0 } online)
        {
            return;
        }

        foreach (var s in c.ActiveSessions)
        {
            if (s.State is not (SessionStates.Running or SessionStates.Starting)
                || !EsrVersion.TryParse(s.ReleaseVersion, s.DisplayReleaseVersion, out var version) || online.Contains(version))
            {
                continue;
            }

            var since = c.StateSince.TryGetValue(s.SessionClusterId, out var at) ? at : c.AsOf;
            events.Add(new DetectedEvent(
                EventIds.For(rule.Id.ToString(), EventTypes.SessionReleaseRetired, s.SessionClusterId, version.ToString(), EventIds.Instant(since)),
                EventTypes.SessionReleaseRetired, rule, s, null, c.AsOf));
        }
    }

    private static void ViewMembership(DetectionInput c, RuleSpec rule, DetectionContext context, List<DetectedEvent> events)
    {
        if (c.PreviousAsOf is null || rule.ViewId is not { } viewId || !context.Views.TryGetValue(viewId, out var view))
        {
            return;
        }

        var owners = view.Mine ? context.OwnersOf(rule.OwnerId) : null;
        foreach (var change in c.Changes)
        {
            var was = change.Previous is { } before && InView(before, listed: true, view, owners);
            var now = change.Current is { } after && InView(after, listed: true, view, owners);
            if (change.Current is null && change.Previous is { } gone)
            {
                // No longer listed: in a "gone"/"all" view it may enter; in the default view it leaves.
                now = InView(gone, listed: false, view, owners);
            }

            if (was == now)
            {
                continue;
            }

            var type = now ? EventTypes.ViewEntered : EventTypes.ViewLeft;
            var session = change.Current ?? change.Previous!;
            events.Add(new DetectedEvent(
                EventIds.For(rule.Id.ToString(), type, change.SessionClusterId, EventIds.Instant(c.AsOf)),
                type, rule, session, change.PreviousState, c.AsOf));
        }
    }

    /// <summary>The list's own filter semantics (see the snapshot's filter): exact state/kind, contains for queue/owner/q.</summary>
    internal static bool InView(SessionSummaryDto s, bool listed, SessionView view, OwnerSet? owners)
    {
        var listedOk = view.Listed switch
        {
            ListedFilter.Gone => !listed,
            ListedFilter.All => true,
            _ => listed,
        };
        if (!listedOk)
        {
            return false;
        }

        var f = view.Filter;
        if (f.State is not null && !string.Equals(s.State, f.State, StringComparison.OrdinalIgnoreCase)) return false;
        if (f.Kind is not null && !string.Equals(s.Kind, f.Kind, StringComparison.OrdinalIgnoreCase)) return false;
        if (f.Queue is not null && !Contains(s.QueueName, f.Queue)) return false;
        if (f.Owner is not null && !Contains(s.UserName, f.Owner) && !Contains(s.UserId, f.Owner)) return false;
        if (f.Q is not null && !Contains(s.SessionClusterId, f.Q) && !Contains(s.Name, f.Q) && !Contains(s.UserName, f.Q)
            && !Contains(s.UserId, f.Q) && !Contains(s.QueueName, f.Q)) return false;
        if (f.Reason is not null && !ReasonFilter.Matches(s.StateChangeReasonCode, f.Reason)) return false;
        return owners is null || owners.Matches(s);
    }

    private static bool Contains(string? field, string text) => field is not null && field.Contains(text, StringComparison.OrdinalIgnoreCase);
}
