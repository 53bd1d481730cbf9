using EmrPortal.Emr;

namespace EmrPortal.Proxy.Upstream;

/// <summary>
/// What a failed Start/Stop says about the session upstream. The EMR API's writes are not idempotent and the client
/// never re-sends one that may have reached the server (docs/decisions.md#writes-are-never-re-sent-after-they-may-have-arrived),
/// so the proxy tells the caller which of three cases it is, judged by HTTP status and documented codes only.
/// </summary>
internal static class WriteOutcome
{
    /// <summary>
    /// The cloud answered and refused the action for this session (a 4xx that is not about credentials, permission,
    /// throttling, parameters of the request or a missing session): typically its state does not allow it.
    /// </summary>
    public static bool IsRefusedForState(Exception exception) =>
        exception is EmrApiException { IsAuthError: false, IsThrottling: false, IsNotFound: false } e
        && (int)e.HttpStatus is >= 400 and < 500;

    /// <summary>
    /// The request may have reached the cloud and its answer was lost: a 5xx, a timeout, or a connection that failed
    /// after the request was on its way. Failures known to happen before sending (connection refused, DNS, TLS) are not.
    /// </summary>
    public static bool IsUnconfirmed(Exception exception) => exception switch
    {
        EmrApiException e => (int)e.HttpStatus >= 500,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } => false,
        HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException => true,
        _ => false,
    };
}
