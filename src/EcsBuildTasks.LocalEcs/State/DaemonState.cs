using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// A capacity provider (CreateCapacityProvider): ECS Managed Instances (cluster-scoped) or an Auto Scaling group. The
/// simulated instances it contributes to its cluster are kept at <see cref="InstanceCount"/>, set through the control API.
/// </summary>
internal sealed class CapacityProviderRecord
{
    public string Name { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    /// <summary>The cluster (name) a Managed Instances provider belongs to; null for Auto Scaling group providers until associated.</summary>
    public string? Cluster { get; set; }

    /// <summary>MANAGED_INSTANCES or EC2_AUTOSCALING.</summary>
    public string Type { get; set; } = "MANAGED_INSTANCES";

    public string Status { get; set; } = "ACTIVE";

    public string UpdateStatus { get; set; } = "CREATE_COMPLETE";

    public string? UpdateStatusReason { get; set; }

    public JsonObject? ManagedInstancesProvider { get; set; }

    public JsonObject? AutoScalingGroupProvider { get; set; }

    public JsonArray? Tags { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>How many container instances the provider keeps running (draining ones are replaced, not counted).</summary>
    public int InstanceCount { get; set; }
}

/// <summary>A daemon task definition revision (RegisterDaemonTaskDefinition).</summary>
internal sealed class DaemonTaskDefinitionRecord
{
    public string Arn { get; set; } = string.Empty;

    public string Family { get; set; } = string.Empty;

    public int Revision { get; set; }

    public string Status { get; set; } = "ACTIVE";

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset? DeleteRequestedAt { get; set; }

    /// <summary>The registration request's definition members, echoed back as registered.</summary>
    public JsonObject Definition { get; set; } = [];

    public JsonArray? Tags { get; set; }
}

/// <summary>A managed daemon (CreateDaemon): one task per container instance of its capacity providers.</summary>
internal sealed class DaemonRecord
{
    public string Name { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public string ClusterArn { get; set; } = string.Empty;

    /// <summary>ACTIVE, or DELETE_IN_PROGRESS after DeleteDaemon (the daemon disappears once its tasks are gone).</summary>
    public string Status { get; set; } = "ACTIVE";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? ClientToken { get; set; }

    public JsonArray? Tags { get; set; }

    /// <summary>The revision new instances get: the latest deployment's target, or the revision a rollback restores.</summary>
    public string CurrentRevisionArn { get; set; } = string.Empty;

    /// <summary>The deployment configuration updates without one keep using.</summary>
    public JsonObject DeploymentConfiguration { get; set; } = [];

    public List<DaemonRevisionRecord> Revisions { get; set; } = [];

    public List<DaemonDeploymentRecord> Deployments { get; set; } = [];

    /// <summary>
    /// Which revision each container instance (ARN) runs: the one current when the instance registered, or an empty
    /// string for instances that were running before the daemon covered their capacity provider (deployments replace them).
    /// </summary>
    public Dictionary<string, string> Assignments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Since when the daemon covers each capacity provider; instances registered later start it first.</summary>
    public Dictionary<string, DateTimeOffset> CoveredSince { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>An immutable snapshot of a daemon's configuration, taken when a deployment starts.</summary>
internal sealed class DaemonRevisionRecord
{
    public string Arn { get; set; } = string.Empty;

    public string DaemonTaskDefinitionArn { get; set; } = string.Empty;

    /// <summary>Capacity provider names the revision runs on.</summary>
    public List<string> CapacityProviders { get; set; } = [];

    public string PropagateTags { get; set; } = "NONE";

    public bool EnableEcsManagedTags { get; set; }

    public bool EnableExecuteCommand { get; set; }

    public List<ContainerImageRecord> ContainerImages { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A daemon deployment: drains batches of container instances that do not run the target revision (drainPercent of
/// each capacity provider's instances at a time), lets the providers replace them with instances that start the
/// target revision first, then bakes; the circuit breaker and alarms roll it back.
/// </summary>
internal sealed class DaemonDeploymentRecord
{
    public string Arn { get; set; } = string.Empty;

    public string Id { get; set; } = string.Empty;

    public string Status { get; set; } = "PENDING";

    public string? StatusReason { get; set; }

    /// <summary>The revision being deployed; null for the deployment DeleteDaemon starts (it removes the daemon's tasks).</summary>
    public string? TargetRevisionArn { get; set; }

    public List<string> SourceRevisionArns { get; set; } = [];

    public JsonObject DeploymentConfiguration { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? StoppedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public MonitorState CircuitBreaker { get; set; } = new();

    public MonitorState Alarms { get; set; } = new();

    /// <summary>Alarms already in ALARM when the deployment started; ECS ignores them.</summary>
    public List<string> AlarmsIgnored { get; set; } = [];

    public string? RollbackReason { get; set; }

    public DateTimeOffset? RollbackStartedAt { get; set; }

    public string? RollbackRevisionArn { get; set; }

    public List<string> RollbackCapacityProviders { get; set; } = [];

    /// <summary>Failed tasks of the revision a rollback restores (as many as the circuit breaker allows and the rollback fails).</summary>
    public int RollbackFailureCount { get; set; }

    /// <summary>Capacity providers (names) the deployment covers.</summary>
    public List<string> CapacityProviders { get; set; } = [];

    /// <summary>When every instance ran the revision being rolled out (the bake counts from here).</summary>
    public DateTimeOffset? UpdatedAllAt { get; set; }
}
