using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Triage;

/// <summary>Error sessions grouped by reason, across the visible workspaces or in one.</summary>
public static class TriageEndpoints
{
    public static ApiRoutes MapTriageEndpoints(this ApiRoutes routes)
    {
        routes.Api.MapGet("/errors", GetErrors)
            .WithTags("Insights")
            .WithName("GetErrorGroups")
            .WithSummary("Error sessions of the visible workspaces (or one), grouped by stateChangeReason code.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    internal static async Task<Results<Ok<IReadOnlyList<ErrorGroupDto>>, ProblemHttpResult>> GetErrors(
        string? workspace, Caller caller, WorkspaceGate gate, ErrorTriage triage, CancellationToken cancellationToken)
    {
        // The workspace comes from the query, not the route: the gate is asked here rather than by the route filter.
        if (!string.IsNullOrEmpty(workspace) && await gate.CheckAsync(caller, workspace, cancellationToken) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok(await triage.GroupAsync(caller, string.IsNullOrEmpty(workspace) ? null : workspace, cancellationToken));
    }
}
