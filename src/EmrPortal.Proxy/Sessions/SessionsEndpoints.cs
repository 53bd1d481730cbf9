using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using EmrPortal.Proxy.Audit;
using EmrPortal.Proxy.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Sessions;

/// <summary>Session lists (one workspace, or every visible one), the CSV export, and a session's detail.</summary>
public static class SessionsEndpoints
{
    public static ApiRoutes MapSessionsEndpoints(this ApiRoutes routes)
    {
        routes.Api.MapGet("/sessions", ListAllSessions)
            .WithTags("Sessions")
            .WithName("ListAllSessions")
            .WithSummary("One page of sessions merged across every visible workspace, sorted globally.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var workspace = routes.Workspace.MapGroup("")
            .WithTags("Workspaces")
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        workspace.MapGet("/sessions", ListSessions)
            .WithName("ListSessions")
            .WithSummary("One page of the workspace's sessions, sorted and filtered across all of them.");
        workspace.MapGet("/sessions.csv", ExportSessions)
            .WithMetadata(new AuditedAction(AuditActions.Export))
            .WithName("ExportSessions")
            .WithSummary("Every session of the current view (same filters and sort) as CSV.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        workspace.MapGet(ApiRoutes.SessionPrefix, (string workspaceId, string sessionClusterId, Caller caller, [AsParameters] SessionDetailServices services, CancellationToken cancellationToken) =>
                Detail(workspaceId, sessionClusterId, reveal: false, caller, services, cancellationToken))
            .WithMetadata(new AuditedAction(AuditActions.ViewDetail))
            .WithName("GetSession")
            .WithSummary("A session's detail; secret-looking configuration values are redacted.");
        workspace.MapPost(ApiRoutes.SessionPrefix + "/reveal", (string workspaceId, string sessionClusterId, Caller caller, [AsParameters] SessionDetailServices services, CancellationToken cancellationToken) =>
                Detail(workspaceId, sessionClusterId, reveal: true, caller, services, cancellationToken))
            .WithMetadata(new AuditedAction(AuditActions.Reveal))
            .WithName("RevealSession")
            .WithSummary("A session's detail with configuration values unredacted (Portal.Admin only, audited).");
        return routes;
    }

    internal static async Task<Results<SessionPageResult, ValidationProblem>> ListAllSessions(
        [AsParameters] SessionListQuery query, Caller caller, VisibleWorkspaces workspaces, SessionListing listing, CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var view, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        listing.Prefetch();
        var visible = await workspaces.IdsAsync(caller, cancellationToken);
        return new SessionPageResult(await listing.ListPageAsync(caller, visible, view, cancellationToken));
    }

    internal static async Task<Results<SessionPageResult, ValidationProblem>> ListSessions(
        string workspaceId, [AsParameters] SessionListQuery query, Caller caller, SessionListing listing, CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var view, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        return new SessionPageResult(await listing.ListPageAsync(caller, [workspaceId], view, cancellationToken));
    }

    internal static async Task<Results<PushStreamHttpResult, ValidationProblem>> ExportSessions(
        string workspaceId, [AsParameters] SessionListQuery query, Caller caller, HttpContext http, SessionListing listing, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var view, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (rows, asOf) = await listing.AllAsync(caller, workspaceId, view, cancellationToken);
        audit.Record(caller, AuditActions.Export, workspaceId, null, AuditOutcomes.Allowed);

        http.Response.Headers.CacheControl = "no-store";
        var fileName = $"sessions-{workspaceId}-{asOf.UtcDateTime:yyyyMMdd-HHmmss}.csv";
        return TypedResults.Stream(
            stream => SessionCsv.WriteAsync(stream, rows, http.RequestAborted),
            contentType: "text/csv; charset=utf-8",
            fileDownloadName: fileName);
    }

    /// <summary>The detail (redacted) or, with <paramref name="reveal"/>, the unredacted detail for Portal.Admin; both audited.</summary>
    private static async Task<Results<Ok<SessionDetailDto>, ProblemHttpResult>> Detail(
        string workspaceId, string sessionClusterId, bool reveal, Caller caller, SessionDetailServices s, CancellationToken cancellationToken)
    {
        var action = reveal ? AuditActions.Reveal : AuditActions.ViewDetail;
        if (reveal && !caller.IsAdmin)
        {
            s.Audit.Record(caller, action, workspaceId, sessionClusterId, AuditOutcomes.Denied);
            return ApiProblems.AdminOnly();
        }

        s.Listing.Prefetch();
        // Unknown ids are answered from a fresh snapshot at no upstream cost (see SessionLookup).
        var found = await s.Details.GetAsync(caller, workspaceId, sessionClusterId, cancellationToken);
        if (found.Status == SessionLookupStatus.Limited)
        {
            s.Audit.Record(caller, action, workspaceId, sessionClusterId, AuditOutcomes.Limited);
            return ApiProblems.TooManyUnknownLookups(found.RetryAfter);
        }

        if (found.Lookup is not { Detail: not null } lookup)
        {
            s.Audit.Record(caller, action, workspaceId, sessionClusterId, AuditOutcomes.NotFound);
            return ApiProblems.SessionNotFound();
        }

        s.Audit.Record(caller, action, workspaceId, sessionClusterId, AuditOutcomes.Allowed);
        var dto = s.Redactor.ToDto(lookup.Detail, reveal, lookup.AsOf);
        var marked = await s.Listing.MarkAsync(caller, [dto.Summary], cancellationToken);
        return TypedResults.Ok(dto with { Summary = marked[0] });
    }
}

/// <summary>What a detail request needs, bound from the container as one parameter.</summary>
internal sealed record SessionDetailServices(SessionLookup Details, Redactor Redactor, AuditTrail Audit, SessionListing Listing);
