using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;

namespace EcsBuildTasks.LocalEcs.Protocols;

/// <summary>
/// AWS JSON 1.0/1.1: the operation is in <c>X-Amz-Target</c> (<c>Prefix.Operation</c>), request and response bodies are
/// JSON, timestamps are epoch seconds, errors are HTTP 400 with <c>{"__type": code, "message": ...}</c>.
/// </summary>
internal static class JsonProtocol
{
    public static JsonObject ParseBody(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return [];
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            // JsonNode only decodes strings when they are read: check the whole body now, not in the middle of a handler.
            throw new AwsServiceException("SerializationException", "The request body is not valid UTF-8.");
        }

        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = RequestLimits.MaxDepth }) as JsonObject
                ?? throw new AwsServiceException("SerializationException", "Request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new AwsServiceException("SerializationException", "Malformed JSON request: " + e.Message);
        }
    }

    public static byte[] Serialize(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node ?? new JsonObject());
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] SerializeError(AwsServiceException error)
    {
        var body = new JsonObject { ["__type"] = error.Code, ["message"] = error.Message };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>Writes a response tree, rendering <see cref="DateTimeOffset"/> values as epoch seconds.</summary>
    public static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    writer.WritePropertyName(name);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when AwsValues.TryGetTimestamp(value, out var timestamp):
                writer.WriteNumberValue(Math.Round((decimal)timestamp.ToUnixTimeMilliseconds() / 1000m, 3));
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
