using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.ServiceConnect;

/// <summary>
/// Before the service changes: resolves the Service Connect namespace to its ARN (ECS reports ARNs, so comparing the
/// next deployment with this one then works) and creates the Service Connect proxy's log group.
/// </summary>
internal sealed class ServiceConnectRegistration(AwsSession aws, IDeploymentLog log)
{
    public async Task PrepareAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.ServiceConnect is not { } serviceConnect || definitions.Service.ServiceConnectConfiguration is not { } configuration)
        {
            return;
        }

        var ns = await new CloudMapLookup(aws).SingleNamespaceAsync(serviceConnect.Namespace, EcsProperties.ServiceConnectNamespace, DiagnosticCodes.ServiceConnectNamespaceNotFound, cancellationToken).ConfigureAwait(false);
        configuration.Namespace = ns.Arn;
        if (configuration.LogConfiguration is { } logConfiguration)
        {
            var proxy = new RegisterTaskDefinitionRequest { ContainerDefinitions = [new ContainerDefinition { Name = "service-connect", LogConfiguration = logConfiguration }] };
            await new LogGroups(aws, log).EnsureAsync(proxy, definitions.Settings, cancellationToken).ConfigureAwait(false);
        }
    }
}
