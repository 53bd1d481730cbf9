using EmrPortal.Proxy.Audit;

namespace EmrPortal.Proxy.Actions;

/// <summary>A state change the portal may ask the cloud for: its route segment, audit action and OpenAPI name.</summary>
internal sealed record SessionAction(string Name, string AuditAction, string EndpointName, string Summary)
{
    public static readonly SessionAction Start = new("start", AuditActions.Start, "StartSession",
        "Starts a stopped session (its owner, Portal.Operator or Portal.Admin; audited).");

    public static readonly SessionAction Stop = new("stop", AuditActions.Stop, "StopSession",
        "Stops a session (its owner, Portal.Operator or Portal.Admin; audited).");

    public static readonly IReadOnlyList<SessionAction> All = [Start, Stop];
}

/// <summary>How a start or stop ended.</summary>
internal enum SessionActionOutcome
{
    Done,
    NotFound,
    NotOwner,
    /// <summary>The cloud refused it for the session's state.</summary>
    Conflict,
    /// <summary>Sent, answer lost (5xx, timeout, dropped after sending): may have been applied; not sent again.</summary>
    Unconfirmed,
    /// <summary>The caller used up their lookups of ids no snapshot holds (429).</summary>
    Limited,
}
