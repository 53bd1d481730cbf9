using System.Globalization;
using EmrPortal.Contracts;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using EmrPortal.Proxy.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Views;

/// <summary>Saved team views, shared with everyone who may see the workspace (the route group's gate decides).</summary>
public static class ViewsEndpoints
{
    public static ApiRoutes MapViewsEndpoints(this ApiRoutes routes)
    {
        routes.Workspace.MapGet("/views", ListViews)
            .WithTags("Views")
            .WithName("ListSavedViews")
            .WithSummary("One page of the workspace's saved views, by name (page, pageSize; X-Total-Count and a Link rel=next header).");
        routes.Workspace.MapPost("/views", SaveView)
            .WithTags("Views")
            .Accepts<SaveViewRequest>("application/json")
            .WithName("SaveView")
            .WithSummary("Saves a session-list query under a name for everyone who may see the workspace.");
        routes.Workspace.MapDelete("/views/{viewId:guid}", DeleteView)
            .WithTags("Views")
            .WithName("DeleteSavedView")
            .WithSummary("Deletes a saved view (its creator or Portal.Admin).");
        return routes;
    }

    /// <summary>
    /// One page of the workspace's views (an array, as before paging existed): <c>page</c> is 1-based, <c>pageSize</c>
    /// 1..<see cref="ViewsOptions.MaxPageSize"/>; the total is in <c>X-Total-Count</c> and the next page in a
    /// <c>Link: …; rel="next"</c> header.
    /// </summary>
    internal static async Task<Results<Ok<IReadOnlyList<SavedViewDto>>, ValidationProblem>> ListViews(
        string workspaceId,
        string? page,
        string? pageSize,
        HttpResponse response,
        SavedViewStore views,
        IOptionsMonitor<ViewsOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var pageNumber = 1;
        if (page is not null && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out pageNumber) || pageNumber is < 1 or > 100_000))
        {
            errors[QueryNames.Page] = ["A whole number from 1 to 100000."];
        }

        var size = options.CurrentValue.DefaultPageSize;
        if (pageSize is not null && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > ViewsOptions.MaxPageSize))
        {
            errors[QueryNames.PageSize] = [$"A whole number from 1 to {ViewsOptions.MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (items, total) = await views.ListAsync(workspaceId, pageNumber, size, cancellationToken);
        response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        if ((long)pageNumber * size < total)
        {
            response.Headers.Link = $"</api/v1/workspaces/{Uri.EscapeDataString(workspaceId)}/views?page={pageNumber + 1}&pageSize={size}>; rel=\"next\"";
        }

        return TypedResults.Ok<IReadOnlyList<SavedViewDto>>(items.Select(ToDto).ToList());
    }

    internal static async Task<Results<Created<SavedViewDto>, ValidationProblem, ProblemHttpResult>> SaveView(
        string workspaceId,
        HttpRequest http,
        Caller caller,
        SavedViewStore views,
        IOptionsMonitor<ViewsOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        // The body is read after the access check (the route group's gate), so a caller who may not see the workspace learns nothing more.
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

        var limit = options.CurrentValue.MaxPerUser;
        if (await views.CountByCreatorAsync(caller.UserId, cancellationToken) >= limit)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Saved view limit reached",
                type: ProblemTypes.SavedViewLimit,
                detail: $"You already have {limit} saved views, the most one user may keep. Delete one before saving another.");
        }

        var (outcome, view) = await views.AddAsync(workspaceId, name!, query!, caller.UserId, caller.Name, time.GetUtcNow(), cancellationToken);
        return outcome == SaveViewOutcome.DuplicateName
            ? ApiProblems.Conflict("A view with this name already exists in this workspace.")
            : TypedResults.Created($"/api/v1/workspaces/{workspaceId}/views", ToDto(view!));
    }

    private static SavedViewDto ToDto(StoredView v) => new(v.Id, v.WorkspaceId, v.Name, v.Query, v.CreatedBy, v.CreatedAt);

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
        var known = SessionListQuery.Names;
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

        var list = SessionListQuery.From(key => parsed.TryGetValue(key, out var v) ? v.ToString() : null);
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
        string workspaceId, Guid viewId, Caller caller, SavedViewStore views, CancellationToken cancellationToken)
    {
        return await views.DeleteAsync(workspaceId, viewId, caller.UserId, caller.IsAdmin, cancellationToken) switch
        {
            DeleteViewOutcome.Deleted => TypedResults.NoContent(),
            DeleteViewOutcome.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only the view's creator or Portal.Admin may delete it."),
            _ => ApiProblems.NotFound("No such view in this workspace."),
        };
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
