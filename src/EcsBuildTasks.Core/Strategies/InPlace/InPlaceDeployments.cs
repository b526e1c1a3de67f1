using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.TaskDefinitions;

namespace EcsBuildTasks.Core.Strategies.InPlace;

/// <summary>An ECS service deployment the build follows with a <see cref="ServiceDeploymentWatch"/> (and, for some strategies, a follower).</summary>
internal abstract class WatchedServiceDeployment : AppliedDeployment
{
    public ServiceDeploymentWatch? Watch { get; private set; }

    public ServiceDeploymentFollower? Follower { get; private set; }

    /// <summary>The last verdict of the watch.</summary>
    public WaitResult? LastWait { get; set; }

    public void Follow(ServiceDeploymentWatch watch, ServiceDeploymentFollower? follower)
    {
        Watch = watch;
        Follower = follower;
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        Follower?.Dispose();
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }
}

/// <summary>What applying changed: the task definition revision, the service change, and the auto scaling suspended meanwhile.</summary>
internal sealed class ServiceChangeDeployment(ServiceChangeSteps steps, IAsyncDisposable suspension, RegisteredTaskDefinition registered, ServiceChange change, DateTimeOffset startedAt, long started, bool wait) : WatchedServiceDeployment
{
    public ServiceChangeSteps Steps { get; } = steps;

    /// <summary>Auto scaling suspended for the deployment; disposing restores it.</summary>
    public IAsyncDisposable Suspension { get; } = suspension;

    public RegisteredTaskDefinition Registered { get; } = registered;

    public ServiceChange Change { get; } = change;

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>When applying started (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Started { get; } = started;

    public override bool NeedsMonitoring => Change.Kind != ServiceChangeKind.Unchanged && wait;

    protected override async ValueTask DisposeAsyncCore()
    {
        await Suspension.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }
}

/// <summary>A rollback <c>-t:EcsRollback</c> started.</summary>
internal sealed class ServiceRollbackDeployment(StartedRollback started) : WatchedServiceDeployment
{
    public StartedRollback Started { get; } = started;

    public override bool NeedsMonitoring => true;
}
