namespace EcsBuildTasks.Core.Settings;

/// <summary>Whether a setting is an MSBuild property or an item type.</summary>
internal enum SettingKind
{
    Property,
    Item,
}

/// <summary>A documented setting: the README's properties table is checked against these.</summary>
internal sealed record SettingInfo(string Name, SettingKind Kind, string Description, string Default);

/// <summary>
/// The names of every MSBuild property and item the engine reads, with the documentation the README shows.
/// Defaults live here, in the engine, rather than in the .props file: a value from a definition template must win
/// over a default but lose to a property the user set, which only works if "not set" stays visible.
/// </summary>
internal static partial class EcsProperties
{
    public const string Deploy = "EcsDeploy";
    public const string DryRun = "EcsDryRun";
    public const string Skip = "EcsSkip";
    public const string Verbosity = "EcsVerbosity";
    public const string Region = "EcsRegion";
    public const string Cluster = "EcsCluster";
    public const string ServiceName = "EcsServiceName";
    public const string TaskFamily = "EcsTaskFamily";
    public const string ContainerName = "EcsContainerName";
    public const string LaunchType = "EcsLaunchType";
    public const string PlatformVersion = "EcsPlatformVersion";
    public const string SchedulingStrategy = "EcsSchedulingStrategy";
    public const string DesiredCount = "EcsDesiredCount";
    public const string Cpu = "EcsCpu";
    public const string Memory = "EcsMemory";
    public const string ContainerCpu = "EcsContainerCpu";
    public const string ContainerMemory = "EcsContainerMemory";
    public const string ContainerMemoryReservation = "EcsContainerMemoryReservation";
    public const string ExecutionRoleArn = "EcsExecutionRoleArn";
    public const string TaskRoleArn = "EcsTaskRoleArn";
    public const string NetworkMode = "EcsNetworkMode";
    public const string Subnets = "EcsSubnets";
    public const string SecurityGroups = "EcsSecurityGroups";
    public const string AssignPublicIp = "EcsAssignPublicIp";
    public const string RuntimePlatform = "EcsRuntimePlatform";
    public const string OperatingSystemFamily = "EcsOperatingSystemFamily";
    public const string LogGroup = "EcsLogGroup";
    public const string LogStreamPrefix = "EcsLogStreamPrefix";
    public const string AwsLogs = "EcsAwsLogs";
    public const string HealthCheckCommand = "EcsHealthCheckCommand";
    public const string HealthCheckInterval = "EcsHealthCheckIntervalSeconds";
    public const string HealthCheckTimeout = "EcsHealthCheckTimeoutSeconds";
    public const string HealthCheckRetries = "EcsHealthCheckRetries";
    public const string HealthCheckStartPeriod = "EcsHealthCheckStartPeriodSeconds";
    public const string StopTimeout = "EcsStopTimeout";
    public const string EphemeralStorageGiB = "EcsEphemeralStorageGiB";
    public const string MinimumHealthyPercent = "EcsMinimumHealthyPercent";
    public const string MaximumPercent = "EcsMaximumPercent";
    public const string CircuitBreaker = "EcsCircuitBreaker";
    public const string CircuitBreakerRollback = "EcsCircuitBreakerRollback";
    public const string CircuitBreakerThreshold = "EcsCircuitBreakerThreshold";
    public const string AlarmRollback = "EcsAlarmRollback";
    public const string HealthCheckGracePeriodSeconds = "EcsHealthCheckGracePeriodSeconds";
    public const string EnableExecuteCommand = "EcsEnableExecuteCommand";
    public const string PropagateTags = "EcsPropagateTags";
    public const string EnableEcsManagedTags = "EcsEnableEcsManagedTags";
    public const string TargetGroupArn = "EcsTargetGroupArn";
    public const string ContainerPort = "EcsContainerPort";
    public const string TaskDefinitionTemplate = "EcsTaskDefinitionTemplate";
    public const string ServiceDefinitionTemplate = "EcsServiceDefinitionTemplate";
    public const string DeploymentStrategy = "EcsDeploymentStrategy";
    public const string Image = "EcsImage";
    public const string DefinitionsDirectory = "EcsDefinitionsDirectory";

