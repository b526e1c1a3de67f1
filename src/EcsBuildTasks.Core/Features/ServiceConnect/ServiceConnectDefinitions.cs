using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.ServiceConnect;

/// <summary>
/// Service Connect in the definitions: <c>serviceConnectConfiguration</c> from the Service Connect settings, with the
/// port mappings its endpoints refer to named (ECS matches <c>services[].portName</c> against
/// <c>portMappings[].name</c>); the checks against the port mappings; the plan's line.
/// </summary>
internal sealed class ServiceConnectDefinitions : IDefinitionContributor
{
    public static ServiceConnectDefinitions Instance { get; } = new();

    public void Shape(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.ServiceConnect is { } serviceConnect)
        {
            definitions.Service.ServiceConnectConfiguration = Build(definitions.Settings, serviceConnect, definitions.TaskDefinition);
        }
    }

    public void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.ServiceConnect is { } serviceConnect)
        {
            Validate(definitions.Settings, serviceConnect, definitions.MainContainer, diagnostics);
        }
    }

    public IEnumerable<string> PlanLines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.ServiceConnect is not { } serviceConnect)
        {
            yield break;
        }

        var inv = CultureInfo.InvariantCulture;
        var endpoints = definitions.Service.ServiceConnectConfiguration?.Services is { Count: > 0 } services
            ? string.Join(", ", services.Select(s => s.PortName + (s.ClientAliases is [var alias, ..] ? string.Create(inv, $" as {alias.DnsName ?? s.DiscoveryName ?? s.PortName}:{alias.Port}") : string.Empty)))
            : "client only";
        yield return $"  Connect     Service Connect in namespace {serviceConnect.Namespace}: {endpoints}{(serviceConnect.TestTrafficHeader is { } h ? $"; test traffic with header {h.Name}: {h.Value}" : string.Empty)}";
    }

    /// <summary>The stream prefix of the Service Connect proxy's log streams.</summary>
    public const string LogStreamPrefix = "service-connect";

    private static ServiceConnectConfiguration Build(EcsSettings settings, ServiceConnectSettings serviceConnect, RegisterTaskDefinitionRequest task)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(serviceConnect);
        ArgumentNullException.ThrowIfNull(task);
        var container = TaskDefinitionBuilder.MainContainer(settings, task);
        var services = new List<ServiceConnectService>();
        foreach (var endpoint in serviceConnect.Services)
        {
            var port = endpoint.ContainerPort ?? TaskDefinitionBuilder.DefaultContainerPort(settings, container);
            var mapping = container.PortMappings?.Find(m => m.ContainerPort == port);
            if (mapping is not null)
            {
                mapping.Name = endpoint.PortName;
                mapping.AppProtocol = endpoint.AppProtocol is { } protocol ? (ApplicationProtocol)protocol : mapping.AppProtocol;
            }

            services.Add(new ServiceConnectService
            {
                PortName = endpoint.PortName,
                DiscoveryName = endpoint.DiscoveryName,
                ClientAliases = endpoint.ClientAliases.Count == 0 ? null : endpoint.ClientAliases.Select(a => new ServiceConnectClientAlias
                {
                    Port = a.Port,
                    DnsName = a.DnsName,
                    TestTrafficRules = serviceConnect.TestTrafficHeader is { } header
                        ? new ServiceConnectTestTrafficRules { Header = new ServiceConnectTestTrafficHeaderRules { Name = header.Name, Value = new ServiceConnectTestTrafficHeaderMatchRules { Exact = header.Value } } }
                        : null,
                }).ToList(),
            });
        }

        return new ServiceConnectConfiguration
        {
            Enabled = true,
            Namespace = serviceConnect.Namespace,
            Services = services.Count == 0 ? null : services,
            LogConfiguration = serviceConnect.LogGroup is { } group
                ? new LogConfiguration
                {
                    LogDriver = "awslogs",
                    Options = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["awslogs-group"] = group,
                        ["awslogs-region"] = settings.Region ?? TaskDefinitionBuilder.RegionPlaceholder,
                        ["awslogs-stream-prefix"] = LogStreamPrefix,
                    },
                }
                : null,
        };
    }

    /// <summary>
    /// The service's current Service Connect configuration as JSON, for comparing it with the desired one. ECS reports
    /// it on the deployments (the PRIMARY one is what the service runs), not on the service itself.
    /// </summary>
    public static JsonNode? Current(EcsService existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var primary = existing.Deployments?.Find(d => d.Status == "PRIMARY")?.ServiceConnectConfiguration;
        return primary is null ? null : JsonNode.Parse(EcsJson.Serialize(primary));
    }

    private static void Validate(EcsSettings settings, ServiceConnectSettings serviceConnect, ContainerDefinition container, DiagnosticCollection diagnostics)
    {
        var claimed = new Dictionary<int, string>();
        foreach (var endpoint in serviceConnect.Services)
        {
            var subject = $"{EcsProperties.ServiceConnectServiceItem} '{endpoint.PortName}'";
            var port = endpoint.ContainerPort ?? TaskDefinitionBuilder.DefaultContainerPort(settings, container);
            if (port is null || !(container.PortMappings ?? []).Exists(m => m.ContainerPort == port))
            {
                diagnostics.Error(DiagnosticCodes.ServiceConnectPortInvalid, subject, port is null
                    ? $"{subject}: container '{container.Name}' maps no port to name; add a ContainerPort item or give the item a ContainerPort."
                    : $"{subject} names port {port}, which container '{container.Name}' does not map; mapped ports: {string.Join(", ", (container.PortMappings ?? []).Select(m => m.ContainerPort))}.");
                continue;
            }

            if (claimed.TryGetValue(port.Value, out var other))
            {
                diagnostics.Error(DiagnosticCodes.ServiceConnectNameInvalid, subject,
                    $"{subject} and {EcsProperties.ServiceConnectServiceItem} '{other}' both name port {port}; a port mapping has one name. Give one of them another ContainerPort.");
            }

            claimed[port.Value] = endpoint.PortName;
        }
    }
}
