using System.Globalization;

namespace EmrPortal.Proxy.Api;

/// <summary>
/// Parsing of raw query-string values shared by the API's query objects: each bad value becomes an entry in
/// <c>errors</c> naming the parameter (a 400 ValidationProblem), never an exception.
/// </summary>
internal static class QueryValues
{
    /// <summary>A whole number in [min, max]; absent → <paramref name="fallback"/>.</summary>
    public static int Int(string? raw, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
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

    /// <summary>Trimmed free text of at most <paramref name="maxLength"/> characters without control characters; blank → null.</summary>
    public static string? Text(string? raw, string name, int maxLength, Dictionary<string, string[]> errors)
    {
        var trimmed = raw?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > maxLength || trimmed.Any(char.IsControl))
        {
            errors[name] = [$"At most {maxLength} characters, no control characters."];
            return null;
        }

        return trimmed;
    }
}
