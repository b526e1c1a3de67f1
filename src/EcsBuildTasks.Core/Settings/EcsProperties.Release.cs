namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string ConcurrentDeployment = "EcsConcurrentDeployment";
    public const string ForceNewDeployment = "EcsForceNewDeployment";

    /// <summary>Releasing: deployments in flight, redeploying an unchanged revision.</summary>
    private static SettingInfo[] ReleaseProperties =>
    [
        P(ConcurrentDeployment, "What to do when the service already has a deployment in flight (another build's, or one started in the console) before this build changes it: `Wait` for it to finish (within `EcsTimeoutMinutes`, printing whose it is), then deploy or find the service up to date; `Fail` with ECS7000 without changing anything.", "`Wait`"),
        P(ForceNewDeployment, "Starts a new deployment of the current revision even when nothing changed (new tasks pull the image and the secrets again, e.g. after rotating a secret).", "`false`"),
    ];
}
