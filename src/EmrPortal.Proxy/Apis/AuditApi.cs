using System.ComponentModel;
using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EmrPortal.Proxy.Apis;

/// <summary>The audit log for Portal.Admin: who viewed, revealed, exported, started or stopped what; newest first, paged on the server.</summary>
public static class AuditApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1")
            .WithTags("Audit")
            .RequireRateLimiting(Extensions.RateLimitingExtensions.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .MapGet("/audit", GetAudit)
            .WithName("GetAuditLog")
            .WithSummary("One page of the audit log, newest first (Portal.Admin only).");
        return app;
    }

    internal static async Task<Results<Ok<AuditPageDto>, ValidationProblem, ProblemHttpResult>> GetAudit(
        [AsParameters] AuditListQuery query, ClaimsPrincipal user, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!Caller.From(user).IsAdmin)
        {
            return ApiProblems.AdminOnly("Only Portal.Admin may read the audit log.");
        }

        if (!query.TryParse(out var parsed, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await audit.PageAsync(parsed, cancellationToken));
    }
}

/// <summary>The raw audit query (strings, so a bad value is a 400 naming the parameter).</summary>
internal sealed class AuditListQuery
{
    private const int MaxTextLength = 256;

    [FromQuery(Name = "page"), Description("1-based page number.")]
    public string? Page { get; init; }

    [FromQuery(Name = "pageSize"), Description("Entries per page, 1..200 (default 50).")]
    public string? PageSize { get; init; }

    [FromQuery(Name = "user"), Description("Exact user id or display name.")]
    public string? User { get; init; }

    [FromQuery(Name = "action"), Description("Exact action, e.g. session.view, session.reveal, sessions.export, session.start, session.stop.")]
    public string? Action { get; init; }

    [FromQuery(Name = "workspace"), Description("Exact workspace id.")]
    public string? Workspace { get; init; }

    public bool TryParse(out AuditQuery query, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var page = QueryValues.Int(Page, "page", 1, 1, 1_000_000, errors);
        var pageSize = QueryValues.Int(PageSize, "pageSize", AuditApi.DefaultPageSize, 1, AuditApi.MaxPageSize, errors);
        query = new AuditQuery(
            page,
            pageSize,
            QueryValues.Text(User, "user", MaxTextLength, errors),
            QueryValues.Text(Action, "action", MaxTextLength, errors),
            QueryValues.Text(Workspace, "workspace", MaxTextLength, errors));
        return errors.Count == 0;
    }
}
