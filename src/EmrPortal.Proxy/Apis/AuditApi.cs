using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EmrPortal.Proxy.Apis;

/// <summary>The audit log for Portal.Admin: who viewed, revealed, exported, started or stopped what; newest first, paged on the server.</summary>
public static class AuditApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1")
            .WithTags("Audit")
            .RequireRateLimiting(Extensions.RateLimitingExtensions.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .MapGet("/audit", GetAudit)
            .WithName("GetAuditLog")
            .WithSummary("One page of the audit log, newest first (Portal.Admin only).");
        return app;
    }

    internal static async Task<Results<Ok<AuditPageDto>, ValidationProblem, ProblemHttpResult>> GetAudit(
        [AsParameters] AuditListQuery query, ClaimsPrincipal user, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!Caller.From(user).IsAdmin)
        {
            return ApiProblems.AdminOnly("Only Portal.Admin may read the audit log.");
        }

        if (!query.TryParse(out var parsed, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await audit.PageAsync(parsed, cancellationToken));
    }
}

/// <summary>The raw audit query (strings, so a bad value is a 400 naming the parameter).</summary>
internal sealed class AuditListQuery
{
    [FromQuery(Name = "page"), Description("1-based page number.")]
    public string? Page { get; init; }

    [FromQuery(Name = "pageSize"), Description("Entries per page, 1..200 (default 50).")]
    public string? PageSize { get; init; }

    [FromQuery(Name = "user"), Description("Exact user id or display name.")]
    public string? User { get; init; }

    [FromQuery(Name = "action"), Description("Exact action, e.g. session.view, session.reveal, sessions.export, session.start, session.stop.")]
    public string? Action { get; init; }

    [FromQuery(Name = "workspace"), Description("Exact workspace id.")]
    public string? Workspace { get; init; }

    public bool TryParse(out AuditQuery query, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var page = Number(Page, "page", 1, 1, 1_000_000, errors);
        var pageSize = Number(PageSize, "pageSize", AuditApi.DefaultPageSize, 1, AuditApi.MaxPageSize, errors);
        query = new AuditQuery(page, pageSize, Text(User, "user", errors), Text(Action, "action", errors), Text(Workspace, "workspace", errors));
        return errors.Count == 0;
    }

    private static int Number(string? raw, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors[name] = [$"Must be a whole number from {min} to {max.ToString(CultureInfo.InvariantCulture)}."];
            return fallback;
        }

        return value;
    }

    private static string? Text(string? raw, string name, Dictionary<string, string[]> errors)
    {
        var trimmed = raw?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > 256 || trimmed.Any(char.IsControl))
        {
            errors[name] = ["At most 256 characters, no control characters."];
            return null;
        }

        return trimmed;
    }
}
