using CsCheck;
using EmrPortal.Emr.Signing;

namespace EmrPortal.Emr.Tests.Signing;

public sealed class Acs3EncodingTests
{
    [Theory]
    [InlineData(" ", "%20")]
    [InlineData("/", "%2F")]
    [InlineData("*", "%2A")]
    [InlineData("~", "~")]
    [InlineData("+", "%2B")]
    [InlineData("!'()", "%21%27%28%29")]
    [InlineData("é", "%C3%A9")]
    [InlineData("会话", "%E4%BC%9A%E8%AF%9D")]
    [InlineData("😀", "%F0%9F%98%80")]
    [InlineData("a-b_c.d~e", "a-b_c.d~e")]
    public void Percent_encoding_follows_rfc3986_with_uppercase_hex(string raw, string expected) =>
        Assert.Equal(expected, Acs3Signer.PercentEncode(raw));

    [Fact]
    public void Canonical_query_sorts_ordinally_and_writes_empty_values_as_name_equals()
    {
        var query = Acs3Signer.CanonicalQuery("Kind=b&_x=1&kind=a&a.b=2&empty=&flag");

        // Culture-aware sorting would give "_x,a.b,kind,Kind".
        Assert.Equal("Kind=b&_x=1&a.b=2&empty=&flag=&kind=a", query);
    }

    [Fact]
    public void Canonical_query_reencodes_values_sent_in_non_canonical_form()
    {
        Assert.Equal("q=a%20b%2Ac~", Acs3Signer.CanonicalQuery("?q=a%20b*c%7e"));
        Assert.Equal("q=1%2B1", Acs3Signer.CanonicalQuery("q=1%2b1"));
    }

    [Fact]
    public void Canonical_uri_keeps_separators_and_escaped_slash_inside_a_segment()
    {
        Assert.Equal("/", Acs3Signer.CanonicalUri(""));
        Assert.Equal("/api/v1/workspaces/w%2Fx/sessionClusters", Acs3Signer.CanonicalUri("/api/v1/workspaces/w%2fx/sessionClusters"));
        Assert.Equal("/a%20b/%E4%BC%9A/~x", Acs3Signer.CanonicalUri("/a%20b/%E4%BC%9A/%7Ex"));
    }

    [Fact]
    public void Encode_then_decode_round_trips_any_string() =>
        Gen.String.Sample(s => Uri.UnescapeDataString(Acs3Signer.PercentEncode(s)) == s);

    [Fact]
    public void Encoded_text_holds_only_unreserved_characters_and_uppercase_escapes() =>
        Gen.String.Sample(s =>
        {
            var encoded = Acs3Signer.PercentEncode(s);
            for (var i = 0; i < encoded.Length; i++)
            {
                var c = encoded[i];
                if (c == '%')
                {
                    if (i + 2 >= encoded.Length || !IsUpperHex(encoded[i + 1]) || !IsUpperHex(encoded[i + 2]))
                    {
                        return false;
                    }

                    i += 2;
                }
                else if (!IsUnreserved(c))
                {
                    return false;
                }
            }

            return true;
        });

    [Fact]
    public void Unreserved_characters_are_never_escaped() =>
        Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"].Array.Sample(chars =>
        {
            var s = new string(chars);
            return Acs3Signer.PercentEncode(s) == s;
        });

    [Fact]
    public void Canonical_query_is_independent_of_parameter_order() =>
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 6], Gen.String)
            .Array[0, 8]
            .Sample(pairs =>
            {
                var forward = pairs.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)).ToArray();
                var reversed = forward.Reverse().ToArray();
                return Acs3Signer.CanonicalQuery(forward) == Acs3Signer.CanonicalQuery(reversed);
            });

    [Fact]
    public void Canonical_query_of_raw_encoded_query_equals_canonical_query_of_decoded_pairs() =>
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 6], Gen.String)
            .Array[0, 6]
            .Sample(pairs =>
            {
                var decoded = pairs.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)).ToArray();
                var raw = string.Join('&', decoded.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
                return Acs3Signer.CanonicalQuery(raw) == Acs3Signer.CanonicalQuery(decoded);
            });

    private static bool IsUpperHex(char c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'F');

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';
}
