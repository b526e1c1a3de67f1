using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EcsBuildTasks.Aws.Tests.Fakes;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests.Conformance;

/// <summary>
/// The rest-xml protocol rules (botocore's serializer and parser), written from the model independently of the
/// generator: a request on the wire is rebuilt into the model's JSON form from its method, URI labels, query
/// parameters, headers and XML document; a response is written as the service would (members of the output's body in
/// a root element, header members in headers).
/// </summary>
internal sealed class RestXmlModel
{
    private readonly AwsModel model;
    private readonly QueryModel xml;

    public RestXmlModel(AwsModel model)
    {
        this.model = model;
        xml = new QueryModel(model);
    }

    public JsonObject Http(string operation) => model.Operation(operation)["http"]!.AsObject();

    /// <summary>The request as the model's JSON document (members in model order), with every departure from the protocol in <paramref name="problems"/>.</summary>
    public JsonObject Rebuild(string operation, RecordedRequest sent, List<string> problems)
    {
        var found = RebuildUnordered(operation, sent, problems);
        var ordered = new JsonObject();
        var inputName = model.InputShape(operation);
        foreach (var (name, _, member) in inputName is null ? [] : AwsModel.Members(model.Shape(inputName)))
        {
            var key = AwsModel.WireName(name, member);
            if (found.Remove(key, out var value))
            {
                ordered[key] = value;
            }
        }

        return ordered;
    }

    private JsonObject RebuildUnordered(string operation, RecordedRequest sent, List<string> problems)
    {
        var http = Http(operation);
        var result = new JsonObject();
        var inputName = model.InputShape(operation);
        if ((string)http["method"]! != sent.Method)
        {
            problems.Add($"method {sent.Method}, the model says {http["method"]}");
        }

        var question = sent.Path.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? sent.Path : sent.Path[..question];
        var query = question < 0 ? string.Empty : sent.Path[(question + 1)..];
        var input = inputName is null ? null : model.Shape(inputName);
        var members = input is null ? [] : AwsModel.Members(input).ToList();

        // URI labels: the template's segments must match literally, labels take one percent-decoded segment.
        var template = ((string)http["requestUri"]!).Split('?')[0].Split('/');
        var segments = path.Split('/');
        if (template.Length != segments.Length)
        {
            problems.Add($"path {path} does not fit {http["requestUri"]}");
        }
        else
        {
            for (var i = 0; i < template.Length; i++)
            {
                if (template[i].StartsWith('{'))
                {
                    var label = template[i].Trim('{', '}', '+');
                    var member = members.Single(m => (string?)m.Member["location"] == "uri" && (string?)m.Member["locationName"] == label);
                    result[member.Name] = Scalar(member.Target, Uri.UnescapeDataString(segments[i]), $"label {label}", problems);
                }
                else if (template[i] != segments[i])
                {
                    problems.Add($"path segment {segments[i]} should be {template[i]}");
                }
            }
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            var member = members.FirstOrDefault(m => (string?)m.Member["location"] == "querystring" && (string?)m.Member["locationName"] == name);
            if (member.Name is null)
            {
                problems.Add($"query parameter {name} is not in the model");
                continue;
            }

            if (result.ContainsKey(member.Name))
            {
                problems.Add($"query parameter {name} sent twice");
            }

            result[member.Name] = Scalar(member.Target, value, $"query {name}", problems);
        }

        foreach (var (name, target, member) in members.Where(m => (string?)m.Member["location"] == "header"))
        {
            if (sent.Header((string)member["locationName"]!) is { } header)
            {
                result[name] = Scalar(target, header, $"header {member["locationName"]}", problems);
            }
        }

        var bodyMembers = members.Where(m => m.Member["location"] is null).ToList();
        if (sent.Body.Length == 0)
        {
            return result;
        }

        if (bodyMembers.Count == 0)
        {
            problems.Add("a body was sent for an operation without body members");
            return result;
        }

        var operationInput = model.Operation(operation)["input"]!;
        var root = XDocument.Parse(sent.BodyText).Root!;
        var rootName = (string?)operationInput["locationName"] ?? inputName!;
        var ns = (string?)operationInput["xmlNamespace"]?["uri"] ?? string.Empty;
        if (root.Name != XName.Get(rootName, ns))
        {
            problems.Add($"body root {root.Name} should be {{{ns}}}{rootName}");
        }

        if (!string.Equals(sent.Header("Content-Type"), "application/xml", StringComparison.Ordinal))
        {
            problems.Add($"Content-Type {sent.Header("Content-Type")} for an XML document");
        }

        foreach (var child in root.Elements())
        {
            if (child.Name.Namespace != root.Name.Namespace)
            {
                problems.Add($"{child.Name} is not in the document's namespace");
            }

            var member = bodyMembers.FirstOrDefault(m => AwsModel.WireName(m.Name, m.Member) == child.Name.LocalName);
            if (member.Name is null)
            {
                problems.Add($"body element {child.Name.LocalName} is not a member of {inputName}");
                continue;
            }

            result[AwsModel.WireName(member.Name, member.Member)] = FromXml(member.Target, child, child.Name.LocalName, problems);
        }

        return result;
    }

