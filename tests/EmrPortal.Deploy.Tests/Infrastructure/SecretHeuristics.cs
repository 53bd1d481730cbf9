using System.Text.RegularExpressions;

namespace EmrPortal.Deploy.Tests.Infrastructure;

/// <summary>What a secret looks like, by its name or by its value: such a setting belongs in a Secret, never a ConfigMap.</summary>
internal static partial class SecretHeuristics
{
    /// <summary>Why <paramref name="key"/>=<paramref name="value"/> looks secret, or null.</summary>
    public static string? Reason(string key, string value)
    {
        var words = Words(key);
        var name = string.Concat(words);
        string[] secretParts = ["secret", "password", "passwd", "passphrase", "privatekey", "apikey", "accesskey", "connectionstring", "credential"];
        string[] secretWords = ["pwd", "pem", "sas", "token", "tokens", "key"];
        string[] harmlessEndings = ["directory", "path", "lifetime", "ttl", "timeout", "patterns"];
        var word = secretParts.FirstOrDefault(p => name.Contains(p, StringComparison.Ordinal)) ?? secretWords.FirstOrDefault(words.Contains);
        if (word is not null && !harmlessEndings.Any(e => name.EndsWith(e, StringComparison.Ordinal)))
        {
            return $"its name contains '{word}'";
        }

        if (value.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return "its value is a PEM block";
        }

        if (PasswordInConnectionString().IsMatch(value))
        {
            return "its value carries a password";
        }

        if (AlibabaAccessKeyId().IsMatch(value))
        {
            return "its value looks like an AccessKey id";
        }

        if (Jwt().IsMatch(value))
        {
            return "its value looks like a JWT";
        }

        var pathOrUrl = value.StartsWith('/') || value.Contains("://", StringComparison.Ordinal);
        if (LongToken().IsMatch(value) && !pathOrUrl && !Guid.TryParse(value, out _) && Entropy(value) > 3.5)
        {
            return "its value is a long random-looking string";
        }

        return null;
    }

    private static string[] Words(string key) =>
        CamelBoundary().Replace(key, "$1 $2")
            .Split([' ', '_', '-', '.', ':'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.ToLowerInvariant())
            .ToArray();

    private static double Entropy(string value)
    {
        var counts = value.GroupBy(c => c).Select(g => (double)g.Count() / value.Length);
        return -counts.Sum(p => p * Math.Log2(p));
    }

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CamelBoundary();

    [GeneratedRegex(@"(?i)(password|pwd)\s*=\s*[^;\s]+")]
    private static partial Regex PasswordInConnectionString();

    [GeneratedRegex(@"\bLTAI[0-9A-Za-z]{8,}")]
    private static partial Regex AlibabaAccessKeyId();

    [GeneratedRegex(@"\beyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{8,}\.")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"^[0-9A-Za-z+/=_~.-]{32,}$")]
    private static partial Regex LongToken();
}
