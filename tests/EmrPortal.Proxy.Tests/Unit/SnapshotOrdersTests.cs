using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Proxy.Tests.Unit;

/// <summary>
/// The snapshot's rank-based orders must equal the pairwise definition (<see cref="SessionSort.Compare"/>, which the
/// cross-workspace merge and the reference tests use) on values chosen to break a shortcut: case-only differences,
/// culture-sensitive letters, empty vs missing, equal versions written differently, one instant at two offsets.
/// </summary>
public sealed class SnapshotOrdersTests
{
    private static readonly string?[] Texts =
    [
        null, "", "alpha", "Alpha", "ALPHA", "alpha ", "alphA", "beta", "Æther", "aether", "ä", "b", "z", "ß", "ss", "SS", "İstanbul", "istanbul",
        "ı", "I", "i", "\u00e9", "e\u0301", "Zulu", "zulu", "_under", "-dash", "10", "9", "a\u200bb", "ab",
    ];

    private static readonly string?[] Releases =
    [
        null, "", "esr-2.1", "esr-2.1.0", "ESR-2.1", "esr-2.10", "esr-2.9.9", "esr-4.0.0 (Spark 3.5.2, Scala 2.12)", "esr-4.0.0", "esr-10.0.0",
        "esr-", "esr-x.y", "custom", "Custom", "esr-2", "esr-1.999999.1",
    ];

    private static readonly DateTimeOffset?[] Times =
    [
        null,
        new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 1, 1, 20, 0, 0, TimeSpan.FromHours(8)), // the same instant as the one above
        new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.FromHours(8)),
        new DateTimeOffset(2026, 1, 1, 12, 0, 0, 1, TimeSpan.Zero),
        DateTimeOffset.MinValue,
        DateTimeOffset.MaxValue,
        DateTimeOffset.UnixEpoch,
    ];

    public static TheoryData<int, int> Sizes() => new() { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 37, 4 }, { 500, 5 }, { 3_000, 6 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Every_order_equals_the_pairwise_comparer_on_adversarial_values(int count, int seed)
    {
        var random = new Random(seed);
        var sessions = Enumerable.Range(0, count).Select(i => Session(random, i)).ToArray();

        var orders = SnapshotOrders.Build(sessions);

        for (var k = 0; k < SessionSort.KeyCount; k++)
        {
            var key = (SessionSortKey)k;
            foreach (var descending in new[] { false, true })
            {
                var expected = sessions.Order(Comparer<SessionSummaryDto>.Create((a, b) => SessionSort.Compare(a, b, key, descending)))
                    .Select(s => s.SessionClusterId).ToList();
                var actual = orders.AsSpan(SnapshotOrders.Offset(key, descending, count), count).ToArray()
                    .Select(i => sessions[i].SessionClusterId).ToList();
                Assert.True(expected.SequenceEqual(actual), $"{key} {(descending ? "desc" : "asc")} differs from SessionSort.Compare");
            }
        }
    }

    [Fact]
    public void Text_values_rank_case_insensitively_then_ordinally_never_by_culture()
    {
        string[] names = ["b", "B", "a", "ä", "A", "Z", "ß", "ss"];
        var sessions = names.Select((name, i) => Session(i) with { Name = name }).ToArray();

        var orders = SnapshotOrders.Build(sessions);

        var ascending = orders.AsSpan(SnapshotOrders.Offset(SessionSortKey.Name, false, sessions.Length), sessions.Length).ToArray()
            .Select(i => sessions[i].Name).ToList();
        // Upper-case form first (ordinal), ties broken ordinally: "A" < "a"; "ä" (U+00C4 upper-cased) and "ß" (no simple upper case) after ASCII, as a user sees them today.
        Assert.Equal(["A", "a", "B", "b", "ss", "Z", "ä", "ß"], ascending);
        var descending = orders.AsSpan(SnapshotOrders.Offset(SessionSortKey.Name, true, sessions.Length), sessions.Length).ToArray()
            .Select(i => sessions[i].Name).ToList();
        Assert.Equal(["ß", "ä", "Z", "ss", "b", "B", "a", "A"], descending);
    }

    [Fact]
    public void Equal_values_keep_id_order_in_both_directions_and_missing_values_stay_last()
    {
        SessionSummaryDto[] sessions =
        [
            Session(3) with { State = "Running" },
            Session(1) with { State = null },
            Session(0) with { State = "Running" },
            Session(2) with { State = "Error" },
            Session(4) with { State = "" },
        ];

        var orders = SnapshotOrders.Build(sessions);

        string[] Ids(bool descending) => [.. orders.AsSpan(SnapshotOrders.Offset(SessionSortKey.State, descending, 5), 5).ToArray().Select(i => sessions[i].SessionClusterId)];
        Assert.Equal(["sc-0002", "sc-0000", "sc-0003", "sc-0001", "sc-0004"], Ids(false));
        Assert.Equal(["sc-0000", "sc-0003", "sc-0002", "sc-0001", "sc-0004"], Ids(true));
    }

    private static SessionSummaryDto Session(int i) => new(
        "w", $"sc-{i:D4}", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    private static SessionSummaryDto Session(Random random, int i)
    {
        string? Pick(string?[] values) => values[random.Next(values.Length)];
        return Session(i) with
        {
            // Ids in random order, so storage order, id order and value order all differ.
            SessionClusterId = $"sc-{random.Next(1_000_000):D7}-{i}",
            Name = random.Next(4) == 0 ? $"job-{random.Next(50)}" : Pick(Texts),
            State = Pick(Texts),
            Kind = Pick(Texts),
            QueueName = Pick(Texts),
            UserName = Pick(Texts),
            ReleaseVersion = Pick(Releases),
            GmtCreate = Times[random.Next(Times.Length)],
            StartTime = random.Next(3) == 0 ? Times[random.Next(Times.Length)] : DateTimeOffset.UnixEpoch.AddSeconds(random.Next(100)),
        };
    }
}
