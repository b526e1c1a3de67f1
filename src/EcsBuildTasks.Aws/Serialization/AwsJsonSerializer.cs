using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;

namespace EcsBuildTasks.Aws.Serialization;

/// <summary>
/// A service's JSON wire format over its source-generated context: exact wire names, nulls omitted, unknown members
/// ignored, scalars read leniently. The SDK's own response members (<see cref="AmazonWebServiceResponse.ResponseMetadata"/>, status code,
/// content length) are not part of the wire format and are removed from the contracts.
/// </summary>
public sealed class AwsJsonSerializer
{
    private readonly JsonSerializerOptions compact;
    private readonly JsonSerializerOptions indented;

    public AwsJsonSerializer(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        compact = CreateOptions(context, writeIndented: false);
        indented = CreateOptions(context, writeIndented: true);
    }

    public JsonSerializerOptions Options => compact;

    public JsonTypeInfo<T> GetTypeInfo<T>() => (JsonTypeInfo<T>)compact.GetTypeInfo(typeof(T));

    public string Serialize<T>(T value, bool indented = false)
    {
        var options = indented ? this.indented : compact;
        return JsonSerializer.Serialize(value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
    }

    public byte[] SerializeToUtf8Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, GetTypeInfo<T>());

    public T Deserialize<T>(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, GetTypeInfo<T>()) ?? throw new JsonException($"The JSON document is null; expected {typeof(T).Name}.");
    }

    public T Deserialize<T>(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, GetTypeInfo<T>()) ?? throw new JsonException($"The JSON document is null; expected {typeof(T).Name}.");
    }

    private static JsonSerializerOptions CreateOptions(JsonSerializerContext context, bool writeIndented)
    {
        var options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = writeIndented,

            // Indented output is for files people read and the AWS CLI takes (never HTML): keep '<', '>' and '&' readable.
            Encoder = writeIndented ? System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null,
            TypeInfoResolver = context.WithAddedModifier(RemoveSdkResponseMembers),

            // Lenient on scalars like the official SDK's unmarshallers ("512" for an integer, 0 for a string);
            // writing is always exact.
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            Converters = { new LenientStringConverter() },
        };
        options.MakeReadOnly();
        return options;
    }

    private static void RemoveSdkResponseMembers(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || !typeof(AmazonWebServiceResponse).IsAssignableFrom(typeInfo.Type))
        {
            return;
        }

        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            if (typeInfo.Properties[i].DeclaringType == typeof(AmazonWebServiceResponse))
            {
                typeInfo.Properties.RemoveAt(i);
            }
        }
    }
}
