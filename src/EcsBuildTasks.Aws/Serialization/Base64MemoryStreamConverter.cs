using System.Text.Json;
using System.Text.Json.Serialization;

namespace EcsBuildTasks.Aws.Serialization;

/// <summary>JSON-protocol blobs: base64 strings on the wire, <see cref="MemoryStream"/> in the model (as in the official SDK).</summary>
public sealed class Base64MemoryStreamConverter : JsonConverter<MemoryStream?>
{
    public override bool HandleNull => false;

    public override MemoryStream? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a base64 string but found {reader.TokenType}.");
        }

        if (!reader.TryGetBytesFromBase64(out var bytes))
        {
            throw new JsonException("The value is not valid base64.");
        }

        return new MemoryStream(bytes, writable: false);
    }

    public override void Write(Utf8JsonWriter writer, MemoryStream? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        // ToArray ignores Position, so serializing never consumes the caller's stream.
        writer.WriteBase64StringValue(value.ToArray());
    }
}
