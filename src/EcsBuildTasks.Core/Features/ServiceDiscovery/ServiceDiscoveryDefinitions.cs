using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.ServiceDiscovery;

/// <summary>
/// Service discovery (Cloud Map) in the definitions: the <c>serviceRegistries</c> entry of an existing Cloud Map service
/// (one the build creates is attached at deploy time, when its ARN exists), the checks against the task's network mode
/// and port mappings, and the plan's line.
/// </summary>
internal sealed class ServiceDiscoveryDefinitions : IDefinitionContributor
{
    public static ServiceDiscoveryDefinitions Instance { get; } = new();

    public void Shape(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var service = definitions.Service;
        var task = definitions.TaskDefinition;
        if (settings.ServiceDiscovery is { RegistryArn: null })
        {
            // The property wins over a template's registry; the Cloud Map service it names is attached at deploy time.
            service.ServiceRegistries = null;
        }
        else if (settings.ServiceDiscovery is { RegistryArn: { } registryArn } discovery)
        {
            // The record types of an existing registry are only known at deploy time (Cloud Map GetService), which
            // rewrites this entry; until then the project's record type (or the network mode's default) decides.
            var container = definitions.MainContainer;
            var hasSrv = (discovery.RecordType ?? ServiceRegistryRules.DefaultRecordType(task.NetworkMode?.Value)) == DnsRecordKind.Srv;
            service.ServiceRegistries = [ServiceRegistryRules.Entry(registryArn, task.NetworkMode?.Value, hasSrv, container.Name!, ServiceRegistryRules.Port(settings, discovery, container))];
        }
    }

    public void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.ServiceDiscovery is { } discovery)
        {
            Validate(definitions.Settings, discovery, definitions.TaskDefinition, definitions.MainContainer, diagnostics);
        }
    }

    public IEnumerable<string> PlanLines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.ServiceDiscovery is not { } discovery)
        {
            yield break;
        }

        if (discovery.RegistryArn is { } arn)
        {
            yield return $"  Discovery   existing Cloud Map service {arn}";
        }
        else
        {
            var records = (discovery.RecordType ?? ServiceRegistryRules.DefaultRecordType(definitions.TaskDefinition.NetworkMode?.Value)) == DnsRecordKind.A ? "A" : "SRV";
            var name = discovery.Name ?? definitions.Service.ServiceName;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  Discovery   Cloud Map service {name} in namespace {discovery.Namespace} ({records} records, TTL {discovery.Ttl} s, {discovery.RoutingPolicy}), created when missing{(discovery.CreateNamespace ? "; the namespace too" : string.Empty)}");
        }
    }

    private static void Validate(EcsSettings settings, ServiceDiscoverySettings discovery, RegisterTaskDefinitionRequest task, ContainerDefinition container, DiagnosticCollection diagnostics)
    {
        var networkMode = task.NetworkMode?.Value;
        var recordType = discovery.RecordType ?? ServiceRegistryRules.DefaultRecordType(networkMode);
        if (discovery.RegistryArn is null && recordType == DnsRecordKind.A && networkMode != "awsvpc")
        {
            var subject = discovery.RecordType is null ? EcsProperties.NetworkMode : EcsProperties.ServiceDiscoveryDnsRecordType;
            diagnostics.Error(DiagnosticCodes.DnsRecordTypeMismatch, subject,
                $"{EcsProperties.ServiceDiscoveryDnsRecordType}=A registers task IP addresses, which only awsvpc tasks have; the task uses the {networkMode} network mode ({EcsProperties.NetworkMode}). Use SRV records or the awsvpc network mode.");
        }

        var needsPort = networkMode is "bridge" or "host" || recordType == DnsRecordKind.Srv;
        var port = ServiceRegistryRules.Port(settings, discovery, container);
        var portSubject = discovery.ContainerPort is not null ? EcsProperties.ServiceDiscoveryContainerPort : EcsProperties.ContainerPort;
        if (needsPort && port is null)
        {
            diagnostics.Error(DiagnosticCodes.ServiceDiscoveryPortInvalid, EcsProperties.ServiceDiscoveryContainerPort,
                $"{EcsProperties.ServiceDiscoveryContainerPort}: SRV records (and bridge or host tasks) register a port, but container '{container.Name}' maps none; add a ContainerPort item or set {EcsProperties.ServiceDiscoveryContainerPort}.");
        }
        else if (port is { } p && (needsPort || discovery.ContainerPort is not null) && !(container.PortMappings ?? []).Exists(m => m.ContainerPort == p))
        {
            diagnostics.Error(DiagnosticCodes.ServiceDiscoveryPortInvalid, portSubject,
                $"{portSubject}={p}: container '{container.Name}' has no such port mapping; mapped ports: {string.Join(", ", (container.PortMappings ?? []).Select(m => m.ContainerPort))}.");
        }

        if (discovery.CreateNamespace && networkMode != "awsvpc")
        {
            diagnostics.Error(DiagnosticCodes.NamespaceCreationNotPossible, EcsProperties.CreateServiceDiscoveryNamespace,
                $"{EcsProperties.CreateServiceDiscoveryNamespace}=true creates the namespace in the VPC of the service's subnets, and a task in the {networkMode} network mode has none: create the namespace yourself and set {EcsProperties.ServiceDiscoveryNamespace} to it.");
        }
    }
}

/// <summary>
/// ECS's rules for a <c>serviceRegistries</c> entry: tasks in the bridge or host network mode, and registries with SRV
/// records, name the container and port; an awsvpc task in a registry with only A records (or an HTTP namespace's
/// registry) names neither, since ECS rejects a port that the registry does not need.
/// </summary>
internal static class ServiceRegistryRules
{
    public static DnsRecordKind DefaultRecordType(string? networkMode) => networkMode == "awsvpc" ? DnsRecordKind.A : DnsRecordKind.Srv;

    public static ServiceRegistry Entry(string registryArn, string? networkMode, bool hasSrvRecord, string containerName, int? containerPort) =>
        networkMode is "bridge" or "host" || hasSrvRecord
            ? new ServiceRegistry { RegistryArn = registryArn, ContainerName = containerName, ContainerPort = containerPort }
            : new ServiceRegistry { RegistryArn = registryArn };

    public static int? Port(EcsSettings settings, ServiceDiscoverySettings discovery, ContainerDefinition container)
    {
        ArgumentNullException.ThrowIfNull(discovery);
        return discovery.ContainerPort ?? TaskDefinitionBuilder.DefaultContainerPort(settings, container);
    }
}
