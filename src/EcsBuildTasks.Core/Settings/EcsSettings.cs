namespace EcsBuildTasks.Core.Settings;

internal sealed record EnvironmentVariableSetting(string Name, string Value);

internal sealed record SecretSetting(string Name, string ValueFrom);

internal sealed record CapacityProviderSetting(string Name, int? Weight, int? Base);

internal sealed record TagSetting(string Key, string Value);

internal sealed record PlacementSetting(string Type, string? Value);

internal sealed record PortSetting(int Port, string Protocol);

internal sealed record CircuitBreakerThreshold(string Type, int Value);

internal enum DeploymentTarget
{
    /// <summary>Amazon Web Services, as the SDK's configuration (or <c>EcsEndpointUrl</c>) says.</summary>
    Aws,

    /// <summary>LocalEcs, the local emulator: no AWS account, no network.</summary>
    Local,
}

/// <summary>
/// The project's ECS configuration, parsed and typed. A null member means "not set by the user": the generator then
/// keeps what a template says, or applies the documented default.
/// </summary>
internal sealed record EcsSettings
{
    public bool DryRun { get; init; }

    public string? Region { get; init; }

    public string? Cluster { get; init; }

    public string? ServiceName { get; init; }

    public string? TaskFamily { get; init; }

    public string? ContainerName { get; init; }

    /// <summary>The name used when neither a property nor a template names the service, family or container: the SDK's
    /// <c>ContainerRepository</c> made into a valid ECS name.</summary>
    public string? DefaultName { get; init; }

    /// <summary>The SDK's <c>ContainerRepository</c>: the ECR repository the image is pushed to.</summary>
    public string? ContainerRepository { get; init; }

    /// <summary>Create the account's <c>ecsTaskExecutionRole</c> when it is needed and missing (<c>EcsCreateExecutionRole</c>).</summary>
    public bool CreateExecutionRole { get; init; }

    /// <summary>Create a missing cluster (<c>EcsCreateCluster</c>, default true).</summary>
    public bool CreateCluster { get; init; } = true;

    /// <summary>The SDK's <c>ContainerRegistry</c> as the project set it: with a custom endpoint, the registry to push to.</summary>
    public string? ContainerRegistry { get; init; }

    public string? LaunchType { get; init; }

    public string? PlatformVersion { get; init; }

    public string? SchedulingStrategy { get; init; }

    public int? DesiredCount { get; init; }

    public int? Cpu { get; init; }

    public int? Memory { get; init; }

    public int? ContainerCpu { get; init; }

    public int? ContainerMemory { get; init; }

    public int? ContainerMemoryReservation { get; init; }

    public string? ExecutionRoleArn { get; init; }

    public string? TaskRoleArn { get; init; }

    public string? NetworkMode { get; init; }

    public IReadOnlyList<string> Subnets { get; init; } = [];

    public IReadOnlyList<string> SecurityGroups { get; init; } = [];

    /// <summary>The subnets are the default VPC's (public): Fargate tasks then get a public IP unless told otherwise.</summary>
    public bool UsesDefaultVpc { get; init; }

    public string? AssignPublicIp { get; init; }

    public string? CpuArchitecture { get; init; }

    public string? OperatingSystemFamily { get; init; }

    public bool? AwsLogs { get; init; }

    public string? LogGroup { get; init; }

    public string? LogStreamPrefix { get; init; }

    public IReadOnlyList<string> HealthCheckCommand { get; init; } = [];

    public int? HealthCheckInterval { get; init; }

    public int? HealthCheckTimeout { get; init; }

    public int? HealthCheckRetries { get; init; }

    public int? HealthCheckStartPeriod { get; init; }

    public int? StopTimeout { get; init; }

    public int? EphemeralStorageGiB { get; init; }

    public int? MinimumHealthyPercent { get; init; }

    public int? MaximumPercent { get; init; }

    public bool? CircuitBreaker { get; init; }

    public bool? CircuitBreakerRollback { get; init; }

    public CircuitBreakerThreshold? CircuitBreakerThreshold { get; init; }

    public bool? AlarmRollback { get; init; }

    public int? HealthCheckGracePeriodSeconds { get; init; }

    public bool? EnableExecuteCommand { get; init; }

    public string? PropagateTags { get; init; }

    public bool? EnableEcsManagedTags { get; init; }

    public string? TargetGroupArn { get; init; }

