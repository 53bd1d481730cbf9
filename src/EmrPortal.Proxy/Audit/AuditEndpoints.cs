using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Audit;

/// <summary>The audit log for Portal.Admin: who viewed, revealed, exported, started or stopped what; newest first, paged on the server.</summary>
public static class AuditEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static ApiRoutes MapAuditEndpoints(this ApiRoutes routes)
    {
        routes.Api.MapGet("/audit", GetAudit)
            .WithTags("Audit")
            .WithName("GetAuditLog")
            .WithSummary("One page of the audit log, newest first (Portal.Admin only).");
        return routes;
    }

    internal static async Task<Results<Ok<AuditPageDto>, ValidationProblem, ProblemHttpResult>> GetAudit(
        [AsParameters] AuditListQuery query, Caller caller, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return ApiProblems.AdminOnly("Only Portal.Admin may read the audit log.");
        }

        if (!query.TryParse(out var parsed, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var page = await audit.PageAsync(parsed, cancellationToken);
        return TypedResults.Ok(new AuditPageDto(
            page.Items.Select(a => new AuditEntryDto(a.Id, a.At, a.UserId, a.UserName, a.Action, a.WorkspaceId, a.SessionClusterId, a.Outcome) { Count = a.Count, LastAt = a.LastAt }).ToList(),
            page.TotalCount,
            page.Page,
            page.PageSize));
    }
}
