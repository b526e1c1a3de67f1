using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>
/// Checks responses against an official AWS API model (botocore service-2.json): every member must exist in the
/// operation's output shape, with the model's type, and enum values must be in the enum. Works for JSON protocols
/// (timestamps as epoch numbers) and Query XML (lists of member elements, ISO-8601 timestamps).
/// </summary>
internal sealed class ModelChecker
{
    private readonly JsonObject shapes;
    private readonly JsonObject operations;

    private ModelChecker(JsonObject model)
    {
        shapes = model["shapes"]!.AsObject();
        operations = model["operations"]!.AsObject();
    }

    public static ModelChecker Load(string service) => new(EcsBuildTasks.Testing.AwsModel.ReadDocument(service));

    public bool HasOperation(string operation) => operations.ContainsKey(operation);

    /// <summary>Whether the model declares <paramref name="code"/> (shape name or wire code) for the operation.</summary>
    public bool DeclaresError(string operation, string code) =>
        operations[operation]?["errors"]?.AsArray().Any(e =>
        {
            var name = e!["shape"]!.GetValue<string>();
            return name == code || shapes[name]?["error"]?["code"]?.GetValue<string>() == code;
        }) == true;

    public List<string> CheckJson(string operation, JsonNode? response)
    {
        var problems = new List<string>();
        var output = operations[operation]?["output"]?["shape"]?.GetValue<string>();
        if (output is null)
        {
            if (response is JsonObject { Count: > 0 })
            {
                problems.Add($"{operation}: the model has no output, but the response has members");
            }

            return problems;
        }

        CheckJsonNode(output, response, operation, problems);
        return problems;
    }

    public List<string> CheckXml(string operation, XElement document)
    {
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

        CheckXmlElement(output["shape"]!.GetValue<string>(), result, operation, problems);
        return problems;
    }

    /// <summary>A rest-xml response: the root is <c>{Operation}Response</c> and holds the output's body members
    /// (members bound to headers or the status must not appear in it).</summary>
    public List<string> CheckRestXml(string operation, XElement document)
    {
        var problems = new List<string>();
        var output = operations[operation]?["output"]?["shape"]?.GetValue<string>();
        if (document.Name.LocalName != operation + "Response")
        {
            problems.Add($"{operation}: root element <{document.Name.LocalName}> should be <{operation}Response>");
        }

        if (output is null)
        {
            return problems;
        }

        var members = shapes[output]!["members"]!.AsObject();
        foreach (var child in document.Elements())
        {
            if (members.FirstOrDefault(m => m.Key == child.Name.LocalName).Value is JsonObject member && member["location"] is not null)
            {
                problems.Add($"{operation}.{child.Name.LocalName}: a {member["location"]} member is in the body");
            }
        }

        CheckXmlElement(output, document, operation, problems);
        return problems;
    }

    private void CheckJsonNode(string shapeName, JsonNode? node, string path, List<string> problems)
    {
        if (node is null)
        {
            problems.Add($"{path}: null");
            return;
        }

        var shape = shapes[shapeName]!.AsObject();
        var type = shape["type"]!.GetValue<string>();
        switch (type)
        {
            case "structure":
                if (node is not JsonObject obj)
                {
                    problems.Add($"{path}: expected an object ({shapeName})");
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

                    CheckJsonNode(member["shape"]!.GetValue<string>(), value, $"{path}.{name}", problems);
                }

                break;
            case "list":
                if (node is not JsonArray array)
                {
                    problems.Add($"{path}: expected an array ({shapeName})");
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    CheckJsonNode(shape["member"]!["shape"]!.GetValue<string>(), array[i], $"{path}[{i}]", problems);
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
                    CheckJsonNode(shape["value"]!["shape"]!.GetValue<string>(), value, $"{path}[{key}]", problems);
                }

                break;
            default:
                CheckScalar(shape, shapeName, node.GetValueKind(), node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString(), path, problems, json: true);
                break;
        }
    }

    private void CheckXmlElement(string shapeName, XElement element, string path, List<string> problems)
    {
        var shape = shapes[shapeName]!.AsObject();
        switch (shape["type"]!.GetValue<string>())
        {
            case "structure":
                var members = shape["members"]!.AsObject();
                foreach (var child in element.Elements())
                {
                    var member = members.FirstOrDefault(m => (m.Value!["locationName"]?.GetValue<string>() ?? m.Key) == child.Name.LocalName);
                    if (member.Value is null)
                    {
                        problems.Add($"{path}.{child.Name.LocalName}: not a member of {shapeName}");
                        continue;
                    }

                    CheckXmlElement(member.Value["shape"]!.GetValue<string>(), child, $"{path}.{child.Name.LocalName}", problems);
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

                    CheckXmlElement(shape["member"]!["shape"]!.GetValue<string>(), item, $"{path}[]", problems);
                }

                break;
            case "map":
                foreach (var entry in element.Elements())
                {
                    var value = entry.Elements().FirstOrDefault(e => e.Name.LocalName == "value");
                    if (value is not null)
                    {
                        CheckXmlElement(shape["value"]!["shape"]!.GetValue<string>(), value, $"{path}[]", problems);
                    }
                }

                break;
            default:
                CheckScalar(shape, shapeName, JsonValueKind.String, element.Value, path, problems, json: false);
                break;
        }
    }

    private static void CheckScalar(JsonObject shape, string shapeName, JsonValueKind kind, string text, string path, List<string> problems, bool json)
    {
        var type = shape["type"]!.GetValue<string>();
        var ok = type switch
        {
            "string" => kind == JsonValueKind.String,
            "blob" => kind == JsonValueKind.String,
            "boolean" => json ? kind is JsonValueKind.True or JsonValueKind.False : text is "true" or "false",
            "integer" or "long" => (!json || kind == JsonValueKind.Number) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            "double" or "float" => (!json || kind == JsonValueKind.Number) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            "timestamp" => json ? kind == JsonValueKind.Number : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
            _ => true,
        };
        if (!ok)
        {
            problems.Add($"{path}: '{text}' is not a {type} ({shapeName})");
            return;
        }

        if (shape["enum"] is JsonArray values && values.All(v => v!.GetValue<string>() != text))
        {
            problems.Add($"{path}: '{text}' is not in enum {shapeName}");
        }
    }
}

/// <summary>Collects every JSON response a test's client receives, for conformance checks afterwards.</summary>
internal sealed class ResponseRecorder
{
    private readonly Lock gate = new();

    public List<(string Service, string Operation, JsonNode Response)> Json { get; } = [];

    public List<(string Service, string Operation, XElement Response)> Xml { get; } = [];

    /// <summary>rest-xml responses (Route 53): the document's root element, members directly inside.</summary>
    public List<(string Service, string Operation, XElement Response)> RestXml { get; } = [];

    public void Add(string service, string operation, JsonNode response)
    {
        lock (gate)
        {
            Json.Add((service, operation, response.DeepClone()));
        }
    }

    public void Add(string service, string operation, XElement response)
    {
        lock (gate)
        {
            Xml.Add((service, operation, new XElement(response)));
        }
    }

    public void AddRestXml(string service, string operation, XElement response)
    {
        lock (gate)
        {
            RestXml.Add((service, operation, new XElement(response)));
        }
    }
}
