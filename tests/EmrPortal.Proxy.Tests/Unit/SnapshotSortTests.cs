using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Unit;

public sealed class SnapshotSortTests
{
    private static readonly Lazy<(Snapshot Snapshot, List<SessionSummaryDto> All)> Large = new(() =>
    {
        var all = SyntheticSessions.Clusters("w-large", 10_000).Select(c => SessionMapper.ToSummary(c, "w-large")).ToList();
        return (Snapshot.Build("w-large", all, DateTimeOffset.UnixEpoch, 100, TimeSpan.Zero), all);
    });

    public static TheoryData<string, string> EveryKeyAndDirection()
    {
        var data = new TheoryData<string, string>();
        foreach (var key in SortKeys.All)
        {
            data.Add(key, SortDirections.Asc);
            data.Add(key, SortDirections.Desc);
        }

        return data;
    }

    /// <summary>An independent LINQ definition of the contract's order: missing last, case-insensitive then ordinal, id tie-break.</summary>
    internal static List<SessionSummaryDto> ReferenceSort(IEnumerable<SessionSummaryDto> sessions, string key, bool desc)
    {
        Func<SessionSummaryDto, string?>? text = key switch
        {
            SortKeys.Name => s => s.Name,
            SortKeys.State => s => s.State,
            SortKeys.Kind => s => s.Kind,
            SortKeys.QueueName => s => s.QueueName,
            SortKeys.UserName => s => s.UserName,
            SortKeys.ReleaseVersion => s => s.ReleaseVersion,
            _ => null,
        };
        Func<SessionSummaryDto, DateTimeOffset?> time = key == SortKeys.GmtCreate ? s => s.GmtCreate : s => s.StartTime;
        Func<SessionSummaryDto, string?> present = s => string.IsNullOrEmpty(text!(s)) ? null : text!(s);
        var missingLast = sessions.OrderBy(s => text is null ? (time(s) is null ? 1 : 0) : (present(s) is null ? 1 : 0));
        if (key == SortKeys.ReleaseVersion)
        {
            // Releases order as versions (esr-2.1 = esr-2.1.0 < esr-2.10), anything that is no version after them.
            Func<SessionSummaryDto, (int, int, int, int)> version = s => EmrPortal.Proxy.Sessions.EsrVersion.TryParse(present(s), out var v) ? (0, v.Major, v.Minor, v.Patch) : (1, 0, 0, 0);
            missingLast = desc ? missingLast.ThenByDescending(version) : missingLast.ThenBy(version);
        }

        IOrderedEnumerable<SessionSummaryDto> ordered = text is null
            ? (desc ? missingLast.ThenByDescending(time) : missingLast.ThenBy(time))
            : desc
                ? missingLast.ThenByDescending(present, StringComparer.OrdinalIgnoreCase).ThenByDescending(present, StringComparer.Ordinal)
                : missingLast.ThenBy(present, StringComparer.OrdinalIgnoreCase).ThenBy(present, StringComparer.Ordinal);
        return ordered.ThenBy(s => s.SessionClusterId, StringComparer.Ordinal).ThenBy(s => s.WorkspaceId, StringComparer.Ordinal).ToList();
    }

    [Theory]
    [MemberData(nameof(EveryKeyAndDirection))]
    public void Precomputed_order_matches_reference_sort_over_10000_sessions(string key, string dir)
    {
        var (snapshot, all) = Large.Value;
        var expected = ReferenceSort(all, key, dir == SortDirections.Desc).Select(s => s.SessionClusterId).ToList();
        Assert.True(SessionSort.TryParse(key, out var sortKey));

        var actual = snapshot.Order(sortKey, dir == SortDirections.Desc).ToArray().Select(i => snapshot[i].SessionClusterId).ToList();
        Assert.Equal(expected, actual);

        // Pages at the start, in the middle, at the end and past the end.
        foreach (var page in new[] { 1, 2, 250, 499, 500, 501 })
        {
            var view = new SessionView(page, 20, sortKey, dir == SortDirections.Desc, SessionFilter.None);
            var (items, total) = snapshot.Page(view);
            Assert.Equal(10_000, total);
            Assert.Equal(expected.Skip((page - 1) * 20).Take(20).ToList(), items.Select(s => s.SessionClusterId).ToList());
        }
    }

