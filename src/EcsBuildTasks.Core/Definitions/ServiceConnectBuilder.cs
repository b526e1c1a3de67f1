using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// Builds <c>serviceConnectConfiguration</c> from the Service Connect settings and names the port mappings its
/// endpoints refer to (ECS matches <c>services[].portName</c> against <c>portMappings[].name</c>).
/// </summary>
public static class ServiceConnectBuilder
{
    /// <summary>The stream prefix of the Service Connect proxy's log streams.</summary>
    public const string LogStreamPrefix = "service-connect";

    public static ServiceConnectConfiguration Build(EcsSettings settings, ServiceConnectSettings serviceConnect, RegisterTaskDefinitionRequest task)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(serviceConnect);
        ArgumentNullException.ThrowIfNull(task);
        var container = TaskDefinitionBuilder.MainContainer(settings, task);
        var services = new List<ServiceConnectService>();
        foreach (var endpoint in serviceConnect.Services)
        {
            var port = endpoint.ContainerPort ?? PlatformDefinitions.DefaultContainerPort(settings, container);
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
}
