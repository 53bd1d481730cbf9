using System.Collections.Concurrent;

namespace EmrPortal.Emulator.Faults;

/// <summary>What <c>GET /admin/stats</c> returns. <c>calls</c> counts requests that reached an operation (what a
/// proxy's upstream scan costs); <c>rejected</c> counts gateway refusals and injected faults by error code.</summary>
public sealed record StatsSnapshot(
    SortedDictionary<string, long> Calls,
    SortedDictionary<string, SortedDictionary<string, long>> CallsByWorkspace,
    SortedDictionary<string, long> Rejected);

internal sealed class CallStats
{
    private ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, ConcurrentDictionary<string, long>> _byWorkspace = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);

    /// <param name="workspaceId">Only ids of seeded workspaces, so callers cannot grow this map with junk ids.</param>
    public void CountCall(string action, string? workspaceId)
    {
        _calls.AddOrUpdate(action, 1, (_, n) => n + 1);
        if (workspaceId is not null)
        {
            _byWorkspace.GetOrAdd(workspaceId, _ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal))
                .AddOrUpdate(action, 1, (_, n) => n + 1);
        }
    }

    public void CountRejection(string code) => _rejected.AddOrUpdate(code, 1, (_, n) => n + 1);

    public StatsSnapshot Snapshot() => new(
        new SortedDictionary<string, long>(_calls, StringComparer.Ordinal),
        new SortedDictionary<string, SortedDictionary<string, long>>(
            _byWorkspace.ToDictionary(p => p.Key, p => new SortedDictionary<string, long>(p.Value, StringComparer.Ordinal)),
            StringComparer.Ordinal),
        new SortedDictionary<string, long>(_rejected, StringComparer.Ordinal));

    public void Reset()
    {
        Interlocked.Exchange(ref _calls, new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
        Interlocked.Exchange(ref _byWorkspace, new ConcurrentDictionary<string, ConcurrentDictionary<string, long>>(StringComparer.Ordinal));
        Interlocked.Exchange(ref _rejected, new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
    }
}
