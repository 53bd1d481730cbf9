using System.Security.Cryptography;
using System.Text;

namespace EmrPortal.Emulator.Signing;

/// <summary>
/// The older ROA signature (<c>Authorization: acs AK:base64(HMAC-SHA1)</c>) that the aliyun CLI and the classic Go
/// SDK still use for ROA products. It signs Accept, Content-MD5, Content-Type and Date (each only when present and
/// non-empty), every <c>x-acs-*</c> header sorted by name, then the path with the decoded query sorted by name and
/// always preceded by <c>?</c>. These clients send no <c>x-acs-action</c>; the gateway routes them by path.
/// </summary>
internal static class LegacyRoaSignature
{
    public const string Prefix = "acs ";

    public static bool TryParseAuthorization(string header, out string accessKeyId, out byte[] signature, out string problem)
    {
        accessKeyId = "";
        signature = [];
        problem = "";
        var body = header[Prefix.Length..].Trim();
        var colon = body.LastIndexOf(':');
        if (colon <= 0 || colon == body.Length - 1)
        {
            problem = "The Authorization header is malformed: expected 'acs <AccessKeyId>:<Signature>'.";
            return false;
        }

        accessKeyId = body[..colon];
        try
        {
            signature = Convert.FromBase64String(body[(colon + 1)..]);
        }
        catch (FormatException)
        {
            problem = "The signature in the Authorization header is not base64.";
            return false;
        }

        if (signature.Length != 20)
        {
            problem = "The signature in the Authorization header is not an HMAC-SHA1 value.";
            return false;
        }

        return true;
    }

    public static string StringToSign(ReceivedRequest request)
    {
        var builder = new StringBuilder(512);
        builder.Append(request.Method).Append('\n');
        foreach (var name in (string[])["accept", "content-md5", "content-type", "date"])
        {
            if (request.Header(name) is { Length: > 0 } value)
            {
                builder.Append(value).Append('\n');
            }
        }

        var acsHeaders = request.Headers.Keys
            .Select(k => k.ToLowerInvariant())
            .Where(k => k.StartsWith("x-acs-", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        foreach (var name in acsHeaders)
        {
            builder.Append(name).Append(':').Append(request.Header(name)).Append('\n');
        }

        builder.Append(Uri.UnescapeDataString(request.RawPath)).Append('?');
        var query = request.DecodedQuery()
            .Select(p => (Name: Encoding.UTF8.GetString(p.Name), Value: Encoding.UTF8.GetString(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Value.Length > 0 ? p.Name + "=" + p.Value : p.Name);
        builder.Append(string.Join('&', query));
        return builder.ToString();
    }

#pragma warning disable CA5350 // HMAC-SHA1 is what this legacy protocol defines; the emulator must verify it as sent.
    public static byte[] Sign(string accessKeySecret, string stringToSign) =>
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign));
#pragma warning restore CA5350
}
