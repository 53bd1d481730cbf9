using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using EmrPortal.Proxy.Snapshots;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

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

    /// <param name="scan">
    /// True (the portal's home page): start the first scan of every listed workspace not loaded yet and wait for them
    /// up to <see cref="SnapshotOptions.WorkspaceScanBudget"/>, so the counts are there without opening a workspace;
    /// what is still scanning says so in <see cref="WorkspaceDto.ScanState"/>. False: only what is already loaded.
    /// </param>
    internal static async Task<Ok<List<WorkspaceDto>>> ListWorkspaces(
        Caller caller, VisibleWorkspaces workspaces, SnapshotStore store, IOptionsMonitor<SnapshotOptions> options, bool? scan,
        CancellationToken cancellationToken)
    {
        var listed = await workspaces.ListAsync(caller, cancellationToken);
        if (scan == true)
        {
            await store.WarmAsync(listed.Select(w => w.WorkspaceId), options.CurrentValue.WorkspaceScanBudget, cancellationToken);
        }

        var visible = new List<WorkspaceDto>(listed.Count);
        foreach (var w in listed)
        {
            var snapshot = store.Peek(w.WorkspaceId);
            visible.Add(w with
            {
                SessionCountsByState = snapshot?.CountsByState,
                SessionCount = snapshot?.Count,
                ScanState = snapshot is null ? store.Status(w.WorkspaceId).State : ScanStates.Ready,
            });
        }

        return TypedResults.Ok(visible);
    }

    internal static Ok<ScanStatusDto> GetScanStatus(string workspaceId, SnapshotStore store) =>
        TypedResults.Ok(store.Status(workspaceId));

    internal static async Task<Ok<WorkspaceOverviewDto>> GetOverview(
        string workspaceId, WorkspaceOverviews overviews, CancellationToken cancellationToken) =>
        TypedResults.Ok(await overviews.GetAsync(workspaceId, cancellationToken));
}
