using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Web.Services;

/// <summary>Return URLs and "back to the list" links: local paths only, so no link can send a user to another site.</summary>
public static class LocalUrl
{
    /// <summary><paramref name="url"/> when it is a local URL (<c>/path?query</c>, not <c>//host</c> or <c>/\host</c>), else <paramref name="fallback"/>.</summary>
    public static string OrDefault(string? url, string fallback = "/") =>
        !string.IsNullOrEmpty(url) && RedirectHttpResult.IsLocalUrl(url) && !url.StartsWith('~') && !HasControlChars(url) ? url : fallback;

    private static bool HasControlChars(string url) => url.Any(char.IsControl);

    /// <summary>The path and query of an absolute URI inside this app, as a local URL ("/workspaces/w/sessions?page=2").</summary>
    public static string PathAndQuery(string absoluteUri, string baseUri)
    {
        var relative = absoluteUri.StartsWith(baseUri, StringComparison.Ordinal) ? absoluteUri[baseUri.Length..] : new Uri(absoluteUri).PathAndQuery.TrimStart('/');
        return "/" + relative;
    }

    /// <summary>The login endpoint that brings the user back to <paramref name="returnUrl"/> afterwards.</summary>
    public static string Login(string returnUrl) => "/authentication/login?returnUrl=" + Uri.EscapeDataString(OrDefault(returnUrl));
}
