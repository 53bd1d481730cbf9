using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Me;

/// <summary>Who the caller is.</summary>
public static class MeEndpoints
{
    public static ApiRoutes MapMeEndpoints(this ApiRoutes routes)
    {
        routes.Api.MapGet("/me", GetMe)
            .WithTags("Me")
            .WithName("GetMe")
            .WithSummary("Who the caller is: id, name, roles and the workspaces they may see.");
        return routes;
    }

    internal static async Task<Ok<MeDto>> GetMe(Caller caller, CallerProfile profile, CancellationToken cancellationToken) =>
        TypedResults.Ok(await profile.DescribeAsync(caller, cancellationToken));
}
