using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Access;

/// <summary>
/// The per-workspace access decision, made in the proxy on every request: Portal.Admin sees every workspace; anyone
/// else sees a workspace only when <c>Access:Workspaces:{workspaceId}</c> lists one of their roles or group ids.
/// Re-read on configuration change, so a revoked mapping applies without a restart.
/// </summary>
internal sealed class AccessPolicy(IOptionsMonitor<AccessOptions> options)
{
    public bool CanSee(Caller caller, string workspaceId)
    {
        if (caller.IsAdmin)
        {
            return true;
        }

        if (!options.CurrentValue.Workspaces.TryGetValue(workspaceId, out var allowed) || allowed.Count == 0)
        {
            return false;
        }

        foreach (var principal in allowed)
        {
            if (string.IsNullOrWhiteSpace(principal))
            {
                continue;
            }

            if (caller.Roles.Contains(principal, StringComparer.Ordinal) || caller.Groups.Contains(principal, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The subset of <paramref name="workspaceIds"/> the caller may see, in the given order.</summary>
    public IReadOnlyList<string> Visible(Caller caller, IEnumerable<string> workspaceIds) =>
        workspaceIds.Where(ws => CanSee(caller, ws)).ToList();
}
