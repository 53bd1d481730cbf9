using EmrPortal.Contracts;
using EmrPortal.Emr;

namespace EmrPortal.Proxy.Upstream;

/// <summary>Names the cause of a failed refresh in the words a reader of the list understands (see <see cref="RefreshFailureCauses"/>).</summary>
internal static class RefreshFailureCause
{
    /// <summary>The category of <paramref name="error"/>, classified by the upstream error code first and the exception type second.</summary>
    public static string Of(Exception error)
    {
        var root = error is SnapshotUnavailableException { InnerException: { } inner } ? inner : error;
        return root switch
        {
            UpstreamQuotaExceededException or EmrApiException { IsThrottling: true } => RefreshFailureCauses.Throttled,
            EmrApiException { IsCredentialError: true } => RefreshFailureCauses.Credentials,
            _ when Extensions.ProxyExceptionHandler.IsCloudPermissionDenied(root) => RefreshFailureCauses.Permission,
            TimeoutException or Polly.Timeout.TimeoutRejectedException => RefreshFailureCauses.TimedOut,
            // HttpClient's own timeout surfaces as a cancellation wrapping a TimeoutException.
            OperationCanceledException { InnerException: TimeoutException } => RefreshFailureCauses.TimedOut,
            _ => RefreshFailureCauses.Unavailable,
        };
    }
}
