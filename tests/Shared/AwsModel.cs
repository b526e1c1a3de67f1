using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace EcsBuildTasks.Testing;

/// <summary>
/// An official AWS API model (botocore <c>service-2.json</c> and <c>paginators-1.json</c> from <c>../shared/aws-models</c>)
/// and the one model checker of every test project: requests (JSON documents checked strictly: members, types, enum
/// values, required members, the model's ranges), JSON responses and Query XML responses (members, types and enum
/// values), rest-xml responses, and the errors an operation declares.
/// </summary>
internal sealed class AwsModel
{
    private static readonly ConcurrentDictionary<string, AwsModel> Cache = new(StringComparer.Ordinal);

    /// <summary>What a request must satisfy; a response is held only to its members, types and enum values.</summary>
    private static readonly Rules RequestRules = new(Required: true, Ranges: true);
    private static readonly Rules ResponseRules = new(Required: false, Ranges: false);

    private readonly JsonObject shapes;
    private readonly JsonObject operations;

    private AwsModel(JsonObject document, JsonObject? paginators)
    {
        Document = document;
        Paginators = paginators;
        shapes = document["shapes"]!.AsObject();
        operations = document["operations"]!.AsObject();
    }

    public JsonObject Document { get; }

    /// <summary>The operations' pagination (<c>paginators-1.json</c>), when the model has any.</summary>
    public JsonObject? Paginators { get; }

    public JsonObject Metadata => Document["metadata"]!.AsObject();

    /// <summary>The wire protocol (<c>json</c>, <c>query</c>, <c>rest-xml</c>...; the CBOR protocol is served as Query here).</summary>
    public string Protocol => (string)Metadata["protocol"]! == "smithy-rpc-v2-cbor" ? "query" : (string)Metadata["protocol"]!;

    /// <summary>Loads a service's model once per test run; ends the test when the models are absent.</summary>
    public static AwsModel Load(string service) => Cache.GetOrAdd(service, s =>
    {
        var paginatorsPath = Path.Combine(VersionDirectory(s), "paginators-1.json");
        var paginators = File.Exists(paginatorsPath) ? JsonNode.Parse(File.ReadAllText(paginatorsPath))!["pagination"]!.AsObject() : null;
        return new AwsModel(ReadDocument(s), paginators);
    });

    /// <summary>The folder of a service's newest model version, <c>&lt;models&gt;/&lt;service&gt;/&lt;version&gt;</c>; ends the test when the models are absent.</summary>
    public static string VersionDirectory(string service) =>
        Directory.GetDirectories(Path.Combine(Peers.RequireAwsModels(), service)).OrderBy(d => d, StringComparer.Ordinal).Last();

