using EmrPortal.Contracts;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Timeline;

/// <summary>A session's observed state transitions.</summary>
public static class TimelineEndpoints
{
    public static ApiRoutes MapTimelineEndpoints(this ApiRoutes routes)
    {
        routes.Workspace.MapGet(ApiRoutes.SessionPrefix + "/timeline", GetTimeline)
            .WithTags("Insights")
            .WithName("GetSessionTimeline")
            .WithSummary("The session's observed state transitions, oldest first (recorded by the proxy's snapshot refreshes).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    internal static async Task<Results<Ok<SessionTimelineDto>, ProblemHttpResult>> GetTimeline(
        string workspaceId, string sessionClusterId, SessionTimelines timelines, CancellationToken cancellationToken) =>
        await timelines.GetAsync(workspaceId, sessionClusterId, cancellationToken) is { } timeline
            ? TypedResults.Ok(timeline)
            : ApiProblems.SessionNotFound();
}
