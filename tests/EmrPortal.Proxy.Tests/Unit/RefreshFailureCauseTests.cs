using System.Net;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Proxy.Upstream;

namespace EmrPortal.Proxy.Tests.Unit;

/// <summary>The cause a failed refresh reports, from the upstream error code first and the exception type second.</summary>
public sealed class RefreshFailureCauseTests
{
    public static TheoryData<string, Exception> Errors => new()
    {
        { RefreshFailureCauses.Throttled, Api(HttpStatusCode.BadRequest, "Throttling.User") },
        { RefreshFailureCauses.Throttled, Api(HttpStatusCode.BadRequest, "Throttling.Api") },
        { RefreshFailureCauses.Throttled, Api(HttpStatusCode.BadRequest, "Throttling") },
        { RefreshFailureCauses.Throttled, new UpstreamQuotaExceededException("ListSessionClusters", TimeSpan.FromSeconds(1)) },
        { RefreshFailureCauses.Credentials, Api(HttpStatusCode.NotFound, "InvalidAccessKeyId.NotFound") },
        { RefreshFailureCauses.Credentials, Api(HttpStatusCode.BadRequest, "InvalidAccessKeyId.Inactive") },
        { RefreshFailureCauses.Credentials, Api(HttpStatusCode.BadRequest, "SignatureDoesNotMatch") },
        { RefreshFailureCauses.Permission, Api(HttpStatusCode.Forbidden, "Forbidden.RAM") },
        { RefreshFailureCauses.Permission, Api(HttpStatusCode.Forbidden, "NoPermission") },
        { RefreshFailureCauses.Permission, new WorkspacePermissionDeniedException("w-1", "NoPermission", null, TimeSpan.FromSeconds(60)) },
        { RefreshFailureCauses.TimedOut, new TimeoutException("EMR ListSessionClusters timed out.") },
        { RefreshFailureCauses.TimedOut, new Polly.Timeout.TimeoutRejectedException() },
        { RefreshFailureCauses.TimedOut, new TaskCanceledException("timeout", new TimeoutException()) },
        { RefreshFailureCauses.Unavailable, Api(HttpStatusCode.InternalServerError, "InternalError") },
        { RefreshFailureCauses.Unavailable, Api(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable") },
        { RefreshFailureCauses.Unavailable, new HttpRequestException("connection refused") },
        { RefreshFailureCauses.Unavailable, new InvalidOperationException("anything else") },
        // The reason no snapshot exists is what counts.
        { RefreshFailureCauses.Throttled, new SnapshotUnavailableException("w-1", TimeSpan.FromSeconds(1), Api(HttpStatusCode.BadRequest, "Throttling.User")) },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Each_upstream_error_is_named_by_its_cause(string expected, Exception error) =>
        Assert.Equal(expected, RefreshFailureCause.Of(error));

    private static EmrApiException Api(HttpStatusCode status, string code) => new(status, code, "message", "req-1");
}
