using System.Globalization;
using System.Security.Cryptography;
using EmrPortal.Emulator.Faults;
using EmrPortal.Emulator.Gateway;
using EmrPortal.Emulator.Options;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emulator.Signing;

/// <summary>Who a verified request came from.</summary>
internal sealed record AuthenticatedCaller(string AccessKeyId);

/// <summary>
/// Authenticates a request the way the gateway does: signature (V3, or the legacy ROA one the aliyun CLI sends),
/// timestamp window, body hash, STS token, key state, then nonce replay — the nonce is recorded only after the
/// signature verified, so forged requests cannot poison the replay memory.
/// </summary>
internal sealed class RequestAuthenticator(
    IOptions<EmulatorOptions> options,
    NonceCache nonces,
    FaultState faults,
    TimeProvider time)
{
    private static readonly string[] RequiredSignedHeaders =
        ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"];

    private static readonly string[] RequiredLegacyHeaders =
        ["date", "x-acs-signature-nonce", "x-acs-signature-method", "x-acs-signature-version", "x-acs-version"];

    private readonly Dictionary<string, AccessKeyOptions> _keys =
        options.Value.AccessKeys.ToDictionary(k => k.AccessKeyId, StringComparer.Ordinal);

    private readonly TimeSpan _window = TimeSpan.FromMinutes(options.Value.MaxClockSkewMinutes);

    public AcsError? Authenticate(ReceivedRequest request, out AuthenticatedCaller? caller)
    {
        caller = null;
        var authorization = request.Header("authorization");
        if (string.IsNullOrEmpty(authorization))
        {
            return AcsErrors.IncompleteSignature("The request must be signed: the Authorization header is missing.");
        }

        AccessKeyOptions? key;
        DateTimeOffset signedAt;
        AcsError? error;
        if (authorization.StartsWith(Acs3Signature.Algorithm + " ", StringComparison.Ordinal))
        {
            error = VerifyAcs3(request, authorization, out key, out signedAt);
        }
        else if (authorization.StartsWith(LegacyRoaSignature.Prefix, StringComparison.Ordinal))
        {
            error = VerifyLegacy(request, authorization, out key, out signedAt);
        }
        else
        {
            return AcsErrors.IncompleteSignature($"Unsupported signature algorithm; use {Acs3Signature.Algorithm}.");
        }

        if (error is not null)
        {
            return error;
        }

        error = CheckSecurityToken(request, key!) ?? CheckKeyState(key!);
        if (error is not null)
        {
            return error;
        }

        var now = time.GetUtcNow();
        var expiresAt = (signedAt > now ? signedAt : now) + _window;
        switch (nonces.TryRemember(key!.AccessKeyId, request.Header("x-acs-signature-nonce")!, expiresAt, now))
        {
            case NonceOutcome.Replayed:
                return AcsErrors.NonceUsed();
            case NonceOutcome.CacheFull:
                return AcsErrors.ServiceUnavailable();
        }

        caller = new AuthenticatedCaller(key.AccessKeyId);
        return null;
    }

    private AcsError? VerifyAcs3(ReceivedRequest request, string authorization, out AccessKeyOptions? key, out DateTimeOffset signedAt)
    {
        key = null;
        signedAt = default;
        if (!Acs3Signature.TryParseAuthorization(authorization, out var parsed, out var problem))
        {
            return AcsErrors.IncompleteSignature(problem);
        }

        if (!_keys.TryGetValue(parsed!.AccessKeyId, out key))
        {
            return AcsErrors.AccessKeyNotFound();
        }

        foreach (var name in RequiredSignedHeaders)
        {
            if (request.Header(name) is null)
            {
                return AcsErrors.MissingParameter(name);
            }

            if (!parsed.SignedHeaders.Contains(name, StringComparer.Ordinal))
            {
                return AcsErrors.IncompleteSignature($"SignedHeaders must include '{name}'.");
            }
        }

        foreach (var header in request.Headers.Keys)
        {
            var name = header.ToLowerInvariant();
            if ((name == "content-type" || name.StartsWith("x-acs-", StringComparison.Ordinal))
                && !parsed.SignedHeaders.Contains(name, StringComparer.Ordinal))
            {
                return AcsErrors.IncompleteSignature($"The header '{name}' is present but not listed in SignedHeaders.");
            }
        }

        foreach (var name in parsed.SignedHeaders)
        {
            if (request.Header(name) is null)
            {
                return AcsErrors.IncompleteSignature($"The signed header '{name}' is not in the request.");
            }
        }

        var error = CheckDate("x-acs-date", request.Header("x-acs-date")!, ParseAcs3Date, out signedAt);
        if (error is not null)
        {
            return error;
        }

        var canonicalRequest = Acs3Signature.CanonicalRequest(request, parsed.SignedHeaders);
        var stringToSign = Acs3Signature.StringToSign(canonicalRequest);
        var expected = Acs3Signature.Sign(key.AccessKeySecret, stringToSign);
        if (!CryptographicOperations.FixedTimeEquals(expected, parsed.Signature))
        {
            return AcsErrors.SignatureDoesNotMatch(
                "Specified signature does not match our calculation. server string to sign is:" + stringToSign
                + " server canonical request is:" + RedactSecurityToken(canonicalRequest, request));
        }

        var bodyHash = AcsEncoding.ToLowerHex(SHA256.HashData(request.Body));
        if (!string.Equals(bodyHash, request.Header("x-acs-content-sha256"), StringComparison.OrdinalIgnoreCase))
        {
            return AcsErrors.SignatureDoesNotMatch(
                "The x-acs-content-sha256 header does not match the SHA-256 of the request body (server computed " + bodyHash + ").");
        }

        return null;
    }

    private AcsError? VerifyLegacy(ReceivedRequest request, string authorization, out AccessKeyOptions? key, out DateTimeOffset signedAt)
    {
        key = null;
        signedAt = default;
        if (!LegacyRoaSignature.TryParseAuthorization(authorization, out var accessKeyId, out var signature, out var problem))
        {
            return AcsErrors.IncompleteSignature(problem);
        }

        if (!_keys.TryGetValue(accessKeyId, out key))
        {
            return AcsErrors.AccessKeyNotFound();
        }

        foreach (var name in RequiredLegacyHeaders)
        {
            if (string.IsNullOrEmpty(request.Header(name)))
            {
                return AcsErrors.MissingParameter(name);
            }
        }

        if (request.Header("x-acs-signature-method") != "HMAC-SHA1" || request.Header("x-acs-signature-version") != "1.0")
        {
            return AcsErrors.IncompleteSignature("The 'acs' signature needs x-acs-signature-method HMAC-SHA1 and x-acs-signature-version 1.0.");
        }

        var error = CheckDate("Date", request.Header("date")!, ParseHttpDate, out signedAt);
        if (error is not null)
        {
            return error;
        }

        var stringToSign = LegacyRoaSignature.StringToSign(request);
        var expected = LegacyRoaSignature.Sign(key.AccessKeySecret, stringToSign);
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return AcsErrors.SignatureDoesNotMatch(
                "Specified signature does not match our calculation. server string to sign is:"
                + RedactSecurityToken(stringToSign, request));
        }

        if (request.Header("content-md5") is { Length: > 0 } contentMd5)
        {
#pragma warning disable CA5351 // The legacy ROA protocol defines Content-MD5; it is an integrity check here, not security.
            var actual = Convert.ToBase64String(MD5.HashData(request.Body));
#pragma warning restore CA5351
            if (!string.Equals(actual, contentMd5, StringComparison.Ordinal))
            {
                return AcsErrors.SignatureDoesNotMatch("The Content-MD5 header does not match the request body.");
            }
        }
        else if (request.Body.Length > 0)
        {
            return AcsErrors.MissingParameter("Content-MD5");
        }

        return null;
    }

    private AcsError? CheckDate(string header, string value, Func<string, DateTimeOffset?> parse, out DateTimeOffset signedAt)
    {
        signedAt = default;
        if (parse(value) is not { } parsed)
        {
            return AcsErrors.TimeStampFormat(header);
        }

        signedAt = parsed;
        var skew = (time.GetUtcNow() - parsed).Duration();
        return skew > _window ? AcsErrors.TimeStampExpired(header, (int)_window.TotalMinutes) : null;
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ssZ</c> exactly (what the SDKs send); anything else is a format error.</summary>
    private static DateTimeOffset? ParseAcs3Date(string value) =>
        DateTimeOffset.TryParseExact(value, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;

    private static DateTimeOffset? ParseHttpDate(string value) =>
        DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;

    private AcsError? CheckSecurityToken(ReceivedRequest request, AccessKeyOptions key)
    {
        var token = request.Header("x-acs-security-token");
        var tokenKeyId = request.Header("x-acs-accesskey-id");
        if (string.IsNullOrEmpty(key.SecurityToken))
        {
            return string.IsNullOrEmpty(token) ? null : AcsErrors.SecurityTokenMismatch();
        }

        if (string.IsNullOrEmpty(token))
        {
            return AcsErrors.MissingSecurityToken();
        }

        var matches = CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(token), System.Text.Encoding.UTF8.GetBytes(key.SecurityToken));
        if (!matches || (tokenKeyId is not null && tokenKeyId != key.AccessKeyId))
        {
            return AcsErrors.SecurityTokenMismatch();
        }

        return key.SecurityTokenExpiresAt is { } expiry && time.GetUtcNow() >= expiry
            ? AcsErrors.SecurityTokenExpired()
            : null;
    }

    private AcsError? CheckKeyState(AccessKeyOptions key) =>
        key.Disabled || faults.Current.CredentialsRevoked ? AcsErrors.AccessKeyInactive() : null;

    /// <summary>The signature hint echoes signed headers; an STS token among them is a secret and is masked.</summary>
    private static string RedactSecurityToken(string text, ReceivedRequest request) =>
        request.Header("x-acs-security-token") is { Length: > 0 } token ? text.Replace(token, "***", StringComparison.Ordinal) : text;
}
