using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests.Conformance;

/// <summary>
/// Builds the fullest JSON document a shape allows: every member set, every list and map non-empty, values inside
/// the model's ranges and enums. Parsing it and writing it back must lose nothing.
/// </summary>
internal sealed class ModelSampler
{
    private readonly AwsModel model;
    private readonly int listLength;
    private readonly Func<string, bool> excludedMember;

    /// <param name="excludedMember">Members the official SDK leaves out of its model (EC2's DryRun): never sampled.</param>
    public ModelSampler(AwsModel model, int listLength = 2, Func<string, bool>? excludedMember = null)
    {
        this.model = model;
        this.listLength = listLength;
        this.excludedMember = excludedMember ?? (_ => false);
    }

    /// <summary>The sample timestamp, on the wire as epoch seconds with milliseconds.</summary>
    public const decimal TimestampSeconds = 1700000000.123m;

    /// <summary>The sample, re-parsed so that every value reads back as any compatible .NET type.</summary>
    public JsonNode Sample(string shapeName) => JsonNode.Parse(Sample(shapeName, "root", new Stack<string>())!.ToJsonString())!;

    private JsonNode? Sample(string shapeName, string hint, Stack<string> path)
    {
        var shape = model.Shape(shapeName);
        var type = (string)shape["type"]!;
        switch (type)
        {
            case "structure":
            {
                // Recursive shapes (none in the operations we use today) stop after one level.
                if (path.Contains(shapeName))
                {
                    return null;
                }

                path.Push(shapeName);
                var result = new JsonObject();
                foreach (var (name, target, member) in AwsModel.Members(shape))
                {
                    if (excludedMember(name))
                    {
                        continue;
                    }

                    var value = Sample(target, name, path);
                    if (value is not null)
                    {
                        result[AwsModel.WireName(name, member)] = value;
                    }
                }

                path.Pop();
                return result;
            }

            case "list":
            {
                var count = Math.Max(listLength, (int?)shape["min"] ?? 0);
                if (shape["max"] is JsonValue max)
                {
                    count = Math.Min(count, (int)max);
                }

                var array = new JsonArray();
                for (var i = 0; i < count; i++)
                {
                    var item = Sample((string)shape["member"]!["shape"]!, hint + i.ToString(CultureInfo.InvariantCulture), path);
                    if (item is not null)
                    {
                        array.Add(item);
                    }
                }

                return array;
            }

            case "map":
            {
                var map = new JsonObject();
                for (var i = 0; i < listLength; i++)
                {
                    var key = Sample((string)shape["key"]!["shape"]!, "key" + i.ToString(CultureInfo.InvariantCulture), path)!.GetValue<string>();
                    var value = Sample((string)shape["value"]!["shape"]!, hint + "Value", path);
                    if (value is not null)
                    {
                        map[key] = value;
                    }
                }

                return map;
            }

            case "string":
                if (shape["enum"] is JsonArray values)
                {
                    // The last value: the first is often the only one a hand-written test would try.
                    return JsonValue.Create((string)values[^1]!);
                }

                return JsonValue.Create(StringValue(shape, hint));
            case "integer":
            case "long":
                return JsonValue.Create(NumberValue(shape));
            case "double":
            case "float":
                return JsonValue.Create(DoubleValue(shape));
            case "boolean":
                return JsonValue.Create(true);
            case "timestamp":
                return JsonValue.Create(TimestampSeconds);
            case "blob":
                return JsonValue.Create(Convert.ToBase64String([1, 2, 3, 250]));
            default:
                throw new NotSupportedException($"Shape {shapeName} has type {type}");
        }
    }

    private static string StringValue(JsonObject shape, string hint)
    {
        var min = (int?)shape["min"] ?? 0;
        var max = (int?)shape["max"] ?? int.MaxValue;
        var value = "v-" + hint;
        if (value.Length < min)
        {
            value = value.PadRight(min, 'x');
        }

        return value.Length > max ? value[..max] : value;
    }

    /// <summary>A value with a fraction, inside the range (which fractional shapes state as 0.0..100.0, not integers).</summary>
    private static double DoubleValue(JsonObject shape)
    {
        var min = (double?)shape["min"] ?? 1;
        var max = (double?)shape["max"] ?? double.MaxValue;
        return Math.Min(Math.Max(min, 2) + 0.5, max);
    }

    private static long NumberValue(JsonObject shape)
    {
        var min = (long?)shape["min"] ?? 1;
        var max = (long?)shape["max"] ?? long.MaxValue;
        return Math.Min(Math.Max(min, 2), max);
    }
}
