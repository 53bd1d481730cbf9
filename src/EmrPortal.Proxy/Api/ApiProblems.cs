using EmrPortal.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EmrPortal.Proxy.Api;

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

    public static ProblemHttpResult TooManyUnknownLookups(TimeSpan retryAfter) =>
        TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests",
            detail: "Too many lookups of sessions the portal does not know yet; try again shortly.",
            extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) });
}
