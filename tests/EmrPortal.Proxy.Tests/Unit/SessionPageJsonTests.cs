using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Timeline;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace EmrPortal.Proxy.Tests.Unit;

/// <summary>
/// A session list page written from the rows' cached JSON is byte for byte what the proxy's serializer writes for the
/// same <see cref="SessionPageDto"/> (the contract the Web and API clients read), whatever the rows hold and whatever
/// each caller's marks are.
/// </summary>
public sealed class SessionPageJsonTests : IAsyncLifetime
{
    private static readonly string[] Texts =
    [
        "etl", "ads_attribution_adhoc", "", "a\"quoted\" name", "back\\slash", "<script>&'+", "tab\tnew\nline\r",
        "\u202Eevil\u202C", "日本語のセッション", "emoji 🚀 ok", "\u0001control", "trailing space ", "esr-4.0.0 (Spark 3.5.2, Scala 2.12)",
    ];

    private readonly ProxyHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    /// <summary>The serializer options the proxy's endpoints use (what <c>TypedResults.Ok</c> wrote pages with).</summary>
    private JsonSerializerOptions ProxyJsonOptions =>
        _host.Proxy.Services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;

    [Fact]
    public void Random_pages_are_written_exactly_as_the_serializer_writes_them()
    {
        var options = ProxyJsonOptions;
        var json = new SessionPageJson(options);
        var random = new Random(19);
        for (var n = 0; n < 400; n++)
        {
            var rows = Enumerable.Range(0, random.Next(0, 30)).Select(_ => Row(random)).ToList();
            var page = Page(random, rows, rows.Select(_ => Marks(random)).ToArray());

            Assert.Equal(Serialized(page.ToDto(), options), Written(json, page));
        }
    }

    /// <summary>
    /// Pages go out with their Content-Length (not chunked), written from a per-thread buffer that is reused: a page
    /// after a longer one carries none of its bytes, and a 200-row page (beyond the retained buffer size) is whole.
    /// </summary>
    [Fact]
    public async Task Pages_are_sent_with_their_length_and_nothing_of_an_earlier_page()
    {
        var options = ProxyJsonOptions;
        var json = new SessionPageJson(options);
        var random = new Random(23);
        foreach (var count in new[] { 200, 3, 0, 120, 25, 25 })
        {
            var rows = Enumerable.Range(0, count).Select(_ => Row(random)).ToList();
            var page = Page(random, rows, rows.Select(_ => Marks(random)).ToArray());
            var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            using var body = new MemoryStream();
            http.Response.Body = body;

            await json.WriteAsync(http.Response, page);

            var expected = Serialized(page.ToDto(), options);
            Assert.Equal(expected.Length, http.Response.ContentLength);
            Assert.Equal("application/json; charset=utf-8", http.Response.ContentType);
            Assert.Equal(expected, body.ToArray());
        }
    }

    [Fact]
    public void The_same_rows_carry_each_callers_own_marks()
    {
        var options = ProxyJsonOptions;
        var json = new SessionPageJson(options);
        var random = new Random(7);
        var rows = Enumerable.Range(0, 25).Select(_ => Row(random)).ToList();
        var pinnedByOne = Page(random, rows, rows.Select(_ => new RowMarks(null, false, false, true)).ToArray());
        var seenByAnother = Page(random, rows, rows.Select(_ => Marks(random)).ToArray());

        // The rows' JSON is cached after the first write: the second page must not repeat the first one's marks.
        Assert.Equal(Serialized(pinnedByOne.ToDto(), options), Written(json, pinnedByOne));
        Assert.Equal(Serialized(seenByAnother.ToDto(), options), Written(json, seenByAnother));
        Assert.Equal(Serialized(pinnedByOne.ToDto(), options), Written(json, pinnedByOne));
        Assert.Contains("\"pinned\":true", Encoding.UTF8.GetString(Written(json, pinnedByOne)), StringComparison.Ordinal);
    }

