using System.Globalization;
using System.Text.Json;
using System.Xml;
using EmrPortal.Emr.Models;
using EmrPortal.Emr.Serialization;

namespace EmrPortal.Emr.Http;

/// <summary>
/// Reads the gateway's error answer: JSON (<c>Code</c>/<c>code</c>, …), XML when the content type says so, or anything
/// else (HTML, text, empty) as an error named after the HTTP status.
/// </summary>
internal static class EmrErrorReader
{
    // Error bodies are small; a huge one is not worth buffering (it is then treated as unreadable).
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>The body's error code, or null when it has none. Buffers the body so it can be read again.</summary>
    public static async ValueTask<string?> ReadCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false))?.Code;

    /// <summary>Builds the exception for a non-2xx response; every text in it is redacted.</summary>
    public static async Task<EmrApiException> ToExceptionAsync(
        HttpResponseMessage response, string action, EmrClientOptions options, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        var code = Clean(body?.Code, options) is { Length: > 0 } c ? c : string.Create(CultureInfo.InvariantCulture, $"Http{(int)status}");
        var message = SecretRedactor.Redact(body?.Message, options)
            ?? (string.IsNullOrEmpty(response.ReasonPhrase) ? null : SecretRedactor.Redact(response.ReasonPhrase, options));
        var requestId = Clean(body?.RequestId, options) ?? Clean(RequestIdHeader(response), options);
        return new EmrApiException(
            status, code, message, requestId, Clean(body?.Recommend, options), RetryAfter(response), action);
    }

    /// <summary>
    /// The server's wait hint: <c>x-acs-retry-after</c> in milliseconds (zero, negative or unparsable ignored), else a
    /// standard <c>Retry-After</c> (seconds or date).
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (HeaderValue(response, "x-acs-retry-after") is { } raw
            && long.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            && ms > 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta && delta > TimeSpan.Zero)
        {
            return delta;
        }

        // Retry-After as a date is relative to the server's Date header (clock skew cancels out).
        if (retryAfter?.Date is { } date && response.Headers.Date is { } now && date > now)
        {
            return date - now;
        }

        return null;
    }

    private static async ValueTask<EmrErrorBody?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            await response.Content.LoadIntoBufferAsync(MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }

        if (bytes.Length == 0)
        {
            return null;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType.EndsWith("xml", StringComparison.OrdinalIgnoreCase))
        {
            return ParseXml(bytes);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, EmrJsonContext.Default.EmrErrorBody);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static EmrErrorBody? ParseXml(byte[] bytes)
    {
        var body = new EmrErrorBody();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
            reader.MoveToContent();
            while (!reader.EOF)
            {
                // ReadElementContentAsString already moves past the element: only Read() when nothing was consumed.
                if (reader.NodeType != XmlNodeType.Element || !TryReadField(reader, body))
                {
                    reader.Read();
                }
            }
        }
        catch (XmlException)
        {
            return body.Code is null ? null : body;
        }

        return body;
    }

    private static bool TryReadField(XmlReader reader, EmrErrorBody body)
    {
        switch (reader.LocalName.ToUpperInvariant())
        {
            case "CODE": body.Code = reader.ReadElementContentAsString(); return true;
            case "MESSAGE": body.Message = reader.ReadElementContentAsString(); return true;
            case "REQUESTID": body.RequestId = reader.ReadElementContentAsString(); return true;
            case "RECOMMEND": body.Recommend = reader.ReadElementContentAsString(); return true;
            case "HOSTID": body.HostId = reader.ReadElementContentAsString(); return true;
            default: return false;
        }
    }

    /// <summary>The gateway's <c>x-acs-request-id</c> response header, when present.</summary>
    public static string? RequestIdHeader(HttpResponseMessage response) => HeaderValue(response, "x-acs-request-id");

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string? Clean(string? value, EmrClientOptions options) =>
        SecretRedactor.Redact(value?.Trim(), options) is { Length: > 0 } cleaned ? cleaned : null;
}
