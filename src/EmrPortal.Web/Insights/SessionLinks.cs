using System.Text.RegularExpressions;

namespace EmrPortal.Web.Insights;

/// <summary>Checks on upstream values before they become links or copy-paste commands (docs/decisions.md#upstream-links-and-names-are-untrusted).</summary>
public static partial class SessionLinks
{
    /// <summary>A Spark UI link only when it is an absolute http(s) URL (never javascript:, data:, relative…).</summary>
    public static Uri? SafeWebUi(string? webUi) =>
        Uri.TryCreate(webUi, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri : null;

    /// <summary>A DNS host name (labels of letters, digits, hyphens), fit to put into a shell command.</summary>
    public static bool IsHostName(string? value) => value is { Length: > 0 and <= 253 } && HostName().IsMatch(value);

    [GeneratedRegex(@"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}
