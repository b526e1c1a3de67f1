using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Reads the items that go into the container and the service: environment variables, secrets, capacity providers,
/// alarms, tags, placement constraints and strategies.
/// </summary>
internal static class ContainerItemsReader
{
    public static List<EnvironmentVariableSetting> ReadEnvironment(SettingsValues values)
    {
        var result = new List<EnvironmentVariableSetting>();
        foreach (var item in values.UniqueItems(EcsProperties.EnvironmentVariableItem))
        {
            // An empty value is a legitimate setting (FEATURE_X=""), so Value is read raw.
            item.Metadata.TryGetValue("Value", out var value);
            result.Add(new EnvironmentVariableSetting(item.Include, value ?? string.Empty));
        }

        return result;
    }

    public static List<SecretSetting> ReadSecrets(SettingsValues values)
    {
        var result = new List<SecretSetting>();
        foreach (var item in values.UniqueItems(EcsProperties.SecretItem))
        {
            var subject = $"{EcsProperties.SecretItem} '{item.Include}'";
            var valueFrom = item.Get("ValueFrom");
            if (valueFrom is null)
            {
                values.Diagnostics.Error(DiagnosticCodes.ItemMetadataMissing, subject, $"{subject} needs ValueFrom: the ARN of a Secrets Manager secret or of an SSM parameter.");
                continue;
            }

            result.Add(new SecretSetting(item.Include, valueFrom));
        }

        return result;
    }

    public static List<CapacityProviderSetting> ReadCapacityProviders(SettingsValues values)
    {
        var result = new List<CapacityProviderSetting>();
        foreach (var item in values.UniqueItems(EcsProperties.CapacityProviderItem))
        {
            var subject = $"{EcsProperties.CapacityProviderItem} '{item.Include}'";
            result.Add(new CapacityProviderSetting(item.Include, values.MetadataInt(item, subject, "Weight", 0, 1000), values.MetadataInt(item, subject, "Base", 0, 100_000)));
        }

        return result;
    }

    public static List<string> ReadAlarms(SettingsValues values) => [.. values.UniqueItems(EcsProperties.AlarmItem).Select(item => item.Include)];

    public static List<TagSetting> ReadTags(SettingsValues values)
    {
        var result = new List<TagSetting>();
        foreach (var item in values.UniqueItems(EcsProperties.TagItem))
        {
            item.Metadata.TryGetValue("Value", out var value);
            result.Add(new TagSetting(item.Include, value ?? string.Empty));
        }

        return result;
    }

    public static List<PlacementSetting> ReadPlacement(SettingsValues values, string itemType, string[] types, string valueMetadata)
    {
        var result = new List<PlacementSetting>();
        foreach (var item in values.Items(itemType))
        {
            var type = Array.Find(types, t => string.Equals(t, item.Include, StringComparison.OrdinalIgnoreCase));
            var subject = $"{itemType} '{item.Include}'";
            if (type is null)
            {
                values.Diagnostics.Error(DiagnosticCodes.PlacementInvalid, subject, $"{subject}: the type must be one of {string.Join(", ", types)}.");
                continue;
            }

            result.Add(new PlacementSetting(type, item.Get(valueMetadata)));
        }

        return result;
    }
}
