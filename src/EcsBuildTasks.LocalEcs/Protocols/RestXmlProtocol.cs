using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using EcsBuildTasks.LocalEcs.Hosting;

namespace EcsBuildTasks.LocalEcs.Protocols;

/// <summary>
/// An operation's HTTP binding in a rest-xml service: method, URI template (<c>/2013-04-01/hostedzone/{Id}/rrset</c>),
/// the success status when it is not 200, and the output members that travel as headers (CreateHostedZone's
/// <c>Location</c>).
/// </summary>
internal sealed record RestXmlRoute(string Method, string Template, string Operation, int SuccessStatus = 200, IReadOnlyList<string>? HeaderMembers = null)
{
    private readonly string[] segments = Template.Trim('/').Split('/');

    /// <summary>Matches a request path segment by segment; a trailing slash is optional, as on AWS.</summary>
    public bool TryMatch(string method, string path, out Dictionary<string, string> labels)
    {
        labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.Equals(method, Method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var parts = path.Trim('/').Split('/');
        if (parts.Length != segments.Length)
        {
            return false;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            if (segments[i].StartsWith('{') && segments[i].EndsWith('}'))
            {
                if (parts[i].Length == 0)
                {
                    return false;
                }

                labels[segments[i][1..^1]] = Uri.UnescapeDataString(parts[i]);
            }
            else if (!string.Equals(parts[i], segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A service LocalEcs serves with the rest-xml protocol (Route 53).</summary>
internal interface IRestXmlApi : IAwsApi
{
    IReadOnlyList<RestXmlRoute> Routes { get; }

    /// <summary>Element names of lists, with the element name of their items (<c>ResourceRecordSets</c> →
    /// <c>ResourceRecordSet</c>): how requests are read into arrays and arrays are written back.</summary>
    IReadOnlyDictionary<string, string> ListItems { get; }
}

/// <summary>A request routed to an operation, with the values of its URI labels.</summary>
internal sealed record RestXmlMatch(IRestXmlApi Api, RestXmlRoute Route, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// The rest-xml protocol on the server side: routing by method and URI, request members from the URI labels, the
/// query string and the XML document (by their wire names), responses as a <c>&lt;{Operation}Response&gt;</c>
/// document in the service's namespace with header members moved to headers, and errors as
/// <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>.
/// </summary>
internal static class RestXmlProtocol
{
    public static RestXmlMatch? Match(IEnumerable<IAwsApi> apis, string method, string path)
    {
        foreach (var api in apis.OfType<IRestXmlApi>())
        {
            foreach (var route in api.Routes)
            {
                if (route.TryMatch(method, path, out var labels))
                {
                    return new RestXmlMatch(api, route, labels);
                }
            }
        }

        return null;
    }

    /// <summary>True when the path belongs to a rest-xml service, whatever the method (for a precise error).</summary>
    public static IRestXmlApi? Owner(IEnumerable<IAwsApi> apis, string path) =>
        apis.OfType<IRestXmlApi>().FirstOrDefault(a => a.Routes.Any(r => path.StartsWith("/" + r.Template.Trim('/').Split('/')[0] + "/", StringComparison.Ordinal)));

    /// <summary>The request's members by wire name: labels, query parameters, then the document's elements.</summary>
    public static JsonObject ParseRequest(RestXmlMatch match, IEnumerable<KeyValuePair<string, string>> query, byte[] body)
    {
        var input = new JsonObject();
        foreach (var (name, value) in match.Labels)
        {
            input[name] = value;
        }

        foreach (var (name, value) in query)
        {
            input[name] = value;
        }

        if (body.Length == 0)
        {
            return input;
        }

        // The hardened reader: no DTD, nesting and size within the limits, answered with Route 53's own error.
        var root = XmlRequestReader.Parse(body, "InvalidInput", "Invalid XML ; ").Root
            ?? throw new AwsServiceException("InvalidInput", "Invalid XML ; the document has no root element.");

        foreach (var child in root.Elements())
        {
            input[child.Name.LocalName] = Read(child, match.Api.ListItems);
        }

        return input;
    }

    public static byte[] Response(RestXmlMatch match, JsonObject? result)
    {
        var ns = XNamespace.Get(match.Api.XmlNamespace!);
        var root = new XElement(ns + match.Route.Operation + "Response");
        foreach (var (name, value) in result ?? [])
        {
            if (value is not null && match.Route.HeaderMembers?.Contains(name) != true)
            {
                root.Add(Write(ns, name, value, match.Api.ListItems));
            }
        }

        return Serialize(root);
    }

    /// <summary>Header members of the result, moved out of the document.</summary>
    public static IEnumerable<(string Name, string Value)> Headers(RestXmlMatch match, JsonObject? result) =>
        (match.Route.HeaderMembers ?? []).Where(h => result?[h] is JsonValue).Select(h => (h, Scalar((JsonValue)result![h]!)));

    /// <summary>
    /// Route 53's error document. Messages of an error that lists them (InvalidChangeBatch) are also written as the
    /// error shape's <c>messages</c> member, which the model declares.
    /// </summary>
    public static byte[] Error(AwsServiceException error, string xmlNamespace, string requestId)
    {
        var ns = XNamespace.Get(xmlNamespace);
        var body = new XElement(
            ns + "Error",
            new XElement(ns + "Type", error.FaultType),
            new XElement(ns + "Code", error.Code),
            new XElement(ns + "Message", error.Message));
        if (error.Messages.Count > 0)
        {
            body.Add(new XElement(ns + "messages", error.Messages.Select(m => new XElement(ns + "Message", m))));
        }

        return Serialize(new XElement(ns + "ErrorResponse", body, new XElement(ns + "RequestId", requestId)));
    }

    private static JsonNode? Read(XElement element, IReadOnlyDictionary<string, string> lists)
    {
        if (lists.ContainsKey(element.Name.LocalName))
        {
            return element.Elements().Select(item => Read(item, lists)).ToJsonArray();
        }

        if (!element.HasElements)
        {
            return JsonValue.Create(element.Value);
        }

        var obj = new JsonObject();
        foreach (var child in element.Elements())
        {
            obj[child.Name.LocalName] = Read(child, lists);
        }

        return obj;
    }

    private static XElement Write(XNamespace ns, string name, JsonNode value, IReadOnlyDictionary<string, string> lists)
    {
        switch (value)
        {
            case JsonObject obj:
                return new XElement(ns + name, obj.Where(m => m.Value is not null).Select(m => Write(ns, m.Key, m.Value!, lists)));
            case JsonArray array:
                if (!lists.TryGetValue(name, out var item))
                {
                    throw new InvalidOperationException($"No item element name for list {name}.");
                }

                return new XElement(ns + name, array.Where(v => v is not null).Select(v => Write(ns, item, v!, lists)));
            default:
                return new XElement(ns + name, Scalar((JsonValue)value));
        }
    }

    private static string Scalar(JsonValue value)
    {
        if (AwsValues.TryGetTimestamp(value, out var timestamp))
        {
            return AwsValues.ToIso8601(timestamp);
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => value.ToJsonString(),
        };
    }

    private static byte[] Serialize(XElement root)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false) };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            new XDocument(root).Save(writer);
        }

        return stream.ToArray();
    }
}
