using EmrPortal.Contracts;
using EmrPortal.Proxy.Api;
using EmrPortal.Proxy.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Access;

/// <summary>
/// The one place that decides whether a caller reaches a workspace: valid ids (400), the caller's access (403),
/// existence (404). Every <c>/workspaces/{workspaceId}</c> route passes it through <see cref="WorkspaceGateFilter"/>;
/// routes that name a workspace in the query (error triage) call it directly.
/// </summary>
internal sealed class WorkspaceGate(AccessPolicy policy, WorkspaceCatalog catalog)
{
    public async Task<ProblemHttpResult?> CheckAsync(Caller caller, string workspaceId, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(workspaceId))
        {
            return ApiProblems.InvalidId("workspaceId");
        }

        // Access before existence: a workspace the caller may not see is 403 whether or not it exists.
        if (!policy.CanSee(caller, workspaceId))
        {
            return ApiProblems.Forbidden();
        }

        return await catalog.FindAsync(workspaceId, cancellationToken) is null ? ApiProblems.WorkspaceNotFound() : null;
    }

    /// <summary>The session id's shape first (it never reaches a path or a store otherwise), then <see cref="CheckAsync"/>.</summary>
    public Task<ProblemHttpResult?> CheckSessionAsync(
        Caller caller, string workspaceId, string sessionClusterId, CancellationToken cancellationToken) =>
        Ids.IsValid(sessionClusterId)
            ? CheckAsync(caller, workspaceId, cancellationToken)
            : Task.FromResult<ProblemHttpResult?>(ApiProblems.InvalidId("sessionClusterId"));
}
