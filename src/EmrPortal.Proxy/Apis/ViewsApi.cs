using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Insights;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace EmrPortal.Proxy.Apis;

/// <summary>
/// Saved team views (shared with everyone who may see the workspace; the proxy's access policy decides) and personal
/// pins.
/// </summary>
public static class ViewsApi
{
    public static IEndpointRouteBuilder MapViewsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .WithTags("Views")
            .RequireRateLimiting(Extensions.RateLimitingExtensions.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("/workspaces/{workspaceId}/views", ListViews)
            .WithName("ListSavedViews")
            .WithSummary("The workspace's saved views, by name.");
        api.MapPost("/workspaces/{workspaceId}/views", SaveView)
            .Accepts<SaveViewRequest>("application/json")
            .WithName("SaveView")
            .WithSummary("Saves a session-list query under a name for everyone who may see the workspace.");
        api.MapDelete("/workspaces/{workspaceId}/views/{viewId:guid}", DeleteView)
            .WithName("DeleteSavedView")
            .WithSummary("Deletes a saved view (its creator or Portal.Admin).");
        api.MapGet("/pins", ListPins)
            .WithName("ListPins")
            .WithSummary("The caller's pinned sessions, in workspaces they may still see.");
        api.MapPut("/workspaces/{workspaceId}/sessions/{sessionClusterId}/pin", Pin)
            .WithName("PinSession")
            .WithSummary("Pins a session to the top of the caller's lists.");
        api.MapDelete("/workspaces/{workspaceId}/sessions/{sessionClusterId}/pin", Unpin)
            .WithName("UnpinSession")
            .WithSummary("Removes the caller's pin.");
        return app;
    }

