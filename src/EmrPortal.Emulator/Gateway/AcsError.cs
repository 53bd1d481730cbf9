using EmrPortal.Emulator.Data;

namespace EmrPortal.Emulator.Gateway;

/// <summary>An error the gateway or an operation answers with; written as the cloud's JSON error body.</summary>
internal sealed record AcsError(int StatusCode, string Code, string Message)
{
    /// <summary>Milliseconds for <c>x-acs-retry-after</c> (throttling only).</summary>
    public int? RetryAfterMs { get; init; }

    /// <summary>RAM denials: the <c>AccessDeniedDetail</c> object of the body.</summary>
    public AccessDeniedDetailDto? AccessDeniedDetail { get; init; }
}

/// <summary>
/// The error codes and messages of the Alibaba Cloud API gateway and of this product, in one place. docs/emulator.md
/// lists which codes are documented by Alibaba and which are this emulator's guesses.
/// </summary>
internal static class AcsErrors
{
    public static AcsError ApiNotFound(string method, string path) =>
        new(404, "InvalidApi.NotFound", $"Specified api is not found, please check your url and method. ({method} {path})");

    public static AcsError MissingParameter(string name) =>
        new(400, "MissingParameter", $"The input parameter \"{name}\" that is mandatory for processing this request is not supplied.");

    public static AcsError InvalidParameter(string message) => new(400, "InvalidParameter", message);

    public static AcsError IncompleteSignature(string message) => new(400, "IncompleteSignature", message);

    public static AcsError SignatureDoesNotMatch(string message) => new(400, "SignatureDoesNotMatch", message);

    public static AcsError AccessKeyNotFound() =>
        new(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");

    public static AcsError AccessKeyInactive() =>
        new(403, "InvalidAccessKeyId.Inactive", "Specified access key is disabled.");

    public static AcsError TimeStampFormat(string header) =>
        new(400, "InvalidTimeStamp.Format", $"Specified time stamp or date value is not well formatted ({header}).");

    public static AcsError TimeStampExpired(string header, int minutes) =>
        new(400, "InvalidTimeStamp.Expired", $"Specified time stamp or date value is expired: {header} must be within {minutes} minutes of the server time.");

    public static AcsError NonceUsed() =>
        new(400, "SignatureNonceUsed", "Specified signature nonce was used already.");

    public static AcsError MissingSecurityToken() =>
        new(400, "MissingSecurityToken", "SecurityToken is mandatory for this access key.");

    public static AcsError SecurityTokenMismatch() =>
        new(400, "InvalidSecurityToken.MismatchWithAccessKey", "The security token does not belong to the access key.");

    public static AcsError SecurityTokenExpired() =>
        new(400, "InvalidSecurityToken.Expired", "Specified security token has expired.");

    public static AcsError Throttled(int retryAfterMs) =>
        new(400, "Throttling.User", "Request was denied due to user flow control.") { RetryAfterMs = retryAfterMs };

    public static AcsError InternalError() =>
        new(500, "InternalError", "The request processing has failed due to some unknown error, exception or failure.");

    public static AcsError ServiceUnavailable() =>
        new(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.");

    /// <summary>Documented (Alibaba's public error-code table): RAM does not allow this identity the action on this resource.</summary>
    public static AcsError NoPermission(string action, string workspaceId) =>
        new(403, "NoPermission", $"You are not authorized to do this action. You should be authorized by RAM. Resource: acs:emr-serverless-spark:*:*:workspace/{workspaceId} Action: emr-serverless-spark:{action}")
        {
            AccessDeniedDetail = new AccessDeniedDetailDto(
                "AccountLevelIdentityBasedPolicy",
                "1968132000120000",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"emulator:{action}:{workspaceId}")),
                "SubUser",
                "emrportal-proxy",
                "ImplicitDeny",
                "emr-serverless-spark:" + action),
        };

    // Not documented by Alibaba (guesses, listed in docs/emulator.md): the product's not-found and wrong-state codes.
    public static AcsError WorkspaceNotFound(string workspaceId) =>
        new(404, "WorkspaceNotFound", $"The workspace '{workspaceId}' does not exist.");

    public static AcsError SessionClusterNotFound(string workspaceId, string sessionClusterId) =>
        new(404, "SessionClusterNotFound", $"The session cluster '{sessionClusterId}' does not exist in workspace '{workspaceId}'.");

    /// <summary>Start of a session that is already Running/Starting, Stop of one already Stopped/Stopping: refused, not a no-op.</summary>
    public static AcsError IncorrectState(string sessionClusterId, string state, string action) =>
        new(400, "IncorrectSessionClusterState", $"The session cluster '{sessionClusterId}' is {state}; {action} is not allowed now.");
}
