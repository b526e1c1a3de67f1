using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// Keeps each cluster's simulated EC2 container instances at the configured count, spread over the default subnets;
/// tasks on a removed instance stop, as when an instance is terminated.
/// </summary>
internal static class ContainerInstances
{
    public static void Synchronize(SimulationContext context, EcsCluster cluster)
    {
        // Instances of capacity providers are kept by CapacityProviderInstances; these are the cluster's plain ones.
        var wanted = context.Runtime.ContainerInstanceCount(cluster.Arn);
        var subnets = context.Region.Ec2.Subnets.Where(s => s.DefaultForAz).ToList();
        int Plain() => cluster.ContainerInstances.Count(i => i.CapacityProviderName is null);
        while (Plain() < wanted && subnets.Count > 0)
        {
            var subnet = subnets[Plain() % subnets.Count];
            var id = Ids.Hex32();
            cluster.ContainerInstances.Add(new ContainerInstanceRecord
            {
                Id = id,
                Arn = EcsArns.ContainerInstance(context.Region.Name, cluster.Name, id),
                Ec2InstanceId = "i-" + Ids.Hex(17),
                AvailabilityZone = subnet.AvailabilityZone,
                SubnetId = subnet.SubnetId,
                PrivateIp = Ids.AddressInCidr(subnet.CidrBlock, subnet.NextHost++),
                RegisteredAt = context.Now,
            });
        }

        while (Plain() > wanted)
        {
            var removed = cluster.ContainerInstances.Last(i => i.CapacityProviderName is null);
            cluster.ContainerInstances.Remove(removed);
            foreach (var task in cluster.Tasks.Values.Where(t => t.ContainerInstanceArn == removed.Arn))
            {
                TaskRunner.Stop(context, cluster, task, "Container instance was deregistered.", "InfrastructureHealth", failure: false);
            }
        }
    }
}
