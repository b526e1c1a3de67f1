using System.Text;

namespace EcsBuildTasks.LocalEcs.Services.Route53;

/// <summary>
/// DNS names as Route 53 keeps them: lower case, fully qualified (trailing dot), <c>*</c> written as <c>\052</c> in
/// responses; ordered with labels reversed (<c>com.example.api</c>), as ListHostedZonesByName and
/// ListResourceRecordSets list them.
/// </summary>
internal static class DnsNames
{
    /// <summary>Lower case with the trailing dot; octal escapes (<c>\052</c>) become their characters.</summary>
    public static string Normalize(string name)
    {
        var text = Unescape(name.Trim()).ToLowerInvariant();
        return text.EndsWith('.') ? text : text + ".";
    }

    /// <summary>What makes a name unusable, or null: empty labels, labels over 63 characters, names over 255.</summary>
    public static string? Problem(string normalized)
    {
        if (normalized == ".")
        {
            return "the name is empty";
        }

        if (normalized.Length > 255)
        {
            return "it is longer than 255 characters";
        }

        var labels = normalized[..^1].Split('.');
        if (labels.Any(l => l.Length == 0))
        {
            return "it has an empty label";
        }

        return labels.Any(l => l.Length > 63) ? "a label is longer than 63 characters" : null;
    }

    /// <summary>Whether <paramref name="name"/> is the zone's apex or lies within the zone.</summary>
    public static bool IsInZone(string name, string zone) => name == zone || name.EndsWith("." + zone, StringComparison.Ordinal);

    /// <summary>Labels reversed and joined, so that ordinal order is DNS order (<c>com.example.api</c>).</summary>
    public static string SortKey(string normalized) => string.Join('.', normalized.TrimEnd('.').Split('.').Reverse());

    /// <summary>Route 53 writes characters outside letters, digits, hyphen, underscore and dot as octal escapes.</summary>
    public static string Escape(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
            }
        }

        return builder.ToString();
    }

    private static string Unescape(string name)
    {
        var builder = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\' && i + 3 < name.Length && name.AsSpan(i + 1, 3).IndexOfAnyExceptInRange('0', '7') < 0)
            {
                builder.Append((char)Convert.ToInt32(name.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(name[i]);
            }
        }

        return builder.ToString();
    }
}
