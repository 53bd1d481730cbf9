namespace EmrPortal.Contracts;

/// <summary>
/// Names come from other people (session names, user names, queue names): before one is shown anywhere — list,
/// detail, CSV, page title, logs — control characters (U+0000–U+001F, U+007F–U+009F) and bidirectional overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are replaced by U+FFFD, so
/// <c>invoice\u202Egnp.exe</c> cannot pose as <c>invoiceexe.png</c> and a CR/LF cannot start a new line or CSV row.
/// </summary>
public static class DisplayText
{
    public const char Replacement = '\uFFFD';

    public static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    public static string? Neutralize(string? text)
    {
        // Plain printable ASCII (nearly every name) is returned as it is without a per-character check.
        if (string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAnyExcept(SafeAscii) || !HasUnsafe(text))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = IsUnsafe(source[i]) ? Replacement : source[i];
            }
        });
    }

    private static bool HasUnsafe(string text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly System.Buffers.SearchValues<char> SafeAscii =
        System.Buffers.SearchValues.Create(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");
}
