using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Protocols;

/// <summary>Typed reads of request members with the AWS error a service reports when one is malformed.</summary>
internal static class JsonArgs
{
    public static string? Str(this JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : o[name] is JsonValue n && n.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False ? n.ToJsonString() : null;

    public static int? Int(this JsonObject o, string name)
    {
        if (o[name] is not JsonValue v)
        {
            return null;
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.Number when v.TryGetValue<int>(out var i) => i,
            JsonValueKind.Number => (int)v.GetValue<double>(),
            JsonValueKind.String when int.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
    }

    public static double? Double(this JsonObject o, string name)
    {
        if (o[name] is not JsonValue v)
        {
            return null;
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.Number => v.GetValue<double>(),
            JsonValueKind.String when double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
    }

    public static bool? Bool(this JsonObject o, string name)
    {
        if (o[name] is not JsonValue v)
        {
            return null;
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => string.Equals(v.GetValue<string>(), "true", StringComparison.OrdinalIgnoreCase),
            _ => null,
        };
    }

    public static JsonObject? Obj(this JsonObject o, string name) => o[name] as JsonObject;

    public static JsonArray? Arr(this JsonObject o, string name) => o[name] as JsonArray;

    public static IEnumerable<string> Strings(this JsonObject o, string name) =>
        (o[name] as JsonArray)?.Select(x => x?.GetValueKind() == JsonValueKind.String ? x.GetValue<string>() : x?.ToJsonString() ?? string.Empty) ?? [];

    public static IEnumerable<JsonObject> Objects(this JsonObject o, string name) =>
        (o[name] as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>A copy of <paramref name="node"/>, or null; request fragments are cloned before being stored.</summary>
    public static JsonObject? CloneObj(this JsonObject o, string name) => o[name] is JsonObject x ? (JsonObject)x.DeepClone() : null;

    public static JsonArray? CloneArr(this JsonObject o, string name) => o[name] is JsonArray x ? (JsonArray)x.DeepClone() : null;

    /// <summary>Adds members whose value is not null, so responses omit absent optional members as AWS does.</summary>
    public static JsonObject Put(this JsonObject o, string name, JsonNode? value)
    {
        if (value is not null)
        {
            o[name] = value;
        }

        return o;
    }

    public static JsonObject Put(this JsonObject o, string name, string? value) => value is null ? o : o.Put(name, JsonValue.Create(value));

    public static JsonObject Put(this JsonObject o, string name, int? value) => value is null ? o : o.Put(name, JsonValue.Create(value.Value));

    public static JsonObject Put(this JsonObject o, string name, long? value) => value is null ? o : o.Put(name, JsonValue.Create(value.Value));

    public static JsonObject Put(this JsonObject o, string name, double? value) => value is null ? o : o.Put(name, JsonValue.Create(value.Value));

    public static JsonObject Put(this JsonObject o, string name, bool? value) => value is null ? o : o.Put(name, JsonValue.Create(value.Value));

    public static JsonObject Put(this JsonObject o, string name, DateTimeOffset? value) => value is null ? o : o.Put(name, AwsValues.Timestamp(value.Value));

    public static JsonArray ToJsonArray(this IEnumerable<JsonNode?> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }

        return array;
    }

    public static JsonArray ToJsonArray(this IEnumerable<string> items) => items.Select(x => (JsonNode?)JsonValue.Create(x)).ToJsonArray();
}
