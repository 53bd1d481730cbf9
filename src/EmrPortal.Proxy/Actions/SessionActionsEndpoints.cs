using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using EmrPortal.Proxy.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Actions;

/// <summary>
/// Start/Stop for cost control — mapped only when <c>Features:StartStop=true</c>, so with the switch off the routes do
/// not exist (404) and the proxy's cloud key can stay List/Get-only. Portal.Operator and Portal.Admin may act on any
/// session of a workspace they can see; anyone else only on sessions their mapped cloud user owns.
/// </summary>
public static class SessionActionsEndpoints
{
    public static ApiRoutes MapSessionActionsEndpoints(this ApiRoutes routes)
    {
        if (!((IEndpointRouteBuilder)routes.Api).ServiceProvider.GetRequiredService<CloudIdentity>().StartStopEnabled)
        {
            return routes;
        }

        foreach (var action in SessionAction.All)
        {
            routes.Workspace.MapPost($"{ApiRoutes.SessionPrefix}/{action.Name}", (string workspaceId, string sessionClusterId, Caller caller, SessionActions actions, CancellationToken cancellationToken) =>
                    Act(action, workspaceId, sessionClusterId, caller, actions, cancellationToken))
                .WithMetadata(new AuditedAction(action.AuditAction))
                .WithTags("Session actions")
                .WithName(action.EndpointName)
                .WithSummary(action.Summary)
                .Produces<SessionActionResultDto>(StatusCodes.Status202Accepted)
                .ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status502BadGateway)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        }

        return routes;
    }

    private static async Task<Results<Ok<SessionActionResultDto>, Accepted<SessionActionResultDto>, ProblemHttpResult>> Act(
        SessionAction action, string workspaceId, string sessionClusterId, Caller caller, SessionActions actions, CancellationToken cancellationToken) =>
        await actions.RunAsync(action, caller, workspaceId, sessionClusterId, cancellationToken) switch
        {
            (SessionActionOutcome.Done, var state) => TypedResults.Ok(new SessionActionResultDto(workspaceId, sessionClusterId, action.Name, state)),
            (SessionActionOutcome.NotFound, _) => ApiProblems.SessionNotFound(),
            (SessionActionOutcome.Limited, _) => ApiProblems.TooManyUnknownLookups(TimeSpan.FromSeconds(1)),
            (SessionActionOutcome.NotOwner, _) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only the session's owner, Portal.Operator or Portal.Admin may start or stop it."),
            (SessionActionOutcome.Unconfirmed, var state) => TypedResults.Accepted((string?)null,
                new SessionActionResultDto(workspaceId, sessionClusterId, action.Name, state, SessionActionOutcomes.Unconfirmed)),
            (_, { } state) => ApiProblems.Conflict($"The cloud refused to {action.Name} the session: it is {state}."),
            _ => ApiProblems.Conflict($"The cloud refused to {action.Name} the session in its current state."),
        };
}