    /// <summary>A response as the service sends it: status, header members, and the body members under the root.</summary>
    public FakeResponse Response(string operation, JsonNode sample, string requestId)
    {
        var output = model.OutputShape(operation);
        var ns = XNamespace.Get((string?)model.Operation(operation)["input"]?["xmlNamespace"]?["uri"] ?? $"https://{model.Metadata["endpointPrefix"]}.amazonaws.com/doc/{model.Metadata["apiVersion"]}/");
        var root = new XElement(ns + operation + "Response");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (output is not null)
        {
            foreach (var (name, target, member) in AwsModel.Members(model.Shape(output)))
            {
                if (sample[AwsModel.WireName(name, member)] is not { } value)
                {
                    continue;
                }

                switch ((string?)member["location"])
                {
                    case null:
                        root.Add(xml.ToXml(target, value, ns + AwsModel.WireName(name, member)));
                        break;
                    case "header":
                        headers[(string)member["locationName"]!] = value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                        break;
                    default:
                        throw new NotSupportedException($"{output}.{name} in {member["location"]}");
                }
            }
        }

        var response = FakeResponse.Xml(root.ToString(SaveOptions.DisableFormatting), (int?)Http(operation)["responseCode"] ?? 200).WithHeader("x-amzn-RequestId", requestId);
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        return response;
    }

    private JsonNode? FromXml(string shapeName, XElement element, string path, List<string> problems)
    {
        var shape = model.Shape(shapeName);
        switch ((string)shape["type"]!)
        {
            case "structure":
            {
                var result = new JsonObject();
                var members = AwsModel.Members(shape).ToList();
                foreach (var child in element.Elements())
                {
                    var member = members.FirstOrDefault(m => AwsModel.WireName(m.Name, m.Member) == child.Name.LocalName);
                    if (member.Name is null)
                    {
                        problems.Add($"{path}.{child.Name.LocalName} is not a member of {shapeName}");
                        continue;
                    }

                    result[child.Name.LocalName] = FromXml(member.Target, child, $"{path}.{child.Name.LocalName}", problems);
                }

                return result;
            }

            case "list":
            {
                var itemName = (string?)shape["member"]!["locationName"] ?? "member";
                var array = new JsonArray();
                foreach (var item in element.Elements())
                {
                    if (item.Name.LocalName != itemName)
                    {
                        problems.Add($"{path}: list item <{item.Name.LocalName}> should be <{itemName}>");
                    }

                    array.Add(FromXml((string)shape["member"]!["shape"]!, item, path + "[]", problems));
                }

                return array;
            }

            case "map":
            {
                var map = new JsonObject();
                foreach (var entry in element.Elements())
                {
                    var key = entry.Elements().Single(e => e.Name.LocalName == ((string?)shape["key"]!["locationName"] ?? "key")).Value;
                    map[key] = FromXml((string)shape["value"]!["shape"]!, entry.Elements().Single(e => e.Name.LocalName == ((string?)shape["value"]!["locationName"] ?? "value")), path + "[]", problems);
                }

                return map;
            }

            default:
                if (element.HasElements)
                {
                    problems.Add($"{path}: a scalar ({shapeName}) with child elements");
                }

                return Scalar(shapeName, element.Value, path, problems);
        }
    }

    private JsonValue? Scalar(string shapeName, string text, string where, List<string> problems)
    {
        var type = (string)model.Shape(shapeName)["type"]!;
        switch (type)
        {
            case "string":
            case "blob":
                return JsonValue.Create(text);
            case "integer":
            case "long":
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return JsonValue.Create(integer);
                }

                break;
            case "double":
            case "float":
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return JsonValue.Create(number);
                }

                break;
            case "boolean":
                if (text is "true" or "false")
                {
                    return JsonValue.Create(text == "true");
                }

                break;
            case "timestamp":
                if (DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                {
                    return JsonValue.Create((time - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond / 1000m);
                }

                break;
        }

        problems.Add($"{where}: '{text}' is not a rest-xml {type} ({shapeName})");
        return null;
    }
}
