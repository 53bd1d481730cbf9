using EmrPortal.Contracts;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// Hides secrets in <c>applicationConfigs</c>. A key is secret when its words (see
/// <see cref="RedactionOptions.KeyPatterns"/>) contain a pattern, or when one of its segments — lower-cased, split only
/// at <c>.</c>, <c>_</c>, <c>-</c> — contains a long pattern run together (<c>DBPASSWORD</c>, <c>accesskeysecret</c>,
/// <c>apikey</c>); a match followed by a word that only describes a secret (<c>keyStoreType</c>, <c>keySizeBits</c>,
/// <c>credentials.provider</c>, <c>auth.username</c>) does not count. Values are scanned too (<see cref="SecretValueScanner"/>): a JDBC password
/// or a token inside an innocent-looking key is masked where it stands. So <c>fs.oss.accessKeySecret</c> and
/// <c>spark.ssl.keyPassword</c> are hidden while <c>spark.monkey.count</c> is not.
/// </summary>
internal sealed class Redactor
{
    /// <summary>Patterns at least this long also match inside a run-together segment (<c>sfpassword</c>).</summary>
    private const int MinFragmentLength = 6;

    private volatile Compiled _compiled;

    public Redactor(IOptionsMonitor<RedactionOptions> options)
    {
        _compiled = Compile(options.CurrentValue);
        options.OnChange(o => _compiled = Compile(o));
    }

    public bool IsSecretKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var compiled = _compiled;
        var words = SplitWords(key);
        foreach (var pattern in compiled.Patterns)
        {
            if (ContainsRun(words, pattern, compiled.Descriptors))
            {
                return true;
            }
        }

        if (compiled.Fragments.Length == 0)
        {
            return false;
        }

        var segments = key.Split(SegmentSeparators, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (!compiled.Fragments.Any(f => segment.Contains(f, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            // "passwordFile", "secret.name": the segment names where a secret is, not the secret.
            var own = SplitWords(segment);
            var next = i + 1 < segments.Length ? SplitWords(segments[i + 1]) : [];
            if (!compiled.Descriptors.Contains(own[^1].ToLowerInvariant())
                && (next.Length == 0 || !compiled.Descriptors.Contains(next[0].ToLowerInvariant())))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value to show to someone who may not see secrets, and whether anything was hidden.</summary>
    public (string? Value, bool Hidden) Redact(string? key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (value, false);
        }

        if (IsSecretKey(key))
        {
            return (ApplicationConfigDto.RedactedValue, true);
        }

        return SecretValueScanner.Mask(value, IsSecretKey, ApplicationConfigDto.RedactedValue) is { } masked
            ? (masked, true)
            : (value, false);
    }

    /// <summary>The contract shape of a detail; <paramref name="reveal"/> (admins, audited) leaves values as they are.</summary>
    public SessionDetailDto ToDto(SessionDetailRecord detail, bool reveal, DateTimeOffset? asOf)
    {
        var redactedAny = false;
        var configs = new List<ApplicationConfigDto>(detail.ApplicationConfigs.Count);
        foreach (var c in detail.ApplicationConfigs)
        {
            var (value, hidden) = reveal ? (c.Value, false) : Redact(c.Key, c.Value);
            redactedAny |= hidden;
            configs.Add(new ApplicationConfigDto(c.FileName, c.Key, value, hidden));
        }

        return new SessionDetailDto(
            detail.Summary,
            detail.WebUI,
            detail.Domain,
            detail.DomainInner,
            detail.PublicEndpointEnabled,
            detail.Fusion,
            detail.DraftId,
            detail.EnvId,
            configs,
            redactedAny,
            asOf);
    }

    private static readonly char[] SegmentSeparators = ['.', '_', '-', ' ', ':', '/'];

    private static Compiled Compile(RedactionOptions options)
    {
        var source = options.KeyPatterns.Count > 0 ? options.KeyPatterns : RedactionOptions.DefaultKeyPatterns;
        var patterns = source.Where(p => !string.IsNullOrWhiteSpace(p)).Select(SplitWords).Where(w => w.Length > 0).ToArray();
        var fragments = patterns
            .Select(p => string.Concat(p).ToLowerInvariant())
            .Where(f => f.Length >= MinFragmentLength)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var descriptors = (options.DescriptorWords.Count > 0 ? options.DescriptorWords : RedactionOptions.DefaultDescriptorWords)
            .Select(d => d.Trim().ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
        return new Compiled(patterns, fragments, descriptors);
    }

    /// <summary>
    /// The pattern's words appear consecutively in the key and the word after them (if any) is not a descriptor:
    /// <c>keyPassword</c> and <c>accessKeyId</c> hold secrets, <c>keyStoreType</c> and <c>credentials.provider</c> describe them.
    /// </summary>
    private static bool ContainsRun(string[] words, string[] pattern, HashSet<string> descriptors)
    {
        for (var i = 0; i + pattern.Length <= words.Length; i++)
        {
            var all = true;
            for (var j = 0; j < pattern.Length && all; j++)
            {
                all = string.Equals(words[i + j], pattern[j], StringComparison.OrdinalIgnoreCase);
            }

            var after = i + pattern.Length;
            if (all && (after == words.Length || !descriptors.Contains(words[after].ToLowerInvariant())))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Compiled(string[][] Patterns, string[] Fragments, HashSet<string> Descriptors);

    /// <summary>Splits at non-alphanumerics, lower→upper (<c>accessKey</c>), acronym→word (<c>AWSSecret</c>) and letter↔digit.</summary>
    internal static string[] SplitWords(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush(i);
                continue;
            }

            if (start >= 0)
            {
                var prev = text[i - 1];
                var boundary =
                    (char.IsLower(prev) && char.IsUpper(c))
                    || (char.IsUpper(prev) && char.IsUpper(c) && i + 1 < text.Length && char.IsLower(text[i + 1]))
                    || (char.IsDigit(prev) != char.IsDigit(c));
                if (boundary)
                {
                    Flush(i);
                }
            }

            if (start < 0)
            {
                start = i;
            }
        }

        Flush(text.Length);
        return words.ToArray();

        void Flush(int end)
        {
            if (start >= 0 && end > start)
            {
                words.Add(text[start..end]);
            }

            start = -1;
        }
    }
}
