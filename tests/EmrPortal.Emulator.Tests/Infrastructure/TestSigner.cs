using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace EmrPortal.Emulator.Tests.Infrastructure;

public sealed record SigningKey(string AccessKeyId, string Secret, string? SecurityToken = null);

/// <summary>
/// A deliberately plain ACS3 signer for tests, separate from both the client's signer and the emulator's verifier.
/// It refuses query strings that are not already canonical characters, so it cannot hide an encoding bug: tests
/// about encoding pass the canonical query text literally.
/// </summary>
public static class TestSigner
{
    public const string Version = "2023-08-08";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static HttpRequestMessage Get(string pathAndQuery, string action, SigningKey key, DateTimeOffset now, string host = "localhost")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        Sign(request, host, action, key, now);
        return request;
    }

    public static HttpRequestMessage PostJson(string path, string action, string json, SigningKey key, DateTimeOffset now, string host = "localhost")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        Sign(request, host, action, key, now);
        return request;
    }

    public static string NewNonce() => Guid.NewGuid().ToString("N");

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Adds the V3 headers and Authorization. <paramref name="canonicalQuery"/> overrides the derived one.</summary>
    public static void Sign(
        HttpRequestMessage request,
        string host,
        string action,
        SigningKey key,
        DateTimeOffset now,
        string? nonce = null,
        string? canonicalQuery = null,
        string? canonicalPath = null,
        IReadOnlyDictionary<string, string>? extraSignedHeaders = null)
    {
        var body = request.Content is null ? [] : request.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var signed = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = host,
            ["x-acs-action"] = action,
            ["x-acs-version"] = Version,
            ["x-acs-date"] = Date(now),
            ["x-acs-signature-nonce"] = nonce ?? NewNonce(),
            ["x-acs-content-sha256"] = Convert.ToHexStringLower(SHA256.HashData(body)),
        };
        if (request.Content?.Headers.TryGetValues("Content-Type", out var contentType) == true)
        {
            signed["content-type"] = string.Join(',', contentType);
        }

        if (key.SecurityToken is not null)
        {
            signed["x-acs-security-token"] = key.SecurityToken;
            signed["x-acs-accesskey-id"] = key.AccessKeyId;
        }

        foreach (var (name, value) in extraSignedHeaders ?? new Dictionary<string, string>())
        {
            signed[name] = value;
        }

        foreach (var (name, value) in signed)
        {
            if (name == "host")
            {
                request.Headers.Host = value;
            }
            else if (name != "content-type")
            {
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var uri = request.RequestUri!;
        var rawPathAndQuery = uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
        var question = rawPathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = canonicalPath ?? (question < 0 ? rawPathAndQuery : rawPathAndQuery[..question]);
        var query = canonicalQuery ?? SortedPlainQuery(question < 0 ? "" : rawPathAndQuery[(question + 1)..]);

        var canonical = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(path).Append('\n')
            .Append(query).Append('\n');
        foreach (var (name, value) in signed)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(string.Join(';', signed.Keys)).Append('\n').Append(signed["x-acs-content-sha256"]);
        var stringToSign = "ACS3-HMAC-SHA256\n" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key.Secret), Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "ACS3-HMAC-SHA256", $"Credential={key.AccessKeyId},SignedHeaders={string.Join(';', signed.Keys)},Signature={signature}");
    }

    private static string SortedPlainQuery(string rawQuery)
    {
        var parts = rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .ToList();
        foreach (var part in parts)
        {
            if (part.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '=')))
            {
                throw new ArgumentException($"The test signer only derives canonical queries from plain text; pass canonicalQuery for '{part}'.");
            }
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join('&', parts);
    }
}
