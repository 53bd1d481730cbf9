using BenchmarkDotNet.Attributes;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Benchmarks.Micro;

/// <summary>
/// The proxy's real snapshot at 10,000 sessions: building every sorted order once, then serving a page from a
/// prepared order (O(pageSize)), a filtered page (one O(n) pass), and — the baseline a snapshot without prepared
/// orders would pay on every request — a LINQ sort of all sessions per page.
/// </summary>
public class SnapshotBenchmarks
{
    private const int Sessions = 10_000;

    private SessionSummaryDto[] _sessions = null!;
    private Snapshot _snapshot = null!;
    private SessionView _deepPage = null!;
    private SessionView _filtered = null!;
    private SessionView _search = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sessions = SyntheticSessions.Summaries(Sessions);
        _snapshot = Build();
        // Page 200 of 400 by name ascending: the slice sits in the middle of the order.
        _deepPage = new SessionView(200, 25, SessionSortKey.Name, false, SessionFilter.None);
        _filtered = new SessionView(3, 25, SessionSortKey.StartTime, true, new SessionFilter("Running", "SQL", null, null, null));
        _search = new SessionView(1, 25, SessionSortKey.UserName, false, new SessionFilter(null, null, null, null, "orders"));
        if (_snapshot.Page(_deepPage).Items.Count != 25 || _snapshot.Page(_filtered).Total == 0 || _snapshot.Page(_search).Total == 0)
        {
            throw new InvalidOperationException("The benchmark views do not select what they claim to.");
        }
    }

    [Benchmark(Description = "Snapshot.Build, 10k sessions, 8 keys x 2 directions")]
    public object BuildSnapshot() => Build();

    private Snapshot Build() =>
        Snapshot.Build(SyntheticSessions.WorkspaceId, _sessions, DateTimeOffset.UnixEpoch, 100, TimeSpan.Zero);

    [Benchmark(Description = "Page from prepared order (page 200, sort=name)")]
    public int PreparedPage() => _snapshot.Page(_deepPage).Items.Count;

    [Benchmark(Description = "Filtered page, one O(n) pass (state+kind)")]
    public int FilteredPage() => _snapshot.Page(_filtered).Total;

    [Benchmark(Description = "Search page, one O(n) pass (q=orders)")]
    public int SearchPage() => _snapshot.Page(_search).Total;

    [Benchmark(Baseline = true, Description = "Naive: sort all 10k per request, then page")]
    public int NaiveSortPerRequest() =>
        _sessions
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(s => s.SessionClusterId, StringComparer.Ordinal)
            .Skip(199 * 25)
            .Take(25)
            .Count();
}
