namespace EcsBuildTasks.Core.Features.Solution;

/// <summary>
/// One project of a publish as it describes itself before anything deploys (the <c>_EcsDescribeDeployment</c> target,
/// evaluated in a configuration of its own so that describing a project never waits for its publish): whether it
/// deploys, what, where, and after which projects.
/// </summary>
internal sealed record SolutionProject
{
    /// <summary>The project file's full path: how projects of one publish name each other.</summary>
    public required string ProjectFile { get; init; }

    /// <summary><c>EcsDeploy=true</c> and no <c>EcsSkip</c> in that project.</summary>
    public bool Deploys { get; init; }

    /// <summary><c>EcsDryRun=true</c>: it plans, deploys nothing, so nothing waits for it and it has no result.</summary>
    public bool DryRun { get; init; }

    /// <summary>The service name, cluster and where they are; null when the project's settings are invalid (its own build says why).</summary>
    public string? Service { get; init; }

    public string? Cluster { get; init; }

    public string? Region { get; init; }

    public string? EndpointUrl { get; init; }

    /// <summary>The publish profile deployed (the environment); null without one.</summary>
    public string? Environment { get; init; }

    /// <summary>Its <c>EcsResultFile</c>.</summary>
    public string? ResultFile { get; init; }

    /// <summary>The full paths of the projects its <c>EcsDeployAfter</c> items name.</summary>
    public IReadOnlyList<string> DeployAfter { get; init; } = [];

    /// <summary>
    /// The full paths of the projects its <c>ProjectReference</c> items name. Their builds run inside this project's build,
    /// so a referenced project never combines the publish: its failed build's combining would wait for this one.
    /// </summary>
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>When it was described: a result file older than this is from an earlier publish.</summary>
    public DateTimeOffset DescribedAt { get; init; }

    /// <summary>Deploys for real in this publish: something can wait for it and it leaves a result.</summary>
    public bool DeploysForReal => Deploys && !DryRun;

    public string Name => Path.GetFileNameWithoutExtension(ProjectFile);

    /// <summary>Whether two projects would deploy the same ECS service: same endpoint, region, cluster and service name.</summary>
    public bool SameServiceAs(SolutionProject other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Service is not null && Cluster is not null
            && string.Equals(Service, other.Service, StringComparison.Ordinal)
            && string.Equals(Cluster, other.Cluster, StringComparison.Ordinal)
            && string.Equals(Region ?? string.Empty, other.Region ?? string.Empty, StringComparison.OrdinalIgnoreCase)
            && string.Equals(EndpointUrl?.TrimEnd('/') ?? string.Empty, other.EndpointUrl?.TrimEnd('/') ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }
}
