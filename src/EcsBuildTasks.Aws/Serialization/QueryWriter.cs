using System.Globalization;
using Amazon.Runtime;

namespace EcsBuildTasks.Aws.Serialization;

/// <summary>
/// Collects AWS Query protocol parameters with botocore's value formatting: booleans in lower case, numbers in the
/// invariant culture, timestamps as ISO-8601 UTC with milliseconds, blobs as base64.
/// </summary>
public sealed class QueryWriter
{
    private readonly IDictionary<string, string> parameters;

    public QueryWriter(IDictionary<string, string> parameters)
    {
        this.parameters = parameters;
    }

    /// <summary>The 1-based position used in <c>Name.member.N</c>.</summary>
    public static string Index(int zeroBased) => (zeroBased + 1).ToString(CultureInfo.InvariantCulture);

    public void Add(string key, string value) => parameters[key] = value;

    public void Add(string key, int value) => parameters[key] = value.ToString(CultureInfo.InvariantCulture);

    public void Add(string key, long value) => parameters[key] = value.ToString(CultureInfo.InvariantCulture);

    public void Add(string key, double value) => parameters[key] = value.ToString("R", CultureInfo.InvariantCulture);

    public void Add(string key, float value) => parameters[key] = value.ToString("R", CultureInfo.InvariantCulture);

    public void Add(string key, bool value) => parameters[key] = value ? "true" : "false";

    public void Add(string key, DateTime value) => parameters[key] = FormatTimestamp(value);

    public void Add(string key, MemoryStream value)
    {
        ArgumentNullException.ThrowIfNull(value);
        parameters[key] = Convert.ToBase64String(value.ToArray());
    }

    public void Add(string key, ConstantClass value)
    {
        ArgumentNullException.ThrowIfNull(value);
        parameters[key] = (string)value;
    }

    public static string FormatTimestamp(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
