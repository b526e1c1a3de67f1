using System.Globalization;
using System.Xml.Linq;
using Amazon.Runtime;

namespace EcsBuildTasks.Aws.Serialization;

/// <summary>
/// Value formats of the rest-xml protocol (botocore's serializer and parser): invariant numbers, lower-case booleans,
/// ISO-8601 timestamps in the URI, query string and body, HTTP dates in headers; plus the lookups its readers need.
/// </summary>
public static class RestXmlValues
{
    public static string Format(string value) => value;

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(bool value) => value ? "true" : "false";

    public static string Format(ConstantClass value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Value;
    }

    public static string Format(MemoryStream value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToBase64String(value.ToArray());
    }

    /// <summary>ISO-8601 UTC with milliseconds: the URI, query string and XML body default.</summary>
    public static string Iso8601(DateTime value) => QueryWriter.FormatTimestamp(value);

    /// <summary>RFC 7231 HTTP date (<c>Tue, 29 Apr 2014 18:30:38 GMT</c>): the header default.</summary>
    public static string HttpDate(DateTime value) => Utc(value).ToString("R", CultureInfo.InvariantCulture);

    public static string EpochSeconds(DateTime value) =>
        ((Utc(value) - DateTime.UnixEpoch).Ticks / (decimal)TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The last segment of a resource id, so that ids as the service returns them (<c>/hostedzone/Z1D633PJN98FT9</c>,
    /// <c>/change/C2682N5HXP0BZ4</c>) can be passed back unchanged.
    /// </summary>
    public static string LastPathSegment(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.LastIndexOf('/');
        return slash < 0 ? value : value[(slash + 1)..];
    }

    /// <summary>
    /// The first child element with this name. Error members are matched ignoring case: Route 53 sends
    /// <c>&lt;Messages&gt;</c> for the model's <c>messages</c>.
    /// </summary>
    public static XElement? Child(XElement element, string name, bool ignoreCase = false)
    {
        ArgumentNullException.ThrowIfNull(element);
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return element.Elements().FirstOrDefault(e => string.Equals(e.Name.LocalName, name, comparison));
    }

    public static int ReadInt32(string text) => int.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static long ReadInt64(string text) => long.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static double ReadDouble(string text) => double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static float ReadSingle(string text) => float.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static bool ReadBoolean(string text) => bool.Parse(text.Trim());

    /// <summary>An HTTP date, ISO-8601 or epoch seconds: headers use the first, but services are not uniform.</summary>
    public static DateTime ReadTimestamp(string text)
    {
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTime.UnixEpoch.AddMilliseconds(Math.Round(seconds * 1000d, MidpointRounding.AwayFromZero));
        }

        return DateTimeOffset.Parse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime;
    }

    private static DateTime Utc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
