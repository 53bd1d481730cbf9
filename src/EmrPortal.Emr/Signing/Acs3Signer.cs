using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EmrPortal.Emr.Signing;

/// <summary>
/// Alibaba Cloud signature V3 (<c>ACS3-HMAC-SHA256</c>) as pure functions: canonical request, string to sign,
/// signature and <c>Authorization</c> header. No I/O, no clock, no randomness; <see cref="Acs3SigningHandler"/> supplies those.
/// </summary>
public static class Acs3Signer
{
    /// <summary>The algorithm name that starts the string to sign and the <c>Authorization</c> header.</summary>
    public const string Algorithm = "ACS3-HMAC-SHA256";

    /// <summary>Lowercase hex SHA-256 of zero bytes: the payload hash of every request without a body.</summary>
    public const string EmptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>
    /// RFC 3986 encoding of one name, value or path segment: <c>A-Z a-z 0-9 - _ . ~</c> stay, every other UTF-8 byte
    /// becomes <c>%XX</c> with uppercase hex (space → <c>%20</c>, <c>*</c> → <c>%2A</c>, <c>/</c> → <c>%2F</c>).
    /// </summary>
    /// <remarks><see cref="Uri.EscapeDataString(string)"/> follows exactly these rules on .NET 5+ (unlike the
    /// <c>UrlEncode</c> family, which writes <c>+</c> for space or lowercase hex).</remarks>
    public static string PercentEncode(string value) => Uri.EscapeDataString(value);

    /// <summary>
    /// The canonical URI of a ROA path as sent on the wire (already escaped): each segment is decoded once and
    /// re-encoded per <see cref="PercentEncode"/>, separators kept. For a path built with <see cref="PercentEncode"/> this
    /// is the path itself; it only normalizes lowercase hex or needlessly escaped unreserved characters.
    /// </summary>
    public static string CanonicalUri(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath) || rawPath == "/")
        {
            return "/";
        }

        var segments = rawPath.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = PercentEncode(Uri.UnescapeDataString(segments[i]));
        }

        var path = string.Join('/', segments);
        return path.StartsWith('/') ? path : "/" + path;
    }

    /// <summary>
    /// The canonical query from a raw query string (with or without the leading <c>?</c>): pairs are decoded, re-encoded,
    /// sorted ordinally by name then value and joined as <c>name=value</c> with <c>&amp;</c>; an empty value gives <c>name=</c>.
    /// </summary>
    /// <remarks>A literal <c>+</c> is kept as a plus sign (encoded <c>%2B</c>): this client never writes <c>+</c> for a space.</remarks>
    public static string CanonicalQuery(string? rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
        {
            return string.Empty;
        }

        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? string.Empty : part[(eq + 1)..];
            pairs.Add(new(Uri.UnescapeDataString(name), Uri.UnescapeDataString(value)));
        }

        return CanonicalQuery(pairs);
    }

    /// <summary>The canonical query from decoded name/value pairs (see <see cref="CanonicalQuery(string?)"/>).</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var encoded = parameters
            .Select(p => (Name: PercentEncode(p.Key), Value: PercentEncode(p.Value ?? string.Empty)))
            .ToList();
        // Ordinal, never culture-aware: the default comparer puts "_x" before "a.b" and mixes "kind"/"Kind".
        encoded.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', encoded.Select(static p => p.Name + "=" + p.Value));
    }

    /// <summary>True for the headers V3 signs: <c>host</c>, <c>content-type</c> and every <c>x-acs-*</c> header.</summary>
    public static bool IsSignedHeader(string name) =>
        name.Equals("host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("x-acs-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds the canonical request and the signed-header list (see the reference, §3.2).</summary>
    public static (string CanonicalRequest, string SignedHeaders) CanonicalRequest(Acs3Request request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Lowercase names, trimmed values, repeated headers joined with ',' (as the official SDK does).
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Headers)
        {
            if (!IsSignedHeader(name))
            {
                continue;
            }

            var key = name.Trim().ToLowerInvariant();
            var trimmed = value.Trim();
            headers[key] = headers.TryGetValue(key, out var existing) ? existing + "," + trimmed : trimmed;
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var builder = new StringBuilder(512)
            .Append(request.Method.ToUpperInvariant()).Append('\n')
            .Append(CanonicalUri(request.RawPath)).Append('\n')
            .Append(CanonicalQuery(request.RawQuery)).Append('\n');
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n').Append(signedHeaders).Append('\n').Append(request.PayloadSha256);
        return (builder.ToString(), signedHeaders);
    }

    /// <summary><c>ACS3-HMAC-SHA256\n</c> + lowercase hex SHA-256 of the UTF-8 canonical request.</summary>
    public static string StringToSign(string canonicalRequest) =>
        Algorithm + "\n" + Sha256Hex(Encoding.UTF8.GetBytes(canonicalRequest));

    /// <summary>Lowercase hex HMAC-SHA256 keyed with the UTF-8 secret (no <c>&amp;</c> appended, unlike V1).</summary>
    public static string Signature(string stringToSign, string accessKeySecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeySecret);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign));
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Lowercase hex SHA-256 of <paramref name="payload"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    /// <summary>
    /// Signs <paramref name="request"/> end to end. The result carries the intermediate texts for diagnostics in tests;
    /// its <see cref="Acs3Signature.ToString"/> shows only the <c>Authorization</c> value's non-secret parts.
    /// </summary>
    public static Acs3Signature Sign(Acs3Request request, string accessKeyId, string accessKeySecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        var (canonicalRequest, signedHeaders) = CanonicalRequest(request);
        var stringToSign = StringToSign(canonicalRequest);
        var signature = Signature(stringToSign, accessKeySecret);
        var authorization = string.Create(
            CultureInfo.InvariantCulture,
            $"{Algorithm} Credential={accessKeyId},SignedHeaders={signedHeaders},Signature={signature}");
        return new Acs3Signature(canonicalRequest, signedHeaders, stringToSign, signature, authorization);
    }
}
