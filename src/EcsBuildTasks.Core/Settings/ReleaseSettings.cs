namespace EcsBuildTasks.Core.Settings;

/// <summary>What to do when the service has a deployment in flight before this build changes it (<c>EcsConcurrentDeployment</c>).</summary>
internal enum ConcurrentDeploymentPolicy
{
    /// <summary>Wait for it to finish (within <c>EcsTimeoutMinutes</c>), then deploy.</summary>
    Wait,

    /// <summary>Fail the build without changing anything.</summary>
    Fail,
}

/// <summary>How a release goes along with others: deployments in flight, redeploying an unchanged revision.</summary>
internal sealed record ReleaseSettings
{
    public ConcurrentDeploymentPolicy ConcurrentDeployment { get; init; } = ConcurrentDeploymentPolicy.Wait;

    /// <summary>Start a new deployment of the current revision even when nothing changed (<c>EcsForceNewDeployment</c>).</summary>
    public bool ForceNewDeployment { get; init; }

    /// <summary>Confirm an unchanged publish with a few reads when the service carries the seal of these inputs (<c>EcsUpToDateShortcut</c>).</summary>
    public bool UpToDateShortcut { get; init; } = true;

    /// <summary>The environment deployed: the publish profile's name (<c>-p:PublishProfile=Staging</c>); null without one.</summary>
    public string? Environment { get; init; }
}
