using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.ServiceConnect;

/// <summary>The read-only check of Service Connect: its Cloud Map namespace exists (or this build creates it) and is only one.</summary>
internal sealed class ServiceConnectPreflight(AwsSession aws)
{
    public async Task CheckAsync(ServiceConnectSettings serviceConnect, ServiceDiscoverySettings? discovery, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        var found = await new CloudMapLookup(aws).FindNamespacesAsync(serviceConnect.Namespace, cancellationToken).ConfigureAwait(false);
        var createdByThisBuild = found.Count == 0 && discovery is { CreateNamespace: true } && discovery.Namespace == serviceConnect.Namespace;
        if (found.Count == 0 && !createdByThisBuild)
        {
            problems.Error(DiagnosticCodes.ServiceConnectNamespaceNotFound, EcsProperties.ServiceConnectNamespace,
                $"{EcsProperties.ServiceConnectNamespace}={serviceConnect.Namespace}: there is no such Cloud Map namespace in this account and region. Create it (e.g. aws servicediscovery create-http-namespace --name {serviceConnect.Namespace}).");
        }
        else if (found.Count > 1)
        {
            problems.Error(DiagnosticCodes.NamespaceAmbiguous, EcsProperties.ServiceConnectNamespace,
                $"{EcsProperties.ServiceConnectNamespace}={serviceConnect.Namespace} names several Cloud Map namespaces ({string.Join(", ", found)}): set it to the ARN of the one to use.");
        }
    }
}
