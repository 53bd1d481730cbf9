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
        // The series start where the portal's record starts: before its first observation it knows nothing, and a
        // flat zero line then a jump would claim nothing ran.
        var first = await history.FirstObservedAtAsync(workspaceId, cancellationToken);
        var day = FromFirstObservation(Points(now, TimeSpan.FromHours(1), 24), first);
        var week = FromFirstObservation(Points(now, TimeSpan.FromHours(6), 28), first);
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

    /// <summary>
    /// The points from the first observation on: that instant itself, then the regular points after it. Nothing
    /// recorded yet: no points (the chart says so).
    /// </summary>
    internal static List<DateTimeOffset> FromFirstObservation(List<DateTimeOffset> points, DateTimeOffset? first)
    {
        if (first is not { } f)
        {
            return [];
        }

        if (f <= points[0])
        {
            return points;
        }

        var start = f.AddTicks(-(f.UtcTicks % TimeSpan.TicksPerMillisecond));
        return start >= points[^1] ? [points[^1]] : [start, .. points.Where(p => p > start)];
    }

    /// <summary><paramref name="count"/> instants <paramref name="step"/> apart, oldest first, the last one <paramref name="end"/>.</summary>
    private static List<DateTimeOffset> Points(DateTimeOffset end, TimeSpan step, int count) =>
        Enumerable.Range(0, count).Select(i => end - (step * (count - 1 - i))).ToList();
}
