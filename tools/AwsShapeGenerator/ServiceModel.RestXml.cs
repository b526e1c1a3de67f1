using System.Text.Json.Nodes;

namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>Where a member travels in a REST request or response (botocore's <c>location</c>).</summary>
internal enum MemberLocation
{
    Body,
    Uri,
    QueryString,
    Header,
    StatusCode,
}

/// <summary>An operation's HTTP binding: method, URI template (labels in braces, a <c>?</c> part for fixed query
/// parameters), the success status when it is not 200, and the root element of an XML request body.</summary>
internal sealed record RestXmlHttp(string Method, string RequestUri, int? ResponseCode, string? InputRootName, string? InputXmlNamespace);

/// <summary>A member's binding in a REST protocol.</summary>
/// <param name="Location">Where the member travels.</param>
/// <param name="WireName">Its name there: the URI label, query parameter, header or XML element name.</param>
/// <param name="XmlAttribute">An XML attribute rather than an element (no operation we use has one; the generator refuses it).</param>
internal sealed record RestXmlMember(MemberLocation Location, string WireName, bool XmlAttribute);

/// <summary>The rest-xml facts of a botocore model: HTTP bindings of operations and locations of members.</summary>
internal sealed class RestXmlModel
{
    private readonly Dictionary<string, Dictionary<string, RestXmlMember>> members = new(StringComparer.Ordinal);

    public required IReadOnlyDictionary<string, RestXmlHttp> Http { get; init; }

    /// <summary>Structure shapes whose body is one member (botocore's <c>payload</c>), by shape name.</summary>
    public required IReadOnlyDictionary<string, string> Payloads { get; init; }

    public RestXmlMember Member(string shapeName, string memberName) => members[shapeName][memberName];

    public static RestXmlModel Read(JsonObject root)
    {
        var http = new Dictionary<string, RestXmlHttp>(StringComparer.Ordinal);
        foreach (var (name, node) in root["operations"]!.AsObject())
        {
            var binding = node!["http"]!.AsObject();
            http[name] = new RestXmlHttp(
                (string)binding["method"]!,
                (string)binding["requestUri"]!,
                (int?)binding["responseCode"],
                (string?)node["input"]?["locationName"],
                (string?)node["input"]?["xmlNamespace"]?["uri"]);
        }

        var payloads = new Dictionary<string, string>(StringComparer.Ordinal);
        var model = new RestXmlModel { Http = http, Payloads = payloads };
        foreach (var (shapeName, node) in root["shapes"]!.AsObject())
        {
            if ((string?)node!["payload"] is { } payload)
            {
                payloads[shapeName] = payload;
            }

            if (node["members"] is not JsonObject shapeMembers)
            {
                continue;
            }

            var bindings = new Dictionary<string, RestXmlMember>(StringComparer.Ordinal);
            foreach (var (memberName, memberNode) in shapeMembers)
            {
                var location = (string?)memberNode!["location"] switch
                {
                    null => MemberLocation.Body,
                    "uri" => MemberLocation.Uri,
                    "querystring" => MemberLocation.QueryString,
                    "header" => MemberLocation.Header,
                    "statusCode" => MemberLocation.StatusCode,
                    var other => throw new InvalidOperationException($"{shapeName}.{memberName}: location {other} is not supported"),
                };
                bindings[memberName] = new RestXmlMember(location, (string?)memberNode["locationName"] ?? memberName, (bool?)memberNode["xmlAttribute"] ?? false);
            }

            model.members[shapeName] = bindings;
        }

        return model;
    }
}

/// <summary>The rest-xml facts, read only for services that speak it.</summary>
internal sealed partial class ServiceModel
{
    public RestXmlModel? RestXml { get; init; }
}