    // Deployment (issue: deploy for real).
    public const string Target = "EcsTarget";
    public const string EndpointUrl = "EcsEndpointUrl";
    public const string Profile = "EcsProfile";
    public const string AssumeRoleArn = "EcsAssumeRoleArn";
    public const string Wait = "EcsWait";
    public const string TimeoutMinutes = "EcsTimeoutMinutes";
    public const string FailFastFailedTasks = "EcsFailFastFailedTasks";
    public const string CreateEcrRepository = "EcsCreateEcrRepository";
    public const string EcrScanOnPush = "EcsEcrScanOnPush";
    public const string EcrTagImmutability = "EcsEcrTagImmutability";
    public const string EcrKeepImages = "EcsEcrKeepImages";
    public const string ImageTags = "EcsImageTags";
    public const string LogRetentionDays = "EcsLogRetentionDays";
    public const string ResultFile = "EcsResultFile";
    public const string Prefetch = "EcsPrefetch";
    public const string ReuseUnchangedImage = "EcsReuseUnchangedImage";
    public const string LocalStateFile = "EcsLocalStateFile";

    // Items.
    public const string EnvironmentVariableItem = "EcsEnvironmentVariable";
    public const string SecretItem = "EcsSecret";
    public const string CapacityProviderItem = "EcsCapacityProvider";
    public const string AlarmItem = "EcsAlarm";
    public const string TagItem = "EcsTag";
    public const string PlacementConstraintItem = "EcsPlacementConstraint";
    public const string PlacementStrategyItem = "EcsPlacementStrategy";

    // Inputs from the .NET SDK's container support (not ours to document, but read by the engine).
    public const string SdkContainerRegistry = "ContainerRegistry";
    public const string SdkContainerRepository = "ContainerRepository";
    public const string SdkContainerImageTag = "ContainerImageTag";
    public const string SdkContainerImageTags = "ContainerImageTags";
    public const string SdkContainerRuntimeIdentifier = "ContainerRuntimeIdentifier";
    public const string SdkContainerBaseImage = "ContainerBaseImage";
    public const string SdkGeneratedContainerConfiguration = "GeneratedContainerConfiguration";
    public const string SdkGeneratedContainerDigest = "GeneratedContainerDigest";
    public const string SdkIsWebProject = "UsingMicrosoftNETSdkWeb";
    public const string SdkContainerPortItem = "ContainerPort";
    public const string SdkContainerEnvironmentVariableItem = "ContainerEnvironmentVariable";
    public const string SdkVersion = "Version";

    /// <summary>
    /// Properties only the targets read (they decide whether and where the tasks run): every other documented property
    /// and item is passed to the tasks by the lines <c>tools/docs/targets_settings.py</c> writes into the targets.
    /// </summary>
    public static IReadOnlyList<string> ReadByTargetsOnly { get; } = [Deploy, Skip, Verbosity, DefinitionsDirectory, Prefetch];

    /// <summary>Every documented property and item, in the order the README lists them.</summary>
    public static IReadOnlyList<SettingInfo> Documented { get; } = [.. CoreProperties, .. TrafficShiftingProperties, .. ServiceDiscoveryProperties, .. ServiceConnectProperties, .. AutoScalingProperties, .. OneOffTaskProperties, .. VersionedProperties, .. ReleaseProperties, .. ExpressProperties, .. PlanProperties, .. ZeroConfigProperties, .. DnsBlueGreenProperties];

