using EmrPortal.Contracts;

namespace EmrPortal.Web.Components.Common;

/// <summary>The cause of a failed refresh (<see cref="RefreshFailureCauses"/>) in words; a cause this portal does not know reads as "failing".</summary>
public static class RefreshFailureText
{
    public static string Cause(string? cause) => cause switch
    {
        RefreshFailureCauses.Throttled => "it is throttling the portal's requests (flow control)",
        RefreshFailureCauses.TimedOut => "its answers timed out",
        RefreshFailureCauses.Permission => "it refuses the portal's identity permission to read this workspace",
        RefreshFailureCauses.Credentials => "it refuses the portal's credentials",
        _ => "it is failing or unreachable",
    };
}
