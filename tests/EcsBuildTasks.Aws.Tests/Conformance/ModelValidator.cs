using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.Aws.Tests.Conformance;

/// <summary>
/// Checks a JSON document against a model shape: member names, JSON types, required members, enum values, string
/// lengths, numeric ranges and collection sizes. Returns every violation with its path.
/// </summary>
internal sealed class ModelValidator
{
    private readonly AwsApiModel model;
    private readonly List<string> problems = [];

    public ModelValidator(AwsApiModel model)
    {
        this.model = model;
    }

    public static IReadOnlyList<string> Validate(AwsApiModel model, string shapeName, JsonNode? document)
    {
        var validator = new ModelValidator(model);
        validator.Check(shapeName, document, "$");
        return validator.problems;
    }

    private void Check(string shapeName, JsonNode? node, string path)
    {
        var shape = model.Shape(shapeName);
        var type = (string)shape["type"]!;
        if (node is null)
        {
            problems.Add($"{path}: null is never sent (nulls must be omitted)");
            return;
        }

        switch (type)
        {
            case "structure":
                if (node is not JsonObject obj)
                {
                    problems.Add($"{path}: expected an object ({shapeName}) but found {node.GetValueKind()}");
                    return;
                }

                var members = AwsApiModel.Members(shape).ToDictionary(m => AwsApiModel.WireName(m.Name, m.Member), m => m, StringComparer.Ordinal);
                foreach (var required in shape["required"]?.AsArray().Select(r => (string)r!) ?? [])
                {
                    // Required lists member names; the document carries wire names (EC2: locationName).
                    var wire = AwsApiModel.Members(shape).Where(m => m.Name == required).Select(m => AwsApiModel.WireName(m.Name, m.Member)).FirstOrDefault() ?? required;
                    if (!obj.ContainsKey(wire))
                    {
                        problems.Add($"{path}: required member '{required}' of {shapeName} is missing");
                    }
                }

                foreach (var (name, value) in obj)
                {
                    if (!members.TryGetValue(name, out var member))
                    {
                        problems.Add($"{path}: '{name}' is not a member of {shapeName}");
                        continue;
                    }

                    Check(member.Target, value, $"{path}.{name}");
                }

                break;
            case "list":
                if (node is not JsonArray array)
                {
                    problems.Add($"{path}: expected an array ({shapeName}) but found {node.GetValueKind()}");
                    return;
                }

                CheckRange(shape, array.Count, path, "items");
                for (var i = 0; i < array.Count; i++)
                {
                    Check((string)shape["member"]!["shape"]!, array[i], $"{path}[{i}]");
                }

                break;
            case "map":
                if (node is not JsonObject map)
                {
                    problems.Add($"{path}: expected an object map ({shapeName}) but found {node.GetValueKind()}");
                    return;
                }

                CheckRange(shape, map.Count, path, "entries");
                foreach (var (key, value) in map)
                {
                    Check((string)shape["key"]!["shape"]!, JsonValue.Create(key), $"{path}.<key {key}>");
                    Check((string)shape["value"]!["shape"]!, value, $"{path}.{key}");
                }

                break;
            case "string":
                if (node.GetValueKind() != JsonValueKind.String)
                {
                    problems.Add($"{path}: expected a string ({shapeName}) but found {node.GetValueKind()}");
                    return;
                }

                var text = node.GetValue<string>();
                if (shape["enum"] is JsonArray values && !values.Any(v => (string)v! == text))
                {
                    problems.Add($"{path}: '{text}' is not a value of enum {shapeName}");
                }

                CheckRange(shape, text.Length, path, "characters");
                break;
            case "integer":
            case "long":
                if (node.GetValueKind() != JsonValueKind.Number || !long.TryParse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
                {
                    problems.Add($"{path}: expected an integer ({shapeName}) but found {node.ToJsonString()}");
                    return;
                }

                CheckRange(shape, integer, path, "as value");
                break;
            case "double":
            case "float":
                if (node.GetValueKind() != JsonValueKind.Number)
                {
                    problems.Add($"{path}: expected a number ({shapeName}) but found {node.GetValueKind()}");
                    return;
                }

                CheckRange(shape, node.GetValue<double>(), path, "as value");
                break;
            case "boolean":
                if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    problems.Add($"{path}: expected a boolean ({shapeName}) but found {node.GetValueKind()}");
                }

                break;
            case "timestamp":
                if (node.GetValueKind() != JsonValueKind.Number)
                {
                    problems.Add($"{path}: expected epoch seconds ({shapeName}) but found {node.ToJsonString()}");
                }

                break;
            case "blob":
                if (node.GetValueKind() != JsonValueKind.String || !IsBase64(node.GetValue<string>()))
                {
                    problems.Add($"{path}: expected base64 ({shapeName}) but found {node.ToJsonString()}");
                }

                break;
            default:
                problems.Add($"{path}: shape {shapeName} has unsupported type {type}");
                break;
        }
    }

    private void CheckRange(JsonObject shape, double value, string path, string unit)
    {
        if (shape["min"] is JsonValue min && value < (double)min)
        {
            problems.Add($"{path}: {value} {unit} is below the model minimum {min}");
        }

        if (shape["max"] is JsonValue max && value > (double)max)
        {
            problems.Add($"{path}: {value} {unit} is above the model maximum {max}");
        }
    }

    private static bool IsBase64(string value) => Convert.TryFromBase64String(value, new byte[value.Length], out _);
}
