using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.Testing;

/// <summary>
/// An official AWS API model (botocore <c>service-2.json</c> from <c>../shared/aws-models</c>), used to check JSON
/// documents against a shape: member names, types, enum values, required members and the model's ranges.
/// </summary>
internal sealed class AwsModel
{
    private static readonly ConcurrentDictionary<string, AwsModel> Cache = new(StringComparer.Ordinal);
    private readonly JsonObject shapes;

    private AwsModel(JsonObject document)
    {
        Document = document;
        shapes = document["shapes"]!.AsObject();
    }

    public JsonObject Document { get; }

    public JsonObject Metadata => Document["metadata"]!.AsObject();

    /// <summary>Loads <c>&lt;models&gt;/&lt;service&gt;/&lt;version&gt;/service-2.json</c> once per test run; ends the test when the models are absent.</summary>
    public static AwsModel Load(string service) => Cache.GetOrAdd(service, s => new AwsModel(ReadDocument(s)));

    /// <summary>The folder of a service's newest model version, <c>&lt;models&gt;/&lt;service&gt;/&lt;version&gt;</c>; ends the test when the models are absent.</summary>
    public static string VersionDirectory(string service) =>
        Directory.GetDirectories(Path.Combine(Peers.RequireAwsModels(), service)).OrderBy(d => d, StringComparer.Ordinal).Last();

    /// <summary>A fresh parse of the service's <c>service-2.json</c>, for checkers that keep their own copy.</summary>
    public static JsonObject ReadDocument(string service) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(VersionDirectory(service), "service-2.json")))!.AsObject();

    public JsonObject Shape(string name) => shapes[name]?.AsObject() ?? throw new ArgumentException($"No shape {name} in the model.", nameof(name));

    public JsonObject Operation(string name) => Document["operations"]![name]?.AsObject() ?? throw new ArgumentException($"No operation {name} in the model.", nameof(name));

    /// <summary>The input shape name of an operation, e.g. RegisterTaskDefinitionRequest.</summary>
    public string InputShape(string operation) => (string)Operation(operation)["input"]!["shape"]!;

    public string OutputShape(string operation) => (string)Operation(operation)["output"]!["shape"]!;

    /// <summary>Every way <paramref name="node"/> departs from <paramref name="shapeName"/>, as JSON paths with reasons.</summary>
    public IReadOnlyList<string> Check(JsonNode? node, string shapeName)
    {
        var problems = new List<string>();
        Check(node, shapeName, "$", problems);
        return problems;
    }

    private void Check(JsonNode? node, string shapeName, string path, List<string> problems)
    {
        if (node is null)
        {
            problems.Add($"{path}: null is never sent for {shapeName}");
            return;
        }

        var shape = Shape(shapeName);
        var type = (string)shape["type"]!;
        if (shape["document"] is JsonValue document && document.GetValue<bool>())
        {
            // A document (e.g. a lifecycle hook's hookDetails) is free JSON: any value is valid.
            return;
        }

        switch (type)
        {
            case "structure":
                if (node is not JsonObject obj)
                {
                    problems.Add($"{path}: expected an object ({shapeName}), got {node.GetValueKind()}");
                    return;
                }

                var members = shape["members"]!.AsObject();
                foreach (var (name, value) in obj)
                {
                    if (members[name] is not JsonObject member)
                    {
                        problems.Add($"{path}.{name}: not a member of {shapeName}");
                        continue;
                    }

                    Check(value, (string)member["shape"]!, $"{path}.{name}", problems);
                }

                foreach (var required in shape["required"]?.AsArray() ?? [])
                {
                    if (!obj.ContainsKey((string)required!))
                    {
                        problems.Add($"{path}: required member {required} of {shapeName} is missing");
                    }
                }

                break;
            case "list":
                if (node is not JsonArray array)
                {
                    problems.Add($"{path}: expected a list ({shapeName})");
                    return;
                }

                CheckLength(array.Count, shape, path, problems);
                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], (string)shape["member"]!["shape"]!, $"{path}[{i}]", problems);
                }

                break;
            case "map":
                if (node is not JsonObject map)
                {
                    problems.Add($"{path}: expected a map ({shapeName})");
                    return;
                }

                foreach (var (key, value) in map)
                {
                    Check(JsonValue.Create(key), (string)shape["key"]!["shape"]!, $"{path}<key {key}>", problems);
                    Check(value, (string)shape["value"]!["shape"]!, $"{path}.{key}", problems);
                }

                break;
            case "string":
                if (node is not JsonValue stringValue || !stringValue.TryGetValue<string>(out var text))
                {
                    problems.Add($"{path}: expected a string ({shapeName})");
                    return;
                }

                if (shape["enum"] is JsonArray values && !values.Any(v => (string)v! == text))
                {
                    problems.Add($"{path}: '{text}' is not one of {shapeName}: {string.Join(", ", values)}");
                }

                CheckLength(text.Length, shape, path, problems);
                break;
            case "integer" or "long":
                if (node is not JsonValue intValue || !intValue.TryGetValue<long>(out var number))
                {
                    problems.Add($"{path}: expected an {type} ({shapeName})");
                    return;
                }

                CheckRange(number, shape, path, problems);
                break;
            case "double" or "float":
                if (node is not JsonValue doubleValue || !doubleValue.TryGetValue<double>(out var real))
                {
                    problems.Add($"{path}: expected a number ({shapeName})");
                    return;
                }

                CheckRange(real, shape, path, problems);
                break;
            case "boolean":
                if (node is not JsonValue boolValue || !boolValue.TryGetValue<bool>(out _))
                {
                    problems.Add($"{path}: expected a boolean ({shapeName})");
                }

                break;
            case "timestamp":
                if (node is not JsonValue timeValue || !(timeValue.TryGetValue<double>(out _) || timeValue.TryGetValue<string>(out _)))
                {
                    problems.Add($"{path}: expected a timestamp ({shapeName})");
                }

                break;
            case "blob":
                if (node is not JsonValue blobValue || !blobValue.TryGetValue<string>(out var base64) || !IsBase64(base64))
                {
                    problems.Add($"{path}: expected base64 ({shapeName})");
                }

                break;
            default:
                problems.Add($"{path}: shape type {type} is not checked");
                break;
        }
    }

    private static void CheckLength(int length, JsonObject shape, string path, List<string> problems)
    {
        if (shape["min"] is JsonValue min && length < (double)min)
        {
            problems.Add($"{path}: length {length} is below the model's minimum {min}");
        }

        if (shape["max"] is JsonValue max && length > (double)max)
        {
            problems.Add($"{path}: length {length} is above the model's maximum {max}");
        }
    }

    private static void CheckRange(double value, JsonObject shape, string path, List<string> problems)
    {
        if (shape["min"] is JsonValue min && value < (double)min)
        {
            problems.Add($"{path}: {value.ToString(CultureInfo.InvariantCulture)} is below the model's minimum {min}");
        }

        if (shape["max"] is JsonValue max && value > (double)max)
        {
            problems.Add($"{path}: {value.ToString(CultureInfo.InvariantCulture)} is above the model's maximum {max}");
        }
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
