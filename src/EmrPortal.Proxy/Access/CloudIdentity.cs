using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Sessions;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Access;

/// <summary>
/// Maps the signed-in identity to the cloud users it is (<see cref="CloudIdentityOptions"/>), re-read on configuration
/// change. The mapping decides "mine" lists and whether an owner may start/stop a session.
/// </summary>
internal sealed class CloudIdentity(IOptionsMonitor<CloudIdentityOptions> options, IOptionsMonitor<FeatureOptions> features)
{
    public IReadOnlyList<string> CloudUserNames(Caller caller) =>
        caller.UserId.Length > 0 && options.CurrentValue.CloudUsers.TryGetValue(caller.UserId, out var names)
            ? new OwnerSet(names).Names
            : [];

    public OwnerSet Owners(Caller caller) => new(CloudUserNames(caller));

    public bool Owns(Caller caller, SessionSummaryDto session) => Owners(caller).Matches(session);

    public bool StartStopEnabled => features.CurrentValue.StartStop;

    /// <summary>
    /// What the UI may offer: the feature is on and the caller is an admin, an operator, or mapped to a cloud user
    /// (the proxy still checks ownership per session).
    /// </summary>
    public bool MayStartStop(Caller caller) =>
        StartStopEnabled && (IsOperator(caller) || CloudUserNames(caller).Count > 0);

    /// <summary>Admins and Portal.Operator may start/stop any session of a workspace they can see.</summary>
    public static bool IsOperator(Caller caller) =>
        caller.IsAdmin || caller.Roles.Contains(PortalRoles.Operator, StringComparer.Ordinal);
}
