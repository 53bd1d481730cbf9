using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emr.Signing;

/// <summary>
/// Signs every outgoing request with ACS3-HMAC-SHA256. It sits <em>inside</em> the retry pipeline, so each attempt gets
/// a fresh date and nonce (a re-sent nonce is refused as <c>SignatureNonceUsed</c>). Credentials are read per request,
/// so rotated STS credentials apply at once. It also refuses any host but the configured endpoint: signed requests
/// (and the security token) never leave for another host.
/// </summary>
public sealed class Acs3SigningHandler : DelegatingHandler
{
    /// <summary>The API version every request carries unless it sets <c>x-acs-version</c> itself.</summary>
    public const string ApiVersion = "2023-08-08";

    /// <summary>Request option naming the operation (<c>x-acs-action</c>), e.g. <c>ListSessionClusters</c>.</summary>
    public static readonly HttpRequestOptionsKey<string> ActionOption = new("EmrPortal.Emr.Action");

    private readonly IOptionsMonitor<EmrClientOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<string> _nonceFactory;

    /// <summary>Creates the handler with a cryptographically random 32-hex nonce per attempt.</summary>
    public Acs3SigningHandler(IOptionsMonitor<EmrClientOptions> options, TimeProvider timeProvider)
        : this(options, timeProvider, static () => RandomNumberGenerator.GetHexString(32, lowercase: true))
    {
    }

    internal Acs3SigningHandler(IOptionsMonitor<EmrClientOptions> options, TimeProvider timeProvider, Func<string> nonceFactory)
    {
        _options = options;
        _timeProvider = timeProvider;
        _nonceFactory = nonceFactory;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var uri = request.RequestUri ?? throw new InvalidOperationException("An EMR request needs an absolute URI.");
        EnsureConfiguredHost(uri, options);

        var action = request.Options.TryGetValue(ActionOption, out var fromOption) ? fromOption
            : request.Headers.TryGetValues("x-acs-action", out var values) ? values.FirstOrDefault() : null;
        if (string.IsNullOrEmpty(action))
        {
            throw new InvalidOperationException("An EMR request needs its action (set Acs3SigningHandler.ActionOption).");
        }

        var payloadHash = Acs3Signer.EmptyPayloadSha256;
        if (request.Content is not null)
        {
            // Buffered content (string/byte array) reads the same bytes on every attempt.
            var body = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            payloadHash = Acs3Signer.Sha256Hex(body);
        }

        var headers = request.Headers;
        // Host is set explicitly so the signed value is the sent value (":port" only when not the default).
        headers.Host = uri.Authority;
        Replace(headers, "x-acs-action", action);
        if (!headers.Contains("x-acs-version"))
        {
            headers.TryAddWithoutValidation("x-acs-version", ApiVersion);
        }

        Replace(headers, "x-acs-date", _timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Replace(headers, "x-acs-signature-nonce", _nonceFactory());
        Replace(headers, "x-acs-content-sha256", payloadHash);
        if (string.IsNullOrEmpty(options.SecurityToken))
        {
            headers.Remove("x-acs-security-token");
            headers.Remove("x-acs-accesskey-id");
        }
        else
        {
            Replace(headers, "x-acs-security-token", options.SecurityToken);
            Replace(headers, "x-acs-accesskey-id", options.AccessKeyId!);
        }

        headers.Authorization = null;
        var signature = Acs3Signer.Sign(
            new Acs3Request(request.Method.Method, uri.AbsolutePath, uri.Query, SignableHeaders(request), payloadHash),
            options.AccessKeyId!,
            options.AccessKeySecret!);
        headers.TryAddWithoutValidation("Authorization", signature.Authorization);

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static void EnsureConfiguredHost(Uri uri, EmrClientOptions options)
    {
        var endpoint = options.GetEndpointUri();
        if (!uri.IsAbsoluteUri
            || !string.Equals(uri.Scheme, endpoint.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Authority, endpoint.Authority, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("The EMR client sends only to its configured endpoint (Emr:Endpoint); this request targets another host.");
        }
    }

    private static void Replace(System.Net.Http.Headers.HttpRequestHeaders headers, string name, string value)
    {
        headers.Remove(name);
        headers.TryAddWithoutValidation(name, value);
    }

    private static IEnumerable<KeyValuePair<string, string>> SignableHeaders(HttpRequestMessage request)
    {
        foreach (var header in request.Headers.NonValidated)
        {
            if (Acs3Signer.IsSignedHeader(header.Key))
            {
                foreach (var value in header.Value)
                {
                    yield return new(header.Key, value);
                }
            }
        }

        // Content-Type exactly as HttpClient will write it (e.g. "application/json; charset=utf-8").
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            yield return new("content-type", contentType.ToString());
        }
    }
}
