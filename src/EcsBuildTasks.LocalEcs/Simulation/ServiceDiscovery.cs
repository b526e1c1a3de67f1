using System.Globalization;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// Registers a service's running tasks as Cloud Map instances (one per task, id = task id) with the attributes ECS
/// sets, and deregisters them when the task stops.
/// </summary>
internal static class ServiceDiscovery
{
    public static void Register(SimulationContext context, EcsCluster cluster, EcsTask task)
    {
        foreach (var registry in task.Registries.Where(r => !r.Registered))
        {
            var service = Find(context.Region, registry.RegistryArn);
            if (service is null)
            {
                continue;
            }

            var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["AWS_INSTANCE_IPV4"] = task.PrivateIp ?? cluster.ContainerInstances.FirstOrDefault(i => i.Arn == task.ContainerInstanceArn)?.PrivateIp ?? string.Empty,
                ["AVAILABILITY_ZONE"] = task.AvailabilityZone,
                ["REGION"] = context.Region.Name,
                ["ECS_CLUSTER_NAME"] = cluster.Name,
                ["ECS_SERVICE_NAME"] = task.ServiceName ?? string.Empty,
                ["ECS_TASK_DEFINITION_FAMILY"] = task.TaskDefinitionArn.Split('/')[^1].Split(':')[0],
                ["AWS_INIT_HEALTH_STATUS"] = "HEALTHY",
            };
            var port = PortOf(task, registry);
            if (port is not null)
            {
                attributes["AWS_INSTANCE_PORT"] = port.Value.ToString(CultureInfo.InvariantCulture);
            }

            if (task.Ec2InstanceId is not null)
            {
                attributes["EC2_INSTANCE_ID"] = task.Ec2InstanceId;
            }

            service.Instances[task.Id] = new CloudMapInstance { Id = task.Id, Attributes = attributes, HealthStatus = "HEALTHY" };
            registry.Registered = true;
        }
    }

    /// <summary>
    /// ECS reports the task's container health to the Cloud Map services that have a custom health check configuration
    /// (UpdateInstanceCustomHealthStatus): UNHEALTHY when an essential container's health check fails, HEALTHY when they
    /// pass. Tasks without a health check, or not yet checked, keep the status they registered with.
    /// </summary>
    public static void ReportHealth(SimulationContext context, EcsTask task)
    {
        if (task.HealthStatus is not ("HEALTHY" or "UNHEALTHY"))
        {
            return;
        }

        foreach (var registry in task.Registries.Where(r => r.Registered))
        {
            if (Find(context.Region, registry.RegistryArn) is { HealthCheckCustomConfig: not null } service && service.Instances.TryGetValue(task.Id, out var instance))
            {
                instance.HealthStatus = task.HealthStatus;
            }
        }
    }

    public static void Deregister(SimulationContext context, EcsTask task)
    {
        foreach (var registry in task.Registries.Where(r => r.Registered))
        {
            Find(context.Region, registry.RegistryArn)?.Instances.Remove(task.Id);
            registry.Registered = false;
        }
    }

    private static CloudMapService? Find(RegionState region, string registryArn) =>
        region.CloudMap.Services.GetValueOrDefault(registryArn.Split('/')[^1]);

    private static int? PortOf(EcsTask task, TaskRegistry registry)
    {
        if (registry.Port is { } port)
        {
            return port;
        }

        if (registry.ContainerName is null || registry.ContainerPort is null)
        {
            return null;
        }

        var container = task.Containers.FirstOrDefault(c => c.Name == registry.ContainerName);
        var index = container?.ContainerPorts.IndexOf(registry.ContainerPort.Value) ?? -1;
        return index >= 0 && index < container!.HostPorts.Count ? container.HostPorts[index] : registry.ContainerPort;
    }
}
