using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>Reads <see cref="ReleaseSettings"/>.</summary>
internal static class ReleaseSettingsReader
{
    private static readonly string[] Policies = [nameof(ConcurrentDeploymentPolicy.Wait), nameof(ConcurrentDeploymentPolicy.Fail)];

    public static ReleaseSettings Read(SettingsValues values) => new()
    {
        ConcurrentDeployment = values.Choice(EcsProperties.ConcurrentDeployment, Policies) == nameof(ConcurrentDeploymentPolicy.Fail) ? ConcurrentDeploymentPolicy.Fail : ConcurrentDeploymentPolicy.Wait,
        ForceNewDeployment = values.Bool(EcsProperties.ForceNewDeployment) ?? false,
        UpToDateShortcut = values.Bool(EcsProperties.UpToDateShortcut) ?? true,
        Environment = ReadEnvironment(values),
    };

    /// <summary>
    /// The publish profile, which must exist: without the file the SDK imports nothing and the build would deploy the
    /// project's own settings to whatever they name, not to the environment asked for.
    /// </summary>
    private static string? ReadEnvironment(SettingsValues values)
    {
        if (values.Get(EcsProperties.SdkPublishProfileName) is not { } profile)
        {
            return null;
        }

        // The Web SDK names the profile Default when none is given (and imports its own Default.pubxml when it has one):
        // that is no environment unless the project has a Default profile of its own.
        if (string.Equals(profile, "Default", StringComparison.OrdinalIgnoreCase)
            && !File.Exists(Path.Combine(values.BaseDirectory, "Properties", "PublishProfiles", profile + ".pubxml")))
        {
            return null;
        }

        // Only the targets pass whether the SDK imported it; a caller that passes the name alone (tests, tools) vouches for it.
        if (values.Get(EcsProperties.SdkPublishProfileImported) is { } imported && !string.Equals(imported, "true", StringComparison.OrdinalIgnoreCase))
        {
            var folder = Path.Combine(values.BaseDirectory, "Properties", "PublishProfiles");
            var known = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.pubxml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList() : [];
            values.Error(DiagnosticCodes.PublishProfileNotFound, "PublishProfile",
                $"PublishProfile={profile}: there is no Properties/PublishProfiles/{profile}.pubxml in the project, so none of its settings would apply. {(known.Count > 0 ? $"The project's profiles: {string.Join(", ", known)}." : "The project has no publish profiles.")}");
            return null;
        }

        return profile;
    }
}