    public int? LoadBalancerContainerPort { get; init; }

    public string? TaskDefinitionTemplate { get; init; }

    public string? ServiceDefinitionTemplate { get; init; }

    /// <summary>
    /// <c>EcsDeploymentStrategy</c> as the project gives it (null: the default). Which strategy that names is decided
    /// once, by the strategy registry (<c>Strategies/DeploymentStrategies</c>), which reports a name it does not know.
    /// </summary>
    public string? DeploymentStrategy { get; init; }

    /// <summary>Blue/green, canary and linear: bake times, wiring, lifecycle hooks and verification gates.</summary>
    public TrafficShiftingSettings TrafficShifting { get; init; } = TrafficShiftingSettings.None;

    /// <summary>The image reference the task definition pins (digest after a push, tag in a dry run, or <c>EcsImage</c>).</summary>
    public string? Image { get; init; }

    /// <summary>True when <see cref="Image"/> came from <c>EcsImage</c>: an existing image, not one this build pushes.</summary>
    public bool ImageIsExternal { get; init; }

    /// <summary>The digest the SDK reported for the image it pushed (<c>GeneratedContainerDigest</c>); null before a push.</summary>
    public string? PushedImageDigest { get; init; }

    /// <summary>
    /// The digest of every raw property and item the settings were read from (<see cref="SettingsInput.Digest"/>): equal
    /// for two builds with the same configuration. Part of what an unchanged publish compares with what the service was
    /// last deployed from.
    /// </summary>
    public string? InputDigest { get; init; }

    /// <summary>Ports the image exposes (SDK image configuration, <c>ContainerPort</c> items, or the ASP.NET default).</summary>
    public IReadOnlyList<PortSetting> ContainerPorts { get; init; } = [];

    /// <summary>Where <see cref="ContainerPorts"/> came from, for the plan summary.</summary>
    public string? ContainerPortsSource { get; init; }

    public IReadOnlyList<EnvironmentVariableSetting> EnvironmentVariables { get; init; } = [];

    public IReadOnlyList<SecretSetting> Secrets { get; init; } = [];

    public IReadOnlyList<CapacityProviderSetting> CapacityProviders { get; init; } = [];

    public IReadOnlyList<string> Alarms { get; init; } = [];

    public IReadOnlyList<TagSetting> Tags { get; init; } = [];

    public IReadOnlyList<PlacementSetting> PlacementConstraints { get; init; } = [];

    public IReadOnlyList<PlacementSetting> PlacementStrategies { get; init; } = [];

    // Deployment.
    public DeploymentTarget Target { get; init; }

    public string? EndpointUrl { get; init; }

    public string? Profile { get; init; }

    public string? AssumeRoleArn { get; init; }

    public bool Wait { get; init; } = true;

    public int TimeoutMinutes { get; init; } = 30;

    public int? FailFastFailedTasks { get; init; }

    public bool CreateEcrRepository { get; init; } = true;

    public bool EcrScanOnPush { get; init; } = true;

    public bool EcrTagImmutability { get; init; }

    public int? EcrKeepImages { get; init; }

    public IReadOnlyList<string> ImageTags { get; init; } = [];

    public int? LogRetentionDays { get; init; }

    public string? ResultFile { get; init; }

    public bool ReuseUnchangedImage { get; init; } = true;

    /// <summary>Null when the project asks for no Cloud Map registration.</summary>
    public ServiceDiscoverySettings? ServiceDiscovery { get; init; }

    /// <summary>Null when the project does not use Service Connect.</summary>
    public ServiceConnectSettings? ServiceConnect { get; init; }

    /// <summary>Null when the project does not manage auto scaling (a scalable target someone else made is still suspended during deployments).</summary>
    public AutoScalingSettings? AutoScaling { get; init; }

    public IReadOnlyList<OneOffTaskSetting> PreDeployTasks { get; init; } = [];

    /// <summary>What <c>-t:EcsRunTask</c> runs.</summary>
    public OneOffTaskSetting RunTask { get; init; } = new("EcsRunTask", null, [], [], null);

    /// <summary>Deployments in flight and forced redeployments.</summary>
    public ReleaseSettings Release { get; init; } = new();

    /// <summary>The live plan and the secrets and roles preflight.</summary>
    public PlanSettings Plan { get; init; } = new(LivePlanMode.Auto, CheckSecrets: true);
}
