using System.Text;

namespace EmrPortal.Emulator.Signing;

/// <summary>
/// The emulator's own percent-encoding rules, written independently of the client's signer: RFC 3986 unreserved
/// characters stay, every other UTF-8 byte becomes <c>%XX</c> with uppercase hex.
/// </summary>
internal static class AcsEncoding
{
    private const string HexDigits = "0123456789ABCDEF";

    public static bool IsUnreserved(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length + 8);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Decodes one query name or value as it appeared on the wire: <c>+</c> is a space (form encoding, which some
    /// official clients use), <c>%XX</c> is a byte, anything else is taken literally. A malformed escape is kept as
    /// the literal <c>%</c> so it re-encodes to <c>%25</c> instead of failing the request.
    /// </summary>
    public static byte[] DecodeQueryComponent(ReadOnlySpan<char> raw)
    {
        var output = new List<byte>(raw.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '+')
            {
                output.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                output.Add((byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2])));
                i += 2;
            }
            else if (char.IsSurrogate(c))
            {
                var length = i + 1 < raw.Length && char.IsSurrogatePair(c, raw[i + 1]) ? 2 : 1;
                var written = Encoding.UTF8.GetBytes(raw.Slice(i, length), utf8);
                for (var k = 0; k < written; k++)
                {
                    output.Add(utf8[k]);
                }

                i += length - 1;
            }
            else
            {
                var written = Encoding.UTF8.GetBytes(raw.Slice(i, 1), utf8);
                for (var k = 0; k < written; k++)
                {
                    output.Add(utf8[k]);
                }
            }
        }

        return [.. output];
    }

    public static string ToLowerHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };
}
