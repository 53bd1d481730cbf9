using EmrPortal.Contracts;
using EmrPortal.Web.Extensions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace EmrPortal.Web.Insights;

/// <summary>"Mine / Everyone": which one a list shows when its URL makes no explicit choice.</summary>
public static class MineDefault
{
    /// <summary>Viewers who own sessions (a mapped cloud user) start on their own; admins and people without a
    /// mapping start on everyone (they own nothing, or look after everything).</summary>
    public static bool For(MeDto? me) => me is { IsAdmin: false, CloudUserNames.Count: > 0 };

    /// <summary>The URL value for an explicit choice, null when the URL leaves it to <see cref="For"/>.</summary>
    public static string? ToUrl(bool? choice) => choice switch { true => "true", false => "false", null => null };
}

/// <summary>Saved views store a list query string; this turns it back into a link that can only be a session list.</summary>
public static class SavedViewLinks
{
    /// <summary>
    /// The query a view saves: the list state without the page number (a view is a filter, not a position). An
    /// explicit "Everyone" is kept as <c>mine=false</c> so the view means the same for a viewer whose default is "mine".
    /// </summary>
    public static string QueryToSave(SessionQuery query, bool? mineChoice)
    {
        var qs = (query with { Page = SessionQuery.DefaultPage, Mine = mineChoice ?? query.Mine }).ToQueryString();
        if (mineChoice == false) qs = qs.Length == 0 ? "mine=false" : qs + "&mine=false";
        return qs;
    }

    /// <summary>The list URL for a saved view. The stored query is parsed and rebuilt through the same normalization
    /// as the list page, so whatever is stored can only ever become known parameters of this workspace's list.</summary>
    public static string Href(string workspaceId, string? savedQuery)
    {
        var parsed = new QueryCollection(QueryHelpers.ParseQuery(string.IsNullOrEmpty(savedQuery) ? "" : "?" + savedQuery.TrimStart('?')));
        var query = SessionQueryBinding.FromQuery(parsed);
        var mine = SessionQueryBinding.ParseMine(parsed[QueryNames.Mine]);
        var qs = query.ToQueryString();
        if (mine == false) qs = qs.Length == 0 ? "mine=false" : qs + "&mine=false";
        var path = $"/workspaces/{Uri.EscapeDataString(workspaceId)}/sessions";
        return qs.Length == 0 ? path : $"{path}?{qs}";
    }
}
