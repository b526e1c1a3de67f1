using System.Text.Json.Nodes;

namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>A member of a structure shape, as the botocore model declares it (documentation is never read).</summary>
internal sealed record MemberModel(string Name, string Target, string? LocationName, bool Flattened, string? TimestampFormat);

/// <summary>A shape from <c>service-2.json</c>; only the facts the generator needs.</summary>
internal sealed class ShapeModel
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public IReadOnlyList<MemberModel> Members { get; init; } = [];

    public IReadOnlySet<string> Required { get; init; } = new HashSet<string>();

    public IReadOnlyList<string> Enum { get; init; } = [];

    public string? ListMember { get; init; }

    public string? ListMemberLocationName { get; init; }

    public string? MapKey { get; init; }

    public string? MapValue { get; init; }

    public string? MapKeyLocationName { get; init; }

    public string? MapValueLocationName { get; init; }

    public bool Flattened { get; init; }

    public bool IsException { get; init; }

    /// <summary>The Query protocol error code (<c>error.code</c>) when it differs from the shape name.</summary>
    public string? ErrorCode { get; init; }

    public int? ErrorHttpStatus { get; init; }

    public bool IsEnum => Type == "string" && Enum.Count > 0;
}

internal sealed record OperationModel(string Name, string? Input, string? Output, string? ResultWrapper, IReadOnlyList<string> Errors);

/// <summary>A paginator: one or several tokens (Route 53's record name, type and identifier), and the member that says
/// whether more pages follow when the service names one (<c>IsTruncated</c>); otherwise a non-empty token does.</summary>
internal sealed record PaginatorModel(
    string Operation,
    IReadOnlyList<string> InputTokens,
    IReadOnlyList<string> OutputTokens,
    string? MoreResults,
    string? LimitKey,
    IReadOnlyList<string> ResultKeys);

/// <summary>The parts of a botocore service model (service-2.json and paginators-1.json) the generator uses.</summary>
internal sealed partial class ServiceModel
{
    public required string ApiVersion { get; init; }

    public required string EndpointPrefix { get; init; }

    public required string SigningName { get; init; }

    public required string ServiceId { get; init; }

    public string? TargetPrefix { get; init; }

    public required IReadOnlyDictionary<string, ShapeModel> Shapes { get; init; }

    public required IReadOnlyDictionary<string, OperationModel> Operations { get; init; }

    public required IReadOnlyDictionary<string, PaginatorModel> Paginators { get; init; }

    /// <summary>Finds <c>&lt;models&gt;/&lt;service&gt;/&lt;only version&gt;</c>.</summary>
    public static string FindServiceDirectory(string modelsDirectory, string modelName)
    {
        var serviceDirectory = Path.Combine(modelsDirectory, modelName);
        var versions = Directory.GetDirectories(serviceDirectory).Order(StringComparer.Ordinal).ToArray();
        if (versions.Length == 0)
        {
            throw new InvalidOperationException($"No model version under {serviceDirectory}");
        }

        // botocore keeps one folder per API version; the newest is the one the service speaks.
        return versions[^1];
    }

    public static ServiceModel Load(string modelsDirectory, string modelName)
    {
        var directory = FindServiceDirectory(modelsDirectory, modelName);
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "service-2.json")))!.AsObject();
        var metadata = root["metadata"]!.AsObject();
        var shapes = new Dictionary<string, ShapeModel>(StringComparer.Ordinal);
        foreach (var (name, node) in root["shapes"]!.AsObject())
        {
            shapes[name] = ParseShape(name, node!.AsObject());
        }

        var operations = new Dictionary<string, OperationModel>(StringComparer.Ordinal);
        foreach (var (name, node) in root["operations"]!.AsObject())
        {
            var op = node!.AsObject();
            operations[name] = new OperationModel(
                name,
                (string?)op["input"]?["shape"],
                (string?)op["output"]?["shape"],
                (string?)op["output"]?["resultWrapper"],
                op["errors"]?.AsArray().Select(e => (string)e!["shape"]!).ToArray() ?? []);
        }

        var paginators = new Dictionary<string, PaginatorModel>(StringComparer.Ordinal);
        var paginatorsPath = Path.Combine(directory, "paginators-1.json");
        if (File.Exists(paginatorsPath))
        {
            foreach (var (name, node) in JsonNode.Parse(File.ReadAllText(paginatorsPath))!["pagination"]!.AsObject())
            {
                var p = node!.AsObject();
                paginators[name] = new PaginatorModel(
                    name,
                    Strings(p["input_token"]),
                    Strings(p["output_token"]),
                    (string?)p["more_results"],
                    (string?)p["limit_key"],
                    Strings(p["result_key"]));
            }
        }

        return new ServiceModel
        {
            ApiVersion = (string)metadata["apiVersion"]!,
            EndpointPrefix = (string)metadata["endpointPrefix"]!,
            SigningName = (string?)metadata["signingName"] ?? (string)metadata["endpointPrefix"]!,
            ServiceId = (string)metadata["serviceId"]!,
            TargetPrefix = (string?)metadata["targetPrefix"],
            Shapes = shapes,
            Operations = operations,
            Paginators = paginators,
            RestXml = root["metadata"]!["protocol"]?.GetValue<string>() == "rest-xml" ? RestXmlModel.Read(root) : null,
        };
    }

    /// <summary>A paginators-1.json value that is one name or a list of names.</summary>
    private static string[] Strings(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(k => (string)k!).ToArray(),
        JsonValue value => [(string)value!],
        _ => [],
    };

    private static ShapeModel ParseShape(string name, JsonObject node)
    {
        var type = (string)node["type"]!;
        var members = new List<MemberModel>();
        if (node["members"] is JsonObject memberNodes)
        {
            foreach (var (memberName, memberNode) in memberNodes)
            {
                var m = memberNode!.AsObject();
                members.Add(new MemberModel(
                    memberName,
                    (string)m["shape"]!,
                    (string?)m["locationName"],
                    (bool?)m["flattened"] ?? false,
                    (string?)m["timestampFormat"]));
            }
        }

        return new ShapeModel
        {
            Name = name,
            Type = type,
            Members = members,
            Required = node["required"]?.AsArray().Select(r => (string)r!).ToHashSet(StringComparer.Ordinal) ?? [],
            Enum = node["enum"]?.AsArray().Select(e => (string)e!).ToArray() ?? [],
            ListMember = (string?)node["member"]?["shape"],
            ListMemberLocationName = (string?)node["member"]?["locationName"],
            MapKey = (string?)node["key"]?["shape"],
            MapValue = (string?)node["value"]?["shape"],
            MapKeyLocationName = (string?)node["key"]?["locationName"],
            MapValueLocationName = (string?)node["value"]?["locationName"],
            Flattened = (bool?)node["flattened"] ?? false,
            IsException = (bool?)node["exception"] ?? false,
            ErrorCode = (string?)node["error"]?["code"],
            ErrorHttpStatus = (int?)node["error"]?["httpStatusCode"],
        };
    }
}