    /// <summary>A fresh parse of the service's <c>service-2.json</c>.</summary>
    public static JsonObject ReadDocument(string service) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(VersionDirectory(service), "service-2.json")))!.AsObject();

    /// <summary>A structure's members: name, target shape and the member's definition.</summary>
    public static IEnumerable<(string Name, string Target, JsonObject Member)> Members(JsonObject shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape["members"] is not JsonObject members)
        {
            yield break;
        }

        foreach (var (name, node) in members)
        {
            yield return (name, (string)node!["shape"]!, node.AsObject());
        }
    }

    /// <summary>The member's key in the model's JSON form of a document: its <c>locationName</c> (the JSON key, Query
    /// parameter or XML element), except for REST members bound to the URI, query string, headers or status, whose
    /// <c>locationName</c> names that binding and which are keyed by member name (as botocore's parameters are).</summary>
    public static string WireName(string memberName, JsonObject member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return member["location"] is null ? (string?)member["locationName"] ?? memberName : memberName;
    }

    public JsonObject Shape(string name) => shapes[name]?.AsObject() ?? throw new ArgumentException($"No shape {name} in the model.", nameof(name));

    public JsonObject Operation(string name) => operations[name]?.AsObject() ?? throw new ArgumentException($"No operation {name} in the model.", nameof(name));

    public bool HasOperation(string operation) => operations.ContainsKey(operation);

    /// <summary>The input shape name of an operation (e.g. RegisterTaskDefinitionRequest); null when it takes none.</summary>
    public string? InputShape(string operation) => (string?)Operation(operation)["input"]?["shape"];

    public string? OutputShape(string operation) => (string?)Operation(operation)["output"]?["shape"];

    /// <summary>Whether the model declares <paramref name="code"/> (shape name or wire code) for the operation.</summary>
    public bool DeclaresError(string operation, string code) =>
        operations[operation]?["errors"]?.AsArray().Any(e =>
        {
            var name = e!["shape"]!.GetValue<string>();
            return name == code || shapes[name]?["error"]?["code"]?.GetValue<string>() == code;
        }) == true;

    /// <summary>Every way the request document <paramref name="node"/> departs from <paramref name="shapeName"/>, as JSON paths with reasons.</summary>
    public IReadOnlyList<string> Check(JsonNode? node, string shapeName)
    {
        var problems = new List<string>();
        CheckJson(node, shapeName, "$", RequestRules, problems);
        return problems;
    }

    /// <summary>Every way a JSON response departs from the operation's output shape (members, types, enum values).</summary>
    public List<string> CheckResponse(string operation, JsonNode? response)
    {
        var problems = new List<string>();
        if (OutputShape(operation) is not { } output)
        {
            if (response is JsonObject { Count: > 0 })
            {
                problems.Add($"{operation}: the model has no output, but the response has members");
            }

            return problems;
        }

        CheckJson(response, output, operation, ResponseRules, problems);
        return problems;
    }

    /// <summary>Every way a Query XML response departs from the operation's output shape (members, list items, types, enum values).</summary>
    public List<string> CheckXmlResponse(string operation, XElement document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<string>();
        var output = operations[operation]?["output"];
        var result = document.Elements().FirstOrDefault(e => e.Name.LocalName == output?["resultWrapper"]?.GetValue<string>());
        if (output is null || result is null)
        {
            if (output is not null)
            {
                problems.Add($"{operation}: no {output["resultWrapper"]} element");
            }

            return problems;
        }

        CheckXml(output["shape"]!.GetValue<string>(), result, operation, problems);
        return problems;
    }

    /// <summary>Every way a rest-xml response departs from the operation's output: the root is <c>{Operation}Response</c>
    /// and holds the output's body members (members bound to headers or the status must not appear in it).</summary>
    public List<string> CheckRestXmlResponse(string operation, XElement document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<string>();
        if (document.Name.LocalName != operation + "Response")
        {
            problems.Add($"{operation}: root element <{document.Name.LocalName}> should be <{operation}Response>");
        }

        if (OutputShape(operation) is not { } output)
        {
            return problems;
        }

        foreach (var child in document.Elements())
        {
            if (Members(Shape(output)).FirstOrDefault(m => m.Name == child.Name.LocalName).Member is { } member && member["location"] is not null)
            {
                problems.Add($"{operation}.{child.Name.LocalName}: a {member["location"]} member is in the body");
            }
        }

        CheckXml(output, document, operation, problems);
        return problems;
    }

    private void CheckJson(JsonNode? node, string shapeName, string path, Rules rules, List<string> problems)
    {
        if (node is null)
        {
            problems.Add($"{path}: null is never sent for {shapeName} (nulls are left out)");
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

                var members = Members(shape).ToDictionary(m => WireName(m.Name, m.Member), m => m.Target, StringComparer.Ordinal);
                foreach (var (name, value) in obj)
                {
                    if (!members.TryGetValue(name, out var target))
                    {
                        problems.Add($"{path}.{name}: not a member of {shapeName}");
                        continue;
                    }

                    CheckJson(value, target, $"{path}.{name}", rules, problems);
                }

                foreach (var required in rules.Required ? shape["required"]?.AsArray() ?? [] : [])
                {
                    // Required lists member names; the document carries wire names (EC2: locationName).
                    var wire = Members(shape).Where(m => m.Name == (string)required!).Select(m => WireName(m.Name, m.Member)).FirstOrDefault() ?? (string)required!;
                    if (!obj.ContainsKey(wire))
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

                CheckSize(array.Count, shape, path, rules, problems);
                for (var i = 0; i < array.Count; i++)
                {
                    CheckJson(array[i], (string)shape["member"]!["shape"]!, $"{path}[{i}]", rules, problems);
                }

                break;
            case "map":
                if (node is not JsonObject map)
                {
                    problems.Add($"{path}: expected a map ({shapeName})");
                    return;
                }

                CheckSize(map.Count, shape, path, rules, problems);
                foreach (var (key, value) in map)
                {
                    CheckJson(JsonValue.Create(key), (string)shape["key"]!["shape"]!, $"{path}<key {key}>", rules, problems);
                    CheckJson(value, (string)shape["value"]!["shape"]!, $"{path}.{key}", rules, problems);
                }

                break;
            default:
                var kind = node.GetValueKind();
                CheckScalar(shape, shapeName, kind, kind == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString(), path, json: true, rules, problems);
                break;
        }
    }

    private void CheckXml(string shapeName, XElement element, string path, List<string> problems)
    {
        var shape = Shape(shapeName);
        switch (shape["type"]!.GetValue<string>())
        {
            case "structure":
                var members = Members(shape).ToDictionary(m => WireName(m.Name, m.Member), m => m.Target, StringComparer.Ordinal);
                foreach (var child in element.Elements())
                {
                    if (!members.TryGetValue(child.Name.LocalName, out var target))
                    {
                        problems.Add($"{path}.{child.Name.LocalName}: not a member of {shapeName}");
                        continue;
                    }

                    CheckXml(target, child, $"{path}.{child.Name.LocalName}", problems);
                }

                break;
            case "list":
                var itemName = shape["member"]!["locationName"]?.GetValue<string>() ?? "member";
                foreach (var item in element.Elements())
                {
                    if (item.Name.LocalName != itemName)
                    {
                        problems.Add($"{path}: list item <{item.Name.LocalName}> should be <{itemName}>");
                        continue;
                    }

                    CheckXml(shape["member"]!["shape"]!.GetValue<string>(), item, $"{path}[]", problems);
                }

                break;
            case "map":
                foreach (var value in element.Elements().Select(entry => entry.Elements().FirstOrDefault(e => e.Name.LocalName == "value")).OfType<XElement>())
                {
                    CheckXml(shape["value"]!["shape"]!.GetValue<string>(), value, $"{path}[]", problems);
                }

                break;
            default:
                CheckScalar(shape, shapeName, JsonValueKind.String, element.Value, path, json: false, ResponseRules, problems);
                break;
        }
    }

    /// <summary>A string, number, boolean, timestamp or blob: its type (JSON timestamps are epoch seconds), enum value and range.</summary>
    private static void CheckScalar(JsonObject shape, string shapeName, JsonValueKind kind, string text, string path, bool json, Rules rules, List<string> problems)
    {
        var type = shape["type"]!.GetValue<string>();
        var ok = type switch
        {
            "string" => kind == JsonValueKind.String,
            "blob" => kind == JsonValueKind.String && (!json || IsBase64(text)),
            "boolean" => json ? kind is JsonValueKind.True or JsonValueKind.False : text is "true" or "false",
            "integer" or "long" => (!json || kind == JsonValueKind.Number) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            "double" or "float" => (!json || kind == JsonValueKind.Number) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            "timestamp" => json ? kind == JsonValueKind.Number : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
            _ => false,
        };
        if (!ok)
        {
            problems.Add($"{path}: '{text}' is not a {type} ({shapeName})");
            return;
        }

        if (shape["enum"] is JsonArray values && values.All(v => v!.GetValue<string>() != text))
        {
            problems.Add($"{path}: '{text}' is not one of {shapeName}: {string.Join(", ", values)}");
        }

        if (type == "string")
        {
            CheckSize(text.Length, shape, path, rules, problems);
        }
        else if (rules.Ranges && type is "integer" or "long" or "double" or "float")
        {
            var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (shape["min"] is JsonValue min && value < (double)min)
            {
                problems.Add($"{path}: {text} is below the model's minimum {min}");
            }

            if (shape["max"] is JsonValue max && value > (double)max)
            {
                problems.Add($"{path}: {text} is above the model's maximum {max}");
            }
        }
    }

    /// <summary>A string's length or a collection's size against the model's <c>min</c> and <c>max</c>.</summary>
    private static void CheckSize(int size, JsonObject shape, string path, Rules rules, List<string> problems)
    {
        if (!rules.Ranges)
        {
            return;
        }

        if (shape["min"] is JsonValue min && size < (double)min)
        {
            problems.Add($"{path}: size {size} is below the model's minimum {min}");
        }

        if (shape["max"] is JsonValue max && size > (double)max)
        {
            problems.Add($"{path}: size {size} is above the model's maximum {max}");
        }
    }

    private static bool IsBase64(string text) => Convert.TryFromBase64String(text, new byte[text.Length], out _);

    private sealed record Rules(bool Required, bool Ranges);
}
