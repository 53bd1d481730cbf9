using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Web.Services;

/// <summary>Return URLs and "back to the list" links: local paths only, so no link can send a user to another site.</summary>
public static class LocalUrl
{
    /// <summary>
    /// <paramref name="url"/> when it is a local URL (<c>/path?query</c>, not <c>//host</c> or <c>/\host</c>), else <paramref name="fallback"/>.
    /// Non-ASCII characters are percent-encoded (UTF-8), so the URL can go into a Location header; one that is not
    /// valid UTF-16 (a lone surrogate) falls back.
    /// </summary>
    public static string OrDefault(string? url, string fallback = "/") =>
        !string.IsNullOrEmpty(url) && RedirectHttpResult.IsLocalUrl(url) && !url.StartsWith('~') && !HasControlChars(url)
            ? EncodeNonAscii(url) ?? fallback
            : fallback;

    private static string? EncodeNonAscii(string url)
    {
        if (System.Text.Ascii.IsValid(url))
        {
            return url;
        }

        var builder = new System.Text.StringBuilder(url.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < url.Length;)
        {
            if (System.Text.Rune.DecodeFromUtf16(url.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return null;
            }

            if (rune.IsAscii)
            {
                builder.Append((char)rune.Value);
            }
            else
            {
                var length = rune.EncodeToUtf8(utf8);
                foreach (var b in utf8[..length])
                {
                    builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            i += consumed;
        }

        return builder.ToString();
    }

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
