using System.Text;
using System.Text.RegularExpressions;

namespace EmrPortal.Emr.Http;

/// <summary>
/// Scrubs upstream text before it reaches an exception or a log: a <c>SignatureDoesNotMatch</c> message may echo the
/// server's canonical request, which holds the security token; bodies may echo signatures. Also neutralises control and
/// bidi characters (log forging) and caps the length.
/// </summary>
internal static partial class SecretRedactor
{
    private const string Mask = "***";
    private const int MaxLength = 1024;

    public static string? Redact(string? text, EmrClientOptions options)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in (ReadOnlySpan<string?>)[options.AccessKeySecret, options.SecurityToken])
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        text = SecretHeaderLine().Replace(text, "$1" + Mask);
        text = SignatureValue().Replace(text, "$1" + Mask);
        if (text.Length > MaxLength)
        {
            text = text[..MaxLength] + "…";
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "",
                _ when char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format => " ",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"(?im)^((?:x-acs-security-token|x-acs-bearer-token|authorization)\s*:).*$")]
    private static partial Regex SecretHeaderLine();

    [GeneratedRegex(@"(?i)(Signature\s*=\s*)[0-9a-f]{16,}")]
    private static partial Regex SignatureValue();
}
