using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>
/// Every session of one workspace at one point in time, with every sort order precomputed once. Immutable and shared
/// by all readers: an unfiltered page is a slice of a precomputed order (O(pageSize)); a filtered page is one pass
/// over it (O(n)). Holds only allow-listed summaries (no connectionToken, no config values).
/// </summary>
internal sealed class Snapshot
{
    private readonly SessionSummaryDto[] _sessions;
    // Every order (each key ascending and descending) in one array: SnapshotOrders.Offset says where each starts.
    private readonly int[] _orders;
    // Upper-cased "id\nname\nuserName\nuserId\nqueue" per session: one vectorized ordinal search per session
    // instead of five case-insensitive ones (q has no control characters, so it cannot match across fields). All
    // sessions' texts in one array, session i at [_searchStarts[i], _searchStarts[i + 1]): one large allocation
    // instead of a string per session, which the GC copied from generation to generation on every build (half the
    // bytes a 100k snapshot allocated), and a first pass that reads memory in sequence (docs/decisions.md, "Scaling check").
    private readonly char[] _searchChars;
    private readonly int[] _searchStarts;
    // Recent filtered orders, so paging through one filtered view costs one pass, not one per page.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(SessionSortKey, bool, SessionFilter), int[]> _filtered = new();
    private const int MaxCachedFilters = 32;

    /// <summary>Filtered pages whose last row is at most this deep are found by walking the sort order (see <see cref="Page"/>).</summary>
    internal const int MaxWalkedRows = 1_000;
    // Which sessions each recent filter matches (a bit per session, in storage order) and how many: the O(n) test of
    // every session is paid once per filter, whatever the sort key, direction or page asked for.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SessionFilter, MatchSet> _matchSets = new();
    private const int MaxCachedMatchSets = 64;
    // Built on first use and then shared (a benign race builds it twice at worst).
    private Dictionary<string, int>? _byId;
    private Dictionary<string, int>? _countsByKind;

    private Snapshot(string workspaceId, SessionSummaryDto[] sessions, DateTimeOffset asOf, int upstreamPages, TimeSpan scanDuration)
    {
        WorkspaceId = workspaceId;
        _sessions = sessions;
        AsOf = asOf;
        UpstreamPages = upstreamPages;
        ScanDuration = scanDuration;
        _orders = SnapshotOrders.Build(sessions);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in sessions)
        {
            var state = string.IsNullOrEmpty(s.State) ? "Unknown" : s.State;
            counts[state] = counts.GetValueOrDefault(state) + 1;
        }

        CountsByState = counts;
        _searchStarts = new int[sessions.Length + 1];
        long total = 0;
        for (var i = 0; i < sessions.Length; i++)
        {
            _searchStarts[i] = (int)total;
            total += SearchTextLength(sessions[i]);
        }

