using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.State;

internal sealed class EcsCluster
{
    public string Name { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public string Status { get; set; } = "ACTIVE";

    public DateTimeOffset CreatedAt { get; set; }

    public JsonArray? Tags { get; set; }

    public JsonArray? Settings { get; set; }

    public JsonObject? Configuration { get; set; }

    public List<string> CapacityProviders { get; set; } = [];

    public JsonArray? DefaultCapacityProviderStrategy { get; set; }

    public Dictionary<string, EcsService> Services { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tasks by task id (32 hex digits). Stopped tasks stay for an hour of simulated time, as in ECS.</summary>
    public Dictionary<string, EcsTask> Tasks { get; set; } = new(StringComparer.Ordinal);

    public List<ContainerInstanceRecord> ContainerInstances { get; set; } = [];

    /// <summary>Managed daemons (CreateDaemon) by name.</summary>
    public Dictionary<string, DaemonRecord> Daemons { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A simulated EC2 container instance (for EC2 launch type and DAEMON services).</summary>
internal sealed class ContainerInstanceRecord
{
    public string Arn { get; set; } = string.Empty;

    public string Id { get; set; } = string.Empty;

    public string Ec2InstanceId { get; set; } = string.Empty;

    public string AvailabilityZone { get; set; } = string.Empty;

    public string SubnetId { get; set; } = string.Empty;

    public string PrivateIp { get; set; } = string.Empty;

    public string Status { get; set; } = "ACTIVE";

    public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>Next dynamic host port (bridge mode with hostPort 0), from Docker's ephemeral range.</summary>
    public int NextHostPort { get; set; } = 32768;

    /// <summary>The capacity provider that launched the instance; null for the cluster's plain instances (<c>--container-instances</c>).</summary>
    public string? CapacityProviderName { get; set; }

    /// <summary>When a REGISTERING instance finishes booting and registers.</summary>
    public DateTimeOffset? ReadyAt { get; set; }

    /// <summary>The daemon deployment (ARN) that drains the instance, or <c>daemon-task-failure</c>.</summary>
    public string? DrainedBy { get; set; }
}

internal sealed class TaskDefinitionRecord
{
    public string Arn { get; set; } = string.Empty;

    public string Family { get; set; } = string.Empty;

    public int Revision { get; set; }

    public string Status { get; set; } = "ACTIVE";

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset? DeregisteredAt { get; set; }

    public DateTimeOffset? DeleteRequestedAt { get; set; }

    /// <summary>The registration request's task definition members, echoed back as registered.</summary>
    public JsonObject Definition { get; set; } = [];

    public JsonArray? Tags { get; set; }

    public List<string> Compatibilities { get; set; } = [];
}

internal sealed class EcsService
{
    public string Name { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public string ClusterArn { get; set; } = string.Empty;

    public string Status { get; set; } = "ACTIVE";

    public int DesiredCount { get; set; }

    public string? LaunchType { get; set; }

    public JsonArray? CapacityProviderStrategy { get; set; }

    public string? PlatformVersion { get; set; }

    public string TaskDefinitionArn { get; set; } = string.Empty;

    /// <summary>The effective deployment configuration, with ECS's defaults filled in.</summary>
    public JsonObject DeploymentConfiguration { get; set; } = [];

    public JsonArray LoadBalancers { get; set; } = [];

    /// <summary>Which target group currently takes production traffic, per <see cref="LoadBalancers"/> entry (blue/green swaps it).</summary>
    public List<string> ProductionTargetGroupArns { get; set; } = [];

    public JsonArray ServiceRegistries { get; set; } = [];

    public JsonObject? NetworkConfiguration { get; set; }

    public JsonObject? ServiceConnectConfiguration { get; set; }

    public JsonArray? VolumeConfigurations { get; set; }

    public int? HealthCheckGracePeriodSeconds { get; set; }

    public string SchedulingStrategy { get; set; } = "REPLICA";

    public string DeploymentController { get; set; } = "ECS";

    public JsonArray? Tags { get; set; }

    public bool EnableEcsManagedTags { get; set; }

    public string? PropagateTags { get; set; }

    public bool EnableExecuteCommand { get; set; }

    public JsonArray PlacementConstraints { get; set; } = [];

    public JsonArray PlacementStrategy { get; set; } = [];

    public string? RoleArn { get; set; }

    public string AvailabilityZoneRebalancing { get; set; } = "DISABLED";

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = string.Empty;

    public string? ClientToken { get; set; }

    public List<ServiceEventRecord> Events { get; set; } = [];

    /// <summary>ECS's <c>deployments[]</c>: PRIMARY first, then ACTIVE ones still running tasks.</summary>
    public List<EcsDeploymentRecord> Deployments { get; set; } = [];

    public List<ServiceDeploymentRecord> ServiceDeployments { get; set; } = [];

    public List<ServiceRevisionRecord> Revisions { get; set; } = [];

    public List<TaskSetRecord> TaskSets { get; set; } = [];

    /// <summary>The Express part of a service that CreateExpressGatewayService made (resourceManagementType ECS); null otherwise.</summary>
    public ExpressGatewayRecord? Express { get; set; }

    /// <summary>True once the service reported a steady state and nothing changed since (so the event is written once).</summary>
    public bool SteadyStateReported { get; set; }

    public DateTimeOffset? DrainingSince { get; set; }

    public DateTimeOffset? PlacementFailureReportedAt { get; set; }

    /// <summary><c>LOCALECS_SIMULATE</c> behaviour armed through the control API for the next revision this service deploys.</summary>
    public string? NextRevisionSimulate { get; set; }
}

internal sealed class ServiceEventRecord
{
    public string Id { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }

    public string Message { get; set; } = string.Empty;
}

/// <summary>An entry of ECS's <c>service.deployments[]</c>: a set of tasks from one service revision.</summary>
internal sealed class EcsDeploymentRecord
{
    public string Id { get; set; } = string.Empty;

    public string Status { get; set; } = "PRIMARY";

    public string TaskDefinitionArn { get; set; } = string.Empty;

    public int DesiredCount { get; set; }

    public int FailedTasks { get; set; }

    public string RolloutState { get; set; } = "IN_PROGRESS";

    public string? RolloutStateReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? LaunchType { get; set; }

    public JsonArray? CapacityProviderStrategy { get; set; }

    public string? PlatformVersion { get; set; }

    public JsonObject? NetworkConfiguration { get; set; }

    public string ServiceRevisionArn { get; set; } = string.Empty;

    /// <summary>Target groups this deployment's tasks register with (blue/green puts green tasks in the alternate group).</summary>
    public List<string> TargetGroupArns { get; set; } = [];
}

internal sealed class ServiceRevisionRecord
{
    public string Arn { get; set; } = string.Empty;

    public string ServiceArn { get; set; } = string.Empty;

    public string ClusterArn { get; set; } = string.Empty;

    public string TaskDefinitionArn { get; set; } = string.Empty;

    public string? LaunchType { get; set; }

    public JsonArray? CapacityProviderStrategy { get; set; }

    public string? PlatformVersion { get; set; }

    public string? PlatformFamily { get; set; }

    public JsonArray LoadBalancers { get; set; } = [];

    public JsonArray ServiceRegistries { get; set; } = [];

    public JsonObject? NetworkConfiguration { get; set; }

    public JsonObject? ServiceConnectConfiguration { get; set; }

    public JsonArray? VolumeConfigurations { get; set; }

    public List<ContainerImageRecord> ContainerImages { get; set; } = [];

    public List<string> ResolvedTargetGroupArns { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary><c>LOCALECS_SIMULATE</c> behaviour injected into every task of this revision (armed through the control API).</summary>
    public string? Simulate { get; set; }
}

internal sealed class ContainerImageRecord
{
    public string ContainerName { get; set; } = string.Empty;

    public string Image { get; set; } = string.Empty;

    public string? ImageDigest { get; set; }
}

/// <summary>A service deployment (ListServiceDeployments/DescribeServiceDeployments) and the state of its strategy.</summary>
internal sealed class ServiceDeploymentRecord
{
    public string Arn { get; set; } = string.Empty;

    public string Id { get; set; } = string.Empty;

    public string ServiceArn { get; set; } = string.Empty;

    public string ClusterArn { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public DateTimeOffset? StoppedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<string> SourceRevisionArns { get; set; } = [];

    public string TargetRevisionArn { get; set; } = string.Empty;

    public string Status { get; set; } = "PENDING";

    public string? StatusReason { get; set; }

    public string? LifecycleStage { get; set; }

    public string Strategy { get; set; } = "ROLLING";

    public JsonObject DeploymentConfiguration { get; set; } = [];

    public string? RollbackReason { get; set; }

    public DateTimeOffset? RollbackStartedAt { get; set; }

    public string? RollbackRevisionArn { get; set; }

    public MonitorState CircuitBreaker { get; set; } = new();

    public MonitorState Alarms { get; set; } = new();

    public List<HookExecution> Hooks { get; set; } = [];

    /// <summary>The <c>deployments[]</c> entry that runs the target revision.</summary>
    public string TargetDeploymentId { get; set; } = string.Empty;

    /// <summary>The <c>deployments[]</c> entry that runs the source revision again during a rollback.</summary>
    public string? RollbackDeploymentId { get; set; }

    /// <summary>Stages still to run for BLUE_GREEN, LINEAR and CANARY; index of the current one.</summary>
    public List<StageStep> Stages { get; set; } = [];

    public int StageIndex { get; set; }

    public DateTimeOffset StageEnteredAt { get; set; }

    /// <summary>Whether the current stage's own work (scaling, traffic weights) and its hooks have been started.</summary>
    public bool StageStarted { get; set; }

    /// <summary>Production traffic on the target revision, in percent (traffic-shifting strategies).</summary>
    public double ProductionWeight { get; set; }

    public double TestWeight { get; set; }

    public bool StopRequested { get; set; }

    /// <summary>Failed tasks of the revision a rollback restores (too many and the rollback fails).</summary>
    public int RollbackFailureCount { get; set; }

    /// <summary>When the current stage's work and hooks finished (its wait, if any, counts from here).</summary>
    public DateTimeOffset? StageReadyAt { get; set; }

    /// <summary>The revision a rollback returns to: the last one that completed a deployment.</summary>
    public string? LastGoodRevisionArn { get; set; }
}

internal sealed class MonitorState
{
    public bool Enabled { get; set; }

    public bool Rollback { get; set; }

    public string Status { get; set; } = "DISABLED";

    public int FailureCount { get; set; }

    public int Threshold { get; set; }

    public bool ResetOnHealthyTask { get; set; } = true;

    public List<string> Names { get; set; } = [];

    public List<string> Triggered { get; set; } = [];
}

/// <summary>One step of a traffic-shifting deployment: a lifecycle stage and, for traffic stages, the weight it sets.</summary>
internal sealed class StageStep
{
    public string Stage { get; set; } = string.Empty;

    public double? ProductionWeight { get; set; }

    /// <summary>Minutes to wait once the stage's work and hooks are done (linear/canary step bake, BAKE_TIME).</summary>
    public int WaitMinutes { get; set; }
}

internal sealed class HookExecution
{
    public string HookId { get; set; } = string.Empty;

    public string Stage { get; set; } = string.Empty;

    public int StageIndex { get; set; }

    public string TargetType { get; set; } = "AWS_LAMBDA";

    public string? TargetArn { get; set; }

    public string Status { get; set; } = "IN_PROGRESS";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public string TimeoutAction { get; set; } = "ROLLBACK";

    /// <summary>The event ECS would invoke a Lambda hook with (JSON), for tests to inspect through the control API.</summary>
    public string? InvocationPayload { get; set; }
}

internal sealed class TaskSetRecord
{
    public string Id { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public string ServiceArn { get; set; } = string.Empty;

    public string ClusterArn { get; set; } = string.Empty;

    public string? ExternalId { get; set; }

    public string Status { get; set; } = "ACTIVE";

    public string TaskDefinitionArn { get; set; } = string.Empty;

    public double ScaleValue { get; set; } = 100;

    public string ScaleUnit { get; set; } = "PERCENT";

    public string? LaunchType { get; set; }

    public JsonArray? CapacityProviderStrategy { get; set; }

    public string? PlatformVersion { get; set; }

    public JsonObject? NetworkConfiguration { get; set; }

    public JsonArray LoadBalancers { get; set; } = [];

    public JsonArray ServiceRegistries { get; set; } = [];

    public JsonArray? Tags { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string StabilityStatus { get; set; } = "STABILIZING";

    public DateTimeOffset StabilityStatusAt { get; set; }
}

internal sealed class EcsTask
{
    public string Id { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public string ClusterArn { get; set; } = string.Empty;

    public string TaskDefinitionArn { get; set; } = string.Empty;

    public string Group { get; set; } = string.Empty;

    public string? StartedBy { get; set; }

    public string? ServiceName { get; set; }

    /// <summary>The <c>deployments[]</c> id (ecs-svc/…) or task set id that started the task.</summary>
    public string? DeploymentId { get; set; }

    public string? TaskSetId { get; set; }

    /// <summary>The managed daemon whose task this is, and the daemon revision it runs.</summary>
    public string? DaemonName { get; set; }

    public string? DaemonRevisionArn { get; set; }

    public string LaunchType { get; set; } = "FARGATE";

    public string? PlatformVersion { get; set; }

    public string? ContainerInstanceArn { get; set; }

    public string? Ec2InstanceId { get; set; }

    public string AvailabilityZone { get; set; } = string.Empty;

    public string NetworkMode { get; set; } = "awsvpc";

    public string? SubnetId { get; set; }

    public string? PrivateIp { get; set; }

    public string? EniId { get; set; }

    public string? MacAddress { get; set; }

    public string Cpu { get; set; } = "256";

    public string Memory { get; set; } = "512";

    public string LastStatus { get; set; } = "PROVISIONING";

    public string DesiredStatus { get; set; } = "RUNNING";

    public string HealthStatus { get; set; } = "UNKNOWN";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PullStartedAt { get; set; }

    public DateTimeOffset? PullStoppedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? ConnectivityAt { get; set; }

    public DateTimeOffset? StoppingAt { get; set; }

    public DateTimeOffset? StoppedAt { get; set; }

    public DateTimeOffset? ExecutionStoppedAt { get; set; }

    /// <summary>When the current <see cref="LastStatus"/> phase ends (null: it lasts until something happens).</summary>
    public DateTimeOffset? PhaseEndsAt { get; set; }

    public string? StoppedReason { get; set; }

    public string? StopCode { get; set; }

    /// <summary>Whether the stop counts against the deployment (circuit breaker, failedTasks).</summary>
    public bool StopIsFailure { get; set; }

    public bool FailureCounted { get; set; }

    public bool HealthyReported { get; set; }

    public long Version { get; set; } = 1;

    public List<TaskContainerRecord> Containers { get; set; } = [];

    public JsonObject? Overrides { get; set; }

    public JsonArray? Tags { get; set; }

    public bool EnableExecuteCommand { get; set; }

    /// <summary>Target groups the task belongs in (decided at launch) and, once registered, its targets there.</summary>
    public List<TaskTarget> Targets { get; set; } = [];

    /// <summary>Cloud Map registrations (from the service's <c>serviceRegistries</c>).</summary>
    public List<TaskRegistry> Registries { get; set; } = [];

    public SimulatedBehaviour Behaviour { get; set; } = new();
}

internal sealed class TaskTarget
{
    public string TargetGroupArn { get; set; } = string.Empty;

    public string ContainerName { get; set; } = string.Empty;

    public int ContainerPort { get; set; }

    public string? TargetId { get; set; }

    public int Port { get; set; }

    public bool Registered { get; set; }
}

internal sealed class TaskRegistry
{
    public string RegistryArn { get; set; } = string.Empty;

    public string? ContainerName { get; set; }

    public int? ContainerPort { get; set; }

    public int? Port { get; set; }

    public bool Registered { get; set; }
}

/// <summary>What <c>LOCALECS_SIMULATE</c> asked the task's app to do.</summary>
internal sealed class SimulatedBehaviour
{
    public bool Crash { get; set; }

    public bool Unhealthy { get; set; }

    public int SlowStartSeconds { get; set; }

    public bool PullError { get; set; }

    /// <summary><c>exit:&lt;code&gt;</c>: the essential container finishes on its own with this exit code (a one-off job such as a migration).</summary>
    public int? ExitCode { get; set; }
}

internal sealed class TaskContainerRecord
{
    public string Name { get; set; } = string.Empty;

    public string ContainerArn { get; set; } = string.Empty;

    public string Image { get; set; } = string.Empty;

    public string? ImageDigest { get; set; }

    public string RuntimeId { get; set; } = string.Empty;

    public string LastStatus { get; set; } = "PENDING";

    public int? ExitCode { get; set; }

    public string? Reason { get; set; }

    public string HealthStatus { get; set; } = "UNKNOWN";

    public bool Essential { get; set; } = true;

    public bool HasHealthCheck { get; set; }

    public int HealthCheckIntervalSeconds { get; set; } = 30;

    public int HealthCheckRetries { get; set; } = 3;

    public int HealthCheckStartPeriodSeconds { get; set; }

    public int StopTimeoutSeconds { get; set; } = 30;

    public string? Cpu { get; set; }

    public string? Memory { get; set; }

    public string? MemoryReservation { get; set; }

    public JsonArray NetworkBindings { get; set; } = [];

    public JsonObject? LogConfiguration { get; set; }

    public List<int> ContainerPorts { get; set; } = [];

    /// <summary>Host port per container port (bridge/host mode), in <see cref="ContainerPorts"/> order.</summary>
    public List<int> HostPorts { get; set; } = [];

    public bool LogsWritten { get; set; }
}
