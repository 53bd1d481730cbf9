using System.Security.Cryptography;
using System.Text;

namespace EmrPortal.Emulator.Signing;

/// <summary>The parts of an <c>ACS3-HMAC-SHA256</c> Authorization header.</summary>
internal sealed record Acs3Authorization(string AccessKeyId, IReadOnlyList<string> SignedHeaders, byte[] Signature);

/// <summary>
/// Signature V3 (<c>ACS3-HMAC-SHA256</c>) as the gateway recomputes it from the request as received. This is the
/// emulator's own implementation (it shares no code with the client's signer), so a canonicalization bug in one
/// does not hide the same bug in the other.
/// </summary>
internal static class Acs3Signature
{
    public const string Algorithm = "ACS3-HMAC-SHA256";

    /// <summary>Parses <c>ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex</c>.</summary>
    public static bool TryParseAuthorization(string header, out Acs3Authorization? authorization, out string problem)
    {
        authorization = null;
        problem = "";
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            problem = $"The Authorization header must start with '{Algorithm} '.";
            return false;
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var rawPart in header[(Algorithm.Length + 1)..].Split(','))
        {
            var part = rawPart.Trim();
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = "The Authorization header is malformed: expected Credential=…,SignedHeaders=…,Signature=….";
                return false;
            }

            var name = part[..equals];
            var value = part[(equals + 1)..];
            switch (name)
            {
                case "Credential" when credential is null:
                    credential = value;
                    break;
                case "SignedHeaders" when signedHeaders is null:
                    signedHeaders = value;
                    break;
                case "Signature" when signature is null:
                    signature = value;
                    break;
                default:
                    problem = $"The Authorization header has an unexpected or repeated element '{name}'.";
                    return false;
            }
        }

        if (string.IsNullOrEmpty(credential) || string.IsNullOrEmpty(signedHeaders) || string.IsNullOrEmpty(signature))
        {
            problem = "The Authorization header must contain Credential, SignedHeaders and Signature.";
            return false;
        }

        if (signature.Length != 64 || !signature.All(char.IsAsciiHexDigit))
        {
            problem = "The Signature in the Authorization header must be 64 hexadecimal characters.";
            return false;
        }

        var names = signedHeaders.Split(';');
        var lowered = new List<string>(names.Length);
        foreach (var name in names)
        {
            var trimmed = name.Trim().ToLowerInvariant();
            if (trimmed.Length == 0 || lowered.Contains(trimmed, StringComparer.Ordinal))
            {
                problem = "SignedHeaders must be a ';'-separated list of distinct header names.";
                return false;
            }

            lowered.Add(trimmed);
        }

        lowered.Sort(StringComparer.Ordinal);
        authorization = new Acs3Authorization(credential, lowered, Convert.FromHexString(signature));
        return true;
    }

    /// <summary>Query decoded from the wire and re-encoded per RFC 3986, sorted ordinally by name then value.</summary>
    public static string CanonicalQuery(ReceivedRequest request)
    {
        var pairs = request.DecodedQuery()
            .Select(p => (Name: AcsEncoding.Encode(p.Name), Value: AcsEncoding.Encode(p.Value)))
            .ToList();
        pairs.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>
    /// CanonicalRequest over exactly <paramref name="signedHeaders"/> (already lowercased and sorted). The path is the
    /// raw path as sent; the payload line is the client's <c>x-acs-content-sha256</c> (checked against the body separately).
    /// </summary>
    public static string CanonicalRequest(ReceivedRequest request, IReadOnlyList<string> signedHeaders)
    {
        var builder = new StringBuilder(512);
        builder.Append(request.Method).Append('\n');
        builder.Append(request.RawPath).Append('\n');
        builder.Append(CanonicalQuery(request)).Append('\n');
        foreach (var name in signedHeaders)
        {
            builder.Append(name).Append(':').Append(request.Header(name) ?? "").Append('\n');
        }

        builder.Append('\n');
        builder.Append(string.Join(';', signedHeaders)).Append('\n');
        builder.Append(request.Header("x-acs-content-sha256") ?? "");
        return builder.ToString();
    }

    public static string StringToSign(string canonicalRequest) =>
        Algorithm + "\n" + AcsEncoding.ToLowerHex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

    public static byte[] Sign(string accessKeySecret, string stringToSign) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign));
}
