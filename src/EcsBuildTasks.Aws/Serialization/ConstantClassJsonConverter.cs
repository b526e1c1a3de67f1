using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;

namespace EcsBuildTasks.Aws.Serialization;

/// <summary>Implemented by every generated enum (the official SDK's <c>FindValue</c> shape), so one converter serves them all.</summary>
/// <typeparam name="T">The enum class.</typeparam>
public interface IConstantClassFactory<out T>
    where T : ConstantClass
{
    /// <summary>The constant with this value, or a new instance for a value unknown to this version.</summary>
    static abstract T FindValue(string value);
}

/// <summary>
/// Enums travel as strings. Values this version does not know still deserialize (the service adds values over time),
/// exactly as with the official SDK's <c>ConstantClass</c>.
/// </summary>
/// <typeparam name="T">The enum class.</typeparam>
public sealed class ConstantClassJsonConverter<T> : JsonConverter<T>
    where T : ConstantClass, IConstantClassFactory<T>
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string value of {typeof(T).Name} but found {reader.TokenType}.");
        }

        return T.FindValue(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);

        // The implicit string conversion yields the service's canonical casing for known values.
        writer.WriteStringValue((string)value);
    }
}
