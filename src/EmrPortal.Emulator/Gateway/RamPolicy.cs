using System.Collections.Concurrent;
using System.Collections.Frozen;
using EmrPortal.Emulator.Options;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emulator.Gateway;

/// <summary>Admin view of the RAM-like policy: per AccessKeyId, the workspaces it may not use.</summary>
public sealed record RamPolicyDocument(IReadOnlyDictionary<string, IReadOnlyList<string>> DeniedWorkspaces);

/// <summary>One key's change through <c>PUT /admin/ram</c>: its denied workspaces are replaced by this list.</summary>
public sealed record RamGrantPatch(string? AccessKeyId, IReadOnlyList<string>? DeniedWorkspaces);

/// <summary>
/// The emulator's stand-in for RAM: a RAM user must be granted each workspace. Keys listed here are refused with
/// 403 <c>NoPermission</c> on the workspaces they were not granted; the other workspaces answer normally. Seeded from
/// <c>Emulator:AccessKeys:N:DeniedWorkspaces</c>, changed at run time through the admin API.
/// </summary>
internal sealed class RamPolicy
{
    private readonly ConcurrentDictionary<string, FrozenSet<string>> _denied = new(StringComparer.Ordinal);

    public RamPolicy(IOptions<EmulatorOptions> options)
    {
        foreach (var key in options.Value.AccessKeys.Where(k => k.DeniedWorkspaces.Count > 0))
        {
            _denied[key.AccessKeyId] = key.DeniedWorkspaces.ToFrozenSet(StringComparer.Ordinal);
        }
    }

    /// <summary>403 <c>NoPermission</c> when <paramref name="accessKeyId"/> was not granted <paramref name="workspaceId"/>.</summary>
    public AcsError? Check(string accessKeyId, string action, string? workspaceId) =>
        workspaceId is not null && _denied.TryGetValue(accessKeyId, out var denied) && denied.Contains(workspaceId)
            ? AcsErrors.NoPermission(action, workspaceId)
            : null;

    public void Replace(string accessKeyId, IEnumerable<string> deniedWorkspaces)
    {
        var set = deniedWorkspaces.ToFrozenSet(StringComparer.Ordinal);
        if (set.Count == 0)
        {
            _denied.TryRemove(accessKeyId, out _);
        }
        else
        {
            _denied[accessKeyId] = set;
        }
    }

    public RamPolicyDocument Snapshot() => new(
        new SortedDictionary<string, IReadOnlyList<string>>(
            _denied.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value.Order(StringComparer.Ordinal)]),
            StringComparer.Ordinal));
}
