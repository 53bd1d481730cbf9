using EmrPortal.Proxy.Audit;

namespace EmrPortal.Proxy.Access;

/// <summary>
/// The <see cref="WorkspaceGate"/> as an endpoint filter on the <c>/workspaces/{workspaceId}</c> route group: a route
/// with a <c>{sessionClusterId}</c> has that id checked too. A refusal ends the request before the handler runs; a
/// 403 on a route marked <see cref="AuditedAction"/> is written to the audit trail as denied.
/// </summary>
internal sealed class WorkspaceGateFilter(WorkspaceGate gate, AuditTrail audit) : IEndpointFilter
{
    public const string WorkspaceIdRouteValue = "workspaceId";
    public const string SessionIdRouteValue = "sessionClusterId";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var workspaceId = http.GetRouteValue(WorkspaceIdRouteValue) as string ?? "";
        var sessionClusterId = http.GetRouteValue(SessionIdRouteValue) as string;
        var caller = Caller.Of(http);
        var refused = sessionClusterId is null
            ? await gate.CheckAsync(caller, workspaceId, http.RequestAborted)
            : await gate.CheckSessionAsync(caller, workspaceId, sessionClusterId, http.RequestAborted);
        if (refused is null)
        {
            return await next(context);
        }

        if (refused.StatusCode == StatusCodes.Status403Forbidden && http.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>() is { } audited)
        {
            audit.Record(caller, audited.Action, workspaceId, sessionClusterId, AuditOutcomes.Denied);
        }

        return refused;
    }
}
