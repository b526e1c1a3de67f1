using EcsBuildTasks.Core.Features.EcsServices;

namespace EcsBuildTasks.Core.Strategies.Express;

/// <summary>
/// What applying (or <c>-t:EcsRollback</c>) did to an Express service: the ECS service behind it as the change found
/// it, the task definition the new configuration runs (ECS registers it for a primary container) and the service
/// deployment ECS started for it; then what following it found.
/// </summary>
internal sealed class ExpressDeployment(ServiceChange change, string serviceArn, string taskDefinitionArn, string? deploymentArn, DateTimeOffset startedAt, long started, bool wait) : AppliedDeployment
{
    public ServiceChange Change { get; } = change;

    public string ServiceArn { get; } = serviceArn;

    /// <summary>The revision the deployment brings (the previous one, for a rollback).</summary>
    public string TaskDefinitionArn { get; } = taskDefinitionArn;

    /// <summary>The service deployment ECS started for the change, when it said which.</summary>
    public string? DeploymentArn { get; } = deploymentArn;

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>When applying started (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Started { get; } = started;

    /// <summary>A new task definition revision serves the change (registered by the package or by ECS).</summary>
    public bool TaskDefinitionChanged { get; init; }

    /// <summary>The build's <c>-t:EcsRollback</c>, not a deployment of the project.</summary>
    public bool IsRollback { get; init; }

    /// <summary>The service's URL (https://...), once ECS gives it.</summary>
    public string? Url { get; set; }

    public ServiceDeploymentWatch? Watch { get; set; }

    public WaitResult? LastWait { get; set; }

    public override bool NeedsMonitoring => Change.Kind != ServiceChangeKind.Unchanged && wait;
}
