using System.Buffers;
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
/// serialized once and kept beside the row, and each request appends only the caller's marks. Rows are immutable
/// records held by the snapshots, so a row's cached JSON is valid for as long as the row lives (a weak table: it goes
/// with the snapshot). Serializing the page was the largest item in a warm page request's profile (see
/// docs/decisions.md#warm-page-requests-where-the-time-went). Everything is written with the endpoints' own serializer
/// options (their encoder included), so the bytes are the ones <c>TypedResults.Ok</c> would write.
/// </summary>
internal sealed class SessionPageJson
{
    // The first mark in the contract's property order. A string value cannot contain these bytes: the serializer
    // escapes every quote inside strings, so the first occurrence is the property itself.
    private static readonly byte[] FirstMark = ",\"stateSince\":"u8.ToArray();
    private static readonly JsonEncodedText Items = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText TotalCount = JsonEncodedText.Encode("totalCount");
    private static readonly JsonEncodedText PageName = JsonEncodedText.Encode("page");
    private static readonly JsonEncodedText PageSize = JsonEncodedText.Encode("pageSize");
    private static readonly JsonEncodedText AsOf = JsonEncodedText.Encode("asOf");
    private static readonly JsonEncodedText Stale = JsonEncodedText.Encode("stale");
    private static readonly JsonEncodedText Revalidating = JsonEncodedText.Encode("revalidating");
    private static readonly JsonEncodedText RefreshFailure = JsonEncodedText.Encode("refreshFailure");

    private readonly ConditionalWeakTable<SessionSummaryDto, byte[]> _prefixes = new();
    private readonly ConditionalWeakTable<SessionSummaryDto, byte[]>.CreateValueCallback _buildPrefix;
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
        _buildPrefix = Prefix;
    }

    /// <summary>Writes <paramref name="page"/> to <paramref name="output"/> (UTF-8, no indentation).</summary>
    public void Write(IBufferWriter<byte> output, SessionListPage page)
    {
        using var writer = new Utf8JsonWriter(output, _writerOptions);
        var row = new ArrayBufferWriter<byte>(1024);
        // A date is written by a JSON writer too, so its format is the serializer's (trailing fraction zeros trimmed).
        var dateBuffer = new ArrayBufferWriter<byte>(40);
        using var dateWriter = new Utf8JsonWriter(dateBuffer, _writerOptions);

        writer.WriteStartObject();
        writer.WriteStartArray(Items);
        for (var i = 0; i < page.Rows.Count; i++)
        {
            row.ResetWrittenCount();
            WriteRow(row, page.Rows[i], page.Marks[i], dateBuffer, dateWriter);
            writer.WriteRawValue(row.WrittenSpan, skipInputValidation: true);
        }

        writer.WriteEndArray();
        writer.WriteNumber(TotalCount, page.TotalCount);
        writer.WriteNumber(PageName, page.Page);
        writer.WriteNumber(PageSize, page.PageSize);
        if (page.AsOf is { } asOf) writer.WriteString(AsOf, asOf);
        else writer.WriteNull(AsOf);
        writer.WriteBoolean(Stale, page.Stale);
        writer.WriteBoolean(Revalidating, page.Revalidating);
        writer.WritePropertyName(RefreshFailure);
        if (page.RefreshFailure is { } failure) JsonSerializer.Serialize(writer, failure, _failure);
        else writer.WriteNullValue();
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Writes the page as the response body (<c>application/json; charset=utf-8</c>).</summary>
    public async Task WriteAsync(HttpResponse response, SessionListPage page)
    {
        response.ContentType = "application/json; charset=utf-8";
        Write(response.BodyWriter, page);
        await response.BodyWriter.FlushAsync(response.HttpContext.RequestAborted);
    }

    private void WriteRow(ArrayBufferWriter<byte> row, SessionSummaryDto source, RowMarks marks, ArrayBufferWriter<byte> dateBuffer, Utf8JsonWriter dateWriter)
    {
        row.Write(_prefixes.GetValue(source, _buildPrefix));
        WriteMarks(row, source, marks, dateBuffer, dateWriter);
    }

    private static void WriteMarks(ArrayBufferWriter<byte> row, SessionSummaryDto source, RowMarks marks, ArrayBufferWriter<byte> dateBuffer, Utf8JsonWriter dateWriter)
    {
        row.Write(FirstMark);
        if (marks.StateSince is { } since)
        {
            dateBuffer.ResetWrittenCount();
            dateWriter.Reset();
            dateWriter.WriteStringValue(since);
            dateWriter.Flush();
            row.Write(dateBuffer.WrittenSpan);
        }
        else
        {
            row.Write("null"u8);
        }

        row.Write(marks.StateSinceObserved ? ",\"stateSinceObserved\":true"u8 : ",\"stateSinceObserved\":false"u8);
        row.Write(source.NoLongerListed ? ",\"noLongerListed\":true"u8 : ",\"noLongerListed\":false"u8);
        row.Write(marks.ReleaseOutdated ? ",\"releaseOutdated\":true"u8 : ",\"releaseOutdated\":false"u8);
        row.Write(marks.Pinned ? ",\"pinned\":true}"u8 : ",\"pinned\":false}"u8);
    }

    /// <summary>The row serialized with the endpoints' options, up to (not including) its first mark.</summary>
    private byte[] Prefix(SessionSummaryDto row)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(row, _row);
        var cut = json.AsSpan().IndexOf(FirstMark);
        if (cut < 0)
        {
            throw new InvalidOperationException("The session row's JSON has no stateSince property: the contract changed, update SessionPageJson.");
        }

        // The rest must be exactly what WriteMarks writes for the row's own values: a property added to the contract
        // after the marks fails here, on first use, rather than going missing from every page.
        var tail = new ArrayBufferWriter<byte>(256);
        var dateBuffer = new ArrayBufferWriter<byte>(40);
        using (var dateWriter = new Utf8JsonWriter(dateBuffer, _writerOptions))
        {
            WriteMarks(tail, row, new RowMarks(row.StateSince, row.StateSinceObserved, row.ReleaseOutdated, row.Pinned), dateBuffer, dateWriter);
        }

        if (!json.AsSpan(cut).SequenceEqual(tail.WrittenSpan))
        {
            throw new InvalidOperationException("The session row's marks are not the ones SessionPageJson writes: the contract changed, update SessionPageJson.");
        }

        return json.AsSpan(0, cut).ToArray();
    }
}
