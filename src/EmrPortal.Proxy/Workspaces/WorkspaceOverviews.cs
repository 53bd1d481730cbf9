using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Timeline;

namespace EmrPortal.Proxy.Workspaces;

/// <summary>A workspace at a glance: sessions by state and kind now (snapshot), running sessions over time (recorded history).</summary>
internal sealed class WorkspaceOverviews(SnapshotStore store, SessionHistoryStore history, TimeProvider time)
{
    public async Task<WorkspaceOverviewDto> GetAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var (snapshot, _) = await store.GetAsync(workspaceId, cancellationToken);
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMillisecond));
        var day = Points(now, TimeSpan.FromHours(1), 24);
        var week = Points(now, TimeSpan.FromHours(6), 28);
        var all = day.Concat(week).Distinct().Order().ToList();
        var running = (await history.GetRunningSeriesAsync(workspaceId, all, cancellationToken)).ToDictionary(p => p.At, p => p.ToDto());
        return new WorkspaceOverviewDto(
            workspaceId,
            snapshot.CountsByState,
            snapshot.CountsByKind,
            day.Select(t => running[t]).ToList(),
            week.Select(t => running[t]).ToList(),
            snapshot.AsOf);
    }

    /// <summary><paramref name="count"/> instants <paramref name="step"/> apart, oldest first, the last one <paramref name="end"/>.</summary>
    private static List<DateTimeOffset> Points(DateTimeOffset end, TimeSpan step, int count) =>
        Enumerable.Range(0, count).Select(i => end - (step * (count - 1 - i))).ToList();
}
