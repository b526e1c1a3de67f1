using EcsBuildTasks.Aws.ServiceDiscovery.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using CloudMapService = EcsBuildTasks.Aws.ServiceDiscovery.Model.Service;

namespace EcsBuildTasks.Core.Features.ServiceDiscovery;

/// <summary>A Cloud Map namespace as the deployment needs it.</summary>
internal sealed record CloudMapNamespace(string Id, string Arn, string Name, string Type)
{
    public bool IsHttp => Type == "HTTP";

    public override string ToString() => $"{Name} ({Id}, {Type})";
}

/// <summary>
/// Read-only Cloud Map lookups shared by the preflight and the deployment. Filters are applied again on the client:
/// not every endpoint honours them (moto lists every namespace whatever the filter).
/// </summary>
internal sealed class CloudMapLookup(AwsSession aws)
{
    /// <summary>
    /// The namespaces a reference names: one for an <c>ns-</c> id or an ARN that exists; for a name every namespace of
    /// that name (private DNS namespaces of the same name may exist in several VPCs).
    /// </summary>
    public async Task<IReadOnlyList<CloudMapNamespace>> FindNamespacesAsync(string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.StartsWith("ns-", StringComparison.Ordinal))
        {
            try
            {
                var found = await AwsCalls.RunAsync("Cloud Map GetNamespace", () => aws.ServiceDiscovery.GetNamespaceAsync(new GetNamespaceRequest { Id = reference }, cancellationToken)).ConfigureAwait(false);
                return found.Namespace is { } ns ? [new CloudMapNamespace(ns.Id!, ns.Arn!, ns.Name!, ns.Type?.Value ?? string.Empty)] : [];
            }
            catch (DeploymentException ex) when (ex.InnerException is NamespaceNotFoundException)
            {
                return [];
            }
        }

        var all = await AwsCalls.AllPagesAsync(
            "Cloud Map ListNamespaces",
            token => aws.ServiceDiscovery.ListNamespacesAsync(new ListNamespacesRequest { NextToken = token }, cancellationToken),
            page => page.Namespaces,
            page => page.NextToken).ConfigureAwait(false);
        var byArn = reference.StartsWith("arn:", StringComparison.Ordinal);
        return all.Where(n => n.Id is not null && n.Arn is not null && n.Name is not null && (byArn ? n.Arn == reference : n.Name == reference))
            .Select(n => new CloudMapNamespace(n.Id!, n.Arn!, n.Name!, n.Type?.Value ?? string.Empty)).ToList();
    }

    /// <summary>The Cloud Map service of that name in the namespace, or null.</summary>
    public async Task<CloudMapService?> FindServiceAsync(string namespaceId, string name, CancellationToken cancellationToken)
    {
        string? next = null;
        do
        {
            var token = next;
            var page = await AwsCalls.RunAsync("Cloud Map ListServices", () => aws.ServiceDiscovery.ListServicesAsync(
                new ListServicesRequest { Filters = [new ServiceFilter { Name = "NAMESPACE_ID", Values = [namespaceId], Condition = "EQ" }], NextToken = token }, cancellationToken)).ConfigureAwait(false);
            foreach (var summary in (page.Services ?? []).Where(s => s.Name == name && s.Id is not null))
            {
                // Summaries of HTTP services carry no namespace id: GetService tells which namespace the service is in.
                if (await GetServiceAsync(summary.Id!, cancellationToken).ConfigureAwait(false) is { } service && service.NamespaceId == namespaceId)
                {
                    return service;
                }
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        return null;
    }

    /// <summary>The Cloud Map service with that id, or null when there is none.</summary>
    public async Task<CloudMapService?> GetServiceAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var response = await AwsCalls.RunAsync("Cloud Map GetService", () => aws.ServiceDiscovery.GetServiceAsync(new GetServiceRequest { Id = id }, cancellationToken)).ConfigureAwait(false);
            return response.Service;
        }
        catch (DeploymentException ex) when (ex.InnerException is ServiceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>"arn:aws:servicediscovery:…:service/srv-abc" → "srv-abc".</summary>
    /// <summary>The one namespace a reference names; none or several is an error naming the property.</summary>
    public async Task<CloudMapNamespace> SingleNamespaceAsync(string reference, string property, DiagnosticDescriptor notFound, CancellationToken cancellationToken, IReadOnlyList<CloudMapNamespace>? found = null)
    {
        found ??= await FindNamespacesAsync(reference, cancellationToken).ConfigureAwait(false);
        return found.Count switch
        {
            0 => throw new DeploymentException(notFound, property, $"{property}={reference}: there is no such Cloud Map namespace in this account and region."),
            1 => found[0],
            _ => throw new DeploymentException(DiagnosticCodes.NamespaceAmbiguous, property, $"{property}={reference} names several Cloud Map namespaces ({string.Join(", ", found)}): set it to the id of the one to use."),
        };
    }

    public static string ServiceId(string registryArn)
    {
        ArgumentNullException.ThrowIfNull(registryArn);
        return registryArn[(registryArn.LastIndexOf('/') + 1)..];
    }

    /// <summary>True when the Cloud Map service has an SRV record (ECS then needs the container and port).</summary>
    public static bool HasSrvRecord(CloudMapService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.DnsConfig?.DnsRecords?.Exists(r => r.Type?.Value == "SRV") == true;
    }

    public static string DescribeRecords(CloudMapService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.DnsConfig?.DnsRecords is { Count: > 0 } records ? string.Join(" and ", records.Select(r => r.Type?.Value)) + " records" : "no DNS records";
    }
}
