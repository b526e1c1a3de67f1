using System.Xml;
using Amazon.Runtime;

namespace EcsBuildTasks.Aws.Serialization;

/// <summary>
/// The rest-xml body writes every generated serializer repeats: a member's element only when the member is set, in the
/// protocol's formats (<see cref="RestXmlValues"/>); a structure as an element holding its members; lists wrapped in
/// their element (or flattened, without it) and maps as <c>entry</c>/<c>key</c>/<c>value</c> elements.
/// </summary>
public static class RestXmlWriting
{
    public static void WriteElement(XmlWriter writer, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is not null)
        {
            writer.WriteElementString(name, value);
        }
    }

    public static void WriteElement(XmlWriter writer, string name, int? value) => WriteElement(writer, name, value is { } v ? RestXmlValues.Format(v) : null);

    public static void WriteElement(XmlWriter writer, string name, long? value) => WriteElement(writer, name, value is { } v ? RestXmlValues.Format(v) : null);

    public static void WriteElement(XmlWriter writer, string name, double? value) => WriteElement(writer, name, value is { } v ? RestXmlValues.Format(v) : null);

    public static void WriteElement(XmlWriter writer, string name, float? value) => WriteElement(writer, name, value is { } v ? RestXmlValues.Format(v) : null);

    public static void WriteElement(XmlWriter writer, string name, bool? value) => WriteElement(writer, name, value is { } v ? RestXmlValues.Format(v) : null);

    public static void WriteElement(XmlWriter writer, string name, ConstantClass? value) => WriteElement(writer, name, value is null ? null : RestXmlValues.Format(value));

    public static void WriteElement(XmlWriter writer, string name, MemoryStream? value) => WriteElement(writer, name, value is null ? null : RestXmlValues.Format(value));

    /// <summary>A timestamp in the body's default format (ISO-8601); other formats come formatted as strings.</summary>
    public static void WriteElement(XmlWriter writer, string name, DateTime? value) => WriteElement(writer, name, value is { } v ? RestXmlValues.Iso8601(v) : null);

    /// <summary>The element <paramref name="name"/> holding the structure's members, when it is set.</summary>
    public static void WriteStructure<T>(XmlWriter writer, string name, T? value, Action<XmlWriter, T> writeMembers)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeMembers);
        if (value is null)
        {
            return;
        }

        writer.WriteStartElement(name);
        writeMembers(writer, value);
        writer.WriteEndElement();
    }

    /// <summary>The items, each written by <paramref name="writeItem"/>, inside <paramref name="wrapper"/> (null for a flattened list).</summary>
    public static void WriteList<T>(XmlWriter writer, string? wrapper, IEnumerable<T>? items, Action<XmlWriter, T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeItem);
        if (items is null)
        {
            return;
        }

        if (wrapper is not null)
        {
            writer.WriteStartElement(wrapper);
        }

        foreach (var item in items)
        {
            writeItem(writer, item);
        }

        if (wrapper is not null)
        {
            writer.WriteEndElement();
        }
    }

    /// <summary>Each entry as an <paramref name="entryName"/> element holding its key and value, inside <paramref name="wrapper"/> (null when flattened).</summary>
    public static void WriteMap<TKey, TValue>(XmlWriter writer, string? wrapper, string entryName, IDictionary<TKey, TValue>? map, Action<XmlWriter, TKey> writeKey, Action<XmlWriter, TValue> writeValue)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeKey);
        ArgumentNullException.ThrowIfNull(writeValue);
        WriteList(writer, wrapper, map, (w, entry) =>
        {
            w.WriteStartElement(entryName);
            writeKey(w, entry.Key);
            writeValue(w, entry.Value);
            w.WriteEndElement();
        });
    }
}
