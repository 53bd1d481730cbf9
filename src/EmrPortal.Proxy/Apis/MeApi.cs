using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Insights;
using EmrPortal.Proxy.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Apis;

public static class MeApi
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1")
            .WithTags("Me")
            .RequireRateLimiting(Extensions.RateLimitingExtensions.PerUserPolicy)
            .MapGet("/me", GetMe)
            .WithName("GetMe")
            .WithSummary("Who the caller is: id, name, roles and the workspaces they may see.");
        return app;
    }

    internal static async Task<Ok<MeDto>> GetMe(
        ClaimsPrincipal user,
        AccessPolicy policy,
        WorkspaceCatalog catalog,
        IOptionsMonitor<AccessOptions> access,
        CloudIdentity identity,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        IEnumerable<string> candidates;
        try
        {
            candidates = (await catalog.GetAsync(cancellationToken)).Select(w => w.WorkspaceId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Upstream down and nothing cached: still tell the UI who the caller is and what the mapping grants.
            candidates = access.CurrentValue.Workspaces.Keys.Where(Ids.IsValid).Order(StringComparer.Ordinal);
        }

        return TypedResults.Ok(new MeDto(caller.UserId, caller.Name, caller.Roles, policy.Visible(caller, candidates), caller.IsAdmin)
        {
            CloudUserNames = identity.CloudUserNames(caller),
            CanStartStop = identity.MayStartStop(caller),
        });
    }
}
