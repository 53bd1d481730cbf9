using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Audit;
using EmrPortal.Proxy.Insights;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Apis;

/// <summary>
/// Start/Stop for cost control — mapped only when <c>Features:StartStop=true</c>, so with the switch off the routes do
/// not exist (404) and the proxy's cloud key can stay List/Get-only. Portal.Operator and Portal.Admin may act on any
/// session of a workspace they can see; anyone else only on sessions their mapped cloud user owns.
/// </summary>
public static class SessionActionsApi
{
    public const string StartAction = "start";
    public const string StopAction = "stop";

    public static IEndpointRouteBuilder MapSessionActionsApi(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<CloudIdentity>().StartStopEnabled)
        {
            return app;
        }

        var api = app.MapGroup("/api/v1/workspaces/{workspaceId}/sessions/{sessionClusterId}")
            .WithTags("Session actions")
            .RequireRateLimiting(Extensions.RateLimitingExtensions.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/start", StartSession)
            .WithName("StartSession")
            .WithSummary("Starts a stopped session (its owner, Portal.Operator or Portal.Admin; audited).");
        api.MapPost("/stop", StopSession)
            .WithName("StopSession")
            .WithSummary("Stops a session (its owner, Portal.Operator or Portal.Admin; audited).");
        return app;
    }

    internal static Task<Results<Ok<SessionActionResultDto>, ProblemHttpResult>> StartSession(
        string workspaceId, string sessionClusterId, ClaimsPrincipal user, SessionActionServices services, CancellationToken cancellationToken) =>
        ActAsync(StartAction, workspaceId, sessionClusterId, user, services, cancellationToken);

    internal static Task<Results<Ok<SessionActionResultDto>, ProblemHttpResult>> StopSession(
        string workspaceId, string sessionClusterId, ClaimsPrincipal user, SessionActionServices services, CancellationToken cancellationToken) =>
        ActAsync(StopAction, workspaceId, sessionClusterId, user, services, cancellationToken);

    private static async Task<Results<Ok<SessionActionResultDto>, ProblemHttpResult>> ActAsync(
        string action, string workspaceId, string sessionClusterId, ClaimsPrincipal user, SessionActionServices s, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var auditAction = action == StartAction ? AuditActions.Start : AuditActions.Stop;
        if (await s.Gate.CheckSessionAsync(caller, workspaceId, sessionClusterId, cancellationToken) is { } refused)
        {
            if (refused.StatusCode == StatusCodes.Status403Forbidden)
            {
                s.Audit.Record(caller, auditAction, workspaceId, sessionClusterId, AuditOutcomes.Denied);
            }

            return refused;
        }

        // Ownership from the freshest data at hand: the snapshot, else the session's own detail.
        var (snapshot, _) = await s.Store.GetAsync(workspaceId, cancellationToken);
        var session = snapshot.Find(sessionClusterId) ?? (await s.Details.GetAsync(workspaceId, sessionClusterId, cancellationToken)).Detail?.Summary;
        if (session is null)
        {
            s.Audit.Record(caller, auditAction, workspaceId, sessionClusterId, AuditOutcomes.NotFound);
            return ApiProblems.SessionNotFound();
        }

        if (!CloudIdentity.IsOperator(caller) && !s.Identity.Owns(caller, session))
        {
            s.Audit.Record(caller, auditAction, workspaceId, sessionClusterId, AuditOutcomes.Denied);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only the session's owner, Portal.Operator or Portal.Admin may start or stop it.");
        }

        try
        {
            _ = action == StartAction
                ? await s.Client.StartSessionClusterAsync(workspaceId, sessionClusterId, queueName: null, cancellationToken)
                : await s.Client.StopSessionClusterAsync(workspaceId, sessionClusterId, queueName: null, cancellationToken);
        }
        catch (EmrApiException ex) when (ex.IsNotFound)
        {
            s.Audit.Record(caller, auditAction, workspaceId, sessionClusterId, AuditOutcomes.NotFound);
            return ApiProblems.SessionNotFound();
        }
        catch (EmrApiException ex) when ((int)ex.HttpStatus is >= 400 and < 500 && !ex.IsAuthError && !ex.IsThrottling)
        {
            // e.g. IncorrectSessionClusterState: starting a session that is still stopping.
            s.Audit.Record(caller, auditAction, workspaceId, sessionClusterId, AuditOutcomes.Conflict);
            return ApiProblems.Conflict($"The cloud refused to {action} the session in its current state.");
        }

        s.Audit.Record(caller, auditAction, workspaceId, sessionClusterId, AuditOutcomes.Allowed);

        // The list and the timeline must show the change: rescan now, and read the detail fresh.
        await s.Details.InvalidateAsync(workspaceId, sessionClusterId, cancellationToken);
        s.Store.Invalidate(workspaceId);
        var detail = (await s.Details.GetAsync(workspaceId, sessionClusterId, cancellationToken)).Detail;
        return TypedResults.Ok(new SessionActionResultDto(workspaceId, sessionClusterId, action, detail?.Summary.State));
    }
}

/// <summary>What a start/stop request needs (one parameter instead of eight).</summary>
internal sealed record SessionActionServices(
    WorkspaceGate Gate,
    SnapshotStore Store,
    SessionDetails Details,
    CloudIdentity Identity,
    IEmrServerlessSparkClient Client,
    AuditTrail Audit);
