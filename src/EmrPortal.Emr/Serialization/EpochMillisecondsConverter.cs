using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmrPortal.Emr.Serialization;

/// <summary>
/// Epoch milliseconds (<c>1732267598000</c>, or the same digits as a string) ⇄ <see cref="DateTimeOffset"/> in UTC.
/// Empty strings and null read as null; an ISO-8601 string is accepted too. Writes a JSON number.
/// </summary>
public sealed class EpochMillisecondsConverter : JsonConverter<DateTimeOffset?>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when reader.TryGetInt64(out var ms):
                return FromMilliseconds(ms);
            case JsonTokenType.Number when reader.TryGetDouble(out var fractional):
                return FromMilliseconds((long)fractional);
            case JsonTokenType.String:
                var text = reader.GetString();
                if (string.IsNullOrWhiteSpace(text))
                {
                    return null;
                }

                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var fromString))
                {
                    return FromMilliseconds(fromString);
                }

                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var iso))
                {
                    return iso;
                }

                break;
        }

        throw new JsonException($"Expected epoch milliseconds, got {reader.TokenType}.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } time)
        {
            writer.WriteNumberValue(time.ToUnixTimeMilliseconds());
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static DateTimeOffset FromMilliseconds(long ms)
    {
        // Out-of-range values are upstream garbage; clamp rather than fail the whole page.
        var clamped = Math.Clamp(ms, DateTimeOffset.MinValue.ToUnixTimeMilliseconds(), DateTimeOffset.MaxValue.ToUnixTimeMilliseconds());
        return DateTimeOffset.FromUnixTimeMilliseconds(clamped);
    }
}
