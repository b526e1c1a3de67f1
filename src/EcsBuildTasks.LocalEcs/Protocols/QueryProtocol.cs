using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using EcsBuildTasks.LocalEcs.Hosting;

namespace EcsBuildTasks.LocalEcs.Protocols;

/// <summary>
/// The AWS Query protocol (ELBv2, STS, CloudWatch) and its EC2 dialect: form-encoded requests whose dotted names
/// (<c>Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight</c>, EC2's <c>Filter.1.Value.1</c>) become a tree,
/// and XML responses.
/// </summary>
internal static class QueryProtocol
{
    /// <summary>
    /// Decodes <c>application/x-www-form-urlencoded</c> pairs (a form body or a query string), strictly: invalid UTF-8
    /// after percent-decoding is a malformed request, not a replacement character. At most
    /// <see cref="RequestLimits.MaxQueryParameters"/> pairs.
    /// </summary>
    public static List<KeyValuePair<string, string>> ParseForm(ReadOnlySpan<byte> form)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        while (!form.IsEmpty)
        {
            var amp = form.IndexOf((byte)'&');
            var pair = amp < 0 ? form : form[..amp];
            form = amp < 0 ? [] : form[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            if (pairs.Count >= RequestLimits.MaxQueryParameters)
            {
                throw Malformed($"A request may have at most {RequestLimits.MaxQueryParameters} parameters.");
            }

            var equals = pair.IndexOf((byte)'=');
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            pairs.Add(new KeyValuePair<string, string>(key, value));
        }

        return pairs;
    }

    /// <summary>
    /// Turns form parameters into a tree: numbered segments become arrays (ordered by number, gaps closed), <c>member</c>
    /// markers vanish. Names are limited to <see cref="RequestLimits.MaxDepth"/> segments and list numbers to
    /// <see cref="RequestLimits.MaxQueryListIndex"/>; lists are sparse while parsing, so <c>member.20000000</c> costs one
    /// entry, not twenty million.
    /// </summary>
    public static JsonObject ParseParameters(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var root = new QueryNode();
        foreach (var (key, value) in parameters)
        {
            var segments = key.Split('.').Where(s => s is not "member").ToArray();
            if (segments.Length > RequestLimits.MaxDepth)
            {
                throw Malformed($"Parameter name '{Shorten(key)}' is nested deeper than {RequestLimits.MaxDepth} levels.");
            }

            var current = root;
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                var last = i == segments.Length - 1;
                if (current.Items is not null || (current.Members is null && IsIndex(segment)))
                {
                    if (!IsIndex(segment))
                    {
                        break;
                    }

                    var index = segment.Length > 9 ? int.MaxValue : int.Parse(segment, CultureInfo.InvariantCulture);
                    if (index is < 1 or > RequestLimits.MaxQueryListIndex)
                    {
                        throw Malformed($"List index {Shorten(segment)} in parameter '{Shorten(key)}' is out of range: list members are numbered from 1 to at most {RequestLimits.MaxQueryListIndex}.");
                    }

                    current.Items ??= [];
                    current.Members = null;
                    current = current.Items.TryGetValue(index, out var item) ? item : current.Items[index] = new QueryNode();
                }
                else
                {
                    current.Members ??= new Dictionary<string, QueryNode>(StringComparer.Ordinal);
                    current = current.Members.TryGetValue(segment, out var member) ? member : current.Members[segment] = new QueryNode();
                }

                if (last)
                {
                    current.Value = value;
                    current.Members = null;
                    current.Items = null;
                }
                else
                {
                    current.Value = null;
                }
            }
        }

        return root.ToJson() as JsonObject ?? [];
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

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Decode(ReadOnlySpan<byte> encoded)
    {
        var bytes = new byte[encoded.Length];
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == (byte)'+')
            {
                bytes[length++] = (byte)' ';
            }
            else if (b == (byte)'%' && i + 2 < encoded.Length && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]))
            {
                bytes[length++] = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                i += 2;
            }
            else
            {
                bytes[length++] = b;
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed("The request is not valid UTF-8 once percent-decoded.");
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static AwsServiceException Malformed(string message) => new("MalformedQueryString", message);

    /// <summary>A parameter tree under construction: a value, named members, or numbered items (kept sparse).</summary>
    private sealed class QueryNode
    {
        public string? Value { get; set; }

        public Dictionary<string, QueryNode>? Members { get; set; }

        public SortedDictionary<int, QueryNode>? Items { get; set; }

        public JsonNode? ToJson()
        {
            if (Items is not null)
            {
                var array = new JsonArray();
                foreach (var item in Items.Values)
                {
                    if (item.ToJson() is { } node)
                    {
                        array.Add(node);
                    }
                }

                return array;
            }

            if (Members is not null)
            {
                var obj = new JsonObject();
                foreach (var (name, member) in Members)
                {
                    if (member.ToJson() is { } node)
                    {
                        obj[name] = node;
                    }
                }

                return obj;
            }

            return Value is null ? null : JsonValue.Create(Value);
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
