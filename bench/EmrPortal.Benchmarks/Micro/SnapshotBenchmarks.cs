using BenchmarkDotNet.Attributes;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Benchmarks.Micro;

/// <summary>
/// The proxy's real snapshot at 10,000 sessions: building every sorted order once, then serving a page from a
/// prepared order (O(pageSize)); a filtered or searched page on its first pass (O(n); the views cycle through more
/// distinct filters than the snapshot keeps match sets for, so every call tests all sessions) and
/// when its filtered order is cached (paging through one view); and — the baseline a snapshot without prepared
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
    private SessionView[] _filteredCycle = null!;
    private SessionView[] _searchCycle = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _sessions = SyntheticSessions.Summaries(Sessions);
        _snapshot = Build();
        // Page 200 of 400 by name ascending: the slice sits in the middle of the order.
        _deepPage = new SessionView(200, 25, SessionSortKey.Name, false, SessionFilter.None);
        _filtered = new SessionView(3, 25, SessionSortKey.StartTime, true, new SessionFilter("Running", "SQL", null, null, null));
        _search = new SessionView(1, 25, SessionSortKey.UserName, false, new SessionFilter(null, null, null, null, "orders"));
        // 78 distinct filters each (> the 64 match sets and 32 filtered orders a snapshot keeps): a cyclic walk never
        // finds its filter known, so every call tests all n sessions.
        var letters = Enumerable.Range('a', 26).Select(c => ((char)c).ToString()).ToArray();
        _filteredCycle = [.. Cycle([.. new[] { "Running", "Stopped", "Error" }.SelectMany(s => letters.Select(l => s + "|" + l))],
            v => new SessionFilter(v.Split('|')[0], "SQL", null, v.Split('|')[1], null))];
        _searchCycle = [.. Cycle([.. new[] { "o", "a", "e" }.SelectMany(p => letters.Select(l => p + l))], q => new SessionFilter(null, null, null, null, q))];
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

    [Benchmark(Description = "Filtered page, first pass O(n) (state+kind+owner)")]
    public int FilteredFirstPass() => _snapshot.Page(_filteredCycle[_next++ % _filteredCycle.Length]).Total;

    [Benchmark(Description = "Search page, first pass O(n) (q, 2 letters)")]
    public int SearchFirstPass() => _snapshot.Page(_searchCycle[_next++ % _searchCycle.Length]).Total;

    [Benchmark(Description = "Filtered page, order cached (state+kind, page 3)")]
    public int FilteredCachedPage() => _snapshot.Page(_filtered).Total;

    [Benchmark(Description = "Search page, order cached (q=orders)")]
    public int SearchCachedPage() => _snapshot.Page(_search).Total;

    private static IEnumerable<SessionView> Cycle(string[] values, Func<string, SessionFilter> filter)
    {
        for (var i = 0; i < values.Length; i++)
        {
            yield return new SessionView(1, 25, (SessionSortKey)(i % SessionSort.KeyCount), i % 2 == 1, filter(values[i]));
        }
    }

    [Benchmark(Baseline = true, Description = "Naive: sort all 10k per request, then page")]
    public int NaiveSortPerRequest() =>
        _sessions
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(s => s.SessionClusterId, StringComparer.Ordinal)
            .Skip(199 * 25)
            .Take(25)
            .ToList() // materialized: Count() on an ordered Skip/Take would skip the sort
            .Count;
}
