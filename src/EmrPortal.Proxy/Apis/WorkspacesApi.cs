using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Audit;
using EmrPortal.Proxy.Insights;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Apis;

public static class WorkspacesApi
{
    public static IEndpointRouteBuilder MapWorkspacesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/workspaces")
            .WithTags("Workspaces")
            .RequireRateLimiting(Extensions.RateLimitingExtensions.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/", ListWorkspaces)
            .WithName("ListWorkspaces")
            .WithSummary("Workspaces the caller may see, with session counts once scanned.");
        api.MapGet("/{workspaceId}/sessions", ListSessions)
            .WithName("ListSessions")
            .WithSummary("One page of the workspace's sessions, sorted and filtered across all of them.");
        api.MapGet("/{workspaceId}/sessions.csv", ExportSessions)
            .WithName("ExportSessions")
            .WithSummary("Every session of the current view (same filters and sort) as CSV.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        api.MapGet("/{workspaceId}/sessions/{sessionClusterId}", GetSession)
            .WithName("GetSession")
            .WithSummary("A session's detail; secret-looking configuration values are redacted.");
        api.MapPost("/{workspaceId}/sessions/{sessionClusterId}/reveal", RevealSession)
            .WithName("RevealSession")
            .WithSummary("A session's detail with configuration values unredacted (Portal.Admin only, audited).");
        api.MapGet("/{workspaceId}/scan", GetScanStatus)
            .WithName("GetScanStatus")
            .WithSummary("Progress of the workspace's session snapshot (loaded of total).");
        return app;
    }

    internal static async Task<Ok<List<WorkspaceDto>>> ListWorkspaces(
        ClaimsPrincipal user, AccessPolicy policy, WorkspaceCatalog catalog, SnapshotStore store, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var visible = new List<WorkspaceDto>();
        foreach (var w in await catalog.GetAsync(cancellationToken))
        {
            if (!policy.CanSee(caller, w.WorkspaceId))
            {
                continue;
            }

            var snapshot = store.Peek(w.WorkspaceId);
            visible.Add(w with { SessionCountsByState = snapshot?.CountsByState, SessionCount = snapshot?.Count });
        }

        return TypedResults.Ok(visible);
    }

    internal static async Task<Results<Ok<SessionPageDto>, ValidationProblem, ProblemHttpResult>> ListSessions(
        string workspaceId,
        [AsParameters] SessionListQuery query,
        ClaimsPrincipal user,
        WorkspaceGate gate,
        SnapshotStore store,
        SessionListing listing,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (await gate.CheckAsync(caller, workspaceId, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (!query.TryParse(out var view, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        view = listing.Resolve(view, caller);
        var (snapshot, stale) = await store.GetAsync(workspaceId, cancellationToken);
        var (items, total) = SessionListing.Page(listing.Sources(snapshot, view.Listed).ToList(), view);
        var marked = await listing.MarkAsync(caller, items, cancellationToken);
        return TypedResults.Ok(new SessionPageDto(marked, total, view.Page, view.PageSize, snapshot.AsOf, stale));
    }

    internal static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> ExportSessions(
        string workspaceId,
        [AsParameters] SessionListQuery query,
        ClaimsPrincipal user,
        HttpContext http,
        WorkspaceGate gate,
        SnapshotStore store,
        SessionListing listing,
        AuditTrail audit,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (await gate.CheckAsync(caller, workspaceId, cancellationToken) is { } refused)
        {
            if (refused.StatusCode == StatusCodes.Status403Forbidden)
            {
                audit.Record(caller, AuditActions.Export, workspaceId, null, AuditOutcomes.Denied);
            }

            return refused;
        }

        if (!query.TryParse(out var view, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Resolve the data before the first byte: failures are still ProblemDetails, not a truncated file.
        view = listing.Resolve(view, caller);
        var (snapshot, _) = await store.GetAsync(workspaceId, cancellationToken);
        var sources = listing.Sources(snapshot, view.Listed).ToList();
        var rows = sources.Count == 1 ? Rows(sources[0], sources[0].Matching(view.Sort, view.Descending, view.Filter)) : Merged(sources, view);
        audit.Record(caller, AuditActions.Export, workspaceId, null, AuditOutcomes.Allowed);

        http.Response.Headers.CacheControl = "no-store";
        var fileName = $"sessions-{workspaceId}-{snapshot.AsOf.UtcDateTime:yyyyMMdd-HHmmss}.csv";
        return TypedResults.Stream(
            stream => SessionCsv.WriteAsync(stream, rows, http.RequestAborted),
            contentType: "text/csv; charset=utf-8",
            fileDownloadName: fileName);

        static IEnumerable<SessionSummaryDto> Rows(Snapshot snapshot, ReadOnlyMemory<int> order)
        {
            for (var i = 0; i < order.Length; i++)
            {
                yield return snapshot[order.Span[i]];
            }
        }

        static IEnumerable<SessionSummaryDto> Merged(IReadOnlyList<Snapshot> sources, SessionView view)
        {
            var total = sources.Sum(s => s.Matching(view.Sort, view.Descending, view.Filter).Length);
            return SessionsApi.Merge(sources, view with { Page = 1, PageSize = total }).Items;
        }
    }

    internal static Task<Results<Ok<SessionDetailDto>, ProblemHttpResult>> GetSession(
        string workspaceId, string sessionClusterId, ClaimsPrincipal user, WorkspaceGate gate, SessionDetails details,
        Redactor redactor, AuditTrail audit, SessionListing listing, CancellationToken cancellationToken) =>
        Detail(workspaceId, sessionClusterId, reveal: false, user, gate, details, redactor, audit, listing, cancellationToken);

    internal static Task<Results<Ok<SessionDetailDto>, ProblemHttpResult>> RevealSession(
        string workspaceId, string sessionClusterId, ClaimsPrincipal user, WorkspaceGate gate, SessionDetails details,
        Redactor redactor, AuditTrail audit, SessionListing listing, CancellationToken cancellationToken) =>
        Detail(workspaceId, sessionClusterId, reveal: true, user, gate, details, redactor, audit, listing, cancellationToken);

    private static async Task<Results<Ok<SessionDetailDto>, ProblemHttpResult>> Detail(
        string workspaceId, string sessionClusterId, bool reveal, ClaimsPrincipal user, WorkspaceGate gate,
        SessionDetails details, Redactor redactor, AuditTrail audit, SessionListing listing, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var action = reveal ? AuditActions.Reveal : AuditActions.ViewDetail;
        if (await gate.CheckSessionAsync(caller, workspaceId, sessionClusterId, cancellationToken) is { } refused)
        {
            if (refused.StatusCode == StatusCodes.Status403Forbidden)
            {
                audit.Record(caller, action, workspaceId, sessionClusterId, AuditOutcomes.Denied);
            }

            return refused;
        }

        if (reveal && !caller.IsAdmin)
        {
            audit.Record(caller, action, workspaceId, sessionClusterId, AuditOutcomes.Denied);
            return ApiProblems.AdminOnly();
        }

        listing.Prefetch();
        var lookup = await details.GetAsync(workspaceId, sessionClusterId, cancellationToken);
        if (lookup.Detail is null)
        {
            audit.Record(caller, action, workspaceId, sessionClusterId, AuditOutcomes.NotFound);
            return ApiProblems.SessionNotFound();
        }

        audit.Record(caller, action, workspaceId, sessionClusterId, AuditOutcomes.Allowed);
        var dto = redactor.ToDto(lookup.Detail, reveal, lookup.AsOf);
        var marked = await listing.MarkAsync(caller, [dto.Summary], cancellationToken);
        return TypedResults.Ok(dto with { Summary = marked[0] });
    }

    internal static async Task<Results<Ok<ScanStatusDto>, ProblemHttpResult>> GetScanStatus(
        string workspaceId, ClaimsPrincipal user, WorkspaceGate gate, SnapshotStore store, CancellationToken cancellationToken)
    {
        if (await gate.CheckAsync(Caller.From(user), workspaceId, cancellationToken) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok(store.Status(workspaceId));
    }
}
