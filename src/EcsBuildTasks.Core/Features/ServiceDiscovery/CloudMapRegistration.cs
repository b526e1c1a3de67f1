using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ServiceDiscovery.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using CloudMapService = EcsBuildTasks.Aws.ServiceDiscovery.Model.Service;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;

namespace EcsBuildTasks.Core.Features.ServiceDiscovery;

/// <summary>
/// Before the service changes: makes sure the Cloud Map namespace (when <c>EcsCreateServiceDiscoveryNamespace</c>) and
/// the Cloud Map service exist, brings the service's TTL in line, and writes the <c>serviceRegistries</c> entry ECS's
/// rules call for (by network mode and the registry's record types) into the service definition.
/// </summary>
internal sealed class CloudMapRegistration(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromMinutes(5);

    public PollSchedule? Schedule { get; init; }

    /// <summary>Creates what the service registers in (when missing) and writes its <c>serviceRegistries</c> entry.</summary>
    public async Task PrepareAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.ServiceDiscovery is { } discovery)
        {
            var registry = await EnsureRegistryAsync(definitions, discovery, cancellationToken).ConfigureAwait(false);
            definitions.Service.ServiceRegistries = [registry];
        }
    }

    private async Task<ServiceRegistry> EnsureRegistryAsync(GeneratedDefinitions definitions, ServiceDiscoverySettings discovery, CancellationToken cancellationToken)
    {
        var lookup = new CloudMapLookup(aws);
        var networkMode = definitions.TaskDefinition.NetworkMode?.Value;
        var container = definitions.MainContainer;
        var port = ServiceRegistryRules.Port(definitions.Settings, discovery, container);
        if (discovery.RegistryArn is { } arn)
        {
            var existing = await lookup.GetServiceAsync(CloudMapLookup.ServiceId(arn), cancellationToken).ConfigureAwait(false)
                ?? throw new DeploymentException(DiagnosticCodes.ServiceRegistryNotFound, EcsProperties.ServiceRegistryArn, $"{EcsProperties.ServiceRegistryArn}={arn}: the Cloud Map service does not exist (any more).");
            return ServiceRegistryRules.Entry(arn, networkMode, CloudMapLookup.HasSrvRecord(existing), container.Name!, port);
        }

        var ns = await EnsureNamespaceAsync(definitions, discovery, cancellationToken).ConfigureAwait(false);
        var name = discovery.Name ?? definitions.Service.ServiceName!;
        var service = await lookup.FindServiceAsync(ns.Id, name, cancellationToken).ConfigureAwait(false);
        if (service is null)
        {
            service = await CreateServiceAsync(ns, name, discovery, networkMode, definitions.Service.ServiceName!, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await UpdateTtlAsync(service, discovery, cancellationToken).ConfigureAwait(false);
        }

        return ServiceRegistryRules.Entry(service.Arn!, networkMode, CloudMapLookup.HasSrvRecord(service), container.Name!, port);
    }

    private async Task<CloudMapNamespace> EnsureNamespaceAsync(GeneratedDefinitions definitions, ServiceDiscoverySettings discovery, CancellationToken cancellationToken)
    {
        var reference = discovery.Namespace!;
        var found = await new CloudMapLookup(aws).FindNamespacesAsync(reference, cancellationToken).ConfigureAwait(false);
        if (found.Count > 0 || !discovery.CreateNamespace)
        {
            return await new CloudMapLookup(aws).SingleNamespaceAsync(reference, EcsProperties.ServiceDiscoveryNamespace, DiagnosticCodes.NamespaceNotFound, cancellationToken, found).ConfigureAwait(false);
        }

        var vpc = await VpcOfServiceAsync(definitions, cancellationToken).ConfigureAwait(false);
        var operationId = await ChangeAsync("Cloud Map CreatePrivateDnsNamespace", EcsProperties.CreateServiceDiscoveryNamespace, async () =>
            (await aws.ServiceDiscovery.CreatePrivateDnsNamespaceAsync(new CreatePrivateDnsNamespaceRequest
            {
                Name = reference,
                Vpc = vpc,
                // The same id for the same name and VPC: a retry after an interrupted build gets the first request's operation.
                CreatorRequestId = CreatorRequestId(reference, vpc),
                Description = "Created by EcsBuildTasks",
            }, cancellationToken).ConfigureAwait(false)).OperationId).ConfigureAwait(false);
        var namespaceId = await WaitForOperationAsync(operationId!, "NAMESPACE", EcsProperties.CreateServiceDiscoveryNamespace, cancellationToken).ConfigureAwait(false);
        var created = await new CloudMapLookup(aws).FindNamespacesAsync(namespaceId, cancellationToken).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: created Cloud Map private DNS namespace {reference} ({namespaceId}) in {vpc}");
        return created.Single();
    }

    private async Task<string> VpcOfServiceAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        var subnet = definitions.Service.NetworkConfiguration?.AwsvpcConfiguration?.Subnets?.FirstOrDefault()
            ?? throw new DeploymentException(DiagnosticCodes.NamespaceCreationNotPossible, EcsProperties.CreateServiceDiscoveryNamespace, $"{EcsProperties.CreateServiceDiscoveryNamespace}=true needs the service's subnets to know its VPC, and the service has none.");
        var response = await AwsCalls.RunAsync("EC2 DescribeSubnets", () => aws.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("subnet-id", [subnet])] }, cancellationToken)).ConfigureAwait(false);
        return response.Subnets?.FirstOrDefault()?.VpcId
            ?? throw new DeploymentException(DiagnosticCodes.NamespaceCreationNotPossible, EcsProperties.Subnets, $"{EcsProperties.Subnets}: subnet {subnet} does not exist, so the namespace's VPC is unknown.");
    }

    private async Task<CloudMapService> CreateServiceAsync(CloudMapNamespace ns, string name, ServiceDiscoverySettings discovery, string? networkMode, string ecsService, CancellationToken cancellationToken)
    {
        var recordType = discovery.RecordType ?? ServiceRegistryRules.DefaultRecordType(networkMode);
        var request = new Aws.ServiceDiscovery.Model.CreateServiceRequest
        {
            Name = name,
            NamespaceId = ns.Id,
            CreatorRequestId = CreatorRequestId(ns.Id, name),
            Description = $"ECS service {ecsService}, registered by EcsBuildTasks",
            DnsConfig = ns.IsHttp ? null : new DnsConfig
            {
                RoutingPolicy = discovery.RoutingPolicy,
                DnsRecords = [new DnsRecord { Type = recordType == DnsRecordKind.A ? "A" : "SRV", TTL = discovery.Ttl }],
            },
            // ECS reports task health to Cloud Map itself; a custom health check config is what lets it do so.
            HealthCheckCustomConfig = new HealthCheckCustomConfig { FailureThreshold = discovery.FailureThreshold },
        };
        var service = await ChangeAsync("Cloud Map CreateService", EcsProperties.ServiceDiscoveryNamespace, async () =>
            (await aws.ServiceDiscovery.CreateServiceAsync(request, cancellationToken).ConfigureAwait(false)).Service).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.CloudMapChangeFailed, EcsProperties.ServiceDiscoveryNamespace, "Cloud Map CreateService returned no service.");
        log.Info(ns.IsHttp
            ? $"EcsBuildTasks: created Cloud Map service {name} in HTTP namespace {ns.Name}"
            : string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: created Cloud Map service {name} in namespace {ns.Name} ({(recordType == DnsRecordKind.A ? "A" : "SRV")} records, TTL {discovery.Ttl} s, {discovery.RoutingPolicy})"));
        return service;
    }

    private async Task UpdateTtlAsync(CloudMapService service, ServiceDiscoverySettings discovery, CancellationToken cancellationToken)
    {
        var records = service.DnsConfig?.DnsRecords;
        if (records is not { Count: > 0 } || records.TrueForAll(r => r.TTL == discovery.Ttl))
        {
            return;
        }

        var operationId = await ChangeAsync("Cloud Map UpdateService", EcsProperties.ServiceDiscoveryDnsTtl, async () =>
            (await aws.ServiceDiscovery.UpdateServiceAsync(new Aws.ServiceDiscovery.Model.UpdateServiceRequest
            {
                Id = service.Id,
                Service = new Aws.ServiceDiscovery.Model.ServiceChange { DnsConfig = new DnsConfigChange { DnsRecords = records.Select(r => new DnsRecord { Type = r.Type, TTL = discovery.Ttl }).ToList() } },
            }, cancellationToken).ConfigureAwait(false)).OperationId).ConfigureAwait(false);
        if (operationId is not null)
        {
            await WaitForOperationAsync(operationId, "SERVICE", EcsProperties.ServiceDiscoveryDnsTtl, cancellationToken).ConfigureAwait(false);
        }

        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: Cloud Map service {service.Name}: TTL {records[0].TTL} → {discovery.Ttl} s"));
        records.ForEach(r => r.TTL = discovery.Ttl);
    }

    /// <summary>Waits until a Cloud Map operation succeeds and returns the id of its <paramref name="target"/> (NAMESPACE, SERVICE).</summary>
    private async Task<string> WaitForOperationAsync(string operationId, string target, string property, CancellationToken cancellationToken)
    {
        var operation = await AdaptivePoll.UntilAsync(
            async () =>
            {
                var response = await AwsCalls.RunAsync("Cloud Map GetOperation", () => aws.ServiceDiscovery.GetOperationAsync(new GetOperationRequest { OperationId = operationId }, cancellationToken)).ConfigureAwait(false);
                return response.Operation?.Status?.Value is "SUCCESS" or "FAIL" ? response.Operation : null;
            },
            Schedule ?? PollSchedule.For(aws),
            OperationTimeout,
            time,
            cancellationToken).ConfigureAwait(false);
        if (operation is null || operation.Status?.Value != "SUCCESS")
        {
            throw new DeploymentException(DiagnosticCodes.CloudMapChangeFailed, property, operation is null
                ? $"Cloud Map operation {operationId} did not finish within {OperationTimeout.TotalMinutes:0} minutes."
                : $"Cloud Map operation {operationId} failed: {operation.ErrorCode}: {operation.ErrorMessage}");
        }

        return operation.Targets?.GetValueOrDefault(target) ?? throw new DeploymentException(DiagnosticCodes.CloudMapChangeFailed, property, $"Cloud Map operation {operationId} names no {target}.");
    }

    /// <summary>Runs a Cloud Map change, reporting failures (other than missing permissions) as ECS5053 on the property.</summary>
    private static async Task<T> ChangeAsync<T>(string action, string property, Func<Task<T>> call)
    {
        try
        {
            return await AwsCalls.RunAsync(action, call).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is Amazon.Runtime.AmazonServiceException service && !AwsCalls.IsAccessDenied(service))
        {
            throw new DeploymentException(DiagnosticCodes.CloudMapChangeFailed, property, $"{AwsCalls.Describe(action, service)}. Nothing in ECS was changed.", ex);
        }
    }

    /// <summary>Cloud Map's idempotency token (at most 64 characters): the same for the same resource.</summary>
    private static string CreatorRequestId(string first, string second) =>
        "ecsbuildtasks-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(first + "\n" + second)))[..40];
}
