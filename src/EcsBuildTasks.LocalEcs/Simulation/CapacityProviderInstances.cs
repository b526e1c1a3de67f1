using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// The container instances of capacity providers, as EC2 would run them: each provider keeps its instance count of
/// serving (not draining) instances, so an instance that drains or is terminated is replaced. A new instance boots
/// (REGISTERING) before it registers ACTIVE. A DRAINING instance has its service tasks stopped (their services start
/// replacements elsewhere), then its daemon tasks, and deregisters once nothing runs on it.
/// </summary>
internal static class CapacityProviderInstances
{
    /// <summary>How long a launched instance takes to boot and register its agent.</summary>
    public static readonly TimeSpan BootTime = TimeSpan.FromSeconds(20);

    public static bool Step(SimulationContext context)
    {
        var active = false;
        foreach (var cluster in context.Region.Clusters.Values)
        {
            foreach (var provider in context.Region.CapacityProviders.Values.Where(p => Serves(p, cluster)))
            {
                Synchronize(context, cluster, provider);
            }

            foreach (var instance in cluster.ContainerInstances.Where(i => i.CapacityProviderName is not null).ToList())
            {
                active = true;
                if (!Serves(context.Region.CapacityProviders.GetValueOrDefault(instance.CapacityProviderName!), cluster))
                {
                    Terminate(context, cluster, instance, "The capacity provider of the container instance was deleted.");
                }
                else if (instance.Status == "REGISTERING")
                {
                    if (context.Now >= instance.ReadyAt)
                    {
                        instance.Status = "ACTIVE";
                        instance.RegisteredAt = context.Now;
                    }
                    else
                    {
                        context.WakeAt(instance.ReadyAt!.Value);
                    }
                }
                else if (instance.Status == "DRAINING")
                {
                    Drain(context, cluster, instance);
                }
            }
        }

        return active;
    }

    /// <summary>Whether the provider contributes instances to the cluster (its own cluster, or an associated Auto Scaling group provider).</summary>
    public static bool Serves(CapacityProviderRecord? provider, EcsCluster cluster) =>
        provider is { Status: "ACTIVE" } && cluster.Status == "ACTIVE"
        && (provider.Cluster == cluster.Name || (provider.Cluster is null && cluster.CapacityProviders.Contains(provider.Name)));

    /// <summary>Terminates an instance: its tasks stop at once (as when EC2 terminates it) and it leaves the cluster.</summary>
    public static void Terminate(SimulationContext context, EcsCluster cluster, ContainerInstanceRecord instance, string reason)
    {
        foreach (var task in cluster.Tasks.Values.Where(t => t.ContainerInstanceArn == instance.Arn))
        {
            TaskRunner.Stop(context, cluster, task, reason, "InfrastructureHealth", failure: false);
        }

        cluster.ContainerInstances.Remove(instance);
    }

    private static void Synchronize(SimulationContext context, EcsCluster cluster, CapacityProviderRecord provider)
    {
        var serving = cluster.ContainerInstances.Where(i => i.CapacityProviderName == provider.Name && i.Status != "DRAINING").ToList();
        for (var missing = provider.InstanceCount - serving.Count; missing > 0; missing--)
        {
            cluster.ContainerInstances.Add(Launch(context, cluster, provider, serving.Count + missing));
        }

        // Scale-in takes instances that are still booting first, then the newest.
        foreach (var extra in serving.OrderBy(i => i.Status == "ACTIVE").ThenByDescending(i => i.RegisteredAt).Take(Math.Max(0, serving.Count - provider.InstanceCount)).ToList())
        {
            Terminate(context, cluster, extra, "Container instance was deregistered: its capacity provider scaled in.");
        }
    }

    private static ContainerInstanceRecord Launch(SimulationContext context, EcsCluster cluster, CapacityProviderRecord provider, int index)
    {
        var subnetIds = provider.ManagedInstancesProvider?.Obj("instanceLaunchTemplate")?.Obj("networkConfiguration")?.Strings("subnets").ToList() ?? [];
        var subnets = context.Region.Ec2.Subnets.Where(s => subnetIds.Count == 0 ? s.DefaultForAz : subnetIds.Contains(s.SubnetId)).ToList();
        var subnet = subnets.Count > 0 ? subnets[index % subnets.Count] : context.Region.Ec2.Subnets[0];
        var id = Ids.Hex32();
        var readyAt = context.Now + BootTime;
        context.WakeAt(readyAt);
        return new ContainerInstanceRecord
        {
            Id = id,
            Arn = EcsArns.ContainerInstance(context.Region.Name, cluster.Name, id),
            Ec2InstanceId = "i-" + Ids.Hex(17),
            AvailabilityZone = subnet.AvailabilityZone,
            SubnetId = subnet.SubnetId,
            PrivateIp = Ids.AddressInCidr(subnet.CidrBlock, subnet.NextHost++),
            RegisteredAt = context.Now,
            Status = "REGISTERING",
            ReadyAt = readyAt,
            CapacityProviderName = provider.Name,
        };
    }

    /// <summary>Service tasks leave first (their services replace them), daemon tasks last; then the instance deregisters.</summary>
    private static void Drain(SimulationContext context, EcsCluster cluster, ContainerInstanceRecord instance)
    {
        var tasks = cluster.Tasks.Values.Where(t => t.ContainerInstanceArn == instance.Arn && t.LastStatus != "STOPPED").ToList();
        foreach (var task in tasks.Where(t => t.DaemonName is null))
        {
            TaskRunner.Stop(context, cluster, task, "Container instance is draining: task stopped so that the service can place it on another instance.", "ServiceSchedulerInitiated", failure: false);
        }

        if (tasks.Any(t => t.DaemonName is null))
        {
            return;
        }

        foreach (var task in tasks)
        {
            TaskRunner.Stop(context, cluster, task, "Container instance is draining: daemon task stopped.", "ServiceSchedulerInitiated", failure: false);
        }

        if (tasks.Count == 0)
        {
            cluster.ContainerInstances.Remove(instance);
        }
    }
}
