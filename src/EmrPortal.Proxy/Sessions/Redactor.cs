using EmrPortal.Contracts;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// Hides <c>applicationConfigs</c> values whose key looks secret. Keys are compared word by word (see
/// <see cref="RedactionOptions.KeyPatterns"/>), so <c>fs.oss.accessKeySecret</c> and <c>spark.ssl.keyPassword</c> are
/// hidden while <c>spark.monkey.count</c> is not.
/// </summary>
internal sealed class Redactor
{
    private readonly IOptionsMonitor<RedactionOptions> _options;
    private volatile string[][] _patterns;

    public Redactor(IOptionsMonitor<RedactionOptions> options)
    {
        _options = options;
        _patterns = Compile(options.CurrentValue);
        options.OnChange(o => _patterns = Compile(o));
    }

    public bool IsSecretKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var words = SplitWords(key);
        foreach (var pattern in _patterns)
        {
            if (ContainsRun(words, pattern))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The contract shape of a detail; <paramref name="reveal"/> (admins, audited) leaves values as they are.</summary>
    public SessionDetailDto ToDto(SessionDetailRecord detail, bool reveal, DateTimeOffset? asOf)
    {
        var redactedAny = false;
        var configs = new List<ApplicationConfigDto>(detail.ApplicationConfigs.Count);
        foreach (var c in detail.ApplicationConfigs)
        {
            var hide = !reveal && c.Value is { Length: > 0 } && IsSecretKey(c.Key);
            redactedAny |= hide;
            configs.Add(new ApplicationConfigDto(c.FileName, c.Key, hide ? ApplicationConfigDto.RedactedValue : c.Value, hide));
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

    private static string[][] Compile(RedactionOptions options)
    {
        var source = options.KeyPatterns.Count > 0 ? options.KeyPatterns : RedactionOptions.DefaultKeyPatterns;
        return source.Where(p => !string.IsNullOrWhiteSpace(p)).Select(SplitWords).Where(w => w.Length > 0).ToArray();
    }

    private static bool ContainsRun(string[] words, string[] pattern)
    {
        for (var i = 0; i + pattern.Length <= words.Length; i++)
        {
            var all = true;
            for (var j = 0; j < pattern.Length && all; j++)
            {
                all = string.Equals(words[i + j], pattern[j], StringComparison.OrdinalIgnoreCase);
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

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
