namespace EcsBuildTasks.Core.Settings;

/// <summary>Reads <see cref="ReleaseSettings"/>.</summary>
internal static class ReleaseSettingsReader
{
    private static readonly string[] Policies = [nameof(ConcurrentDeploymentPolicy.Wait), nameof(ConcurrentDeploymentPolicy.Fail)];

    public static ReleaseSettings Read(SettingsValues values) => new()
    {
        ConcurrentDeployment = values.Choice(EcsProperties.ConcurrentDeployment, Policies) == nameof(ConcurrentDeploymentPolicy.Fail) ? ConcurrentDeploymentPolicy.Fail : ConcurrentDeploymentPolicy.Wait,
        ForceNewDeployment = values.Bool(EcsProperties.ForceNewDeployment) ?? false,
    };
}