        _searchStarts[sessions.Length] = checked((int)total);
        _searchChars = GC.AllocateUninitializedArray<char>((int)total);
        for (var i = 0; i < sessions.Length; i++)
        {
            WriteSearchText(sessions[i], _searchChars.AsSpan(_searchStarts[i], _searchStarts[i + 1] - _searchStarts[i]));
        }
    }

    private static int SearchTextLength(SessionSummaryDto x) =>
        x.SessionClusterId.Length + (x.Name?.Length ?? 0) + (x.UserName?.Length ?? 0) + (x.UserId?.Length ?? 0) + (x.QueueName?.Length ?? 0) + 4;

    /// <summary>"id\nname\nuserName\nuserId\nqueue", upper-cased (invariant), into <paramref name="span"/>.</summary>
    private static void WriteSearchText(SessionSummaryDto s, Span<char> span)
    {
        var written = 0;
        var first = true;
        foreach (var field in (ReadOnlySpan<string?>)[s.SessionClusterId, s.Name, s.UserName, s.UserId, s.QueueName])
        {
            if (!first)
            {
                span[written++] = '\n';
            }

            first = false;

            written += field.AsSpan().ToUpperInvariant(span[written..]);
        }
    }

    /// <summary>Session <paramref name="index"/>'s upper-cased search text.</summary>
    internal ReadOnlySpan<char> SearchText(int index) =>
        _searchChars.AsSpan(_searchStarts[index], _searchStarts[index + 1] - _searchStarts[index]);

    public string WorkspaceId { get; }
    public DateTimeOffset AsOf { get; }
    public int UpstreamPages { get; }
    public TimeSpan ScanDuration { get; }
    public int Count => _sessions.Length;
    public IReadOnlyList<SessionSummaryDto> Sessions => _sessions;
    public IReadOnlyDictionary<string, int> CountsByState { get; }

    /// <summary>Builds a snapshot; duplicate ids (a session seen on two pages while the list moved) keep the last copy.</summary>
    public static Snapshot Build(string workspaceId, IEnumerable<SessionSummaryDto> sessions, DateTimeOffset asOf, int upstreamPages, TimeSpan scanDuration)
    {
        var byId = new Dictionary<string, SessionSummaryDto>(StringComparer.Ordinal);
        foreach (var s in sessions)
        {
            byId[s.SessionClusterId] = s;
        }

        return new Snapshot(workspaceId, byId.Values.ToArray(), asOf, upstreamPages, scanDuration);
    }

    public SessionSummaryDto this[int index] => _sessions[index];

    /// <summary>The session with this id, or null (the id index is built on first use).</summary>
    public SessionSummaryDto? Find(string sessionClusterId)
    {
        var index = _byId ??= BuildIndex(_sessions);
        return index.TryGetValue(sessionClusterId, out var i) ? _sessions[i] : null;
    }

    private static Dictionary<string, int> BuildIndex(SessionSummaryDto[] sessions)
    {
        var index = new Dictionary<string, int>(sessions.Length, StringComparer.Ordinal);
        for (var i = 0; i < sessions.Length; i++)
        {
            index[sessions[i].SessionClusterId] = i;
        }

        return index;
    }

    /// <summary>Sessions by kind ("Unknown" when missing), for the overview charts.</summary>
    public IReadOnlyDictionary<string, int> CountsByKind => _countsByKind ??= CountBy(s => s.Kind);

    private Dictionary<string, int> CountBy(Func<SessionSummaryDto, string?> key)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in _sessions)
        {
            var k = key(s) is { Length: > 0 } v ? v : "Unknown";
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }

        return counts;
    }

    /// <summary>Indices of every session in the requested order.</summary>
    public ReadOnlySpan<int> Order(SessionSortKey key, bool descending) =>
        _orders.AsSpan(SnapshotOrders.Offset(key, descending, _sessions.Length), _sessions.Length);

    /// <summary>One page and the number of matching sessions.</summary>
    public (List<SessionSummaryDto> Items, int Total) Page(SessionView view)
    {
        var order = Order(view.Sort, view.Descending);
        var offset = (long)(view.Page - 1) * view.PageSize;
        var items = new List<SessionSummaryDto>(view.PageSize);
        if (view.Filter.IsEmpty)
        {
            for (var i = offset; i < order.Length && i < offset + view.PageSize; i++)
            {
                items.Add(_sessions[order[(int)i]]);
            }

            return (items, order.Length);
        }

        // Early pages (where nearly all paging happens) walk the precomputed order testing each session's bit and stop
        // once the page is full: O((offset + pageSize) / selectivity), nothing allocated or cached. Deeper pages build
        // the view's filtered order once (cached) and slice it, as does any page of a view whose order is cached already.
        // (Building and caching the order for pages 2-3 as well thrashed the bounded cache under a mix of views: an O(n)
        // pass, a 40 KB array and the dictionary's locks on most requests; docs/decisions.md.)
        if (offset + view.PageSize > MaxWalkedRows || _filtered.ContainsKey((view.Sort, view.Descending, view.Filter)))
        {
            var cached = Matching(view.Sort, view.Descending, view.Filter).Span;
            for (var i = offset; i < cached.Length && i < offset + view.PageSize; i++)
            {
                items.Add(_sessions[cached[(int)i]]);
            }

            return (items, cached.Length);
        }

        var set = MatchSetOf(view.Filter);
        long seen = 0;
        for (var i = 0; i < order.Length && items.Count < view.PageSize; i++)
        {
            var index = order[i];
            if (set.Contains(index) && seen++ >= offset)
            {
                items.Add(_sessions[index]);
            }
        }

        return (items, set.Count);
    }

    /// <summary>Indices of the matching sessions in the requested order (one pass).</summary>
    public ReadOnlyMemory<int> Matching(SessionSortKey key, bool descending, SessionFilter filter)
    {
        var all = _orders.AsMemory(SnapshotOrders.Offset(key, descending, _sessions.Length), _sessions.Length);
        if (filter.IsEmpty) return all;
        if (_filtered.TryGetValue((key, descending, filter), out var cached)) return cached;

        var set = MatchSetOf(filter);
        var array = new int[set.Count];
        var written = 0;
        foreach (var index in all.Span)
        {
            if (set.Contains(index)) array[written++] = index;
        }

        if (_filtered.Count >= MaxCachedFilters) _filtered.Clear();
        _filtered[(key, descending, filter)] = array;
        return array;
    }

    /// <summary>
    /// The sessions <paramref name="filter"/> matches. Tested in storage order (the order the scan allocated them, so
    /// mostly sequential in memory), never in a sort order, where each session would be a cache miss once n is large.
    /// </summary>
    private MatchSet MatchSetOf(SessionFilter filter)
    {
        if (_matchSets.TryGetValue(filter, out var known)) return known;

        var upperQ = filter.Q?.ToUpperInvariant();
        var fieldFilter = filter with { Q = null };
        var n = _sessions.Length;
        var bits = new ulong[(n + 63) / 64];
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            if ((fieldFilter.IsEmpty || Matches(_sessions[i], fieldFilter))
                && (upperQ is null || SearchText(i).Contains(upperQ, StringComparison.Ordinal)))
            {
                bits[i >> 6] |= 1UL << (i & 63);
                count++;
            }
        }

        var set = new MatchSet(bits, count);
        if (_matchSets.Count >= MaxCachedMatchSets) _matchSets.Clear();
        _matchSets[filter] = set;
        return set;
    }

    private sealed class MatchSet(ulong[] bits, int count)
    {
        public int Count => count;

        public bool Contains(int index) => (bits[index >> 6] & (1UL << (index & 63))) != 0;
    }

    /// <summary>The field filters; <see cref="SessionFilter.Q"/> is matched by <see cref="Matching"/> against the precomputed search text.</summary>
    private static bool Matches(SessionSummaryDto s, SessionFilter f)
    {
        if (f.State is not null && !string.Equals(s.State, f.State, StringComparison.OrdinalIgnoreCase)) return false;
        if (f.Kind is not null && !string.Equals(s.Kind, f.Kind, StringComparison.OrdinalIgnoreCase)) return false;
        if (f.Queue is not null && !Contains(s.QueueName, f.Queue)) return false;
        if (f.Owner is not null && !Contains(s.UserName, f.Owner) && !Contains(s.UserId, f.Owner)) return false;
        if (f.Reason is not null && !ReasonFilter.Matches(s.StateChangeReasonCode, f.Reason)) return false;
        return f.Owners is null || f.Owners.Matches(s);
    }

    private static bool Contains(string? field, string text) =>
        field is not null && field.Contains(text, StringComparison.OrdinalIgnoreCase);
}
