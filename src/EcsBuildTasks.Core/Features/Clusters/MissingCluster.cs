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
