using System.Formats.Cbor;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;

namespace EcsBuildTasks.LocalEcs.Protocols;

/// <summary>
/// Smithy RPC v2 CBOR, CloudWatch's preferred protocol in current AWS SDKs and CLIs:
/// <c>POST /service/{ServiceName}/operation/{Operation}</c> with a CBOR map body; timestamps are tag 1 (epoch seconds);
/// errors are a CBOR map with <c>__type</c> and <c>message</c>.
/// </summary>
internal static class CborProtocol
{
    public const string ContentType = "application/cbor";

    public static JsonObject ParseBody(byte[] body)
    {
        if (body.Length == 0)
        {
            return [];
        }

        try
        {
            // Strict: text strings must be valid UTF-8 and map keys unique (Lax would decode invalid bytes into U+FFFD).
            var reader = new CborReader(body, CborConformanceMode.Strict);
            var node = ReadNode(reader, 0) as JsonObject ?? throw new AwsServiceException("SerializationException", "Request body must be a CBOR map.");
            if (reader.BytesRemaining > 0)
            {
                throw new AwsServiceException("SerializationException", "Malformed CBOR request: data after the top-level map.");
            }

            return node;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            // The reader throws these for truncated, ill-formed or out-of-range items (and invalid UTF-8 in text strings).
            throw new AwsServiceException("SerializationException", "Malformed CBOR request: " + e.Message);
        }
    }

    public static byte[] Serialize(JsonNode? node)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        Write(writer, node ?? new JsonObject());
        return writer.Encode();
    }

    public static byte[] SerializeError(AwsServiceException error) =>
        Serialize(new JsonObject { ["__type"] = error.Code, ["message"] = error.Message });

    /// <summary>Reads one item; <paramref name="depth"/> counts enclosing maps, arrays and tags (limited before recursing).</summary>
    private static JsonNode? ReadNode(CborReader reader, int depth)
    {
        if (depth >= RequestLimits.MaxDepth)
        {
            throw new AwsServiceException("SerializationException", $"Malformed CBOR request: nested deeper than {RequestLimits.MaxDepth} levels.");
        }

        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
            {
                var obj = new JsonObject();
                reader.ReadStartMap();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    var key = reader.ReadTextString();
                    obj[key] = ReadNode(reader, depth + 1);
                }

                reader.ReadEndMap();
                return obj;
            }

            case CborReaderState.StartArray:
            {
                var array = new JsonArray();
                reader.ReadStartArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    array.Add(ReadNode(reader, depth + 1));
                }

                reader.ReadEndArray();
                return array;
            }

            case CborReaderState.TextString:
                return JsonValue.Create(reader.ReadTextString());
            case CborReaderState.ByteString:
                return JsonValue.Create(Convert.ToBase64String(reader.ReadByteString()));
            case CborReaderState.UnsignedInteger:
            case CborReaderState.NegativeInteger:
                return JsonValue.Create(reader.ReadInt64());
            case CborReaderState.HalfPrecisionFloat:
            case CborReaderState.SinglePrecisionFloat:
            case CborReaderState.DoublePrecisionFloat:
                return JsonValue.Create(reader.ReadDouble());
            case CborReaderState.Boolean:
                return JsonValue.Create(reader.ReadBoolean());
            case CborReaderState.Null:
                reader.ReadNull();
                return null;
            case CborReaderState.Tag:
            {
                var tag = reader.ReadTag();
                var inner = ReadNode(reader, depth + 1);
                if (tag == CborTag.UnixTimeSeconds && inner is JsonValue seconds && seconds.GetValueKind() == JsonValueKind.Number)
                {
                    var value = seconds.GetValue<double>();
                    if (!AwsValues.IsEpochSeconds(value))
                    {
                        throw new AwsServiceException("SerializationException", $"Timestamp {value.ToString(CultureInfo.InvariantCulture)} is out of range: epoch seconds between 0 and 253402300799.");
                    }

                    return AwsValues.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds((long)(value * 1000)));
                }

                return inner;
            }

            default:
                reader.SkipValue();
                return null;
        }
    }

    private static void Write(CborWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNull();
                break;
            case JsonObject obj:
                var members = obj.Where(m => m.Value is not null).ToList();
                writer.WriteStartMap(members.Count);
                foreach (var (name, value) in members)
                {
                    writer.WriteTextString(name);
                    Write(writer, value);
                }

                writer.WriteEndMap();
                break;
            case JsonArray array:
                writer.WriteStartArray(array.Count);
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when AwsValues.TryGetTimestamp(value, out var timestamp):
                writer.WriteTag(CborTag.UnixTimeSeconds);
                writer.WriteDouble(AwsValues.ToEpochSeconds(timestamp));
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        writer.WriteTextString(value.GetValue<string>());
                        break;
                    case JsonValueKind.True:
                        writer.WriteBoolean(true);
                        break;
                    case JsonValueKind.False:
                        writer.WriteBoolean(false);
                        break;
                    case JsonValueKind.Number:
                        var text = value.ToJsonString();
                        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
                        {
                            writer.WriteInt64(integer);
                        }
                        else
                        {
                            writer.WriteDouble(double.Parse(text, CultureInfo.InvariantCulture));
                        }

                        break;
                    default:
                        writer.WriteNull();
                        break;
                }

                break;
        }
    }
}
