using System.Globalization;
using System.Net;

namespace EmrPortal.Emr;

/// <summary>
/// A non-2xx answer of the EMR API (or an unreadable 2xx). Carries the gateway's code, message, request id and retry
/// hint. Its text never contains credentials, signatures or security tokens (they are redacted before it is built).
/// </summary>
public sealed class EmrApiException : Exception
{
    /// <summary>Creates the exception from an already redacted error.</summary>
    public EmrApiException(
        HttpStatusCode httpStatus,
        string code,
        string? errorMessage,
        string? requestId,
        string? recommend = null,
        TimeSpan? retryAfter = null,
        string? action = null,
        Exception? innerException = null)
        : base(Describe(httpStatus, code, errorMessage, requestId, action), innerException)
    {
        HttpStatus = httpStatus;
        Code = code;
        ErrorMessage = errorMessage;
        RequestId = requestId;
        Recommend = recommend;
        RetryAfter = retryAfter;
        Action = action;
    }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode HttpStatus { get; }

    /// <summary>The gateway's <c>Code</c> (e.g. <c>Throttling.User</c>), or <c>Http&lt;status&gt;</c> when the body had none.</summary>
    public string Code { get; }

    /// <summary>The gateway's <c>Message</c>, redacted and trimmed.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The gateway's <c>RequestId</c> (or the <c>x-acs-request-id</c> header): quote it to support.</summary>
    public string? RequestId { get; }

    /// <summary>The gateway's diagnosis URL, when given.</summary>
    public string? Recommend { get; }

    /// <summary>The server's wait hint (<c>x-acs-retry-after</c> milliseconds or <c>Retry-After</c>), when given and positive.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The operation that failed, e.g. <c>ListSessionClusters</c>.</summary>
    public string? Action { get; }

    /// <summary>Flow control: <c>Throttling</c>, <c>Throttling.User</c>, <c>Throttling.Api</c>.</summary>
    public bool IsThrottling => EmrErrorCodes.IsThrottling(Code);

    /// <summary>Credentials, signature or permission were refused (<see cref="IsCredentialError"/> or <see cref="IsPermissionDenied"/>).</summary>
    public bool IsAuthError => IsCredentialError || IsPermissionDenied;

    /// <summary>
    /// The credentials themselves were refused (<see cref="EmrErrorCodes.IsCredentialError"/>), or HTTP 401: nothing
    /// will work until they change.
    /// </summary>
    public bool IsCredentialError => EmrErrorCodes.IsCredentialError(Code) || HttpStatus == HttpStatusCode.Unauthorized;

    /// <summary>
    /// The identity is valid but may not do this on this resource: <c>NoPermission*</c>/<c>Forbidden*</c>, or any other
    /// HTTP 403 that is not a credential code. Only the resource asked for is affected.
    /// </summary>
    public bool IsPermissionDenied =>
        !IsCredentialError && (EmrErrorCodes.IsPermissionCode(Code) || HttpStatus == HttpStatusCode.Forbidden);

    /// <summary>The resource does not exist (HTTP 404 that is not an unknown AccessKey).</summary>
    public bool IsNotFound => HttpStatus == HttpStatusCode.NotFound && !IsAuthError;

    /// <summary>Worth trying again later: throttling, a replayed nonce, or a server-side (5xx) fault.</summary>
    public bool IsTransient =>
        IsThrottling
        || string.Equals(Code, EmrErrorCodes.SignatureNonceUsed, StringComparison.OrdinalIgnoreCase)
        || (int)HttpStatus >= 500;

    private static string Describe(HttpStatusCode status, string code, string? message, string? requestId, string? action) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"EMR {action ?? "call"} failed: HTTP {(int)status} {code}{(string.IsNullOrEmpty(message) ? "" : ": " + message)} (RequestId: {requestId ?? "none"})");
}
