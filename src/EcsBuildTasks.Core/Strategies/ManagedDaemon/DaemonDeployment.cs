using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Results;

namespace EcsBuildTasks.Core.Strategies.ManagedDaemon;

/// <summary>
/// What applying (or <c>-t:EcsRollback</c>) did to a managed daemon: the daemon, the daemon task definition its new
/// revision runs, the daemon deployment ECS started; then what following it found, and the build's own rollback when a
/// limit of the build was reached.
/// </summary>
internal sealed class DaemonDeploymentApplied(string daemonArn, ServiceChangeKind kind, string taskDefinitionArn, string? deploymentArn, DateTimeOffset startedAt, long started, bool wait) : AppliedDeployment
{
    public string DaemonArn { get; } = daemonArn;

    public ServiceChangeKind Kind { get; } = kind;

    /// <summary>The daemon task definition the deployment brings (the previous one, for <c>-t:EcsRollback</c>).</summary>
    public string TaskDefinitionArn { get; } = taskDefinitionArn;

    public string? DeploymentArn { get; } = deploymentArn;

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>When applying started (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Started { get; } = started;

    public DateTime RequestedAt { get; init; }

    public bool TaskDefinitionRegistered { get; init; }

    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>The daemon task definition the daemon ran before the change; null for a new daemon.</summary>
    public string? PreviousTaskDefinitionArn { get; init; }

    /// <summary><c>-t:EcsRollback</c>, not a deployment of the project.</summary>
    public bool IsRollback { get; init; }

    public DaemonDeploymentWatch? Watch { get; set; }

    public DaemonWaitResult? LastWait { get; set; }

    /// <summary>The limit that made the build roll the deployment back (it then follows the rollback's deployment).</summary>
    public DeploymentOutcome? BuildRollbackReason { get; set; }

    public override bool NeedsMonitoring => Kind != ServiceChangeKind.Unchanged && wait;
}
