using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Upstream;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Me;

/// <summary>The caller as the portal shows them: identity, roles, visible workspaces, cloud users and what they may do.</summary>
internal sealed class CallerProfile(AccessPolicy policy, WorkspaceCatalog catalog, IOptionsMonitor<AccessOptions> access, CloudIdentity identity)
{
    public async Task<MeDto> DescribeAsync(Caller caller, CancellationToken cancellationToken)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = (await catalog.GetAsync(cancellationToken)).Select(w => w.WorkspaceId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Upstream down and nothing cached: still tell the UI who the caller is and what the mapping grants.
            candidates = access.CurrentValue.Workspaces.Keys.Where(Ids.IsValid).Order(StringComparer.Ordinal);
        }

        return new MeDto(caller.UserId, caller.Name, caller.Roles, policy.Visible(caller, candidates), caller.IsAdmin)
        {
            CloudUserNames = identity.CloudUserNames(caller),
            CanStartStop = identity.MayStartStop(caller),
            GroupsOverage = caller.GroupsOverage,
        };
    }
}
