using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace EcsBuildTasks.LocalEcs.Protocols;

/// <summary>
/// The AWS Query protocol (ELBv2, STS, CloudWatch) and its EC2 dialect: form-encoded requests whose dotted names
/// (<c>Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight</c>, EC2's <c>Filter.1.Value.1</c>) become a tree,
/// and XML responses.
/// </summary>
internal static class QueryProtocol
{
    /// <summary>Turns form parameters into a tree: numbered segments become arrays, <c>member</c> markers vanish.</summary>
    public static JsonObject ParseParameters(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var root = new JsonObject();
        foreach (var (key, value) in parameters)
        {
            var segments = key.Split('.').Where(s => s is not "member").ToArray();
            JsonNode current = root;
            for (var i = 0; i < segments.Length; i++)
            {
                var last = i == segments.Length - 1;
                var nextIsIndex = !last && IsIndex(segments[i + 1]);
                JsonNode? Create() => nextIsIndex ? new JsonArray() : new JsonObject();
                if (current is JsonObject obj)
                {
                    if (last)
                    {
                        obj[segments[i]] = value;
                        break;
                    }

                    if (obj[segments[i]] is not (JsonObject or JsonArray))
                    {
                        obj[segments[i]] = Create();
                    }

                    current = obj[segments[i]]!;
                }
                else if (current is JsonArray array && IsIndex(segments[i]))
                {
                    var index = int.Parse(segments[i], CultureInfo.InvariantCulture) - 1;
                    while (array.Count <= index)
                    {
                        array.Add(null);
                    }

                    if (last)
                    {
                        array[index] = value;
                        break;
                    }

                    array[index] ??= Create();
                    current = array[index]!;
                }
                else
                {
                    break;
                }
            }
        }

        RemoveHoles(root);
        return root;
    }

    public static byte[] Response(string action, string xmlNamespace, JsonObject? result, string requestId)
    {
        return WriteDocument(writer =>
        {
            writer.WriteStartElement(action + "Response", xmlNamespace);
            writer.WriteStartElement(action + "Result");
            if (result is not null)
            {
                WriteMembers(writer, result, "member");
            }

            writer.WriteEndElement();
            writer.WriteStartElement("ResponseMetadata");
            writer.WriteElementString("RequestId", requestId);
            writer.WriteEndElement();
            writer.WriteEndElement();
        });
    }

    public static byte[] Error(AwsServiceException error, string xmlNamespace, string requestId)
    {
        return WriteDocument(writer =>
        {
            writer.WriteStartElement("ErrorResponse", xmlNamespace);
            writer.WriteStartElement("Error");
            writer.WriteElementString("Type", error.FaultType);
            writer.WriteElementString("Code", error.Code);
            writer.WriteElementString("Message", error.Message);
            writer.WriteEndElement();
            writer.WriteElementString("RequestId", requestId);
            writer.WriteEndElement();
        });
    }

    /// <summary>EC2's dialect: no Result wrapper, a lower-case <c>requestId</c>, lists of <c>item</c>.</summary>
    public static byte[] Ec2Response(string action, string xmlNamespace, JsonObject result, string requestId)
    {
        return WriteDocument(writer =>
        {
            writer.WriteStartElement(action + "Response", xmlNamespace);
            writer.WriteElementString("requestId", requestId);
            WriteMembers(writer, result, "item");
            writer.WriteEndElement();
        });
    }

    public static byte[] Ec2Error(AwsServiceException error, string requestId)
    {
        return WriteDocument(writer =>
        {
            writer.WriteStartElement("Response");
            writer.WriteStartElement("Errors");
            writer.WriteStartElement("Error");
            writer.WriteElementString("Code", error.Code);
            writer.WriteElementString("Message", error.Message);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteElementString("RequestID", requestId);
            writer.WriteEndElement();
        });
    }

    private static bool IsIndex(string segment) => segment.Length > 0 && segment.All(char.IsAsciiDigit);

    private static void RemoveHoles(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    RemoveHoles(value);
                }

                break;
            case JsonArray array:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    if (array[i] is null)
                    {
                        array.RemoveAt(i);
                    }
                    else
                    {
                        RemoveHoles(array[i]);
                    }
                }

                break;
        }
    }

    private static byte[] WriteDocument(Action<XmlWriter> write)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    private static void WriteMembers(XmlWriter writer, JsonObject obj, string listElement)
    {
        foreach (var (name, value) in obj)
        {
            if (value is null)
            {
                continue;
            }

            writer.WriteStartElement(name);
            WriteContent(writer, value, listElement);
            writer.WriteEndElement();
        }
    }

    private static void WriteContent(XmlWriter writer, JsonNode node, string listElement)
    {
        switch (node)
        {
            case JsonObject obj:
                WriteMembers(writer, obj, listElement);
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is null)
                    {
                        continue;
                    }

                    writer.WriteStartElement(listElement);
                    WriteContent(writer, item, listElement);
                    writer.WriteEndElement();
                }

                break;
            case JsonValue value:
                writer.WriteString(Scalar(value));
                break;
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
}
