namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string ExpressHealthCheckPath = "EcsExpressHealthCheckPath";
    public const string DaemonDrainPercent = "EcsDaemonDrainPercent";

    /// <summary>ECS Express Mode and managed daemons (the Express and ManagedDaemon strategies).</summary>
    private static SettingInfo[] ExpressProperties =>
    [
        P(ExpressHealthCheckPath, "Express: the path the load balancer ECS provisions probes on the container port (must start with `/`); point it at the app's health endpoint, e.g. `/health`.", "`/`"),
        P(DaemonDrainPercent, "ManagedDaemon: percent of a capacity provider's container instances ECS drains at once while it deploys a new daemon revision (0–100).", "ECS's default"),
    ];
}
