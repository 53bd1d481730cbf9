using System.Net;
using EmrPortal.Emulator.Data;
using EmrPortal.Emulator.Faults;
using EmrPortal.Emulator.Gateway;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Emulator.Apis;

/// <summary>Admin view of the faults: every field; on PUT, omitted fields keep their current value.</summary>
public sealed record FaultsDocument(
    LatencyDocument? Latency,
    double? ErrorRate,
    IReadOnlyList<int>? ErrorStatusCodes,
    ThrottlingDocument? Throttling,
    bool? CredentialsRevoked,
    ChurnDocument? Churn = null);

/// <summary>
/// Sessions created and deleted while a client pages: each of the next <see cref="Calls"/> ListSessionClusters calls
/// about <see cref="WorkspaceId"/> first deletes <see cref="DeletePerCall"/> random sessions and creates
/// <see cref="CreatePerCall"/> new ones (newest first, so they shift every offset), so totalCount moves mid-scan.
/// </summary>
public sealed record ChurnDocument(string? WorkspaceId, int? CreatePerCall, int? DeletePerCall, int? Calls);

/// <summary>Optional body of <c>POST /admin/sessions/{ws}/{id}/fail</c>.</summary>
public sealed record FailSessionDocument(string? Code, string? Message);

public sealed record LatencyDocument(int? FixedMs, int? JitterMs);

public sealed record ThrottlingDocument(bool? Enabled, double? Qps, int? Burst);

/// <summary>
/// Test and demo controls: call statistics and fault injection. Not signed and not under <c>/api</c>, so only
/// loopback callers are served; anything else gets 403.
/// </summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
            IsLoopback(context.HttpContext.Connection.RemoteIpAddress)
                ? await next(context)
                : TypedResults.Problem(
                    title: "Forbidden",
                    detail: "The admin endpoints answer loopback callers only.",
                    statusCode: StatusCodes.Status403Forbidden));

        admin.MapGet("/stats", (CallStats stats) => TypedResults.Ok(stats.Snapshot()));
        admin.MapPost("/stats/reset", (CallStats stats) =>
        {
            stats.Reset();
            return TypedResults.NoContent();
        });
        admin.MapGet("/faults", (FaultState faults) => TypedResults.Ok(ToDocument(faults.Current)));
        admin.MapPut("/faults", UpdateFaults);
        admin.MapGet("/ram", (RamPolicy ram) => TypedResults.Ok(ram.Snapshot()));
        admin.MapPut("/ram", UpdateRam);
        admin.MapPost("/sessions/{workspaceId}/{sessionClusterId}/fail", FailSession);
        return app;
    }

    internal static Results<Ok<FaultsDocument>, ValidationProblem> UpdateFaults(FaultsDocument patch, FaultState faults)
    {
        var current = faults.Current;
        var updated = new FaultSettings(
            patch.Latency?.FixedMs ?? current.LatencyFixedMs,
            patch.Latency?.JitterMs ?? current.LatencyJitterMs,
            patch.ErrorRate ?? current.ErrorRate,
            patch.ErrorStatusCodes is { Count: > 0 } codes ? [.. codes] : current.ErrorStatusCodes,
            patch.Throttling?.Enabled ?? current.ThrottlingEnabled,
            patch.Throttling?.Qps ?? current.ThrottlingQps,
            patch.Throttling?.Burst ?? current.ThrottlingBurst,
            patch.CredentialsRevoked ?? current.CredentialsRevoked,
            patch.Churn is { } churn
                ? new ChurnSettings(churn.WorkspaceId ?? current.Churn.WorkspaceId, churn.CreatePerCall ?? current.Churn.CreatePerCall,
                    churn.DeletePerCall ?? current.Churn.DeletePerCall, churn.Calls ?? current.Churn.Calls)
                : current.Churn);

        var errors = new Dictionary<string, string[]>();
        if (updated.LatencyFixedMs is < 0 or > 60_000) errors["latency.fixedMs"] = ["Must be 0..60000."];
        if (updated.LatencyJitterMs is < 0 or > 60_000) errors["latency.jitterMs"] = ["Must be 0..60000."];
        if (updated.ErrorRate is < 0 or > 1 || double.IsNaN(updated.ErrorRate)) errors["errorRate"] = ["Must be a fraction from 0 to 1."];
        if (updated.ErrorStatusCodes.Any(c => c is not (500 or 503))) errors["errorStatusCodes"] = ["Only 500 and 503."];
        if (updated.ThrottlingQps is <= 0 or > 100_000 || double.IsNaN(updated.ThrottlingQps)) errors["throttling.qps"] = ["Must be > 0 and ≤ 100000."];
        if (updated.ThrottlingBurst is < 1 or > 1_000_000) errors["throttling.burst"] = ["Must be 1..1000000."];
        if (updated.Churn.CreatePerCall is < 0 or > 1_000) errors["churn.createPerCall"] = ["Must be 0..1000."];
        if (updated.Churn.DeletePerCall is < 0 or > 1_000) errors["churn.deletePerCall"] = ["Must be 0..1000."];
        if (updated.Churn.Calls is < 0 or > 1_000_000) errors["churn.calls"] = ["Must be 0..1000000."];
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        faults.Replace(updated);
        return TypedResults.Ok(ToDocument(updated));
    }

    private static FaultsDocument ToDocument(FaultSettings s) => new(
        new LatencyDocument(s.LatencyFixedMs, s.LatencyJitterMs),
        s.ErrorRate,
        s.ErrorStatusCodes,
        new ThrottlingDocument(s.ThrottlingEnabled, s.ThrottlingQps, s.ThrottlingBurst),
        s.CredentialsRevoked,
        new ChurnDocument(s.Churn.WorkspaceId, s.Churn.CreatePerCall, s.Churn.DeletePerCall, s.Churn.Calls));

    internal static Results<Ok<RamPolicyDocument>, ValidationProblem> UpdateRam(RamGrantPatch patch, RamPolicy ram)
    {
        if (string.IsNullOrWhiteSpace(patch.AccessKeyId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["accessKeyId"] = ["Required."] });
        }

        ram.Replace(patch.AccessKeyId, patch.DeniedWorkspaces ?? []);
        return TypedResults.Ok(ram.Snapshot());
    }

    /// <summary>
    /// Puts one session into <c>Error</c> (for notification tests and demos). The body is optional:
    /// <c>{ "code": "1000007", "message": "…" }</c>; without it a seeded error reason is used.
    /// </summary>
    internal static Results<NoContent, NotFound, ValidationProblem> FailSession(
        string workspaceId, string sessionClusterId, FailSessionDocument? body, EmulatorStore store)
    {
        if ((body?.Code?.Length ?? 0) > 64 || (body?.Message?.Length ?? 0) > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["code ≤ 64 and message ≤ 1000 characters."] });
        }

        return store.FindWorkspace(workspaceId) is { } workspace && store.Fail(workspace, sessionClusterId, body?.Code, body?.Message)
            ? TypedResults.NoContent()
            : TypedResults.NotFound();
    }

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && (IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4())));
}
