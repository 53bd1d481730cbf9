using EmrPortal.Contracts;
using EmrPortal.Proxy.Upstream;

namespace EmrPortal.Proxy.Access;

/// <summary>The workspaces upstream lists that the caller may see, in the catalog's order.</summary>
internal sealed class VisibleWorkspaces(AccessPolicy policy, WorkspaceCatalog catalog)
{
    public async Task<IReadOnlyList<WorkspaceDto>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        (await catalog.GetAsync(cancellationToken)).Where(w => policy.CanSee(caller, w.WorkspaceId)).ToList();

    public async Task<IReadOnlyList<string>> IdsAsync(Caller caller, CancellationToken cancellationToken) =>
        (await ListAsync(caller, cancellationToken)).Select(w => w.WorkspaceId).ToList();
}
