using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests.Conformance;

/// <summary>A botocore service model read from ../shared/aws-models (tests end Inconclusive, or fail in CI, without it).</summary>
internal sealed class AwsApiModel
{
    private static readonly ConcurrentDictionary<string, AwsApiModel> Cache = new(StringComparer.Ordinal);

    private AwsApiModel(JsonObject root, JsonObject? paginators)
    {
        Root = root;
        Paginators = paginators;
    }

    public JsonObject Root { get; }

    public JsonObject? Paginators { get; }

    public JsonObject Metadata => Root["metadata"]!.AsObject();

    public string Protocol => (string)Metadata["protocol"]! == "smithy-rpc-v2-cbor" ? "query" : (string)Metadata["protocol"]!;

    public static AwsApiModel Load(string service)
    {
        return Cache.GetOrAdd(service, name =>
        {
            var root = AwsModel.ReadDocument(name);
            var paginatorsPath = Path.Combine(AwsModel.VersionDirectory(name), "paginators-1.json");
            var paginators = File.Exists(paginatorsPath) ? JsonNode.Parse(File.ReadAllText(paginatorsPath))!["pagination"]!.AsObject() : null;
            return new AwsApiModel(root, paginators);
        });
    }

    public JsonObject Shape(string name) => Root["shapes"]![name]?.AsObject() ?? throw new KeyNotFoundException($"Shape {name} is not in the model");

    public JsonObject Operation(string name) => Root["operations"]![name]?.AsObject() ?? throw new KeyNotFoundException($"Operation {name} is not in the model");

    public string? InputShape(string operation) => (string?)Operation(operation)["input"]?["shape"];

    public string? OutputShape(string operation) => (string?)Operation(operation)["output"]?["shape"];

    public static IEnumerable<(string Name, string Target, JsonObject Member)> Members(JsonObject shape)
    {
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
    public static string WireName(string memberName, JsonObject member) =>
        member["location"] is null ? (string?)member["locationName"] ?? memberName : memberName;
}
