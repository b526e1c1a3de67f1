using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Clusters;

/// <summary>
/// A cluster the deployment creates because it does not exist and <c>EcsCreateCluster</c> allows it (the default):
/// created after every preflight check passed, with the Fargate and Fargate Spot capacity providers (Fargate the
/// default strategy), tagged, and said so.
/// </summary>
internal sealed class MissingCluster(AwsSession aws, IDeploymentLog log)
{
    public static readonly string[] CapacityProviders = ["FARGATE", "FARGATE_SPOT"];

    /// <summary>Whether a failed call found no cluster (ECS's ClusterNotFoundException).</summary>
    public static bool IsMissing(DeploymentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.InnerException is ClusterNotFoundException;
    }

    /// <summary>
    /// What <c>-t:EcsStatus</c>, <c>-t:EcsRollback</c> and <c>-t:EcsRunTask</c> say before the first deploy made the
    /// cluster: the deploy creates it (<c>EcsCreateCluster</c>), so its absence means nothing was deployed yet.
    /// </summary>
    public static string NotYetMessage(EcsSettings settings, string cluster)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"{EcsProperties.Cluster}={cluster}: the cluster {cluster} does not exist yet in this account and region, so nothing was deployed to it. "
            + (settings.CreateCluster
                ? $"dotnet publish -p:EcsDeploy=true creates it ({EcsProperties.CreateCluster}=true) and deploys the project."
                : $"Create it with aws ecs create-cluster --cluster-name {cluster} --capacity-providers FARGATE FARGATE_SPOT (or let the build create it: {EcsProperties.CreateCluster}=true), then publish.");
    }

    /// <summary>The coded error of <see cref="NotYetMessage"/> (ECS1002, naming <c>EcsCluster</c>).</summary>
    public static DeploymentException NotYet(EcsSettings settings, string cluster, Exception inner) =>
        new(Diagnostics.DiagnosticCodes.ClusterNotFound, EcsProperties.Cluster, NotYetMessage(settings, cluster), inner);

    public async Task CreateAsync(string cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var created = await AwsCalls.RunAsync("ECS CreateCluster", () => aws.Ecs.CreateClusterAsync(new CreateClusterRequest
        {
            ClusterName = cluster,
            CapacityProviders = [.. CapacityProviders],
            DefaultCapacityProviderStrategy = [new CapacityProviderStrategyItem { CapacityProvider = "FARGATE", Weight = 1 }],
            Tags = [new Tag { Key = "created-by", Value = "EcsBuildTasks" }],
        }, cancellationToken)).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: created cluster {cluster} ({created.Cluster?.ClusterArn}) with the {string.Join(" and ", CapacityProviders)} capacity providers ({EcsProperties.CreateCluster}=true; set it to false to require an existing cluster)");
    }
}
