using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// What a finding about a generated definition names: the property when the value came from it (or when there is no
/// template), otherwise the template member it came from and the property that would override it.
/// </summary>
internal static class DefinitionSubjects
{
    public static string Task(EcsSettings settings, string property, object? settingValue, string member)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settingValue is not null || settings.TaskDefinitionTemplate is null ? property : $"{member} in {EcsProperties.TaskDefinitionTemplate} (or set {property})";
    }

    public static string Service(EcsSettings settings, string property, object? settingValue, string member)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settingValue is not null || settings.ServiceDefinitionTemplate is null ? property : $"{member} in {EcsProperties.ServiceDefinitionTemplate} (or set {property})";
    }

    /// <summary>The application's container's value names the property; a sidecar's, its template member.</summary>
    public static string Container(EcsSettings settings, bool isMain, string property, object? settingValue, string member) =>
        isMain ? Task(settings, property, settingValue, $"containerDefinitions[].{member}") : $"containerDefinitions[].{member} in {EcsProperties.TaskDefinitionTemplate}";
}
