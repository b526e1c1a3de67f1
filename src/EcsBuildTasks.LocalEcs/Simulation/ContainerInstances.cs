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
        var wanted = context.Runtime.ContainerInstanceCount(cluster.Arn);
        var subnets = context.Region.Ec2.Subnets.Where(s => s.DefaultForAz).ToList();
        while (cluster.ContainerInstances.Count < wanted && subnets.Count > 0)
        {
            var subnet = subnets[cluster.ContainerInstances.Count % subnets.Count];
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

        while (cluster.ContainerInstances.Count > wanted)
        {
            var removed = cluster.ContainerInstances[^1];
            cluster.ContainerInstances.RemoveAt(cluster.ContainerInstances.Count - 1);
            foreach (var task in cluster.Tasks.Values.Where(t => t.ContainerInstanceArn == removed.Arn))
            {
                TaskRunner.Stop(context, cluster, task, "Container instance was deregistered.", "InfrastructureHealth", failure: false);
            }
        }
    }
}
