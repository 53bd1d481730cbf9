using EmrPortal.Contracts;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Tests.Infrastructure;
using EmrPortal.Proxy.Timeline;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.Proxy.Tests.Insights;

/// <summary>
/// The portal database's repositories, written once and run against both providers: <see cref="SqliteRepositoryTests"/>
/// (a temp file) and <see cref="PostgresRepositoryTests"/> (a real PostgreSQL server on loopback). Every test gets a
/// fresh database migrated with the checked-in migrations of its provider.
/// </summary>
public abstract class PortalRepositoryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    protected IPortalDbFactory Db { get; private set; } = null!;

    /// <summary>A fresh, empty database (not migrated yet).</summary>
    protected abstract Task<IPortalDbFactory> CreateDatabaseAsync();

    /// <summary>A second, independent factory on the same database (another proxy instance).</summary>
    protected abstract IPortalDbFactory SecondInstance();

    public async ValueTask InitializeAsync()
    {
        Db = await CreateDatabaseAsync();
        await using var db = Db.CreateDbContext();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static ObservedSession Session(string id, string state, string user = "alice.chen", string? reason = null, DateTimeOffset? started = null) =>
        SessionHistoryMapping.ToObserved(Summary(id, state, user, reason, started));

    internal static SessionSummaryDto Summary(string id, string state, string user = "alice.chen", string? reason = null, DateTimeOffset? started = null) =>
        new("w1", id, "name-" + id, state, reason, reason is null ? null : "message " + reason, "SQL", "dev_queue", "u-" + user, user,
            "esr-4.0.0", "esr-4.0.0 (Spark 3.5.2)", T0.AddDays(-3), started, true, true, 45);

    [Fact]
    public async Task First_recording_observes_every_session_from_nothing()
    {
        var store = new SessionHistoryStore(Db);
        var result = await store.RecordAsync("w1", T0, [Session("a", "Running", started: T0.AddHours(-5)), Session("b", "Stopped")], Ct);

        Assert.False(result.Skipped);
        Assert.Equal(2, result.Transitions);
        var a = await store.GetTimelineAsync("w1", "a", Ct);
        var only = Assert.Single(a!.Transitions);
        Assert.Null(only.FromState);
        Assert.Equal("Running", only.ToState);
        Assert.Equal(T0, only.ObservedAt);
        // A first observation of a running session: it has been running since its startTime, not since we looked.
        Assert.Equal(new KnownState("Running", T0.AddHours(-5)), result.History.Known["a"]);
        Assert.Equal(new KnownState("Stopped", T0), result.History.Known["b"]);
        Assert.Null(await store.GetTimelineAsync("w1", "never-seen", Ct));
    }

    [Fact]
    public async Task Changes_between_snapshots_become_transitions_oldest_first()
    {
        var store = new SessionHistoryStore(Db);
        await store.RecordAsync("w1", T0, [Session("a", "Stopped"), Session("b", "Running")], Ct);
        await store.RecordAsync("w1", T0.AddSeconds(15), [Session("a", "Starting", reason: "200"), Session("b", "Running")], Ct);
        var last = await store.RecordAsync("w1", T0.AddSeconds(30), [Session("a", "Running"), Session("b", "Error", reason: "1000003")], Ct);

        Assert.Equal(2, last.Transitions);
        var a = (await store.GetTimelineAsync("w1", "a", Ct))!;
        Assert.Equal([(null, "Stopped"), ("Stopped", "Starting"), ("Starting", "Running")], a.Transitions.Select(t => (t.FromState, t.ToState)));
        Assert.Equal([T0, T0.AddSeconds(15), T0.AddSeconds(30)], a.Transitions.Select(t => t.ObservedAt));
        Assert.Equal("200", a.Transitions[1].ReasonCode);
        Assert.Equal(T0.AddSeconds(30), a.LastSeen);
        Assert.False(a.NoLongerListed);

        var b = (await store.GetTimelineAsync("w1", "b", Ct))!;
        Assert.Equal(("Running", "Error", "1000003"), (b.Transitions[^1].FromState, b.Transitions[^1].ToState, b.Transitions[^1].ReasonCode));
        Assert.Equal(new KnownState("Error", T0.AddSeconds(30)), last.History.Known["b"]);
    }

    [Fact]
    public async Task Two_recorders_of_the_same_snapshots_record_each_transition_once()
    {
        var one = new SessionHistoryStore(Db);
        var two = new SessionHistoryStore(SecondInstance());
        var sessions = Enumerable.Range(0, 300).Select(i => Session($"s{i:000}", i % 3 == 0 ? "Running" : "Stopped")).ToArray();
        var changed = Enumerable.Range(0, 300)
            .Select(i => i % 10 == 0 ? Session($"s{i:000}", "Error", reason: "1000005") : sessions[i]).ToArray();

        // Both instances scanned the same moments (e.g. adopted the same shared snapshot) and record at once.
        var first = await Task.WhenAll(one.RecordAsync("w1", T0, sessions, Ct), two.RecordAsync("w1", T0, sessions, Ct));
        var second = await Task.WhenAll(two.RecordAsync("w1", T0.AddSeconds(20), changed, Ct), one.RecordAsync("w1", T0.AddSeconds(20), changed, Ct));

        Assert.Equal(300, first.Sum(r => r.Transitions));
        Assert.Single(first, r => r.Skipped);
        Assert.Equal(30, second.Sum(r => r.Transitions));
        await using var db = Db.CreateDbContext();
        Assert.Equal(330, await db.StateTransitions.CountAsync(Ct));
        Assert.Equal(300, await db.KnownSessions.CountAsync(Ct));
    }

    [Fact]
    public async Task A_snapshot_older_than_the_recorded_one_is_skipped_and_never_rewinds_state()
    {
        var newer = new SessionHistoryStore(Db);
        var older = new SessionHistoryStore(SecondInstance());
        await newer.RecordAsync("w1", T0, [Session("a", "Stopped")], Ct);
        await newer.RecordAsync("w1", T0.AddSeconds(30), [Session("a", "Running")], Ct);

        // Another instance scanned in between and is slower to record.
        var late = await older.RecordAsync("w1", T0.AddSeconds(10), [Session("a", "Stopped")], Ct);

        Assert.True(late.Skipped);
        Assert.Equal(new KnownState("Running", T0.AddSeconds(30)), late.History.Known["a"]);
        Assert.Equal(2, (await newer.GetTimelineAsync("w1", "a", Ct))!.Transitions.Count);
    }

    [Fact]
    public async Task The_same_transition_inserted_twice_is_one_row()
    {
        var t = new StateTransition { WorkspaceId = "w1", SessionClusterId = "a", FromState = "Stopped", ToState = "Running", ObservedAt = T0 };
        await using var db = Db.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        var first = await SessionHistoryStore.InsertTransitionsAsync(db, [t], Ct);
        var again = await SessionHistoryStore.InsertTransitionsAsync(db, [t, t], Ct);
        await transaction.CommitAsync(Ct);

        Assert.Equal((1, 0), (first, again));
        Assert.Equal(1, await db.StateTransitions.CountAsync(Ct));
    }

    [Fact]
    public async Task Sessions_missing_from_a_scan_are_kept_as_no_longer_listed_until_listed_again()
    {
        var store = new SessionHistoryStore(Db);
        await store.RecordAsync("w1", T0, [Session("a", "Running"), Session("b", "Stopped", user: "bob.li")], Ct);
        var gone = await store.RecordAsync("w1", T0.AddMinutes(1), [Session("a", "Running")], Ct);

        Assert.Equal(1, gone.NoLongerListed);
        var b = SessionHistoryMapping.ToSummary("w1", Assert.Single(gone.History.Gone))!;
        Assert.Equal(("b", "bob.li", "Stopped", true), (b.SessionClusterId, b.UserName, b.State, b.NoLongerListed));
        var timeline = (await store.GetTimelineAsync("w1", "b", Ct))!;
        Assert.True(timeline.NoLongerListed);
        Assert.Equal(T0, timeline.LastSeen);

        var back = await store.RecordAsync("w1", T0.AddMinutes(2), [Session("a", "Running"), Session("b", "Running", user: "bob.li")], Ct);
        Assert.Empty(back.History.Gone);
        Assert.False((await store.GetTimelineAsync("w1", "b", Ct))!.NoLongerListed);
        Assert.Equal(1, back.Transitions);
    }

    [Fact]
    public async Task Retention_purges_sessions_gone_longer_than_the_retention_with_their_timeline()
    {
        var store = new SessionHistoryStore(Db);
        await store.RecordAsync("w1", T0, [Session("a", "Running"), Session("b", "Stopped"), Session("c", "Stopped")], Ct);
        await store.RecordAsync("w1", T0.AddDays(1), [Session("a", "Running"), Session("c", "Stopped")], Ct);  // b gone at day 1
        await store.RecordAsync("w1", T0.AddDays(20), [Session("a", "Running")], Ct);                           // c gone at day 20

        // Day 31: b has been gone 30 days and a bit, c only 11.
        var (sessions, transitions) = await store.PurgeAsync(T0.AddDays(31).AddHours(1), TimeSpan.FromDays(30), TimeSpan.FromDays(90), Ct);

        Assert.Equal((1, 1), (sessions, transitions));
        Assert.Null(await store.GetTimelineAsync("w1", "b", Ct));
        Assert.NotNull(await store.GetTimelineAsync("w1", "c", Ct));
        Assert.Equal(["c"], (await store.GetHistoryAsync("w1", Ct)).Gone.Select(g => g.SessionClusterId));
    }

    [Fact]
    public async Task Old_transitions_are_purged_except_each_sessions_latest()
    {
        var store = new SessionHistoryStore(Db);
        await store.RecordAsync("w1", T0, [Session("a", "Stopped"), Session("b", "Running")], Ct);
        await store.RecordAsync("w1", T0.AddDays(1), [Session("a", "Running"), Session("b", "Running")], Ct);
        await store.RecordAsync("w1", T0.AddDays(100), [Session("a", "Stopped"), Session("b", "Running")], Ct);

        var (_, transitions) = await store.PurgeAsync(T0.AddDays(100), TimeSpan.FromDays(30), TimeSpan.FromDays(90), Ct);

        Assert.Equal(2, transitions); // a: Stopped(day 0) and Running(day 1); b keeps its only one
        Assert.Equal([T0.AddDays(100)], (await store.GetTimelineAsync("w1", "a", Ct))!.Transitions.Select(t => t.ObservedAt));
        Assert.Equal([T0], (await store.GetTimelineAsync("w1", "b", Ct))!.Transitions.Select(t => t.ObservedAt));
    }

    [Fact]
    public async Task Running_series_replays_transitions_and_stops_counting_sessions_no_longer_listed()
    {
        var store = new SessionHistoryStore(Db);
        await store.RecordAsync("w1", T0, [Session("a", "Running"), Session("b", "Stopped"), Session("c", "Running")], Ct);
        await store.RecordAsync("w1", T0.AddHours(2), [Session("a", "Running"), Session("b", "Running"), Session("c", "Stopped")], Ct);
        await store.RecordAsync("w1", T0.AddHours(4), [Session("b", "Running"), Session("c", "Stopped")], Ct); // a gone

        var series = await store.GetRunningSeriesAsync("w1", [T0.AddHours(-1), T0, T0.AddHours(1), T0.AddHours(3), T0.AddHours(5)], Ct);

        Assert.Equal([0, 2, 2, 2, 1], series.Select(p => p.Running));
        Assert.Equal(T0.AddHours(5), series[^1].At);
    }

    [Fact]
    public async Task Audit_pages_newest_first_with_exact_filters()
    {
        var log = new AuditLog(Db);
        var records = Enumerable.Range(0, 7).Select(i => new AuditRecord(
            T0.AddMinutes(i), i % 2 == 0 ? "user-viewer" : "user-admin", i % 2 == 0 ? "Vic Viewer" : "Ada Admin",
            i < 5 ? "session.view" : "sessions.export", i % 3 == 0 ? "w-finance" : "w-analytics", i < 5 ? $"sc-{i}" : null, "allowed")).ToList();
        await log.AppendAsync(records, Ct);

        var first = await log.PageAsync(new AuditFilter(1, 3, null, null, null), Ct);
        var third = await log.PageAsync(new AuditFilter(3, 3, null, null, null), Ct);
        var viewer = await log.PageAsync(new AuditFilter(1, 10, "Vic Viewer", "session.view", null), Ct);
        var finance = await log.PageAsync(new AuditFilter(1, 10, "user-admin", null, "w-finance"), Ct);

        Assert.Equal(7, first.TotalCount);
        Assert.Equal([T0.AddMinutes(6), T0.AddMinutes(5), T0.AddMinutes(4)], first.Items.Select(e => e.At));
        Assert.Equal([T0], third.Items.Select(e => e.At));
        Assert.Equal(["sc-4", "sc-2", "sc-0"], viewer.Items.Select(e => e.SessionClusterId));
        Assert.Equal([T0.AddMinutes(3)], finance.Items.Select(e => e.At));
    }

    [Fact]
    public async Task Saved_view_names_are_unique_per_workspace_and_only_the_creator_or_an_admin_deletes()
    {
        var views = new SavedViewStore(Db);
        var (created, view) = await views.AddAsync("w1", "Errors today", "state=Error", "user-viewer", "Vic Viewer", T0, Ct);
        var (duplicate, _) = await views.AddAsync("w1", "Errors today", "state=Running", "user-other", null, T0, Ct);
        var (elsewhere, _) = await views.AddAsync("w2", "Errors today", "state=Error", "user-viewer", null, T0, Ct);

        Assert.Equal((SaveViewOutcome.Created, SaveViewOutcome.DuplicateName, SaveViewOutcome.Created), (created, duplicate, elsewhere));
        Assert.Equal(["state=Error"], (await views.ListAsync("w1", 1, 50, Ct)).Items.Select(v => v.Query));
        Assert.Equal(2, await views.CountByCreatorAsync("user-viewer", Ct));
        Assert.Equal(DeleteViewOutcome.NotFound, await views.DeleteAsync("w2", view!.Id, "user-viewer", false, Ct));
        Assert.Equal(DeleteViewOutcome.Forbidden, await views.DeleteAsync("w1", view.Id, "user-other", false, Ct));
        Assert.Equal(DeleteViewOutcome.Deleted, await views.DeleteAsync("w1", view.Id, "user-admin", true, Ct));
        Assert.Empty((await views.ListAsync("w1", 1, 50, Ct)).Items);
    }

    [Fact]
    public async Task Saved_views_page_by_name_ignoring_case_with_the_total()
    {
        var views = new SavedViewStore(Db);
        foreach (var name in new[] { "delta", "Alpha", "charlie", "Bravo", "echo" })
        {
            await views.AddAsync("w1", name, "state=Error", "user-viewer", null, T0, Ct);
        }

        var (first, total) = await views.ListAsync("w1", 1, 2, Ct);
        var (last, _) = await views.ListAsync("w1", 3, 2, Ct);

        Assert.Equal(5, total);
        Assert.Equal(["Alpha", "Bravo"], first.Select(v => v.Name));
        Assert.Equal(["echo"], last.Select(v => v.Name));
        Assert.Empty((await views.ListAsync("w1", 4, 2, Ct)).Items);
    }

    [Fact]
    public async Task Pinning_twice_keeps_one_pin_and_pins_are_per_user()
    {
        var pins = new PinStore(Db);
        var first = await pins.PinAsync("user-viewer", "w1", "a", T0, Ct);
        var again = await pins.PinAsync("user-viewer", "w1", "a", T0.AddHours(1), Ct);
        await pins.PinAsync("user-admin", "w1", "b", T0, Ct);

        Assert.Equal(first, again);
        Assert.Equal(["a"], (await pins.ListAsync("user-viewer", Ct)).Select(p => p.SessionClusterId));
        Assert.True(await pins.UnpinAsync("user-viewer", "w1", "a", Ct));
        Assert.False(await pins.UnpinAsync("user-viewer", "w1", "a", Ct));
        Assert.Empty(await pins.ListAsync("user-viewer", Ct));
    }

    [Fact]
    public async Task A_preference_is_per_user_and_key_the_last_write_wins_and_another_instance_reads_it()
    {
        var preferences = new UserPreferenceStore(Db);
        Assert.Null(await preferences.GetAsync("user-viewer", "columns", Ct));

        await preferences.SetAsync("user-viewer", "columns", """{"hidden":["queue"]}""", T0, Ct);
        await preferences.SetAsync("user-admin", "columns", """{"hidden":["owner"]}""", T0, Ct);
        var second = await preferences.SetAsync("user-viewer", "columns", """{"hidden":["queue","kind"]}""", T0.AddMinutes(1), Ct);

        var elsewhere = new UserPreferenceStore(SecondInstance());
        Assert.Equal(second, await elsewhere.GetAsync("user-viewer", "columns", Ct));
        Assert.Equal(T0.AddMinutes(1), second.UpdatedAt);
        Assert.Equal("""{"hidden":["owner"]}""", (await elsewhere.GetAsync("user-admin", "columns", Ct))!.Value);
        Assert.Null(await elsewhere.GetAsync("user-viewer", "other", Ct));

        Assert.True(await elsewhere.DeleteAsync("user-viewer", "columns", Ct));
        Assert.Null(await preferences.GetAsync("user-viewer", "columns", Ct));
        Assert.NotNull(await preferences.GetAsync("user-admin", "columns", Ct));
    }

    [Fact]
    public async Task Concurrent_first_writes_of_one_preference_leave_one_row_holding_one_of_them()
    {
        var values = Enumerable.Range(0, 6).Select(i => $$"""{"hidden":["c{{i}}"]}""").ToList();
        await Task.WhenAll(values.Select((value, i) =>
            new UserPreferenceStore(i % 2 == 0 ? Db : SecondInstance()).SetAsync("user-viewer", "columns", value, T0, Ct)));

        await using var db = Db.CreateDbContext();
        var row = Assert.Single(await db.UserPreferences.AsNoTracking().Where(p => p.UserId == "user-viewer").ToListAsync(Ct));
        Assert.Contains(row.Value, values);
    }

    [Fact]
    public async Task A_preference_longer_than_the_column_is_refused_before_it_reaches_the_database()
    {
        var preferences = new UserPreferenceStore(Db);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            preferences.SetAsync("user-viewer", "columns", new string('x', PortalDbContext.PreferenceValueLength + 1), T0, Ct));
        Assert.Null(await preferences.GetAsync("user-viewer", "columns", Ct));
    }
}

public sealed class SqliteRepositoryTests : PortalRepositoryTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"emrportal-repo-{Guid.NewGuid():N}.db");

    protected override Task<IPortalDbFactory> CreateDatabaseAsync() => Task.FromResult(SecondInstance());

    protected override IPortalDbFactory SecondInstance() =>
        new TestDbFactory(() => new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite($"Data Source={_file}").Options),
            PortalDatabaseProvider.Sqlite);

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }

        return ValueTask.CompletedTask;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRepositoryTests(PostgresServer server) : PortalRepositoryTests
{
    private string _connectionString = "";

    protected override async Task<IPortalDbFactory> CreateDatabaseAsync()
    {
        _connectionString = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        return SecondInstance();
    }

    protected override IPortalDbFactory SecondInstance() =>
        new TestDbFactory(() => new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(_connectionString).Options),
            PortalDatabaseProvider.Postgres);
}

internal sealed class TestDbFactory(Func<PortalDbContext> create, PortalDatabaseProvider provider) : IPortalDbFactory
{
    public PortalDatabaseProvider Provider => provider;

    public PortalDbContext CreateDbContext() => create();
}