    [Fact]
    public void Cached_marks_follow_the_recorded_history_and_the_release_list()
    {
        var options = ProxyJsonOptions;
        var json = new SessionPageJson(options);
        var random = new Random(3);
        var row = Row(random) with { WorkspaceId = "w-1", SessionClusterId = "sc-1", State = "Failed", ReleaseVersion = "esr-4.0.0" };
        var since = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var firstHistory = History(row, since);
        var firstReleases = new HashSet<EsrVersion> { new(4, 0, 0) };

        var first = SessionListing.GlobalMarks(json, row, firstHistory, firstReleases, 4);
        Assert.Equal(((DateTimeOffset?)since, true, false), (first.StateSince, first.Observed, first.Outdated));
        AssertWrittenAsSerialized(json, options, row, first);
        // Same versions: the cached marks, not a new computation.
        Assert.Same(first, SessionListing.GlobalMarks(json, row, firstHistory, firstReleases, 4));

        // A new recording with the same instant at another offset: written differently, so recomputed and rewritten.
        var moved = since.ToOffset(TimeSpan.FromHours(2));
        var second = SessionListing.GlobalMarks(json, row, History(row, moved), firstReleases, 4);
        Assert.True(second.StateSince is { } s && s.EqualsExact(moved));
        AssertWrittenAsSerialized(json, options, row, second);

        // A new release list where the session's release is no longer offered.
        var third = SessionListing.GlobalMarks(json, row, firstHistory, new HashSet<EsrVersion> { new(5, 0, 0) }, 5);
        Assert.True(third.Outdated);
        Assert.Equal(since, third.StateSince);
        AssertWrittenAsSerialized(json, options, row, third);

        // No recorded history any more: the row's own value.
        var fourth = SessionListing.GlobalMarks(json, row, null, null, 0);
        Assert.Equal((row.StateSince, row.StateSince is not null, false), (fourth.StateSince, fourth.Observed, fourth.Outdated));
        AssertWrittenAsSerialized(json, options, row, fourth);
    }

    [Fact]
    public void Marks_other_than_the_cached_ones_are_written_as_they_are()
    {
        var options = ProxyJsonOptions;
        var json = new SessionPageJson(options);
        var random = new Random(11);
        var rows = Enumerable.Range(0, 25).Select(_ => Row(random)).ToList();
        var since = new DateTimeOffset(2026, 5, 2, 8, 30, 0, TimeSpan.Zero);
        foreach (var row in rows)
        {
            json.Remember(json.Row(row), row, history: null, releases: null, since, observed: true, outdated: true);
        }

        // Each differs from the cached marks in one value only (the date's offset alone, for the first).
        RowMarks[] variants =
        [
            new(since.ToOffset(TimeSpan.FromHours(-3)), true, true, false),
            new(null, true, true, false),
            new(since, false, true, true),
            new(since, true, false, false),
            new(since.AddTicks(1), true, true, false),
        ];
        foreach (var variant in variants)
        {
            var page = Page(random, rows, rows.Select(_ => variant).ToArray());
            Assert.Equal(Serialized(page.ToDto(), options), Written(json, page));
        }

        var same = Page(random, rows, rows.Select(_ => new RowMarks(since, true, true, true)).ToArray());
        Assert.Equal(Serialized(same.ToDto(), options), Written(json, same));
    }

