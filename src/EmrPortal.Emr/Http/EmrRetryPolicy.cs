using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace EmrPortal.Emr.Http;

/// <summary>
/// What the EMR pipeline retries: network errors, attempt timeouts, 5xx/408/429 (via the standard transient predicate),
/// and — classified by the body's <c>Code</c>, since Alibaba answers them with HTTP 400 — <c>Throttling*</c> and
/// <c>SignatureNonceUsed</c>. Credential, signature, permission and parameter errors are never retried.
/// Writes (Start/Stop are POSTs and not idempotent) are retried only when the request certainly was not processed:
/// the connection could not be made, or the gateway refused it before the operation ran (flow control, a replayed
/// nonce, HTTP 429). A 5xx, a timeout or a dropped connection after sending may hide an applied write: the caller
/// must read the state again instead (see docs/decisions.md).
/// </summary>
internal static class EmrRetryPolicy
{
    public static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        if (args.Context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        var write = IsWrite(args.Context.GetRequestMessage());
        if (args.Outcome.Exception is { } exception)
        {
            return write ? NotSent(exception) : HttpClientResiliencePredicates.IsTransient(args.Outcome);
        }

        var response = args.Outcome.Result;
        if (response is null || response.IsSuccessStatusCode)
        {
            return false;
        }

        var code = await EmrErrorReader.ReadCodeAsync(response, args.Context.CancellationToken).ConfigureAwait(false);
        if (EmrErrorCodes.IsAuthError(code) || string.Equals(code, EmrErrorCodes.InvalidParameter, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (write)
        {
            // Refused by the gateway before the operation ran; anything else may have been applied.
            return EmrErrorCodes.IsThrottling(code)
                || string.Equals(code, EmrErrorCodes.SignatureNonceUsed, StringComparison.OrdinalIgnoreCase)
                || response.StatusCode == System.Net.HttpStatusCode.TooManyRequests;
        }

        return EmrErrorCodes.IsThrottling(code)
            || string.Equals(code, EmrErrorCodes.SignatureNonceUsed, StringComparison.OrdinalIgnoreCase)
            || HttpClientResiliencePredicates.IsTransient(args.Outcome);
    }

    /// <summary>A request that changes something upstream (every non-GET/HEAD call of this API).</summary>
    internal static bool IsWrite(HttpRequestMessage? request) =>
        request is not null && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head;

    /// <summary>True when the failure happened before any byte of the request reached the server.</summary>
    internal static bool NotSent(Exception exception) =>
        exception is HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
        };

    /// <summary>
    /// False when the server asks for a wait (<c>x-acs-retry-after</c>) longer than the whole call may take: waiting
    /// would only end in a timeout, so the call fails at once with the server's own error (e.g. <c>Throttling.User</c>),
    /// which names the cause, instead of a timeout that hides it.
    /// </summary>
    public static bool WaitFits(RetryPredicateArguments<HttpResponseMessage> args, TimeSpan totalTimeout) =>
        args.Outcome.Result is not { } response || EmrErrorReader.RetryAfter(response) is not { } wait || wait < totalTimeout;

    /// <summary>The server's hint wins; without one, Polly's jittered exponential backoff applies (null).</summary>
    public static ValueTask<TimeSpan?> DelayAsync(RetryDelayGeneratorArguments<HttpResponseMessage> args) =>
        ValueTask.FromResult(args.Outcome.Result is { } response ? EmrErrorReader.RetryAfter(response) : null);
}
