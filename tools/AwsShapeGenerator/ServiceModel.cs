using System.Text.Json.Nodes;

namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>A member of a structure shape, as the botocore model declares it (documentation is never read).</summary>
internal sealed record MemberModel(string Name, string Target, string? LocationName, bool Flattened, string? TimestampFormat, string? QueryName = null);

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

    /// <summary>The one endpoint of a global service (IAM: <c>iam.amazonaws.com</c>, Route 53: <c>route53.amazonaws.com</c>),
    /// from the model's metadata; such a service has one host per partition (see the runtime's AwsGlobalEndpoints).</summary>
    public string? GlobalEndpoint { get; init; }

    public required IReadOnlyDictionary<string, ShapeModel> Shapes { get; init; }

    public required IReadOnlyDictionary<string, OperationModel> Operations { get; init; }

    public required IReadOnlyDictionary<string, PaginatorModel> Paginators { get; init; }

    /// <summary>The same model with the members <paramref name="excluded"/> names removed from every structure.</summary>
    public ServiceModel WithoutMembers(Func<string, bool> excluded)
    {
        var shapes = Shapes.ToDictionary(
            pair => pair.Key,
            pair => pair.Value.Members.Any(m => excluded(m.Name))
                ? new ShapeModel
                {
                    Name = pair.Value.Name,
                    Type = pair.Value.Type,
                    Members = pair.Value.Members.Where(m => !excluded(m.Name)).ToArray(),
                    Required = pair.Value.Required.Where(r => !excluded(r)).ToHashSet(StringComparer.Ordinal),
                    IsException = pair.Value.IsException,
                    ErrorCode = pair.Value.ErrorCode,
                    ErrorHttpStatus = pair.Value.ErrorHttpStatus,
                }
                : pair.Value,
            StringComparer.Ordinal);
        return new ServiceModel
        {
            ApiVersion = ApiVersion,
            EndpointPrefix = EndpointPrefix,
            SigningName = SigningName,
            ServiceId = ServiceId,
            TargetPrefix = TargetPrefix,
            GlobalEndpoint = GlobalEndpoint,
            Shapes = shapes,
            Operations = Operations,
            Paginators = Paginators,
            RestXml = RestXml,
        };
    }

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
            GlobalEndpoint = (string?)metadata["globalEndpoint"],
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
                    (string?)m["timestampFormat"],
                    (string?)m["queryName"]));
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
