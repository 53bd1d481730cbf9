using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using EmrPortal.Proxy.Snapshots;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Workspaces;

/// <summary>The workspaces the caller may see, a workspace's scan progress and its overview.</summary>
public static class WorkspacesEndpoints
{
    public static ApiRoutes MapWorkspacesEndpoints(this ApiRoutes routes)
    {
        routes.Api.MapGet("/workspaces", ListWorkspaces)
            .WithTags("Workspaces")
            .WithName("ListWorkspaces")
            .WithSummary("Workspaces the caller may see, with session counts once scanned.")
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        routes.Workspace.MapGet("/scan", GetScanStatus)
            .WithTags("Workspaces")
            .WithName("GetScanStatus")
            .WithSummary("Progress of the workspace's session snapshot (loaded of total).");
        routes.Workspace.MapGet("/overview", GetOverview)
            .WithTags("Insights")
            .WithName("GetWorkspaceOverview")
            .WithSummary("Sessions by state and kind, and running sessions over the last 24 hours and 7 days.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    internal static async Task<Ok<List<WorkspaceDto>>> ListWorkspaces(
        Caller caller, VisibleWorkspaces workspaces, SnapshotStore store, CancellationToken cancellationToken)
    {
        var visible = new List<WorkspaceDto>();
        foreach (var w in await workspaces.ListAsync(caller, cancellationToken))
        {
            var snapshot = store.Peek(w.WorkspaceId);
            visible.Add(w with { SessionCountsByState = snapshot?.CountsByState, SessionCount = snapshot?.Count });
        }

        return TypedResults.Ok(visible);
    }

    internal static Ok<ScanStatusDto> GetScanStatus(string workspaceId, SnapshotStore store) =>
        TypedResults.Ok(store.Status(workspaceId));

    internal static async Task<Ok<WorkspaceOverviewDto>> GetOverview(
        string workspaceId, WorkspaceOverviews overviews, CancellationToken cancellationToken) =>
        TypedResults.Ok(await overviews.GetAsync(workspaceId, cancellationToken));
}