    internal static async Task<Results<Ok<IReadOnlyList<SavedViewDto>>, ProblemHttpResult>> ListViews(
        string workspaceId, ClaimsPrincipal user, WorkspaceGate gate, SavedViewStore views, CancellationToken cancellationToken)
    {
        if (await gate.CheckAsync(Caller.From(user), workspaceId, cancellationToken) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok(await views.ListAsync(workspaceId, cancellationToken));
    }

    internal static async Task<Results<Created<SavedViewDto>, ValidationProblem, ProblemHttpResult>> SaveView(
        string workspaceId,
        HttpRequest http,
        ClaimsPrincipal user,
        WorkspaceGate gate,
        SavedViewStore views,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (await gate.CheckAsync(caller, workspaceId, cancellationToken) is { } refused)
        {
            return refused;
        }

        // The body is read after the access check, so a caller who may not see the workspace learns nothing more.
        var request = await ReadBodyAsync(http, cancellationToken);
        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = ["A JSON body { \"name\": …, \"query\": … } is required."],
            });
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > PortalDbContext.ViewNameLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"1 to {PortalDbContext.ViewNameLength} characters, no control characters."];
        }

        var query = NormalizeQuery(request.Query, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, view) = await views.AddAsync(workspaceId, name!, query!, caller.UserId, caller.Name, time.GetUtcNow(), cancellationToken);
        return outcome == SaveViewOutcome.DuplicateName
            ? ApiProblems.Conflict("A view with this name already exists in this workspace.")
            : TypedResults.Created($"/api/v1/workspaces/{workspaceId}/views", view!);
    }

    /// <summary>
    /// A saved query must be one the session list accepts: only its parameter names, each once, each valid. It is
    /// stored in canonical form (<see cref="SessionQuery.ToQueryString"/>), so equal views look equal.
    /// </summary>
    internal static string? NormalizeQuery(string? raw, Dictionary<string, string[]> errors)
    {
        var text = raw?.Trim() ?? "";
        if (text.StartsWith('?'))
        {
            text = text[1..];
        }

        if (text.Length > PortalDbContext.ViewQueryLength)
        {
            errors["query"] = [$"At most {PortalDbContext.ViewQueryLength} characters."];
            return null;
        }

        var parsed = QueryHelpers.ParseQuery(text);
        string[] known = [QueryNames.Page, QueryNames.PageSize, QueryNames.Sort, QueryNames.Dir, QueryNames.State, QueryNames.Kind,
            QueryNames.Queue, QueryNames.Owner, QueryNames.Q, QueryNames.Mine, QueryNames.Listed];
        foreach (var (key, values) in parsed)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                errors["query"] = [$"Unknown parameter '{Printable(key)}'. Use: {string.Join(", ", known)}."];
            }
            else if (values.Count > 1)
            {
                errors["query"] = [$"Parameter '{key}' is given more than once."];
            }
        }

        if (errors.Count > 0)
        {
            return null;
        }

        string? Value(string key) => parsed.TryGetValue(key, out var v) ? v.ToString() : null;
        var list = new SessionListQuery
        {
            Page = Value(QueryNames.Page),
            PageSize = Value(QueryNames.PageSize),
            Sort = Value(QueryNames.Sort),
            Dir = Value(QueryNames.Dir),
            State = Value(QueryNames.State),
            Kind = Value(QueryNames.Kind),
            Queue = Value(QueryNames.Queue),
            Owner = Value(QueryNames.Owner),
            Q = Value(QueryNames.Q),
            Mine = Value(QueryNames.Mine),
            Listed = Value(QueryNames.Listed),
        };
        if (!list.TryParse(out var view, out var queryErrors))
        {
            foreach (var (key, messages) in queryErrors)
            {
                errors[$"query.{key}"] = messages;
            }

            return null;
        }

        // ToQueryString leaves out mine=false (the API's default), but an explicit "Everyone" is part of the view: a
        // viewer whose list defaults to "mine" must open the same sessions the creator saved.
        var query = view.ToQuery();
        var canonical = query.ToQueryString();
        return !query.Mine && parsed.ContainsKey(QueryNames.Mine)
            ? (canonical.Length == 0 ? "mine=false" : canonical + "&mine=false")
            : canonical;
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteView(
        string workspaceId, Guid viewId, ClaimsPrincipal user, WorkspaceGate gate, SavedViewStore views, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (await gate.CheckAsync(caller, workspaceId, cancellationToken) is { } refused)
        {
            return refused;
        }

        return await views.DeleteAsync(workspaceId, viewId, caller.UserId, caller.IsAdmin, cancellationToken) switch
        {
            DeleteViewOutcome.Deleted => TypedResults.NoContent(),
            DeleteViewOutcome.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only the view's creator or Portal.Admin may delete it."),
            _ => ApiProblems.NotFound("No such view in this workspace."),
        };
    }

    internal static async Task<Ok<IReadOnlyList<PinDto>>> ListPins(ClaimsPrincipal user, AccessPolicy policy, PinStore pins, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var all = await pins.ListAsync(caller.UserId, cancellationToken);
        // A workspace the caller lost access to keeps their pins, but they are not shown.
        IReadOnlyList<PinDto> visible = all.Where(p => policy.CanSee(caller, p.WorkspaceId)).ToList();
        return TypedResults.Ok(visible);
    }

    internal static async Task<Results<Ok<PinDto>, ProblemHttpResult>> Pin(
        string workspaceId,
        string sessionClusterId,
        ClaimsPrincipal user,
        WorkspaceGate gate,
        SnapshotStore store,
        SessionHistoryCache history,
        PinStore pins,
        PinCache pinCache,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (await gate.CheckSessionAsync(caller, workspaceId, sessionClusterId, cancellationToken) is { } refused)
        {
            return refused;
        }

        // Listed now, or known as no longer listed: both can be pinned; an id nobody has seen cannot.
        var (snapshot, _) = await store.GetAsync(workspaceId, cancellationToken);
        if (snapshot.Find(sessionClusterId) is null
            && history.Get(workspaceId)?.History.Gone.Any(s => s.SessionClusterId == sessionClusterId) != true)
        {
            return ApiProblems.SessionNotFound();
        }

        var pin = await pins.PinAsync(caller.UserId, workspaceId, sessionClusterId, time.GetUtcNow(), cancellationToken);
        pinCache.Invalidate(caller.UserId);
        return TypedResults.Ok(pin);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Unpin(
        string workspaceId,
        string sessionClusterId,
        ClaimsPrincipal user,
        WorkspaceGate gate,
        PinStore pins,
        PinCache pinCache,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (await gate.CheckSessionAsync(caller, workspaceId, sessionClusterId, cancellationToken) is { } refused)
        {
            return refused;
        }

        await pins.UnpinAsync(caller.UserId, workspaceId, sessionClusterId, cancellationToken);
        pinCache.Invalidate(caller.UserId);
        return TypedResults.NoContent();
    }

    private static async Task<SaveViewRequest?> ReadBodyAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        if (!http.HasJsonContentType())
        {
            return null;
        }

        try
        {
            return await http.ReadFromJsonAsync(PortalJsonContext.Default.SaveViewRequest, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>User input echoed in an error message: no control characters, bounded.</summary>
    private static string Printable(string value)
    {
        var clean = new string(value.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > 40 ? clean + "…" : clean;
    }
}
