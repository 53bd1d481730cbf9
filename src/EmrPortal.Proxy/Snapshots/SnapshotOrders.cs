using System.Buffers;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>
/// Every sort order of a snapshot (each key ascending and descending) in one array, in the exact order
/// <see cref="SessionSort.Compare"/> defines, built in O(n log n) without comparing sessions to each other:
/// <list type="number">
/// <item>each key's distinct values are ranked once with <see cref="SessionSort.CompareValues"/> (a handful of
/// states, kinds, queues, owners and releases; names and times are mostly distinct, still one sort of plain values);</item>
/// <item>each session becomes one 64-bit number, (rank of its value, rank of its id), and those numbers are sorted as
/// primitives: no delegate, no string comparison, no pointer chasing per comparison;</item>
/// <item>the descending order is derived from the ascending one in O(n) (groups of equal values swap places, each
/// keeps its id order, missing values stay last), never sorted again.</item>
/// </list>
/// All 16 orders live in one array (one large-object allocation per snapshot instead of 16); the scratch arrays come
/// from the shared pool. docs/decisions.md ("Snapshot orders").
/// </summary>
internal static class SnapshotOrders
{
    private const int Missing = int.MaxValue;

    /// <summary>Where the order of <paramref name="key"/> in that direction starts in the array <see cref="Build"/> returns.</summary>
    public static int Offset(SessionSortKey key, bool descending, int count) => ((int)key * 2 + (descending ? 1 : 0)) * count;

    /// <summary>All orders; session ids must be unique (a snapshot's are).</summary>
    public static int[] Build(SessionSummaryDto[] sessions)
    {
        var n = sessions.Length;
        var orders = GC.AllocateUninitializedArray<int>(checked(2 * SessionSort.KeyCount * n));
        if (n == 0)
        {
            return orders;
        }

        var byIdRank = ArrayPool<int>.Shared.Rent(n);
        var ranks = ArrayPool<int>.Shared.Rent(n);
        var packed = ArrayPool<long>.Shared.Rent(n);
        var ids = ArrayPool<string>.Shared.Rent(n);
        try
        {
            // Session indices in id order (ordinal): the tie-break of every order.
            for (var i = 0; i < n; i++)
            {
                ids[i] = sessions[i].SessionClusterId;
                byIdRank[i] = i;
            }

            Array.Sort(ids, byIdRank, 0, n, StringComparer.Ordinal);

            for (var k = 0; k < SessionSort.KeyCount; k++)
            {
                var key = (SessionSortKey)k;
                if (SessionSort.IsTime(key))
                {
                    RankTimes(sessions, key, ranks, packed);
                }
                else
                {
                    RankTexts(sessions, key, ranks);
                }

                for (var r = 0; r < n; r++)
                {
                    packed[r] = ((long)ranks[byIdRank[r]] << 32) | (uint)r;
                }

                Array.Sort(packed, 0, n);
                var ascending = orders.AsSpan(Offset(key, false, n), n);
                for (var j = 0; j < n; j++)
                {
                    ascending[j] = byIdRank[(int)(packed[j] & 0xFFFF_FFFF)];
                }

                ReverseGroups(packed.AsSpan(0, n), ascending, orders.AsSpan(Offset(key, true, n), n));
            }
        }
        finally
        {
            Array.Clear(ids, 0, n);
            ArrayPool<string>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(packed);
            ArrayPool<int>.Shared.Return(ranks);
            ArrayPool<int>.Shared.Return(byIdRank);
        }

        return orders;
    }

    /// <summary>
    /// The descending order from the ascending one: groups of equal value (equal high half of <paramref name="packed"/>)
    /// in reverse, each group in its ascending id order, the missing group last.
    /// </summary>
    internal static void ReverseGroups(ReadOnlySpan<long> packed, ReadOnlySpan<int> ascending, Span<int> descending)
    {
        var present = packed.Length;
        while (present > 0 && (int)(packed[present - 1] >> 32) == Missing)
        {
            present--;
        }

        var write = 0;
        var end = present;
        while (end > 0)
        {
            var value = packed[end - 1] >> 32;
            var start = end - 1;
            while (start > 0 && packed[start - 1] >> 32 == value)
            {
                start--;
            }

            ascending[start..end].CopyTo(descending[write..]);
            write += end - start;
            end = start;
        }

        ascending[present..].CopyTo(descending[write..]);
    }

    /// <summary>Dense rank of each session's text value in <see cref="SessionSort.CompareValues"/> order; missing values rank last.</summary>
    private static void RankTexts(SessionSummaryDto[] sessions, SessionSortKey key, int[] ranks)
    {
        var n = sessions.Length;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = new List<string>();
        for (var i = 0; i < n; i++)
        {
            var text = SessionSort.Text(sessions[i], key);
            if (string.IsNullOrEmpty(text))
            {
                ranks[i] = Missing;
                continue;
            }

            if (!seen.TryGetValue(text, out var first))
            {
                first = values.Count;
                seen.Add(text, first);
                values.Add(text);
            }

            ranks[i] = first;
        }

        // Sort the distinct values (distinct strings never compare equal: the ordinal comparison breaks every tie).
        var sorted = values.ToArray();
        var firstSeen = new int[sorted.Length];
        for (var v = 0; v < firstSeen.Length; v++)
        {
            firstSeen[v] = v;
        }

        Array.Sort(sorted, firstSeen, Comparer<string>.Create((x, y) => SessionSort.CompareValues(x, y, key)));
        var rankOf = new int[sorted.Length];
        for (var p = 0; p < firstSeen.Length; p++)
        {
            rankOf[firstSeen[p]] = p;
        }

        for (var i = 0; i < n; i++)
        {
            if (ranks[i] != Missing)
            {
                ranks[i] = rankOf[ranks[i]];
            }
        }
    }

    /// <summary>Dense rank of each session's instant (UTC ticks: the order of <see cref="DateTimeOffset.CompareTo(DateTimeOffset)"/>); missing last.</summary>
    private static void RankTimes(SessionSummaryDto[] sessions, SessionSortKey key, int[] ranks, long[] scratch)
    {
        var n = sessions.Length;
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            if (SessionSort.Time(sessions[i], key) is { } t)
            {
                scratch[count++] = t.UtcTicks;
            }
        }

        Array.Sort(scratch, 0, count);
        var distinct = 0;
        for (var j = 0; j < count; j++)
        {
            if (distinct == 0 || scratch[j] != scratch[distinct - 1])
            {
                scratch[distinct++] = scratch[j];
            }
        }

        for (var i = 0; i < n; i++)
        {
            ranks[i] = SessionSort.Time(sessions[i], key) is { } t ? Array.BinarySearch(scratch, 0, distinct, t.UtcTicks) : Missing;
        }
    }
}