    [Theory]
    [InlineData(SortKeys.Name, null, null, null, null, "etl")]
    [InlineData(SortKeys.StartTime, SessionStates.Running, null, null, null, null)]
    [InlineData(SortKeys.UserName, null, SessionKinds.Sql, "dev", null, null)]
    [InlineData(SortKeys.QueueName, SessionStates.Error, SessionKinds.Notebook, null, "BOB", null)]
    [InlineData(SortKeys.GmtCreate, null, null, "QUEUE", "a", "sc-")]
    [InlineData(SortKeys.ReleaseVersion, SessionStates.Stopped, null, null, null, "ÉMILE")]
    [InlineData(SortKeys.Kind, null, null, null, null, "no-such-text")]
    public void Filtered_pages_match_reference_filter_then_sort(string key, string? state, string? kind, string? queue, string? owner, string? q)
    {
        var (snapshot, all) = Large.Value;
        Assert.True(SessionSort.TryParse(key, out var sortKey));
        var filter = new SessionFilter(state, kind, queue, owner, q);
        foreach (var desc in new[] { false, true })
        {
            var expected = ReferenceSort(all.Where(s => ReferenceMatch(s, filter)), key, desc).Select(s => s.SessionClusterId).ToList();
            foreach (var page in new[] { 1, 3, Math.Max(1, (expected.Count + 24) / 25) })
            {
                var (items, total) = snapshot.Page(new SessionView(page, 25, sortKey, desc, filter));
                Assert.Equal(expected.Count, total);
                Assert.Equal(expected.Skip((page - 1) * 25).Take(25).ToList(), items.Select(s => s.SessionClusterId).ToList());
            }
        }
    }

    [Fact]
    public void Filtered_first_pages_walked_early_equal_the_reference_for_random_views_in_any_order()
    {
        var all = SyntheticSessions.Clusters("w-mid", 2_000, 9).Select(c => SessionMapper.ToSummary(c, "w-mid")).ToList();
        var snapshot = Snapshot.Build("w-mid", all, DateTimeOffset.UnixEpoch, 20, TimeSpan.Zero);
        SessionFilter[] filters =
        [
            new(SessionStates.Running, null, null, null, null), new(null, SessionKinds.Sql, null, null, null), new(null, null, "dev", null, null),
            new(null, null, null, "ALICE", null), new(null, null, null, null, "etl"), new(SessionStates.Error, SessionKinds.Notebook, null, null, "a"),
            new(null, null, null, null, "no-such-text"),
        ];
        var random = new Random(11);
        for (var i = 0; i < 300; i++)
        {
            var filter = filters[random.Next(filters.Length)];
            var key = SortKeys.All[random.Next(SortKeys.All.Count)];
            var desc = random.Next(2) == 0;
            var page = random.Next(1, 5);
            var pageSize = random.Next(1, 61);
            Assert.True(SessionSort.TryParse(key, out var sortKey));
            var expected = ReferenceSort(all.Where(s => ReferenceMatch(s, filter)), key, desc).Select(s => s.SessionClusterId).ToList();

            var (items, total) = snapshot.Page(new SessionView(page, pageSize, sortKey, desc, filter));

            Assert.Equal(expected.Count, total);
            Assert.Equal(expected.Skip((page - 1) * pageSize).Take(pageSize).ToList(), items.Select(s => s.SessionClusterId).ToList());
        }
    }

    [Fact]
    public void Filtered_pages_on_both_sides_of_the_walk_limit_equal_the_reference()
    {
        var (snapshot, all) = Large.Value;
        SessionFilter[] filters = [new(SessionStates.Running, null, null, null, null), new(null, null, null, null, "a")];
        foreach (var filter in filters)
        {
            Assert.True(SessionSort.TryParse(SortKeys.Name, out var sortKey));
            var expected = ReferenceSort(all.Where(s => ReferenceMatch(s, filter)), SortKeys.Name, false).Select(s => s.SessionClusterId).ToList();
            Assert.True(expected.Count > Snapshot.MaxWalkedRows + 50, "the filter must match more rows than are walked");
            // Walked (last row at the limit), then cached and sliced (one row past it), then walked again with the order cached.
            foreach (var (page, pageSize) in new[] { (Snapshot.MaxWalkedRows / 50, 50), (Snapshot.MaxWalkedRows / 50 + 1, 50), (2, 25), (1, 50) })
            {
                var (items, total) = snapshot.Page(new SessionView(page, pageSize, sortKey, false, filter));
                Assert.Equal(expected.Count, total);
                Assert.Equal(expected.Skip((page - 1) * pageSize).Take(pageSize).ToList(), items.Select(s => s.SessionClusterId).ToList());
            }
        }
    }

