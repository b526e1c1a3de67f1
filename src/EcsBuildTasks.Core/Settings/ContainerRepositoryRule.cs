using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// The image repository is what every default name (family, service, container) comes from, so it is checked once,
/// first: when it is missing or unusable there is one error, ECS1150, and no cascade of errors about empty names.
/// The targets pass the repository as the .NET SDK computes it for <c>PublishContainer</c> (empty when the SDK could
/// not make a name of it) and the name it started from (<see cref="EcsProperties.SdkContainerRepositoryRequested"/>).
/// </summary>
internal static partial class ContainerRepositoryRule
{
    public static void Check(SettingsValues values, string? repository)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Get(EcsProperties.Image) is not null)
        {
            return;
        }

        var requested = values.Get(EcsProperties.SdkContainerRepositoryRequested);
        if (repository is null)
        {
            values.Error(DiagnosticCodes.ContainerRepositoryUnusable, EcsProperties.SdkContainerRepository, requested is null
                ? $"No image repository: set {EcsProperties.SdkContainerRepository} (the image PublishContainer builds) or {EcsProperties.Image}."
                : $"{EcsProperties.SdkContainerRepository}: the .NET SDK cannot make an image name of '{requested}' (the assembly name unless {EcsProperties.SdkContainerRepository} is set; it must start with a letter or digit): set <{EcsProperties.SdkContainerRepository}>{Suggest(requested)}</{EcsProperties.SdkContainerRepository}> in the project file.");
            return;
        }

        if (!EcrRepositoryName().IsMatch(repository) || repository.Length is < 2 or > 256)
        {
            var source = requested is not null && requested != repository ? $" (the .NET SDK's name for '{requested}')" : string.Empty;
            values.Error(DiagnosticCodes.ContainerRepositoryUnusable, EcsProperties.SdkContainerRepository,
                $"{EcsProperties.SdkContainerRepository}='{repository}'{source} is not a valid ECR repository name (2–256 lower-case letters and digits, separated by single '.', '_' or '-', path parts by '/'): set <{EcsProperties.SdkContainerRepository}>{Suggest(repository)}</{EcsProperties.SdkContainerRepository}> in the project file.");
        }
    }

    /// <summary>A valid name close to <paramref name="name"/>: lower case, runs of other characters made one '-'.</summary>
    public static string Suggest(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.ToLowerInvariant().Split('/')
            .Select(part => NotNameCharacters().Replace(part, "-").Trim('-'))
            .Where(part => part.Length > 0)
            .ToList();
        var suggestion = string.Join('/', parts);
        return suggestion.Length >= 2 ? suggestion : "my-app";
    }

    // ECR's repository name pattern (CreateRepository's repositoryName).
    [GeneratedRegex("^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex EcrRepositoryName();

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NotNameCharacters();
}
