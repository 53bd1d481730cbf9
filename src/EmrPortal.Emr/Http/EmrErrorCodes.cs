namespace EmrPortal.Emr;

/// <summary>Gateway error codes the client reacts to, and how it classifies them (by code, not HTTP status alone).</summary>
public static class EmrErrorCodes
{
    /// <summary>Flow control (HTTP 400); retried with backoff honouring <c>x-acs-retry-after</c>.</summary>
    public const string Throttling = "Throttling";

    /// <summary>Per-user flow control.</summary>
    public const string ThrottlingUser = "Throttling.User";

    /// <summary>Per-API flow control.</summary>
    public const string ThrottlingApi = "Throttling.Api";

    /// <summary>The nonce was seen before; retried with a fresh nonce (every attempt is re-signed).</summary>
    public const string SignatureNonceUsed = "SignatureNonceUsed";

    /// <summary>The signature does not verify; never retried.</summary>
    public const string SignatureDoesNotMatch = "SignatureDoesNotMatch";

    /// <summary>A parameter or header is invalid; never retried.</summary>
    public const string InvalidParameter = "InvalidParameter";

    /// <summary>The body of a successful (2xx) response could not be read.</summary>
    public const string InvalidResponse = "InvalidResponse";

    /// <summary>The response is about another workspace than the one requested.</summary>
    public const string WorkspaceMismatch = "WorkspaceMismatch";

    /// <summary>True for <c>Throttling</c>, <c>Throttling.User</c>, <c>Throttling.Api</c> (and any other <c>Throttling.*</c>).</summary>
    public static bool IsThrottling(string? code) =>
        code is not null
        && (code.Equals(Throttling, StringComparison.OrdinalIgnoreCase)
            || code.StartsWith(Throttling + ".", StringComparison.OrdinalIgnoreCase));

    /// <summary>RAM refused the action on a resource (HTTP 403): Alibaba's public error-code table.</summary>
    public const string NoPermission = "NoPermission";

    /// <summary>
    /// True when the credentials themselves were refused (every call will fail until they change):
    /// <c>InvalidAccessKeyId.*</c>, <c>SignatureDoesNotMatch</c>, <c>IncompleteSignature</c>, <c>InvalidSecurityToken.*</c>
    /// (an expired STS token among them), <c>MissingSecurityToken</c>, <c>InvalidTimeStamp.*</c> (clock skew).
    /// </summary>
    public static bool IsCredentialError(string? code) =>
        code is not null
        && (code.Equals(SignatureDoesNotMatch, StringComparison.OrdinalIgnoreCase)
            || code.Equals("IncompleteSignature", StringComparison.OrdinalIgnoreCase)
            || code.Equals("MissingSecurityToken", StringComparison.OrdinalIgnoreCase)
            || code.StartsWith("InvalidAccessKeyId", StringComparison.OrdinalIgnoreCase)
            || code.StartsWith("InvalidSecurityToken", StringComparison.OrdinalIgnoreCase)
            || code.StartsWith("InvalidTimeStamp", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// True when the (valid) identity lacks permission: <c>NoPermission*</c>, <c>Forbidden*</c> (e.g. <c>Forbidden.RAM</c>).
    /// Scoped to the resource asked for: other workspaces may answer normally.
    /// </summary>
    public static bool IsPermissionCode(string? code) =>
        code is not null
        && !IsCredentialError(code)
        && (code.StartsWith(NoPermission, StringComparison.OrdinalIgnoreCase)
            || code.StartsWith("Forbidden", StringComparison.OrdinalIgnoreCase));

    /// <summary>Credential or permission failures: retrying cannot help.</summary>
    public static bool IsAuthError(string? code) => IsCredentialError(code) || IsPermissionCode(code);
}
