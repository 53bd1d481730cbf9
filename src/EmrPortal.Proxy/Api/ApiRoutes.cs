namespace EmrPortal.Proxy.Api;

/// <summary>
/// The two route groups every feature maps into: <see cref="Api"/> (<c>/api/v1</c>: authorization, the per-user rate
/// limit and the shared ProblemDetails answers) and <see cref="Workspace"/> (<c>/api/v1/workspaces/{workspaceId}</c>:
/// the same plus the workspace gate, so no handler checks access itself).
/// </summary>
public sealed record ApiRoutes(RouteGroupBuilder Api, RouteGroupBuilder Workspace)
{
    public const string Prefix = "/api/v1";
    public const string WorkspacePrefix = "/workspaces/{workspaceId}";
    public const string SessionPrefix = "/sessions/{sessionClusterId}";
}
