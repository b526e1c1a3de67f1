using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace EcsBuildTasks.Aws.Serialization;

/// <summary>Value readers for AWS Query (XML) responses; element names are compared by local name only.</summary>
public static class XmlValues
{
    public static string ReadString(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return element.Value;
    }

    public static int ReadInt32(XElement element) => int.Parse(Text(element), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static long ReadInt64(XElement element) => long.Parse(Text(element), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static double ReadDouble(XElement element) => double.Parse(Text(element), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static float ReadSingle(XElement element) => float.Parse(Text(element), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static bool ReadBoolean(XElement element) => XmlConvert.ToBoolean(Text(element).ToLowerInvariant());

    /// <summary>ISO-8601 (the Query default), or epoch seconds which some services emit.</summary>
    public static DateTime ReadTimestamp(XElement element)
    {
        var text = Text(element);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTime.UnixEpoch.AddMilliseconds(Math.Round(seconds * 1000d, MidpointRounding.AwayFromZero));
        }

        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime;
    }

    public static MemoryStream ReadBlob(XElement element) => new(Convert.FromBase64String(Text(element)), writable: false);

    /// <summary>A wrapped list: <c>&lt;Name&gt;&lt;member&gt;…&lt;/member&gt;&lt;/Name&gt;</c>. An empty element is an empty list.</summary>
    public static List<T> ReadList<T>(XElement element, string itemName, Func<XElement, T> readItem)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(readItem);
        var list = new List<T>();
        foreach (var child in element.Elements())
        {
            if (child.Name.LocalName == itemName)
            {
                list.Add(readItem(child));
            }
        }

        return list;
    }

    /// <summary>A wrapped map: <c>&lt;Name&gt;&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;&lt;/Name&gt;</c>.</summary>
    public static Dictionary<TKey, TValue> ReadMap<TKey, TValue>(
        XElement element,
        string entryName,
        string keyName,
        string valueName,
        Func<XElement, TKey> readKey,
        Func<XElement, TValue> readValue)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(readKey);
        ArgumentNullException.ThrowIfNull(readValue);
        var map = new Dictionary<TKey, TValue>();
        foreach (var entry in element.Elements())
        {
            if (entry.Name.LocalName != entryName)
            {
                continue;
            }

            var key = entry.Elements().FirstOrDefault(e => e.Name.LocalName == keyName);
            var value = entry.Elements().FirstOrDefault(e => e.Name.LocalName == valueName);
            if (key is not null && value is not null)
            {
                map[readKey(key)] = readValue(value);
            }
        }

        return map;
    }

    private static string Text(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return element.Value.Trim();
    }
}