    private static bool ReferenceMatch(SessionSummaryDto s, SessionFilter f)
    {
        static bool Has(string? field, string text) => field?.Contains(text, StringComparison.OrdinalIgnoreCase) == true;
        return (f.State is null || string.Equals(s.State, f.State, StringComparison.OrdinalIgnoreCase))
            && (f.Kind is null || string.Equals(s.Kind, f.Kind, StringComparison.OrdinalIgnoreCase))
            && (f.Queue is null || Has(s.QueueName, f.Queue))
            && (f.Owner is null || Has(s.UserName, f.Owner) || Has(s.UserId, f.Owner))
            && (f.Q is null || new[] { s.SessionClusterId, s.Name, s.UserName, s.UserId, s.QueueName }.Any(v => Has(v, f.Q)));
    }

    [Fact]
    public void Snapshot_counts_sessions_by_state_and_keeps_the_last_copy_of_a_duplicate_id()
    {
        var clusters = SyntheticSessions.Clusters("w", 50);
        var duplicate = SessionMapper.ToSummary(clusters[0], "w") with { State = "Error", Name = "moved" };
        var summaries = clusters.Select(c => SessionMapper.ToSummary(c, "w")).Append(duplicate).ToList();
        var snapshot = Snapshot.Build("w", summaries, DateTimeOffset.UnixEpoch, 1, TimeSpan.Zero);

        Assert.Equal(50, snapshot.Count);
        Assert.Equal(50, snapshot.CountsByState.Values.Sum());
        Assert.Contains(snapshot.Sessions, s => s.SessionClusterId == duplicate.SessionClusterId && s.Name == "moved");
    }

    [Theory]
    [MemberData(nameof(EveryKeyAndDirection))]
    public void Cross_workspace_merge_matches_reference_sort_of_the_union(string key, string dir)
    {
        var snapshots = new[] { ("w-a", 700, 1), ("w-b", 300, 2), ("w-c", 0, 3), ("w-d", 1_000, 4) }
            .Select(w => Snapshot.Build(w.Item1, SyntheticSessions.Clusters(w.Item1, w.Item2, w.Item3).Select(c => SessionMapper.ToSummary(c, w.Item1)), DateTimeOffset.UnixEpoch, 1, TimeSpan.Zero))
            .ToArray();
        var desc = dir == SortDirections.Desc;
        Assert.True(SessionSort.TryParse(key, out var sortKey));
        var expected = ReferenceSort(snapshots.SelectMany(s => s.Sessions), key, desc).Select(s => (s.WorkspaceId, s.SessionClusterId)).ToList();

        foreach (var page in new[] { 1, 20, 40, 41 })
        {
            var (items, total) = SessionListing.Merge(snapshots, new SessionView(page, 50, sortKey, desc, SessionFilter.None));
            Assert.Equal(2_000, total);
            Assert.Equal(expected.Skip((page - 1) * 50).Take(50).ToList(), items.Select(s => (s.WorkspaceId, s.SessionClusterId)).ToList());
        }
    }

    [Fact]
    public void Snapshot_survives_the_compact_L2_form_unchanged()
    {
        var (snapshot, _) = Large.Value;
        var serializer = new SnapshotPayloadSerializer();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        serializer.Serialize(SnapshotPayload.From(snapshot), buffer);

        var restored = serializer.Deserialize(new System.Buffers.ReadOnlySequence<byte>(buffer.WrittenMemory))!.ToSnapshot();

        Assert.Equal(snapshot.Sessions.OrderBy(s => s.SessionClusterId, StringComparer.Ordinal), restored.Sessions.OrderBy(s => s.SessionClusterId, StringComparer.Ordinal));
        Assert.Equal(snapshot.AsOf, restored.AsOf);
        // Compressed well below HybridCache's 1 MiB default (which is still raised, for larger workspaces).
        Assert.InRange(buffer.WrittenCount, 1, 1024 * 1024);
    }
}
