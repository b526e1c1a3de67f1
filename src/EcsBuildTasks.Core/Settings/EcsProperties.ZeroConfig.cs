namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string CreateExecutionRole = "EcsCreateExecutionRole";
    public const string CreateCluster = "EcsCreateCluster";

    /// <summary>
    /// The repository name before the SDK normalised it (<c>ContainerImageName</c>, else <c>ContainerRepository</c>, else
    /// <c>AssemblyName</c>): the targets pass it so that a name the SDK cannot normalise is reported as the user wrote it.
    /// </summary>
    public const string SdkContainerRepositoryRequested = "ContainerRepositoryRequested";

    /// <summary>The role name the ECS console creates and the preflight looks for when no execution role is set.</summary>
    public const string DefaultExecutionRoleName = "ecsTaskExecutionRole";

    /// <summary>Zero configuration: what the build may create in the account when it is missing.</summary>
    private static SettingInfo[] ZeroConfigProperties =>
    [
        P(CreateExecutionRole, "When no `EcsExecutionRoleArn` is set and the account has no `ecsTaskExecutionRole`, creates it (trusted by `ecs-tasks.amazonaws.com`, with the managed `AmazonECSTaskExecutionRolePolicy`, tagged `created-by=EcsBuildTasks`). Without it the build stops with the two `aws iam` commands that create it.", "`false`"),
        P(CreateCluster, "Creates the cluster when it does not exist (with the `FARGATE` and `FARGATE_SPOT` capacity providers) and says so.", "`true`"),
    ];
}
