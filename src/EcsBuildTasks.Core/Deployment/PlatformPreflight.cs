using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Deployment.Discovery;
using EcsBuildTasks.Core.Deployment.Scaling;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
using CloudMapService = EcsBuildTasks.Aws.ServiceDiscovery.Model.Service;

namespace EcsBuildTasks.Core.Deployment;

/// <summary>
/// The read-only part of the preflight for service discovery, Service Connect and auto scaling: the Cloud Map namespace
/// exists (or may be created) and has a fitting type, an existing Cloud Map service fits the settings and the network
/// mode, the Service Connect namespace exists, request-count policies have an Application Load Balancer behind their
/// target group; and what the scalable target looks like. Cloud Map does not report a private namespace's VPC, so
/// whether it is the service's VPC cannot be checked here.
/// </summary>
public sealed class PlatformPreflight(AwsSession aws, IDeploymentLog log)
{
    public async Task CheckAsync(GeneratedDefinitions definitions, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(problems);
        var platform = definitions.Settings.Platform;
        if (platform.ServiceDiscovery is { } discovery)
        {
            await CheckServiceDiscoveryAsync(definitions, discovery, problems, cancellationToken).ConfigureAwait(false);
        }

        if (platform.ServiceConnect is { } serviceConnect)
        {
            await CheckServiceConnectAsync(serviceConnect, platform.ServiceDiscovery, problems, cancellationToken).ConfigureAwait(false);
        }

        if (definitions.Service.SchedulingStrategy?.Value != "DAEMON")
        {
            await CheckAutoScalingAsync(definitions, problems, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CheckServiceDiscoveryAsync(GeneratedDefinitions definitions, ServiceDiscoverySettings discovery, DiagnosticCollection problems, CancellationToken cancellationToken)
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

    private async Task CheckServiceConnectAsync(ServiceConnectSettings serviceConnect, ServiceDiscoverySettings? discovery, DiagnosticCollection problems, CancellationToken cancellationToken)
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

    private async Task CheckAutoScalingAsync(GeneratedDefinitions definitions, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        var resourceId = ScalableTargets.ResourceId(definitions.Service.Cluster!, definitions.Service.ServiceName!);
        var target = await ScalableTargets.FindAsync(aws, resourceId, cancellationToken).ConfigureAwait(false);
        var scaling = definitions.Settings.Platform.AutoScaling;
        if (target is not null)
        {
            log.Info($"EcsBuildTasks: auto scaling: {resourceId} scales between {target.MinCapacity} and {target.MaxCapacity} tasks ({ScalableTargets.Describe(target.SuspendedState)}); it is suspended while the service deploys and restored afterwards{(scaling is null ? string.Empty : ", then configured as the project says")}");
        }

        foreach (var policy in scaling?.Policies.Where(p => p.Metric == ScalingMetric.RequestCount) ?? [])
        {
            var subject = $"{EcsProperties.ScalingPolicyItem} '{policy.Name}'";
            var targetGroupArn = policy.TargetGroupArn ?? definitions.Settings.TargetGroupArn!;
            TargetGroup? group;
            try
            {
                var response = await AwsCalls.RunAsync("ELBv2 DescribeTargetGroups", () => aws.ElasticLoadBalancing.DescribeTargetGroupsAsync(new DescribeTargetGroupsRequest { TargetGroupArns = [targetGroupArn] }, cancellationToken)).ConfigureAwait(false);
                group = response.TargetGroups?.FirstOrDefault();
            }
            catch (DeploymentException ex) when (ex.InnerException is TargetGroupNotFoundException)
            {
                group = null;
            }

            var balancers = (group?.LoadBalancerArns ?? []).Distinct(StringComparer.Ordinal).ToList();
            var label = balancers.Count == 1 ? ScalableTargets.RequestCountLabel(balancers[0], targetGroupArn) : null;
            if (label is null)
            {
                problems.Error(DiagnosticCodes.ScalingTargetGroupNotOnAlb, subject, group is null
                    ? $"{subject}: target group {targetGroupArn} does not exist in this account and region."
                    : $"{subject} tracks ALB requests per target, but target group {group.TargetGroupName} is {(balancers.Count == 0 ? "not used by any load balancer" : $"behind {string.Join(", ", balancers)}, not one Application Load Balancer")}.");
            }
        }
    }
}
