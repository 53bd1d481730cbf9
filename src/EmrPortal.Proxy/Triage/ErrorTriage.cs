using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Proxy.Triage;

/// <summary>Error sessions grouped by their stateChangeReason code, from the workspaces' snapshots.</summary>
internal sealed class ErrorTriage(VisibleWorkspaces workspaces, SnapshotStore store)
{
    /// <summary>Sessions listed per error group.</summary>
    public const int MaxSessionsPerErrorGroup = 50;

    /// <summary>The error code of Error sessions that carry none.</summary>
    public const string UnknownErrorCode = ReasonFilter.NoCode;

    /// <summary>The groups of <paramref name="workspaceId"/> (already gated), or of every workspace the caller may see.</summary>
    public async Task<IReadOnlyList<ErrorGroupDto>> GroupAsync(Caller caller, string? workspaceId, CancellationToken cancellationToken)
    {
        IEnumerable<string> ids = workspaceId is null ? await workspaces.IdsAsync(caller, cancellationToken) : [workspaceId];
        if (workspaceId is not null)
        {
            return GroupErrors([(await store.GetAsync(workspaceId, cancellationToken)).Snapshot]);
        }

        // Across workspaces, one the cloud refuses to the portal's identity is left out.
        var snapshots = await Task.WhenAll(ids.Select(ws => store.GetUnlessDeniedAsync(ws, cancellationToken)));
        return GroupErrors(snapshots.OfType<SnapshotResult>().Select(r => r.Snapshot));
    }

    /// <summary>Error sessions grouped by reason code: biggest group first; in a group the most recently started first.</summary>
    internal static IReadOnlyList<ErrorGroupDto> GroupErrors(IEnumerable<Snapshot> snapshots) =>
        snapshots
            .SelectMany(s => s.Sessions)
            .Where(s => string.Equals(s.State, SessionStates.Error, StringComparison.Ordinal))
            .GroupBy(s => string.IsNullOrEmpty(s.StateChangeReasonCode) ? UnknownErrorCode : s.StateChangeReasonCode, StringComparer.Ordinal)
            .Select(g =>
            {
                var ordered = g
                    .OrderByDescending(s => s.StartTime ?? s.GmtCreate ?? DateTimeOffset.MinValue)
                    .ThenBy(s => s.WorkspaceId, StringComparer.Ordinal)
                    .ThenBy(s => s.SessionClusterId, StringComparer.Ordinal)
                    .ToList();
                return new ErrorGroupDto(
                    g.Key,
                    ordered.Select(s => s.StateChangeReasonMessage).FirstOrDefault(m => !string.IsNullOrEmpty(m)),
                    ordered.Count,
                    ordered.Take(MaxSessionsPerErrorGroup).Select(s => new SessionRefDto(s.WorkspaceId, s.SessionClusterId, s.Name, s.UserName)).ToList());
            })
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Code, StringComparer.Ordinal)
            .ToList();
}
