using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;

namespace EmrPortal.Proxy.Timeline;

/// <summary>
/// Between the API's session summaries and the portal database's history records: the database stores a summary as
/// an opaque document and never depends on the HTTP contracts (docs/decisions.md, "Contracts only at the edge").
/// </summary>
internal static class SessionHistoryMapping
{
    /// <summary>A snapshot's session as the history stores it: the snapshot's own data, without per-view enrichments.</summary>
    public static ObservedSession ToObserved(SessionSummaryDto s) => new(
        s.SessionClusterId,
        s.State,
        s.StateChangeReasonCode,
        s.StateChangeReasonMessage,
        s.StartTime,
        JsonSerializer.Serialize(
            s with { StateSince = null, NoLongerListed = false, ReleaseOutdated = false, Pinned = false },
            PortalJsonContext.Default.SessionSummaryDto));

    /// <summary>A session upstream no longer lists, as the list shows it; null if its stored document is unreadable.</summary>
    public static SessionSummaryDto? ToSummary(string workspaceId, LastKnownSession gone)
    {
        SessionSummaryDto? summary;
        try
        {
            summary = JsonSerializer.Deserialize(gone.SummaryJson, PortalJsonContext.Default.SessionSummaryDto);
        }
        catch (JsonException)
        {
            return null;
        }

        return summary is null
            ? null
            : summary with { WorkspaceId = workspaceId, SessionClusterId = gone.SessionClusterId, StateSince = gone.StateSince, NoLongerListed = true };
    }

    public static SessionTimelineDto ToDto(this SessionHistoryTimeline t) => new(
        t.WorkspaceId,
        t.SessionClusterId,
        t.Transitions.Select(x => new StateTransitionDto(x.WorkspaceId, x.SessionClusterId, x.FromState, x.ToState, x.ReasonCode, x.ReasonMessage, x.ObservedAt)).ToList(),
        t.NoLongerListed,
        t.LastSeen);

    public static RunningPointDto ToDto(this RunningCount point) => new(point.At, point.Running);
}
