using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EmrPortal.Contracts;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// Writes a session list page as the contract's <see cref="SessionPageDto"/> JSON, byte for byte what the serializer
/// writes, without serializing the rows again on every request: a row's own fields (everything before its marks) are
/// serialized once and kept beside the row, and so are its caller-independent marks (state-since, release drift) for
/// the history and release list they were computed from (<see cref="RowJson.Marks"/>); each request appends only the
/// caller's pin. Rows are immutable records held by the snapshots, so a row's cached JSON is valid for as long as the
/// row lives (a weak table: it goes with the snapshot). Serializing the page was the largest item in a warm page
/// request's profile (see docs/decisions.md#warm-page-requests-where-the-time-went). Everything is written with the
/// endpoints' own serializer options (their encoder included), so the bytes are the ones <c>TypedResults.Ok</c> would
/// write.
/// </summary>
internal sealed class SessionPageJson
{
    // The first mark in the contract's property order. A string value cannot contain these bytes: the serializer
    // escapes every quote inside strings, so the first occurrence is the property itself.
    private static readonly byte[] FirstMark = ",\"stateSince\":"u8.ToArray();

    private readonly ConditionalWeakTable<SessionSummaryDto, RowJson> _rows = new();
    private readonly ConditionalWeakTable<SessionSummaryDto, RowJson>.CreateValueCallback _buildRow;
    private readonly JsonTypeInfo<SessionSummaryDto> _row;
    private readonly JsonTypeInfo<RefreshFailureDto> _failure;
    private readonly JsonWriterOptions _writerOptions;

    public SessionPageJson(IOptions<JsonOptions> options)
        : this(options.Value.SerializerOptions)
    {
    }

