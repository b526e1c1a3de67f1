using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Features.Concurrency;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary>
/// The deployments going on in one ECS service: its service deployments that are PENDING, IN_PROGRESS or on their way to
/// a stop or a rollback; where the service deployment API is missing, a rolling deployment in <c>deployments[]</c> (more
/// than one entry, or a primary still IN_PROGRESS). Whose each is comes from the tags a build of EcsBuildTasks puts on the
/// revision it deploys (the commit), looked up once per revision.
/// </summary>
internal sealed class ServiceDeploymentsInFlight(AwsSession aws, string cluster, string serviceName)
{
    private static readonly List<string> InFlightStatuses = ["PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"];

    private readonly Dictionary<string, string?> origins = new(StringComparer.Ordinal);
    private bool legacy;

    private string Subject => $"service {serviceName} in cluster {cluster}";

    /// <summary>The ListServiceDeployments status filter that finds the deployments in flight (a new list: requests own theirs).</summary>
    public static List<string> InFlightStatusFilter() => [.. InFlightStatuses];

    public async Task<IReadOnlyList<InFlightDeployment>> FindAsync(CancellationToken cancellationToken)
    {
        var service = await ServiceLookup.FindAsync(aws, cluster, serviceName, cancellationToken).ConfigureAwait(false);
        if (service is null)
        {
            return [];
        }

        var primary = service.Deployments?.Find(d => d.Status == "PRIMARY");
        if (!legacy)
        {
            try
            {
                var listed = await AwsCalls.RunAsync("ECS ListServiceDeployments", () => aws.Ecs.ListServiceDeploymentsAsync(
                    new ListServiceDeploymentsRequest { Cluster = cluster, Service = serviceName, Status = InFlightStatuses }, cancellationToken)).ConfigureAwait(false);
                var found = new List<InFlightDeployment>();
                foreach (var deployment in listed.ServiceDeployments ?? [])
                {
                    // The revision the newest deployment brings is the primary one; an older one still listed is being stopped.
                    var revision = deployment.ServiceDeploymentArn is not null && ReferenceEquals(deployment, listed.ServiceDeployments![0]) ? primary?.TaskDefinition : null;
                    found.Add(new InFlightDeployment(Subject, deployment.ServiceDeploymentArn ?? "unknown", deployment.Status?.Value ?? "IN_PROGRESS", revision, await OriginAsync(revision, cancellationToken).ConfigureAwait(false))
                    {
                        StartedAt = deployment.StartedAt ?? deployment.CreatedAt,
                        CheckCommand = deployment.ServiceDeploymentArn is { } arn ? $"aws ecs describe-service-deployments --service-deployment-arns {arn}" : null,
                    });
                }

                return found;
            }
            catch (DeploymentException ex) when (AwsCalls.IsUnsupportedOperation(ex))
            {
                legacy = true;
            }
        }

        var deployments = service.Deployments ?? [];
        if (primary is null || (deployments.Count <= 1 && primary.RolloutState?.Value != "IN_PROGRESS"))
        {
            return [];
        }

        return
        [
            new InFlightDeployment(Subject, primary.Id ?? "PRIMARY", primary.RolloutState?.Value ?? "IN_PROGRESS", primary.TaskDefinition, await OriginAsync(primary.TaskDefinition, cancellationToken).ConfigureAwait(false))
            {
                StartedAt = primary.CreatedAt,
                CheckCommand = $"aws ecs describe-services --cluster {cluster} --services {serviceName}",
            },
        ];
    }

    /// <summary>Who deploys <paramref name="taskDefinitionArn"/>: a build of EcsBuildTasks (from which commit), or something else.</summary>
    private async Task<string?> OriginAsync(string? taskDefinitionArn, CancellationToken cancellationToken)
    {
        if (taskDefinitionArn is null)
        {
            return null;
        }

        if (origins.TryGetValue(taskDefinitionArn, out var known))
        {
            return known;
        }

        string? origin = null;
        try
        {
            var described = await AwsCalls.RunAsync("ECS DescribeTaskDefinition", () => aws.Ecs.DescribeTaskDefinitionAsync(
                new DescribeTaskDefinitionRequest { TaskDefinition = taskDefinitionArn, Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
            var tags = described.Tags ?? [];
            var commit = tags.Find(t => t.Key == TaskDefinitionRegistrar.GitCommitTag)?.Value;
            origin = commit is { Length: > 0 } ? $"a build of commit {commit[..Math.Min(12, commit.Length)]}"
                : tags.Exists(t => t.Key == TaskDefinitionRegistrar.ContentHashTag) ? "a build of EcsBuildTasks"
                : "not registered by EcsBuildTasks (the console, the CLI or another tool)";
        }
        catch (DeploymentException)
        {
            // Whose it is only makes the message clearer; the wait does not depend on it.
        }

        origins[taskDefinitionArn] = origin;
        return origin;
    }
}