    /// <summary>The foundation and the deployment (definitions, validation, rolling and daemon deployments, LocalEcs).</summary>
    private static SettingInfo[] CoreProperties =>
    [
        P(Deploy, "Runs the ECS deployment after `Publish`. Without it the package does nothing.", "`false`"),
        P(DryRun, "Generates and validates the definitions and prints the plan; builds no image and changes nothing in AWS (with `EcsPlanLive`, it reads the live service to show what a deploy would change).", "`false`"),
        P(Skip, "Opt-out switch: skips every EcsBuildTasks target even when `EcsDeploy` is true (for one project of a solution-wide publish).", "`false`"),
        P(Verbosity, "`detailed` echoes every input at high importance (they are always logged at low importance).", "`normal`"),
        P(Region, "AWS region. Otherwise the SDK's chain: `AWS_REGION`, the profile.", "SDK default"),
        P(Cluster, "ECS cluster name.", "`default`"),
        P(ServiceName, "ECS service name.", "`ContainerRepository` with `/` and `.` turned into `-`"),
        P(TaskFamily, "Task definition family.", "same as `EcsServiceName`"),
        P(ContainerName, "Name of the application's container in the task definition.", "same as `EcsTaskFamily`"),
        P(LaunchType, "`FARGATE`, `EC2` or `EXTERNAL`. Ignored when `EcsCapacityProvider` items are given.", "`FARGATE`"),
        P(PlatformVersion, "Fargate platform version, e.g. `1.4.0`.", "ECS's `LATEST`"),
        P(SchedulingStrategy, "`REPLICA` or `DAEMON` (EC2 or EXTERNAL only, no desired count).", "`REPLICA`"),
        P(DesiredCount, "Number of tasks. Used when the service is created; on updates only when set, so auto scaling is never overridden.", "`1` on create, unchanged on update"),
        P(Cpu, "Task CPU units (Fargate: 256, 512, 1024, 2048, 4096, 8192, 16384).", "`256` (Fargate)"),
        P(Memory, "Task memory in MiB; must fit the CPU size on Fargate.", "`512` (Fargate)"),
        P(ContainerCpu, "CPU units reserved for the application container.", "none"),
        P(ContainerMemory, "Hard memory limit of the application container in MiB.", "none"),
        P(ContainerMemoryReservation, "Soft memory limit of the application container in MiB.", "none"),
        P(ExecutionRoleArn, "Task execution role (pulls from ECR, writes awslogs, reads secrets). Required for secrets (give it their read permission). Otherwise, when Fargate needs one, the account's `ecsTaskExecutionRole` (looked up at deploy; `EcsCreateExecutionRole` creates it), and LocalEcs's with `EcsTarget=local`.", "the account's `ecsTaskExecutionRole` when needed"),
        P(TaskRoleArn, "Role the application's code runs as.", "none"),
        P(NetworkMode, "`awsvpc`, `bridge`, `host` or `none`.", "`awsvpc` (Fargate), `bridge` (EC2, EXTERNAL)"),
        P(Subnets, "Subnet ids for awsvpc, separated by `;` (at most 16).", "the default VPC's subnets"),
        P(SecurityGroups, "Security group ids for awsvpc, separated by `;` (at most 5).", "the default VPC's default group"),
        P(AssignPublicIp, "`ENABLED` or `DISABLED` (Fargate only).", "`ENABLED` with the default VPC, otherwise `DISABLED`"),
        P(RuntimePlatform, "CPU architecture: `X86_64` or `ARM64`.", "from `ContainerRuntimeIdentifier` (`linux-x64` → `X86_64`, `linux-arm64` → `ARM64`)"),
        P(OperatingSystemFamily, "Operating system family of the runtime platform.", "`LINUX`"),
        P(AwsLogs, "Sends container output to CloudWatch Logs with the `awslogs` driver.", "`true`"),
        P(LogGroup, "CloudWatch Logs group for the `awslogs` driver.", "`/ecs/<EcsTaskFamily>`"),
        P(LogStreamPrefix, "`awslogs-stream-prefix`.", "`ecs`"),
        P(HealthCheckCommand, "Container health check command, arguments separated by `;` (e.g. `CMD-SHELL;curl -f http://localhost:8080/health || exit 1`).", "none"),
        P(HealthCheckInterval, "Seconds between health checks (5–300).", "ECS's `30`"),
        P(HealthCheckTimeout, "Seconds before a health check counts as failed (2–120).", "ECS's `5`"),
        P(HealthCheckRetries, "Failures before the container is unhealthy (1–10).", "ECS's `3`"),
        P(HealthCheckStartPeriod, "Grace seconds before failures count (0–300).", "ECS's `0`"),
        P(StopTimeout, "Seconds between SIGTERM and SIGKILL (2–120).", "ECS's `30`"),
        P(EphemeralStorageGiB, "Fargate ephemeral storage in GiB (21–200).", "ECS's `20`"),
        P(MinimumHealthyPercent, "Rolling: lower bound of running tasks during a deployment, in percent of the desired count (0–100).", "ECS's `100` (`0` for DAEMON)"),
        P(MaximumPercent, "Rolling: upper bound of running and pending tasks, in percent (≥ 100; DAEMON: 100).", "ECS's `200` (`100` for DAEMON)"),
        P(CircuitBreaker, "Deployment circuit breaker.", "`true`"),
        P(CircuitBreakerRollback, "Roll back when the circuit breaker trips.", "`true`"),
        P(CircuitBreakerThreshold, "Circuit breaker threshold `TYPE:VALUE` with TYPE `BOUNDED_PERCENT`, `UNBOUNDED_PERCENT` or `COUNT` (e.g. `COUNT:3`).", "ECS's `BOUNDED_PERCENT:50`"),
        P(AlarmRollback, "Roll back when an `EcsAlarm` goes into ALARM.", "`true`"),
        P(HealthCheckGracePeriodSeconds, "Seconds ECS ignores failing load balancer health checks after a task starts.", "none"),
        P(EnableExecuteCommand, "Enables ECS Exec.", "`false`"),
        P(PropagateTags, "`SERVICE`, `TASK_DEFINITION` or `NONE`.", "`SERVICE`"),
        P(EnableEcsManagedTags, "Adds ECS-managed tags to tasks.", "`true`"),
        P(TargetGroupArn, "Target group the service registers its tasks in.", "none"),
        P(ContainerPort, "Container port the target group sends traffic to.", "the first port mapping"),
        P(TaskDefinitionTemplate, "JSON file: a `register-task-definition` input or `describe-task-definition` output. Properties override it.", "none"),
        P(ServiceDefinitionTemplate, "JSON file: a `create-service` input or `describe-services` output. Properties override it.", "none"),
        P(DeploymentStrategy, "`Rolling`, `BlueGreen`, `Canary` or `Linear` (ECS's own traffic shifting; see Blue/green, canary and linear).", "`Rolling`"),
        P(Image, "Deploys this existing image instead of building one (`registry/repository:tag` or `@sha256:…`).", "the image `PublishContainer` builds"),
        P(DefinitionsDirectory, "Where the generated `task-definition.json` and `service-definition.json` are written.", "`$(IntermediateOutputPath)ecs/`"),
        P(Target, "`aws`, or `local` to deploy to LocalEcs (no AWS account needed; started for the publish when none listens at `EcsEndpointUrl`).", "`aws`"),
        P(EndpointUrl, "One endpoint URL for every AWS service (LocalEcs, moto, VPC endpoints).", "AWS's (`http://localhost:4599` with `EcsTarget=local`)"),
        P(Profile, "AWS shared config/credentials profile (SSO, assume-role and static profiles work).", "SDK default chain (`AWS_PROFILE`, environment, web identity, container and instance credentials)"),
        P(AssumeRoleArn, "Role to assume on top of the resolved credentials.", "none"),
        P(Wait, "Waits until the deployment has finished and reports its real outcome.", "`true`"),
        P(TimeoutMinutes, "How long to wait before rolling back and failing the build.", "`30`"),
        P(FailFastFailedTasks, "Rolls back after this many failed tasks instead of waiting for the circuit breaker.", "off"),
        P(CreateEcrRepository, "Creates the ECR repository when it does not exist.", "`true`"),
        P(EcrScanOnPush, "Scan on push for a repository the build creates.", "`true`"),
        P(EcrTagImmutability, "Makes a repository the build creates tag-immutable.", "`false`"),
        P(EcrKeepImages, "Sets a lifecycle policy that keeps only this many images in the repository.", "no lifecycle policy"),
        P(ImageTags, "Image tags, separated by `;`.", "`ContainerImageTag(s)` if set, else the project version and the short git commit"),
        P(LogRetentionDays, "Retention of a log group the build creates (a CloudWatch Logs retention value).", "never expire"),
        P(ReuseUnchangedImage, "When the published files, base image and container settings equal those of the running revision, deploys that revision's image again instead of pushing a copy (the SDK stamps every build with a new digest).", "`true`"),
        P(LocalStateFile, "Where LocalEcs (`EcsTarget=local`) keeps its state between publishes.", "`<local application data>/EcsBuildTasks/localecs/state.json`"),
        P(ResultFile, "Where the deployment result (image digest, ARNs, status, durations, API calls) is written as JSON.", "`$(PublishDir)ecs-deployment.json`"),
        P(Prefetch, "Starts the deployment's read-only checks (and `EcsTarget=local`'s LocalEcs) in the background while the project compiles, so that the preparation after the publish finds their answers (each used once, at most 60 s old; nothing is changed or printed early). `false` starts them after the publish. `dotnet publish` of one project only (not a solution or `EcsDeployAfter` publish, nor Visual Studio's task host).", "`true`"),
        I(EnvironmentVariableItem, "Container environment variable: `Include`=name, `Value`.", "none"),
        I(SecretItem, "Container secret: `Include`=variable name, `ValueFrom`=Secrets Manager or SSM Parameter Store ARN (or parameter name).", "none"),
        I(CapacityProviderItem, "Capacity provider strategy item: `Include`=provider, `Weight`, `Base`. Replaces the launch type.", "none"),
        I(AlarmItem, "CloudWatch alarm (by name) that fails and rolls back the deployment when it goes into ALARM.", "none"),
        I(TagItem, "Tag on the task definition and service: `Include`=key, `Value`.", "none"),
        I(PlacementConstraintItem, "`Include`=`distinctInstance` or `memberOf`, `Expression` (EC2).", "none"),
        I(PlacementStrategyItem, "`Include`=`random`, `spread` or `binpack`, `Field` (EC2).", "none"),
    ];

    private static SettingInfo P(string name, string description, string defaultValue) => new(name, SettingKind.Property, description, defaultValue);

    private static SettingInfo I(string name, string description, string defaultValue) => new(name, SettingKind.Item, description, defaultValue);
}
