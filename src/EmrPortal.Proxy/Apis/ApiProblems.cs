using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EmrPortal.Proxy.Apis;

/// <summary>The proxy's ProblemDetails answers (traceId is added centrally by the ProblemDetails customization).</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult InvalidId(string parameter) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [parameter] = ["Must match ^[A-Za-z0-9_-]{1,64}$."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        });

    public static ProblemHttpResult Forbidden() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: "You do not have access to this workspace.");

    public static ProblemHttpResult AdminOnly(string detail = "Only Portal.Admin may reveal configuration values.") =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: detail);

    public static ProblemHttpResult WorkspaceNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "No such workspace.");

    public static ProblemHttpResult SessionNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "No such session in this workspace.");
}

/// <summary>The gate every workspace route passes: valid id (400), the caller's access (403), existence (404).</summary>
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
