using EmrPortal.Contracts;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EmrPortal.Web.Extensions;

/// <summary>
/// CSV export of a list view. The browser cannot reach the proxy, so this cookie-authenticated endpoint streams the
/// proxy's CSV (same query names as the page) with the user's token. Never cached anywhere.
/// </summary>
public static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/export/workspaces/{workspaceId}/sessions.csv", ExportSessionsCsv).RequireAuthorization();
        return app;
    }

    internal static async Task<Results<EmptyHttpResult, NotFound, StatusCodeHttpResult, RedirectHttpResult, ProblemHttpResult>> ExportSessionsCsv(
        string workspaceId, HttpContext context, IProxyClient proxy, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!Ids.IsValid(workspaceId)) return TypedResults.NotFound();

        var query = SessionQueryBinding.FromQuery(context.Request.Query);
        var result = await proxy.GetSessionsCsvAsync(workspaceId, query, cancellationToken);
        if (result.Failure is { } failure)
        {
            return failure.Kind switch
            {
                ProxyFailureKind.SignInRequired => TypedResults.Redirect(LocalUrl.Login(context.Request.Path + context.Request.QueryString)),
                // Not Forbid(): the cookie scheme would redirect a signed-in person to the sign-in page. An empty 403
                // becomes the portal's "no access" page (PipelineExtensions).
                ProxyFailureKind.Forbidden => TypedResults.StatusCode(StatusCodes.Status403Forbidden),
                ProxyFailureKind.NotFound => TypedResults.NotFound(),
                ProxyFailureKind.BadRequest => TypedResults.Problem(failure.Message, statusCode: StatusCodes.Status400BadRequest),
                _ => TypedResults.Problem("The export could not be produced right now. Try again in a moment.", statusCode: StatusCodes.Status502BadGateway),
            };
        }

        using var upstream = result.Value!;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = $"{workspaceId}-sessions.csv",
        }.ToString();
        await using var body = await upstream.Content.ReadAsStreamAsync(cancellationToken);
        await body.CopyToAsync(context.Response.Body, cancellationToken);
        return TypedResults.Empty;
    }
}

/// <summary>Reads a <see cref="SessionQuery"/> from query-string values, normalized the way the list page does.</summary>
public static class SessionQueryBinding
{
    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50, 100];

    // The export link carries the list's effective query, so "mine" is explicit there (true, or absent for false).
    public static SessionQuery FromQuery(IQueryCollection query) => Normalize(
        int.TryParse(query[QueryNames.Page], out var page) ? page : null,
        int.TryParse(query[QueryNames.PageSize], out var size) ? size : null,
        query[QueryNames.Sort], query[QueryNames.Dir], query[QueryNames.State], query[QueryNames.Kind],
        query[QueryNames.Queue], query[QueryNames.Owner], query[QueryNames.Q], ParseMine(query[QueryNames.Mine]), query[QueryNames.Listed],
        query[QueryNames.Reason]);

    /// <summary>Unknown or out-of-range values fall back to defaults, so a hand-edited link still shows a list.</summary>
    public static SessionQuery Normalize(int? page, int? pageSize, string? sort, string? dir, string? state, string? kind,
        string? queue, string? owner, string? q, bool? mine = null, string? listed = null, string? reason = null) => new()
        {
            Page = page is > 0 ? page.Value : SessionQuery.DefaultPage,
            PageSize = pageSize is > 0 and <= SessionQuery.MaxPageSize ? pageSize.Value : SessionQuery.DefaultPageSize,
            Sort = SortKeys.IsKnown(sort) ? sort! : SessionQuery.DefaultSort,
            Dir = dir is SortDirections.Asc or SortDirections.Desc ? dir : SessionQuery.DefaultDir,
            State = Clean(state),
            Kind = Clean(kind),
            Queue = Clean(queue),
            Owner = Clean(owner),
            Q = Clean(q),
            Mine = mine == true,
            Listed = NormalizeListed(listed),
            Reason = ReasonFilter.IsWellFormed(reason?.Trim()) ? reason!.Trim() : null,
        };

    /// <summary><c>mine=true|false</c> is an explicit choice; anything else (absent, garbage) is no choice.</summary>
    public static bool? ParseMine(string? value) => bool.TryParse(value?.Trim(), out var mine) ? mine : null;

    /// <summary>
    /// The list page's "mine" choice: the URL's explicit one; else, on a bare list URL (no query at all), none (the
    /// viewer's default applies); else "everyone". A shared link with any parameter shows its receiver what it showed
    /// its sender (docs/decisions.md, "Shared list links").
    /// </summary>
    public static bool? MineChoice(string? mine, string uri)
    {
        var query = new Uri(uri).Query;
        return ParseMine(mine) ?? (query.Length <= 1 ? null : false);
    }

    /// <summary>Only gone/all are kept; current is the default and unknown values fall back to it (null).</summary>
    public static string? NormalizeListed(string? value) =>
        value?.Trim() is ListedFilter.Gone or ListedFilter.All ? value.Trim() : null;

    private static string? Clean(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > 200 ? trimmed[..200] : trimmed;
    }
}
