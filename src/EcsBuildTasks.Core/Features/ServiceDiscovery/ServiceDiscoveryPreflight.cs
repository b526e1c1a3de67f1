using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using CloudMapService = EcsBuildTasks.Aws.ServiceDiscovery.Model.Service;

namespace EcsBuildTasks.Core.Features.ServiceDiscovery;

/// <summary>
/// The read-only checks of service discovery: the Cloud Map namespace exists (or may be created) and has a fitting
/// type, an existing Cloud Map service fits the settings and the network mode. Cloud Map does not report a private
/// namespace's VPC, so whether it is the service's VPC cannot be checked here.
/// </summary>
internal sealed class ServiceDiscoveryPreflight(AwsSession aws, IDeploymentLog log)
{
    public async Task CheckAsync(GeneratedDefinitions definitions, ServiceDiscoverySettings discovery, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        var lookup = new CloudMapLookup(aws);
        var networkMode = definitions.TaskDefinition.NetworkMode?.Value;
        if (discovery.RegistryArn is { } arn)
        {
            var registry = await lookup.GetServiceAsync(CloudMapLookup.ServiceId(arn), cancellationToken).ConfigureAwait(false);
            if (registry is null)
            {
                problems.Error(DiagnosticCodes.ServiceRegistryNotFound, EcsProperties.ServiceRegistryArn, $"{EcsProperties.ServiceRegistryArn}={arn}: there is no such Cloud Map service in this account and region.");
            }
            else if (networkMode is "bridge" or "host" && registry.DnsConfig is not null && !CloudMapLookup.HasSrvRecord(registry))
            {
                problems.Error(DiagnosticCodes.ServiceRegistryMismatch, EcsProperties.ServiceRegistryArn,
                    $"{EcsProperties.ServiceRegistryArn}: Cloud Map service {registry.Name} has {CloudMapLookup.DescribeRecords(registry)}, but tasks in the {networkMode} network mode register with SRV records (a port on the host). Use a Cloud Map service with SRV records.");
            }
            else
            {
                log.Info($"EcsBuildTasks: service discovery: tasks register in the existing Cloud Map service {registry.Name} ({CloudMapLookup.DescribeRecords(registry)})");
            }

            return;
        }

        var found = await lookup.FindNamespacesAsync(discovery.Namespace!, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            if (discovery.CreateNamespace)
            {
                log.Info($"EcsBuildTasks: service discovery: the Cloud Map namespace {discovery.Namespace} does not exist yet; it is created as a private DNS namespace in the service's VPC");
            }
            else
            {
                problems.Error(DiagnosticCodes.NamespaceNotFound, EcsProperties.ServiceDiscoveryNamespace,
                    $"{EcsProperties.ServiceDiscoveryNamespace}={discovery.Namespace}: there is no such Cloud Map namespace in this account and region. Create it, or set {EcsProperties.CreateServiceDiscoveryNamespace}=true to have it created in the service's VPC.");
            }

            return;
        }

        if (found.Count > 1)
        {
            problems.Error(DiagnosticCodes.NamespaceAmbiguous, EcsProperties.ServiceDiscoveryNamespace,
                $"{EcsProperties.ServiceDiscoveryNamespace}={discovery.Namespace} names several Cloud Map namespaces ({string.Join(", ", found)}), for example private DNS namespaces in different VPCs: set it to the id of the one in the service's VPC.");
            return;
        }

        var ns = found[0];
        if (ns.Type == "DNS_PUBLIC")
        {
            problems.Error(DiagnosticCodes.NamespaceTypeMismatch, EcsProperties.ServiceDiscoveryNamespace,
                $"{EcsProperties.ServiceDiscoveryNamespace}={discovery.Namespace} is a public DNS namespace; ECS tasks register in private DNS or HTTP namespaces.");
            return;
        }

        if (ns.IsHttp && discovery.RecordType is not null)
        {
            problems.Error(DiagnosticCodes.NamespaceTypeMismatch, EcsProperties.ServiceDiscoveryDnsRecordType,
                $"{EcsProperties.ServiceDiscoveryDnsRecordType}: {ns} is an HTTP namespace, whose services have no DNS records. Remove {EcsProperties.ServiceDiscoveryDnsRecordType}, or use a private DNS namespace.");
            return;
        }

        var name = discovery.Name ?? definitions.Service.ServiceName!;
        var existing = await lookup.FindServiceAsync(ns.Id, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            log.Info($"EcsBuildTasks: service discovery: Cloud Map service {name} is created in namespace {ns}");
            return;
        }

        CheckExistingService(existing, discovery, networkMode, ns, problems);
    }

    /// <summary>An existing Cloud Map service is reused; its record types and routing policy cannot change in place.</summary>
    private void CheckExistingService(CloudMapService existing, ServiceDiscoverySettings discovery, string? networkMode, CloudMapNamespace ns, DiagnosticCollection problems)
    {
        if (ns.IsHttp)
        {
            log.Info($"EcsBuildTasks: service discovery: tasks register in the existing Cloud Map service {existing.Name} of HTTP namespace {ns.Name}");
            return;
        }

        var wanted = (discovery.RecordType ?? ServiceRegistryRules.DefaultRecordType(networkMode)) == DnsRecordKind.A ? "A" : "SRV";
        var types = existing.DnsConfig?.DnsRecords?.Select(r => r.Type?.Value).OfType<string>().ToList() ?? [];
        var routing = existing.DnsConfig?.RoutingPolicy?.Value ?? "MULTIVALUE";
        if (types.Count != 1 || types[0] != wanted || routing != discovery.RoutingPolicy)
        {
            problems.Error(DiagnosticCodes.ServiceRegistryMismatch, EcsProperties.ServiceDiscoveryName,
                $"Cloud Map service {existing.Name} in {ns.Name} exists with {CloudMapLookup.DescribeRecords(existing)} and {routing} routing, but the project asks for {wanted} records and {discovery.RoutingPolicy} routing ({EcsProperties.ServiceDiscoveryDnsRecordType}, {EcsProperties.ServiceDiscoveryRoutingPolicy}); Cloud Map cannot change those in place. Delete the Cloud Map service, or register under another {EcsProperties.ServiceDiscoveryName}.");
            return;
        }

        log.Info($"EcsBuildTasks: service discovery: tasks register in the existing Cloud Map service {existing.Name} of namespace {ns.Name} ({CloudMapLookup.DescribeRecords(existing)})");
    }
}
