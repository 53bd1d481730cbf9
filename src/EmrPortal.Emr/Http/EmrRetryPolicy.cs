using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace EmrPortal.Emr.Http;

/// <summary>
/// What the EMR pipeline retries: network errors, attempt timeouts, 5xx/408/429 (via the standard transient predicate),
/// and — classified by the body's <c>Code</c>, since Alibaba answers them with HTTP 400 — <c>Throttling*</c> and
/// <c>SignatureNonceUsed</c>. Credential, signature and parameter errors are never retried.
/// </summary>
internal static class EmrRetryPolicy
{
    public static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        if (args.Context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (args.Outcome.Exception is not null)
        {
            return HttpClientResiliencePredicates.IsTransient(args.Outcome);
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

        return EmrErrorCodes.IsThrottling(code)
            || string.Equals(code, EmrErrorCodes.SignatureNonceUsed, StringComparison.OrdinalIgnoreCase)
            || HttpClientResiliencePredicates.IsTransient(args.Outcome);
    }

    /// <summary>The server's hint wins; without one, Polly's jittered exponential backoff applies (null).</summary>
    public static ValueTask<TimeSpan?> DelayAsync(RetryDelayGeneratorArguments<HttpResponseMessage> args) =>
        ValueTask.FromResult(args.Outcome.Result is { } response ? EmrErrorReader.RetryAfter(response) : null);
}
