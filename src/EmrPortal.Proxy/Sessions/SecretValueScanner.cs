using System.Text.RegularExpressions;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// Finds credentials inside configuration <em>values</em>, whatever their key is called: <c>name=value</c> pairs whose
/// name looks secret (JDBC <c>;password=</c>, URL query <c>&amp;password=</c>, <c>-Dfoo.password=</c> in
/// <c>extraJavaOptions</c>, JAAS <c>password="…"</c>, JSON <c>"token": "…"</c>), the password of
/// <c>scheme://user:pass@host</c>, AccessKey-shaped ids (<c>LTAI…</c>, <c>AKIA…</c>) and a secret written next to them,
/// GitHub tokens, bearer tokens, JWTs, Slack and Google API keys and PEM private keys. Only the secret part is replaced,
/// so the rest of a JDBC URL or of the JVM options stays readable to whoever may see it.
/// </summary>
internal static partial class SecretValueScanner
{
    /// <summary>
    /// The value with every credential it holds replaced by <paramref name="mask"/>, or null when it holds none.
    /// <paramref name="isSecretName"/> decides which <c>name=value</c> names are secret (the key classifier).
    /// </summary>
    public static string? Mask(string value, Func<string, bool> isSecretName, string mask)
    {
        if (value.Length < 8)
        {
            return null;
        }

        var text = value;
        var changed = false;
        text = Replace(text, PemPrivateKey(), _ => mask, ref changed);
        text = Replace(text, UrlUserInfo(), m => m.Groups["prefix"].Value + mask + "@", ref changed);
        text = Replace(text, OracleThin(), m => m.Groups["prefix"].Value + mask + "@", ref changed);
        text = Replace(text, NameValue(), m => isSecretName(m.Groups["name"].Value) && !IsMask(m.Groups["value"].Value, mask)
            ? m.Value[..(m.Groups["value"].Index - m.Index)] + Quote(m.Groups["value"].Value, mask)
            : m.Value, ref changed);
        text = Replace(text, JsonPair(), m => isSecretName(m.Groups["name"].Value)
            ? m.Value[..(m.Groups["value"].Index - m.Index)] + mask + "\""
            : m.Value, ref changed);
        text = Replace(text, AccessKeyWithSecret(), _ => mask, ref changed);
        text = Replace(text, TokenShapes(), _ => mask, ref changed);
        text = Replace(text, Bearer(), m => m.Groups["scheme"].Value + mask, ref changed);
        return changed ? text : null;
    }

    private static bool IsMask(string value, string mask) => value.Trim('"', '\'') == mask;

    private static string Quote(string value, string mask) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') ? value[0] + mask + value[0] : mask;

    private static string Replace(string text, Regex regex, Func<Match, string> replacement, ref bool changed)
    {
        var any = false;
        var result = regex.Replace(text, m =>
        {
            var r = replacement(m);
            any |= !string.Equals(r, m.Value, StringComparison.Ordinal);
            return r;
        });
        changed |= any;
        return result;
    }

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)", RegexOptions.CultureInvariant)]
    private static partial Regex PemPrivateKey();

    /// <summary><c>scheme://user:password@</c>: the password goes, the scheme and user stay.</summary>
    [GeneratedRegex(@"(?<prefix>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@?#]+:)(?<password>[^\s/@?#]+)@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlUserInfo();

    /// <summary>Oracle's <c>jdbc:oracle:thin:user/password@host</c>.</summary>
    [GeneratedRegex(@"(?<prefix>jdbc:oracle:[a-z]+:[^\s/@:]+/)(?<password>[^\s@]+)@", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex OracleThin();

    /// <summary>
    /// <c>name=value</c> inside a value: after start, whitespace, <c>-D</c>, <c>;</c>, <c>&amp;</c>, <c>?</c>, <c>,</c>
    /// or <c>(</c>; the value is quoted or runs to the next separator.
    /// </summary>
    [GeneratedRegex(@"(?<=^|[\s;&?,(]|-D)(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(?<value>""[^""]*""|'[^']*'|[^\s;&,)""']+)", RegexOptions.CultureInvariant)]
    private static partial Regex NameValue();

    /// <summary><c>"name": "value"</c> (JSON or YAML-ish flow maps inside a value).</summary>
    [GeneratedRegex(@"""(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)""\s*:\s*""(?<value>(?:[^""\\]|\\.)*)""", RegexOptions.CultureInvariant)]
    private static partial Regex JsonPair();

    /// <summary>Alibaba (LTAI…) and AWS (AKIA/ASIA…) AccessKey ids, with a 30/40-character secret written right after them.</summary>
    [GeneratedRegex(@"\b(?:LTAI[0-9A-Za-z]{12,30}|(?:AKIA|ASIA)[0-9A-Z]{16})(?:\s*[:,;/| ]\s*[0-9A-Za-z+/]{30,40}\b)?", RegexOptions.CultureInvariant)]
    private static partial Regex AccessKeyWithSecret();

    /// <summary>GitHub classic and fine-grained tokens, Slack tokens, Google API keys, JWTs.</summary>
    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_\-]{35}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex TokenShapes();

    /// <summary><c>Bearer …</c> / <c>Basic …</c> credentials, e.g. in a header written into a config value.</summary>
    [GeneratedRegex(@"(?<scheme>\b(?:[Bb]earer|BEARER|[Bb]asic|BASIC|[Tt]oken)\s+)(?<token>[A-Za-z0-9\-._~+/]{16,}=*)", RegexOptions.CultureInvariant)]
    private static partial Regex Bearer();
}
