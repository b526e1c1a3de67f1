using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests.Conformance;

/// <summary>
/// The AWS Query protocol rules, written from botocore's serializer independently of the generator; and its EC2
/// dialect (models with protocol <c>ec2</c>): a parameter is named by the member's queryName, else its locationName
/// with the first letter upper-cased, else its name; lists are <c>Name.N</c> and an empty list sends nothing.
/// </summary>
internal sealed class QueryModel
{
    private readonly AwsModel model;
    private readonly bool ec2;

    public QueryModel(AwsModel model)
    {
        this.model = model;
        ec2 = model.Protocol == "ec2";
    }

    /// <summary>The request parameter name of a member.</summary>
    private string ParameterName(string memberName, JsonObject member)
    {
        if (!ec2)
        {
            return AwsModel.WireName(memberName, member);
        }

        if ((string?)member["queryName"] is { } queryName)
        {
            return queryName;
        }

        return (string?)member["locationName"] is { Length: > 0 } location ? char.ToUpperInvariant(location[0]) + location[1..] : memberName;
    }

    public static Dictionary<string, string> ParseForm(string body)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            Assert.IsTrue(result.TryAdd(key, value), $"parameter {key} sent twice");
        }

        return result;
    }

    /// <summary>Rebuilds the JSON form of a request from its parameters, consuming every parameter it understands.</summary>
    public JsonNode? Rebuild(string shapeName, string key, IReadOnlyDictionary<string, string> parameters, HashSet<string> consumed, List<string> problems)
    {
        var shape = model.Shape(shapeName);
        switch ((string)shape["type"]!)
        {
            case "structure":
            {
                var result = new JsonObject();
                foreach (var (name, target, member) in AwsModel.Members(shape))
                {
                    var wire = AwsModel.WireName(name, member);
                    var parameter = ParameterName(name, member);
                    var child = Rebuild(target, key.Length == 0 ? parameter : key + "." + parameter, parameters, consumed, problems);
                    if (child is not null)
                    {
                        result[wire] = child;
                    }
                }

                return result.Count == 0 && key.Length > 0 ? null : result;
            }

            case "list" when ec2:
            {
                if (parameters.ContainsKey(key))
                {
                    problems.Add($"{key}: EC2 sends list items as {key}.N and nothing for an empty list");
                    consumed.Add(key);
                }

                var items = new JsonArray();
                for (var i = 1; ; i++)
                {
                    var item = Rebuild((string)shape["member"]!["shape"]!, $"{key}.{i}", parameters, consumed, problems);
                    if (item is null)
                    {
                        break;
                    }

                    items.Add(item);
                }

                return items.Count == 0 ? null : items;
            }

            case "map" when ec2:
                problems.Add($"{key}: EC2 maps are not expected in these operations");
                return null;

            case "list":
            {
                if (parameters.TryGetValue(key, out var bare) && consumed.Add(key))
                {
                    if (bare.Length != 0)
                    {
                        problems.Add($"{key}: a list is sent as {key}.member.N, not a value");
                    }

                    return new JsonArray();
                }

                var itemName = (string?)shape["member"]!["locationName"] ?? "member";
                var array = new JsonArray();
                for (var i = 1; ; i++)
                {
                    var item = Rebuild((string)shape["member"]!["shape"]!, $"{key}.{itemName}.{i}", parameters, consumed, problems);
                    if (item is null)
                    {
                        break;
                    }

                    array.Add(item);
                }

                return array.Count == 0 ? null : array;
            }

            case "map":
            {
                var map = new JsonObject();
                for (var i = 1; ; i++)
                {
                    var entry = $"{key}.entry.{i}.";
                    var entryKey = Rebuild((string)shape["key"]!["shape"]!, entry + ((string?)shape["key"]!["locationName"] ?? "key"), parameters, consumed, problems);
                    if (entryKey is null)
                    {
                        break;
                    }

                    map[entryKey.GetValue<string>()] = Rebuild((string)shape["value"]!["shape"]!, entry + ((string?)shape["value"]!["locationName"] ?? "value"), parameters, consumed, problems);
                }

                return map.Count == 0 ? null : map;
            }

            default:
                if (!parameters.TryGetValue(key, out var text))
                {
                    return null;
                }

                consumed.Add(key);
                return Scalar(shapeName, (string)shape["type"]!, key, text, problems);
        }
    }

    private static JsonValue? Scalar(string shapeName, string type, string key, string text, List<string> problems)
    {
        switch (type)
        {
            case "string":
            case "blob":
                return JsonValue.Create(text);
            case "integer":
            case "long":
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    problems.Add($"{key}: '{text}' is not an integer ({shapeName})");
                    return null;
                }

                return JsonValue.Create(integer);
            case "double":
            case "float":
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    problems.Add($"{key}: '{text}' is not a number ({shapeName})");
                    return null;
                }

                return JsonValue.Create(number);
            case "boolean":
                if (text is not ("true" or "false"))
                {
                    problems.Add($"{key}: '{text}' is not a Query boolean ({shapeName})");
                    return null;
                }

                return JsonValue.Create(text == "true");
            case "timestamp":
                if (!DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                {
                    problems.Add($"{key}: '{text}' is not an ISO-8601 UTC timestamp ({shapeName})");
                    return null;
                }

                return JsonValue.Create((time - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond / 1000m);
            default:
                problems.Add($"{key}: unsupported type {type}");
                return null;
        }
    }

    /// <summary>The XML a Query service sends for a shape: members as elements, lists of &lt;member&gt;, maps of &lt;entry&gt;.</summary>
    public XElement ToXml(string shapeName, JsonNode node, XName name)
    {
        var shape = model.Shape(shapeName);
        var ns = name.Namespace;
        switch ((string)shape["type"]!)
        {
            case "structure":
                return new XElement(name, AwsModel.Members(shape)
                    .Where(m => node[AwsModel.WireName(m.Name, m.Member)] is not null)
                    .Select(m => ToXml(m.Target, node[AwsModel.WireName(m.Name, m.Member)]!, ns + AwsModel.WireName(m.Name, m.Member))));
            case "list":
                var itemName = (string?)shape["member"]!["locationName"] ?? "member";
                return new XElement(name, node.AsArray().Select(item => ToXml((string)shape["member"]!["shape"]!, item!, ns + itemName)));
            case "map":
                return new XElement(name, node.AsObject().Select(entry => new XElement(
                    ns + "entry",
                    ToXml((string)shape["key"]!["shape"]!, JsonValue.Create(entry.Key), ns + ((string?)shape["key"]!["locationName"] ?? "key")),
                    ToXml((string)shape["value"]!["shape"]!, entry.Value!, ns + ((string?)shape["value"]!["locationName"] ?? "value")))));
            case "timestamp":
                return new XElement(name, ObjectMapper.Iso8601(node.GetValue<decimal>()));
            case "boolean":
                return new XElement(name, node.GetValue<bool>() ? "true" : "false");
            default:
                return new XElement(name, node.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString());
        }
    }
}
