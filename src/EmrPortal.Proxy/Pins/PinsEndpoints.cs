using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Pins;

/// <summary>The caller's personal pins.</summary>
public static class PinsEndpoints
{
    public static ApiRoutes MapPinsEndpoints(this ApiRoutes routes)
    {
        routes.Api.MapGet("/pins", ListPins)
            .WithTags("Views")
            .WithName("ListPins")
            .WithSummary("The caller's pinned sessions, in workspaces they may still see.");
        routes.Workspace.MapPut(ApiRoutes.SessionPrefix + "/pin", (string workspaceId, string sessionClusterId, Caller caller, SessionPins pins, CancellationToken cancellationToken) =>
                SetPin(pinned: true, workspaceId, sessionClusterId, caller, pins, cancellationToken))
            .WithTags("Views")
            .WithName("PinSession")
            .WithSummary("Pins a session to the top of the caller's lists.");
        routes.Workspace.MapDelete(ApiRoutes.SessionPrefix + "/pin", (string workspaceId, string sessionClusterId, Caller caller, SessionPins pins, CancellationToken cancellationToken) =>
                SetPin(pinned: false, workspaceId, sessionClusterId, caller, pins, cancellationToken))
            .WithTags("Views")
            .WithName("UnpinSession")
            .WithSummary("Removes the caller's pin.");
        return routes;
    }

    internal static async Task<Ok<IReadOnlyList<PinDto>>> ListPins(Caller caller, SessionPins pins, CancellationToken cancellationToken) =>
        TypedResults.Ok(await pins.ListAsync(caller, cancellationToken));

    /// <summary>Pins (200 with the pin) or unpins (204) a session of a workspace the route group's gate let through.</summary>
    private static async Task<Results<Ok<PinDto>, NoContent, ProblemHttpResult>> SetPin(
        bool pinned, string workspaceId, string sessionClusterId, Caller caller, SessionPins pins, CancellationToken cancellationToken)
    {
        if (!pinned)
        {
            await pins.UnpinAsync(caller, workspaceId, sessionClusterId, cancellationToken);
            return TypedResults.NoContent();
        }

        return await pins.PinAsync(caller, workspaceId, sessionClusterId, cancellationToken) is { } pin
            ? TypedResults.Ok(pin)
            : ApiProblems.SessionNotFound();
    }
}
