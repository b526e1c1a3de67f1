using EcsBuildTasks.Core.Features.Results;

namespace EcsBuildTasks.Core.Strategies;

/// <summary>
/// The part of a deployment's result every strategy fills the same way: where it deployed, the image and its digest,
/// the task definition, when it started and finished, how long it waited and how many AWS calls it made. A strategy
/// adds what is its own with <c>with { ... }</c>.
/// </summary>
internal static class StrategyResults
{
    /// <param name="started">The timestamp (<see cref="TimeProvider.GetTimestamp"/>) the deployment started at.</param>
    /// <param name="waited">How long the build followed the deployment; null when it did not.</param>
    public static DeploymentResult Of(DeploymentContext context, string status, string? serviceArn, string? image, (string? Arn, bool Registered) taskDefinition, (DateTimeOffset At, long Timestamp) started, TimeSpan? waited)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, time, service) = (context.Aws, context.Time, context.Definitions.Service);
        return new DeploymentResult
        {
            Status = status,
            Cluster = service.Cluster!,
            Service = service.ServiceName!,
            ServiceArn = serviceArn,
            Image = image,
            ImageDigest = DigestOf(image),
            TaskDefinitionArn = taskDefinition.Arn,
            TaskDefinitionRegistered = taskDefinition.Registered,
            Region = aws.Factory.ResolvedRegion.SystemName,
            StartedAt = started.At,
            FinishedAt = time.GetUtcNow(),
            DeploySeconds = time.GetElapsedTime(started.Timestamp).TotalSeconds,
            WaitSeconds = waited?.TotalSeconds ?? 0,
            ApiCalls = aws.RequestCount,
        };
    }

    /// <summary>The digest of an image pinned by digest (<c>repository@sha256:…</c>); null for one referenced by tag.</summary>
    public static string? DigestOf(string? image) =>
        image is not null && image.Contains('@', StringComparison.Ordinal) ? image[(image.IndexOf('@', StringComparison.Ordinal) + 1)..] : null;
}
