using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Actions;
using EmrPortal.Proxy.Api;
using EmrPortal.Proxy.Audit;
using EmrPortal.Proxy.Me;
using EmrPortal.Proxy.Notifications;
using EmrPortal.Proxy.Pins;
using EmrPortal.Proxy.Preferences;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Timeline;
using EmrPortal.Proxy.Triage;
using EmrPortal.Proxy.Views;
using EmrPortal.Proxy.Workspaces;

namespace EmrPortal.Proxy.Extensions;

public static class ApiExtensions
{
    /// <summary>
    /// Every <c>/api/v1</c> route. Authorization, the per-user rate limit and the shared ProblemDetails answers are
    /// set once on the group; <c>/workspaces/{workspaceId}</c> routes also pass the workspace gate (400/403/404) before
    /// their handler runs.
    /// </summary>
    public static WebApplication MapProxyApi(this WebApplication app)
    {
        var api = app.MapGroup(ApiRoutes.Prefix)
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitingExtensions.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        var workspace = api.MapGroup(ApiRoutes.WorkspacePrefix)
            .AddEndpointFilter<WorkspaceGateFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        new ApiRoutes(api, workspace)
            .MapMeEndpoints()
            .MapWorkspacesEndpoints()
            .MapSessionsEndpoints()
            .MapTimelineEndpoints()
            .MapTriageEndpoints()
            .MapViewsEndpoints()
            .MapPinsEndpoints()
            .MapPreferencesEndpoints()
            .MapAuditEndpoints()
            .MapSessionActionsEndpoints()
            .MapNotificationsEndpoints();
        return app;
    }
}
