using System.Globalization;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// The raw project configuration as the settings readers use it: typed reads of properties and item metadata that
/// report every malformed value with a code naming the property or item to fix. One instance per settings read, shared
/// by the readers of every area (and by a deployment strategy that reads properties of its own).
/// </summary>
internal sealed class SettingsValues(SettingsInput input, DiagnosticCollection diagnostics)
{
    public SettingsInput Input => input;

    public DiagnosticCollection Diagnostics => diagnostics;

    /// <summary>The folder relative paths (templates) are resolved against.</summary>
    public string BaseDirectory => input.BaseDirectory;

    /// <summary>Splits an MSBuild list (<c>a;b; c</c>) into trimmed, non-empty entries.</summary>
    public static IReadOnlyList<string> SplitList(string? value) =>
        value is null ? [] : value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The property value, or null when it is not set.</summary>
    public string? Get(string name) => input.Get(name);

    public bool IsSet(string name) => input.Get(name) is not null;

    public IReadOnlyList<ItemInput> Items(string itemType) => input.GetItems(itemType);

    /// <summary>A property holding an MSBuild list.</summary>
    public IReadOnlyList<string> List(string name) => SplitList(input.Get(name));

    /// <summary>An integer property in [<paramref name="min"/>, <paramref name="max"/>]; null when unset or invalid (reported, naming it).</summary>
    public int? Int(string name, int min, int max)
    {
        var text = input.Get(name);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            var range = min == int.MinValue ? string.Empty : $" between {min} and {max}";
            diagnostics.Error(DiagnosticCodes.InvalidInteger, name, $"{name}='{text}' is not a whole number{range}.");
            return null;
        }

        return value;
    }

    public bool? Bool(string name)
    {
        var text = input.Get(name);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        diagnostics.Error(DiagnosticCodes.InvalidBoolean, name, $"{name}='{text}' must be 'true' or 'false'.");
        return null;
    }

    /// <summary>Matches case-insensitively but returns the canonical spelling: ECS enums are case-sensitive on the wire.</summary>
    public string? Choice(string name, string[] allowed)
    {
        var text = input.Get(name);
        if (text is null)
        {
            return null;
        }

        var match = Array.Find(allowed, a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            diagnostics.Error(DiagnosticCodes.InvalidChoice, name, $"{name}='{text}' is not one of: {string.Join(", ", allowed)}.");
            return null;
        }

        return match;
    }

    /// <summary>An integer metadata value of an item in [<paramref name="min"/>, <paramref name="max"/>]; null when unset or invalid (reported with <paramref name="code"/>, naming the item).</summary>
    public int? MetadataInt(ItemInput item, string subject, string metadata, int min, int max, DiagnosticDescriptor? code = null)
    {
        var valid = true;
        return MetadataInt(item, subject, metadata, min, max, code ?? DiagnosticCodes.InvalidInteger, ref valid);
    }

    /// <summary><see cref="MetadataInt(ItemInput, string, string, int, int, DiagnosticDescriptor?)"/> that also clears <paramref name="valid"/> on a bad value.</summary>
    public int? MetadataInt(ItemInput item, string subject, string metadata, int min, int max, DiagnosticDescriptor code, ref bool valid)
    {
        ArgumentNullException.ThrowIfNull(item);
        var text = item.Get(metadata);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            valid = Error(code, subject, $"{subject} has {metadata}='{text}', which is not a whole number between {min} and {max}.");
            return null;
        }

        return value;
    }

    /// <summary>
    /// The items of one type, each <c>Include</c> once (compared ordinally, as ECS compares names): a repeat is reported
    /// as a duplicate, naming the item, and left out, so that one mistake gives one message.
    /// </summary>
    public IEnumerable<ItemInput> UniqueItems(string itemType)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in input.GetItems(itemType))
        {
            if (seen.Add(item.Include))
            {
                yield return item;
            }
            else
            {
                var subject = $"{itemType} '{item.Include}'";
                diagnostics.Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
            }
        }
    }

    /// <summary>Reports an error and returns false, so callers can write <c>valid = Error(...)</c>.</summary>
    public bool Error(DiagnosticDescriptor descriptor, string subject, string message)
    {
        diagnostics.Error(descriptor, subject, message);
        return false;
    }
}
