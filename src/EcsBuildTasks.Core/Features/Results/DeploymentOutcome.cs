namespace EcsBuildTasks.Core.Features.Results;

/// <summary>How a deployment ended, as the build reports it.</summary>
internal enum DeploymentOutcome
{
    /// <summary>The new revision runs and the deployment is SUCCESSFUL / COMPLETED.</summary>
    Succeeded,

    /// <summary>ECS rolled back (circuit breaker, alarm): the service runs its previous revision.</summary>
    RolledBack,

    /// <summary>The build rolled back because the deployment exceeded EcsTimeoutMinutes.</summary>
    TimedOut,

    /// <summary>The build rolled back after EcsFailFastFailedTasks failed tasks.</summary>
    FailedFast,

    /// <summary>The deployment failed and the service is not known to be on a healthy revision.</summary>
    Failed,

    /// <summary>Someone stopped the deployment outside this build.</summary>
    Stopped,

    /// <summary>The build was cancelled while waiting; the deployment goes on.</summary>
    Cancelled,

    /// <summary>A verification gate of the build failed; the build asked ECS to roll back.</summary>
    VerificationFailed,

    /// <summary>
    /// A newer deployment (another build's, or one started outside the build) stopped this build's before it finished:
    /// the revision did not fail, but it is not what the service runs.
    /// </summary>
    Superseded,
}
