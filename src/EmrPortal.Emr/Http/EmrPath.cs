using System.Globalization;

namespace EmrPortal.Emr.Http;

/// <summary>Builds request paths and queries: every value is RFC 3986-escaped on its own, so it cannot change the path.</summary>
internal static class EmrPath
{
    /// <summary>
    /// One escaped path segment. Refuses, before anything is sent, values that are empty or could alter the path on a
    /// lenient or double-decoding server: <c>/</c>, <c>\</c>, <c>%</c>, <c>.</c>/<c>..</c>, control characters.
    /// </summary>
    public static string Segment(string? value, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{paramName} must not be empty.", paramName);
        }

        if (value is "." or ".." || value.AsSpan().IndexOfAny("/\\%") >= 0 || value.Contains("..", StringComparison.Ordinal)
            || value.Any(char.IsControl))
        {
            throw new ArgumentException($"{paramName} contains characters that are not allowed in an id ('/', '\\', '%', '..' or control characters).", paramName);
        }

        return Uri.EscapeDataString(value);
    }
}

/// <summary>A query string of non-null parameters, each name and value escaped.</summary>
internal sealed class EmrQuery
{
    private readonly List<string> _parts = [];

    public EmrQuery Add(string name, string? value)
    {
        if (value is not null)
        {
            _parts.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        }

        return this;
    }

    public EmrQuery Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public override string ToString() => _parts.Count == 0 ? string.Empty : "?" + string.Join('&', _parts);
}
