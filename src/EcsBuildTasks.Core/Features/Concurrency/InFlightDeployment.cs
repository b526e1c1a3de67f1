namespace EcsBuildTasks.Core.Features.Concurrency;

/// <summary>
/// A deployment that is going on where this build is about to deploy, started by someone else (another build, a person
/// in the console, a pipeline of another tool).
/// </summary>
/// <param name="Subject">What it deploys to, as people name it (e.g. <c>service api in cluster prod</c>).</param>
/// <param name="DeploymentId">The service deployment ARN, or the <c>deployments[]</c> id where the service deployment API is missing.</param>
/// <param name="Status">Its state as ECS reports it (IN_PROGRESS, ROLLBACK_IN_PROGRESS, ...).</param>
/// <param name="TaskDefinitionArn">The revision it brings, when known.</param>
/// <param name="Origin">Whose it is, when the package can tell (the commit a build of EcsBuildTasks tagged on the revision); null otherwise.</param>
internal sealed record InFlightDeployment(string Subject, string DeploymentId, string Status, string? TaskDefinitionArn, string? Origin)
{
    /// <summary>When it started, when ECS says.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The command that shows it.</summary>
    public string? CheckCommand { get; init; }
}
