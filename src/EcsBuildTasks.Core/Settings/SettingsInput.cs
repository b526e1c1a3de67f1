namespace EcsBuildTasks.Core.Settings;

/// <summary>One MSBuild item as the engine sees it: its identity and its metadata.</summary>
internal sealed record ItemInput(string Include, IReadOnlyDictionary<string, string> Metadata)
{
    public ItemInput(string include)
        : this(include, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase))
    {
    }

    /// <summary>The metadata value, or null when it is missing or blank.</summary>
    public string? Get(string name) =>
        Metadata.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

/// <summary>
/// The raw project configuration: MSBuild property values by name and item lists by item type. Names are the MSBuild
/// names (<c>EcsCpu</c>, <c>EcsSecret</c>) so that every error can name what the user has to change.
/// </summary>
internal sealed class SettingsInput
{
    /// <summary>The SDK's results of the push: not configuration (<see cref="Digest"/>).</summary>
    private static readonly HashSet<string> PushResults = new(StringComparer.OrdinalIgnoreCase)
    {
        EcsProperties.SdkGeneratedContainerDigest,
        EcsProperties.SdkGeneratedContainerConfiguration,
    };

    private readonly Dictionary<string, string> properties = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<ItemInput>> items = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The folder relative paths (templates) are resolved against: the project directory.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    public IReadOnlyDictionary<string, string> Properties => properties;

    /// <summary>Sets a property; blank values count as "not set", like an empty MSBuild property.</summary>
    public SettingsInput Set(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            properties.Remove(name);
        }
        else
        {
            properties[name] = value.Trim();
        }

        return this;
    }

    /// <summary>
    /// Adds an item. An item with the same <c>Include</c> as one defined in another file (a publish profile repeating an
    /// item of the project: the SDK imports the profile after the project) replaces it: the environment's value wins, as
    /// a profile's property does. Two items of one file stay two, and the readers report the duplicate (ECS0008).
    /// </summary>
    public SettingsInput Add(string itemType, ItemInput item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!items.TryGetValue(itemType, out var list))
        {
            list = [];
            items[itemType] = list;
        }

        var definedIn = item.Get(EcsProperties.ItemDefinedInMetadata);
        var replaced = definedIn is null ? -1 : list.FindIndex(i => i.Include == item.Include && i.Get(EcsProperties.ItemDefinedInMetadata) is { } earlier && !string.Equals(earlier, definedIn, StringComparison.OrdinalIgnoreCase));
        if (replaced >= 0)
        {
            list[replaced] = item;
        }
        else
        {
            list.Add(item);
        }

        return this;
    }

    public SettingsInput Add(string itemType, string include, params (string Name, string Value)[] metadata)
    {
        var dictionary = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in metadata)
        {
            dictionary[name] = value;
        }

        return Add(itemType, new ItemInput(include, dictionary));
    }

    /// <summary>The property value, or null when it is not set.</summary>
    public string? Get(string name) => properties.TryGetValue(name, out var value) ? value : null;

    public IReadOnlyList<ItemInput> GetItems(string itemType) =>
        items.TryGetValue(itemType, out var list) ? list : [];

    /// <summary>
    /// SHA-256 over every property and item (names, values, metadata; in a fixed order), for telling whether a later
    /// build has exactly the same configuration. The SDK's results of the push (<c>GeneratedContainerDigest</c>,
    /// <c>GeneratedContainerConfiguration</c>) are not configuration and are left out.
    /// </summary>
    public string Digest()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Add(string kind, string text) => hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{kind} {text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)} {text}\n"));
        foreach (var (name, value) in properties.OrderBy(p => p.Key.ToUpperInvariant(), StringComparer.Ordinal))
        {
            if (!PushResults.Contains(name))
            {
                Add("property", name.ToUpperInvariant());
                Add("value", value);
            }
        }

        foreach (var (type, list) in items.OrderBy(i => i.Key.ToUpperInvariant(), StringComparer.Ordinal))
        {
            Add("items", type.ToUpperInvariant());
            foreach (var item in list)
            {
                Add("item", item.Include);
                foreach (var (name, value) in item.Metadata.OrderBy(m => m.Key.ToUpperInvariant(), StringComparer.Ordinal))
                {
                    Add("metadata", name.ToUpperInvariant());
                    Add("value", value);
                }
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