    [Fact]
    public async Task A_served_page_is_the_serializers_json_of_the_same_page()
    {
        var (response, body) = await _host.GetAsync("admin", "/api/v1/workspaces/w-finance/sessions?pageSize=50&sort=name&dir=asc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var page = JsonSerializer.Deserialize<SessionPageDto>(body, ProxyJsonOptions)!;
        Assert.NotEmpty(page.Items);
        Assert.Equal(JsonSerializer.Serialize(page, ProxyJsonOptions), body);
    }

    private static HistoryView History(SessionSummaryDto row, DateTimeOffset since) =>
        new(new WorkspaceHistory(
            row.WorkspaceId, null, new Dictionary<string, KnownState>(StringComparer.Ordinal) { [row.SessionClusterId] = new(row.State!, since) }, []));

    private static void AssertWrittenAsSerialized(SessionPageJson json, JsonSerializerOptions options, SessionSummaryDto row, RowMarksJson marks)
    {
        foreach (var pinned in new[] { false, true })
        {
            var page = new SessionListPage([row], [new RowMarks(marks.StateSince, marks.Observed, marks.Outdated, pinned)], 1, 1, 25, null, false, false, null);
            Assert.Equal(Serialized(page.ToDto(), options), Written(json, page));
        }
    }

    private static byte[] Written(SessionPageJson json, SessionListPage page)
    {
        var buffer = new ArrayBufferWriter<byte>();
        json.Write(buffer, page);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Serialized(SessionPageDto page, JsonSerializerOptions options) => JsonSerializer.SerializeToUtf8Bytes(page, options);

    private static SessionListPage Page(Random random, List<SessionSummaryDto> rows, RowMarks[] marks) =>
        new(rows, marks, random.Next(0, 100_000), random.Next(1, 50), random.Next(1, 201), Maybe(random, () => Time(random)),
            random.Next(2) == 0, random.Next(2) == 0,
            random.Next(3) == 0 ? new RefreshFailureDto(Text(random), Time(random), Time(random), RefreshFailureCauses.Throttled) : null);

    private static RowMarks Marks(Random random) =>
        new(Maybe(random, () => Time(random)), random.Next(2) == 0, random.Next(2) == 0, random.Next(2) == 0);

    /// <summary>A row as a snapshot holds it: sometimes a no-longer-listed one, sometimes with its own recorded marks.</summary>
    private static SessionSummaryDto Row(Random random) =>
        new(Text(random), "sc-" + random.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture), MaybeText(random), MaybeText(random),
            MaybeText(random), MaybeText(random), MaybeText(random), MaybeText(random), MaybeText(random), MaybeText(random),
            MaybeText(random), MaybeText(random), Maybe(random, () => Time(random)), Maybe(random, () => Time(random)),
            MaybeBool(random), MaybeBool(random), random.Next(3) == 0 ? null : random.Next(-1, 100_000))
        {
            StateSince = Maybe(random, () => Time(random)),
            StateSinceObserved = random.Next(2) == 0,
            NoLongerListed = random.Next(2) == 0,
            ReleaseOutdated = random.Next(2) == 0,
            Pinned = random.Next(2) == 0,
        };

    private static string Text(Random random) => Texts[random.Next(Texts.Length)];

    private static string? MaybeText(Random random) => random.Next(4) == 0 ? null : Text(random);

    private static bool? MaybeBool(Random random) => random.Next(3) switch { 0 => null, 1 => true, _ => false };

    private static DateTimeOffset? Maybe(Random random, Func<DateTimeOffset> value) => random.Next(3) == 0 ? null : value();

    /// <summary>Times with and without fractions (some with trailing zeros the serializer trims) and non-UTC offsets.</summary>
    private static DateTimeOffset Time(Random random)
    {
        var ticks = random.Next(4) switch
        {
            0 => 0,
            1 => random.Next(0, 1000) * TimeSpan.TicksPerMillisecond,
            2 => random.Next(0, 10) * 1_000_000L,
            _ => random.NextInt64(0, TimeSpan.TicksPerSecond),
        };
        var offset = TimeSpan.FromMinutes(random.Next(3) == 0 ? random.Next(-12 * 60, 14 * 60) : 0);
        return new DateTimeOffset(2026, random.Next(1, 13), random.Next(1, 29), random.Next(24), random.Next(60), random.Next(60), offset).AddTicks(ticks);
    }
}
