using System.Globalization;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Protocols;

/// <summary>
/// Response trees are <see cref="JsonNode"/>s in which timestamps stay <see cref="DateTimeOffset"/> values; each protocol
/// writer renders them its own way (epoch seconds in JSON, ISO-8601 in XML, tag 1 in CBOR).
/// </summary>
internal static class AwsValues
{
    public static JsonValue Timestamp(DateTimeOffset value) => JsonValue.Create(value);

    public static JsonValue? Timestamp(DateTimeOffset? value) => value is { } v ? JsonValue.Create(v) : null;

    public static bool TryGetTimestamp(JsonValue value, out DateTimeOffset timestamp) => value.TryGetValue(out timestamp);

    /// <summary>Whether <paramref name="seconds"/> is a time DateTimeOffset can hold: 1970 to the end of 9999.</summary>
    public static bool IsEpochSeconds(double seconds) => double.IsFinite(seconds) && seconds is >= 0 and <= 253_402_300_799;

    public static double ToEpochSeconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds() / 1000.0;

    public static string ToIso8601(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Deep copy that keeps timestamp values typed (JsonNode.DeepClone would too, but this documents intent).</summary>
    public static JsonNode? Copy(JsonNode? node) => node?.DeepClone();
}
