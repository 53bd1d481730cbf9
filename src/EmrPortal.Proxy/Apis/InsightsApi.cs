using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Insights;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Apis;

/// <summary>What the portal knows beyond one upstream answer: session timelines, error triage, workspace overview.</summary>
public static class InsightsApi
{
    /// <summary>Sessions listed per error group.</summary>
    public const int MaxSessionsPerErrorGroup = 50;

    /// <summary>The error code of Error sessions that carry none.</summary>
    public const string UnknownErrorCode = "unknown";

    public static IEndpointRouteBuilder MapInsightsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .WithTags("Insights")
            .RequireRateLimiting(Extensions.RateLimitingExtensions.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/workspaces/{workspaceId}/sessions/{sessionClusterId}/timeline", GetTimeline)
            .WithName("GetSessionTimeline")
            .WithSummary("The session's observed state transitions, oldest first (recorded by the proxy's snapshot refreshes).");
        api.MapGet("/errors", GetErrors)
            .WithName("GetErrorGroups")
            .WithSummary("Error sessions of the visible workspaces (or one), grouped by stateChangeReason code.");
        api.MapGet("/workspaces/{workspaceId}/overview", GetOverview)
            .WithName("GetWorkspaceOverview")
            .WithSummary("Sessions by state and kind, and running sessions over the last 24 hours and 7 days.");
        return app;
    }

    internal static async Task<Results<Ok<SessionTimelineDto>, ProblemHttpResult>> GetTimeline(
        string workspaceId,
        string sessionClusterId,
        ClaimsPrincipal user,
        WorkspaceGate gate,
        SessionHistoryStore history,
        SnapshotStore store,
        CancellationToken cancellationToken)
    {
        if (await gate.CheckSessionAsync(Caller.From(user), workspaceId, sessionClusterId, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (await history.GetTimelineAsync(workspaceId, sessionClusterId, cancellationToken) is { } timeline)
        {
            return TypedResults.Ok(timeline);
        }

        // Listed but not recorded yet (the recorder runs just behind the scan): an empty timeline, not a 404.
        var (snapshot, _) = await store.GetAsync(workspaceId, cancellationToken);
        return snapshot.Find(sessionClusterId) is null
            ? ApiProblems.SessionNotFound()
            : TypedResults.Ok(new SessionTimelineDto(workspaceId, sessionClusterId, [], false, snapshot.AsOf));
    }

    internal static async Task<Results<Ok<IReadOnlyList<ErrorGroupDto>>, ProblemHttpResult>> GetErrors(
        string? workspace,
        ClaimsPrincipal user,
        AccessPolicy policy,
        WorkspaceCatalog catalog,
        WorkspaceGate gate,
        SnapshotStore store,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        IEnumerable<string> workspaces;
        if (!string.IsNullOrEmpty(workspace))
        {
            if (await gate.CheckAsync(caller, workspace, cancellationToken) is { } refused)
            {
                return refused;
            }

            workspaces = [workspace];
        }
        else
        {
            workspaces = (await catalog.GetAsync(cancellationToken)).Where(w => policy.CanSee(caller, w.WorkspaceId)).Select(w => w.WorkspaceId);
        }

        var snapshots = await Task.WhenAll(workspaces.Select(ws => store.GetAsync(ws, cancellationToken)));
        return TypedResults.Ok(GroupErrors(snapshots.Select(r => r.Snapshot)));
    }

    /// <summary>Error sessions grouped by reason code: biggest group first; in a group the most recently started first.</summary>
    internal static IReadOnlyList<ErrorGroupDto> GroupErrors(IEnumerable<Snapshot> snapshots) =>
        snapshots
            .SelectMany(s => s.Sessions)
            .Where(s => string.Equals(s.State, SessionStates.Error, StringComparison.Ordinal))
            .GroupBy(s => string.IsNullOrEmpty(s.StateChangeReasonCode) ? UnknownErrorCode : s.StateChangeReasonCode, StringComparer.Ordinal)
            .Select(g =>
            {
                var ordered = g
                    .OrderByDescending(s => s.StartTime ?? s.GmtCreate ?? DateTimeOffset.MinValue)
                    .ThenBy(s => s.WorkspaceId, StringComparer.Ordinal)
                    .ThenBy(s => s.SessionClusterId, StringComparer.Ordinal)
                    .ToList();
                return new ErrorGroupDto(
                    g.Key,
                    ordered.Select(s => s.StateChangeReasonMessage).FirstOrDefault(m => !string.IsNullOrEmpty(m)),
                    ordered.Count,
                    ordered.Take(MaxSessionsPerErrorGroup).Select(s => new SessionRefDto(s.WorkspaceId, s.SessionClusterId, s.Name, s.UserName)).ToList());
            })
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Code, StringComparer.Ordinal)
            .ToList();

    internal static async Task<Results<Ok<WorkspaceOverviewDto>, ProblemHttpResult>> GetOverview(
        string workspaceId,
        ClaimsPrincipal user,
        WorkspaceGate gate,
        SnapshotStore store,
        SessionHistoryStore history,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await gate.CheckAsync(Caller.From(user), workspaceId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var (snapshot, _) = await store.GetAsync(workspaceId, cancellationToken);
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMillisecond));
        var day = Points(now, TimeSpan.FromHours(1), 24);
        var week = Points(now, TimeSpan.FromHours(6), 28);
        var all = day.Concat(week).Distinct().Order().ToList();
        var running = (await history.GetRunningSeriesAsync(workspaceId, all, cancellationToken)).ToDictionary(p => p.At);
        return TypedResults.Ok(new WorkspaceOverviewDto(
            workspaceId,
            snapshot.CountsByState,
            snapshot.CountsByKind,
            day.Select(t => running[t]).ToList(),
            week.Select(t => running[t]).ToList(),
            snapshot.AsOf));
    }

    /// <summary><paramref name="count"/> instants <paramref name="step"/> apart, oldest first, the last one <paramref name="end"/>.</summary>
    private static List<DateTimeOffset> Points(DateTimeOffset end, TimeSpan step, int count) =>
        Enumerable.Range(0, count).Select(i => end - (step * (count - 1 - i))).ToList();
}
