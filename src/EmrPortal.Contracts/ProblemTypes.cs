namespace EmrPortal.Contracts;

/// <summary>
/// Stable RFC 9457 <c>type</c> values of the proxy's ProblemDetails, for answers a client should tell apart from the
/// plain status (the Web UI shows a specific message for each).
/// </summary>
public static class ProblemTypes
{
    /// <summary>
    /// The cloud refused the portal's own cloud identity on this one workspace (RAM <c>NoPermission</c>/<c>Forbidden*</c>).
    /// Not the caller's access, and not a credential failure: other workspaces keep working. HTTP 403.
    /// </summary>
    public const string CloudPermissionDenied = "urn:emrportal:problem:cloud-permission-denied";

    /// <summary>The text every client shows for <see cref="CloudPermissionDenied"/>.</summary>
    public const string CloudPermissionDeniedDetail = "The portal's cloud identity has no permission on this workspace.";

    /// <summary>The caller already owns as many saved views as allowed (<c>Views:MaxPerUser</c>). HTTP 409.</summary>
    public const string SavedViewLimit = "urn:emrportal:problem:saved-view-limit";
}
