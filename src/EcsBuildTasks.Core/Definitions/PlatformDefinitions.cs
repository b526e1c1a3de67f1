using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// Writes what the service discovery, Service Connect and auto scaling settings change in the generated definitions:
/// port mapping names, <c>serviceConnectConfiguration</c>, the <c>serviceRegistries</c> entry of an existing Cloud Map
/// service, and a creation desired count inside the auto scaling capacity. (A Cloud Map service the build creates is
/// attached at deploy time, when its ARN exists.) Inconsistent settings are left for <see cref="PlatformValidator"/>.
/// </summary>
public static class PlatformDefinitions
{
    public static void Apply(EcsSettings settings, RegisterTaskDefinitionRequest task, CreateServiceRequest service)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(service);
        var platform = settings.Platform;
        if (platform.ServiceConnect is { } serviceConnect)
        {
            service.ServiceConnectConfiguration = ServiceConnectBuilder.Build(settings, serviceConnect, task);
        }

        if (platform.ServiceDiscovery is { RegistryArn: null })
        {
            // The property wins over a template's registry; the Cloud Map service it names is attached at deploy time.
            service.ServiceRegistries = null;
        }
        else if (platform.ServiceDiscovery is { RegistryArn: { } registryArn } discovery)
        {
            // The record types of an existing registry are only known at deploy time (Cloud Map GetService), which
            // rewrites this entry; until then the project's record type (or the network mode's default) decides.
            var container = TaskDefinitionBuilder.MainContainer(settings, task);
            var hasSrv = (discovery.RecordType ?? ServiceRegistryRules.DefaultRecordType(task.NetworkMode?.Value)) == DnsRecordKind.Srv;
            service.ServiceRegistries = [ServiceRegistryRules.Entry(registryArn, task.NetworkMode?.Value, hasSrv, container.Name!, ServiceRegistryRules.Port(settings, discovery, container))];
        }

        if (platform.AutoScaling is { MinCapacity: { } min, MaxCapacity: { } max } && settings.DesiredCount is null && service.DesiredCount is { } count && min <= max)
        {
            // Only used when the service is created: start inside the range auto scaling keeps it in.
            service.DesiredCount = Math.Clamp(count, min, max);
        }
    }

    /// <summary>The port an endpoint uses when the project names none: <c>EcsContainerPort</c>, else the first port mapping.</summary>
    public static int? DefaultContainerPort(EcsSettings settings, ContainerDefinition container)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(container);
        return settings.LoadBalancerContainerPort ?? container.PortMappings?.FirstOrDefault(m => m.ContainerPort is not null)?.ContainerPort;
    }
}

/// <summary>
/// ECS's rules for a <c>serviceRegistries</c> entry: tasks in the bridge or host network mode, and registries with SRV
/// records, name the container and port; an awsvpc task in a registry with only A records (or an HTTP namespace's
/// registry) names neither, since ECS rejects a port that the registry does not need.
/// </summary>
public static class ServiceRegistryRules
{
    public static DnsRecordKind DefaultRecordType(string? networkMode) => networkMode == "awsvpc" ? DnsRecordKind.A : DnsRecordKind.Srv;

    public static ServiceRegistry Entry(string registryArn, string? networkMode, bool hasSrvRecord, string containerName, int? containerPort) =>
        networkMode is "bridge" or "host" || hasSrvRecord
            ? new ServiceRegistry { RegistryArn = registryArn, ContainerName = containerName, ContainerPort = containerPort }
            : new ServiceRegistry { RegistryArn = registryArn };

    public static int? Port(EcsSettings settings, ServiceDiscoverySettings discovery, ContainerDefinition container)
    {
        ArgumentNullException.ThrowIfNull(discovery);
        return discovery.ContainerPort ?? PlatformDefinitions.DefaultContainerPort(settings, container);
    }
}
