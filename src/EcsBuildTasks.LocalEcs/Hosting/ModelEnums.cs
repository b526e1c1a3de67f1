using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Checks the enum-typed members (and the timestamps) of every request against the AWS API models, before the handler
/// runs, for every served operation alike: a launch type, a comparison operator or a log driver that AWS would refuse is
/// refused here with the validation error AWS words. The table of members and values
/// (<c>Hosting/Generated/ModelEnums.g.cs</c>) is generated from the models by a test, which fails when it is stale (see
/// DEVELOPERS.md): LocalEcs must build and run without the models, which are not part of the repository.
/// </summary>
internal static partial class ModelEnums
{
    /// <summary>The set name of timestamp members, whose values must be times AWS can hold.</summary>
    public const string Timestamp = "@timestamp";

    /// <summary>The enum-typed and timestamp members of an operation's input, as paths (<c>a.b[].c</c>, <c>m{}</c> for map values).</summary>
    public static IReadOnlyList<(string Path, string Set)> MembersOf(string service, string operation) =>
        Members.TryGetValue((service, operation), out var members) ? members : [];

    /// <summary>The values of an enum set (<c>ecs:LaunchType</c>).</summary>
    public static IReadOnlyList<string> Values(string set) => Sets[set];

    /// <summary>Throws the service's validation error listing every member whose value is not in its enum.</summary>
    public static void Validate(string service, string operation, JsonObject input, bool jsonProtocol)
    {
        if (!Members.TryGetValue((service, operation), out var members))
        {
            return;
        }

        List<string>? problems = null;
        foreach (var (path, set) in members)
        {
            Check(service, input, path.Split('.'), 0, string.Empty, set, ref problems);
        }

        if (problems is { Count: > 0 })
        {
            var count = problems.Count == 1 ? "1 validation error detected: " : string.Create(CultureInfo.InvariantCulture, $"{problems.Count} validation errors detected: ");
            throw ServiceErrors.Validation(service, jsonProtocol, count + string.Join("; ", problems));
        }
    }

    private static void Check(string service, JsonNode? node, string[] segments, int index, string wirePath, string set, ref List<string>? problems)
    {
        if (node is null)
        {
            return;
        }

        if (index == segments.Length)
        {
            if (!IsValid(node, set))
            {
                var shown = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();
                var constraint = set == Timestamp
                    ? "Member must be a time between 1970 and 9999"
                    : "Member must satisfy enum value set: [" + string.Join(", ", Sets[set]) + "]";
                (problems ??= []).Add($"Value '{ServiceErrors.Shorten(shown)}' at '{ServiceErrors.MemberName(service, wirePath)}' failed to satisfy constraint: {constraint}");
            }

            return;
        }

        var segment = segments[index];
        var isList = segment.EndsWith("[]", StringComparison.Ordinal);
        var isMap = segment.EndsWith("{}", StringComparison.Ordinal);
        var name = isList || isMap ? segment[..^2] : segment;
        var child = name.Length == 0 ? node : (node as JsonObject)?[name];
        var path = name.Length == 0 ? wirePath : wirePath.Length == 0 ? name : wirePath + "." + name;
        if (isList && child is JsonArray items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                Check(service, items[i], segments, index + 1, string.Create(CultureInfo.InvariantCulture, $"{path}.{i + 1}.member"), set, ref problems);
            }
        }
        else if (isMap && child is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                Check(service, value, segments, index + 1, $"{path}.{key}", set, ref problems);
            }
        }
        else if (!isList && !isMap)
        {
            Check(service, child, segments, index + 1, path, set, ref problems);
        }
    }

    private static bool IsValid(JsonNode node, string set)
    {
        if (node is not JsonValue value)
        {
            return false;
        }

        if (set == Timestamp)
        {
            if (Protocols.AwsValues.TryGetTimestamp(value, out _))
            {
                return true; // CBOR tag 1, already checked by its reader
            }

            return value.GetValueKind() switch
            {
                JsonValueKind.Number => value.TryGetValue<double>(out var seconds) && Protocols.AwsValues.IsEpochSeconds(seconds),
                JsonValueKind.String => IsTime(value.GetValue<string>()),
                _ => false,
            };
        }

        return value.GetValueKind() == JsonValueKind.String && Sets[set].Contains(value.GetValue<string>(), StringComparer.Ordinal);
    }

    private static bool IsTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
        || (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && Protocols.AwsValues.IsEpochSeconds(seconds));
}