    public SessionPageJson(JsonSerializerOptions options)
    {
        if (options.WriteIndented)
        {
            throw new ArgumentException("Session pages are written without indentation.", nameof(options));
        }

        _row = (JsonTypeInfo<SessionSummaryDto>)options.GetTypeInfo(typeof(SessionSummaryDto));
        _failure = (JsonTypeInfo<RefreshFailureDto>)options.GetTypeInfo(typeof(RefreshFailureDto));
        _writerOptions = new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true };
        _buildRow = Build;
    }

    /// <summary>The row's cached JSON (built on first use).</summary>
    public RowJson Row(SessionSummaryDto row) => _rows.GetValue(row, _buildRow);

    /// <summary>
    /// Keeps <paramref name="row"/>'s caller-independent marks, computed from <paramref name="history"/> and
    /// <paramref name="releases"/> (the versions they depend on, compared by reference), with their JSON.
    /// </summary>
    public RowMarksJson Remember(
        RowJson entry, SessionSummaryDto row, object? history, object? releases, DateTimeOffset? stateSince, bool observed, bool outdated)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var values = new Utf8JsonWriter(buffer, _writerOptions))
        {
            WriteMarks(buffer, values, row, stateSince, observed, outdated);
        }

        var marks = new RowMarksJson(history, releases, stateSince, observed, outdated, buffer.WrittenSpan.ToArray());
        entry.Marks = marks;
        return marks;
    }

    /// <summary>Writes <paramref name="page"/> to <paramref name="output"/> (UTF-8, no indentation).</summary>
    public void Write(IBufferWriter<byte> output, SessionListPage page)
    {
        // Only for values the serializer formats (dates, the refresh failure); each is written at the top level
        // after a Reset, so the writer adds no separators of its own.
        using var values = new Utf8JsonWriter(output, _writerOptions);
        output.Write("{\"items\":["u8);
        for (var i = 0; i < page.Rows.Count; i++)
        {
            if (i > 0) output.Write(","u8);
            var row = page.Rows[i];
            var marks = page.Marks[i];
            var entry = Row(row);
            output.Write(entry.Prefix);
            if (entry.Marks is { } cached && cached.Matches(marks))
            {
                output.Write(cached.Json);
            }
            else
            {
                WriteMarks(output, values, row, marks.StateSince, marks.StateSinceObserved, marks.ReleaseOutdated);
            }

            output.Write(marks.Pinned ? ",\"pinned\":true}"u8 : ",\"pinned\":false}"u8);
        }

        output.Write("],\"totalCount\":"u8);
        WriteInt(output, page.TotalCount);
        output.Write(",\"page\":"u8);
        WriteInt(output, page.Page);
        output.Write(",\"pageSize\":"u8);
        WriteInt(output, page.PageSize);
        output.Write(",\"asOf\":"u8);
        WriteDate(output, values, page.AsOf);
        output.Write(page.Stale ? ",\"stale\":true"u8 : ",\"stale\":false"u8);
        output.Write(page.Revalidating ? ",\"revalidating\":true"u8 : ",\"revalidating\":false"u8);
        output.Write(",\"refreshFailure\":"u8);
        if (page.RefreshFailure is { } failure)
        {
            values.Reset(output);
            JsonSerializer.Serialize(values, failure, _failure);
            values.Flush();
        }
        else
        {
            output.Write("null"u8);
        }

        output.Write("}"u8);
    }

    /// <summary>
    /// Writes the page as the response body (<c>application/json; charset=utf-8</c>) with its <c>Content-Length</c>:
    /// the page is first written into a per-thread buffer, so its length is known before the first byte goes out.
    /// Without a length Kestrel sent every page chunked (a chunk header per 4 KB block and a terminating chunk at the end
    /// of the request, i.e. a second write to the socket); see docs/decisions.md#warm-page-requests-where-the-time-went.
    /// </summary>
    public Task WriteAsync(HttpResponse response, SessionListPage page)
    {
        // Written and copied with no await in between, so the thread's buffer cannot be used by two requests at once.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(InitialBufferBytes);
        buffer.ResetWrittenCount();
        Write(buffer, page);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = buffer.WrittenCount;
        response.BodyWriter.Write(buffer.WrittenSpan);
        if (buffer.Capacity > MaxRetainedBufferBytes)
        {
            t_buffer = null; // A 200-row page: not kept for the thread's next request.
        }

        var flush = response.BodyWriter.FlushAsync(response.HttpContext.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    private const int InitialBufferBytes = 32 * 1024;
    private const int MaxRetainedBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private static void WriteInt(IBufferWriter<byte> output, int value)
    {
        var span = output.GetSpan(11);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    private static void WriteDate(IBufferWriter<byte> output, Utf8JsonWriter values, DateTimeOffset? date)
    {
        if (date is { } d)
        {
            // A JSON writer formats it, so the format is the serializer's (trailing fraction zeros trimmed).
            values.Reset(output);
            values.WriteStringValue(d);
            values.Flush();
        }
        else
        {
            output.Write("null"u8);
        }
    }

    /// <summary>The row's marks up to (not including) the caller's pin: <c>,"stateSince":…,"releaseOutdated":…</c>.</summary>
    private static void WriteMarks(IBufferWriter<byte> output, Utf8JsonWriter values, SessionSummaryDto source, DateTimeOffset? stateSince, bool observed, bool outdated)
    {
        output.Write(FirstMark);
        WriteDate(output, values, stateSince);
        output.Write(observed ? ",\"stateSinceObserved\":true"u8 : ",\"stateSinceObserved\":false"u8);
        output.Write(source.NoLongerListed ? ",\"noLongerListed\":true"u8 : ",\"noLongerListed\":false"u8);
        output.Write(outdated ? ",\"releaseOutdated\":true"u8 : ",\"releaseOutdated\":false"u8);
    }

    /// <summary>The row serialized with the endpoints' options, up to (not including) its first mark.</summary>
    private RowJson Build(SessionSummaryDto row)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(row, _row);
        var cut = json.AsSpan().IndexOf(FirstMark);
        if (cut < 0)
        {
            throw new InvalidOperationException("The session row's JSON has no stateSince property: the contract changed, update SessionPageJson.");
        }

        // The rest must be exactly what Write writes for the row's own values: a property added to the contract
        // after the marks fails here, on first use, rather than going missing from every page.
        var tail = new ArrayBufferWriter<byte>(256);
        using (var values = new Utf8JsonWriter(tail, _writerOptions))
        {
            WriteMarks(tail, values, row, row.StateSince, row.StateSinceObserved, row.ReleaseOutdated);
        }

        tail.Write(row.Pinned ? ",\"pinned\":true}"u8 : ",\"pinned\":false}"u8);
        if (!json.AsSpan(cut).SequenceEqual(tail.WrittenSpan))
        {
            throw new InvalidOperationException("The session row's marks are not the ones SessionPageJson writes: the contract changed, update SessionPageJson.");
        }

        return new RowJson(json.AsSpan(0, cut).ToArray());
    }
}

/// <summary>One row's cached JSON: its own fields, and its last computed caller-independent marks.</summary>
internal sealed class RowJson(byte[] prefix)
{
    private volatile RowMarksJson? _marks;

    /// <summary>The row's JSON up to (not including) its first mark.</summary>
    public byte[] Prefix => prefix;

    /// <summary>
    /// The marks last computed for the row and the versions they were computed from; replaced (never changed) when
    /// either version moves on. The writer serves <see cref="RowMarksJson.Json"/> only for marks equal to these.
    /// </summary>
    public RowMarksJson? Marks
    {
        get => _marks;
        set => _marks = value;
    }
}

/// <summary>
/// A row's caller-independent marks as computed from one recorded history (<paramref name="History"/>) and one
/// release list (<paramref name="Releases"/>), and their JSON (<c>,"stateSince":…,"releaseOutdated":…</c>).
/// </summary>
internal sealed record RowMarksJson(object? History, object? Releases, DateTimeOffset? StateSince, bool Observed, bool Outdated, byte[] Json)
{
    /// <summary>Whether the stamps are the ones these marks were computed from.</summary>
    public bool IsFor(object? history, object? releases) => ReferenceEquals(History, history) && ReferenceEquals(Releases, releases);

    /// <summary>
    /// Whether <see cref="Json"/> is exactly what <paramref name="marks"/> (pin aside) serialize to. Dates compare with
    /// their offsets: two equal instants with different offsets are written differently.
    /// </summary>
    public bool Matches(RowMarks marks) =>
        Observed == marks.StateSinceObserved
        && Outdated == marks.ReleaseOutdated
        && (StateSince is { } a ? marks.StateSince is { } b && a.EqualsExact(b) : marks.StateSince is null);
}
