using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EcsBuildTasks.Aws.Serialization;

/// <summary>
/// JSON-protocol timestamps: epoch seconds with a fractional part (<c>1700000000.123</c>), always UTC.
/// Reads ISO-8601 strings too, because hand-written templates and some tools emit them.
/// </summary>
public sealed class EpochSecondsDateTimeConverter : JsonConverter<DateTime?>
{
    public override bool HandleNull => false;

    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return FromEpochSeconds(reader.GetDouble());
            case JsonTokenType.String:
                var text = reader.GetString()!;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    return FromEpochSeconds(seconds);
                }

                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return parsed.UtcDateTime;
                }

                throw new JsonException($"'{text}' is not a timestamp (epoch seconds or ISO-8601).");
            default:
                throw new JsonException($"Expected a timestamp (epoch seconds) but found {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        var utc = value.Value.Kind == DateTimeKind.Local ? value.Value.ToUniversalTime() : DateTime.SpecifyKind(value.Value, DateTimeKind.Utc);

        // Milliseconds are what AWS emits and keeps; decimal rounding of ticks would otherwise make round trips drift.
        var milliseconds = (utc - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
        writer.WriteNumberValue(milliseconds / 1000m);
    }

    private static DateTime FromEpochSeconds(double seconds)
    {
        var milliseconds = Math.Round(seconds * 1000d, MidpointRounding.AwayFromZero);
        return DateTime.UnixEpoch.AddMilliseconds(milliseconds);
    }
}
