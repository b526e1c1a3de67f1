using System.Globalization;
using System.Text.RegularExpressions;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.VersionedServices;

/// <summary>The versions of one versioned service, oldest first, as found in the cluster.</summary>
internal sealed record VersionSet(string Cluster, string BaseName, IReadOnlyList<ServiceVersion> Versions)
{
    /// <summary>N of the next version: one more than the highest found by name or by tag (1 when there is none).</summary>
    public int NextNumber => Versions.Count == 0 ? 1 : Versions.Max(v => v.Number) + 1;

    /// <summary>The versions with tasks wanted (desired count above 0).</summary>
    public IReadOnlyList<ServiceVersion> Serving => [.. Versions.Where(v => v.DesiredCount > 0 && v.Service.Status == "ACTIVE")];

    /// <summary>The highest version with tasks wanted: what serves now.</summary>
    public ServiceVersion? Current => Versions.LastOrDefault(v => v.DesiredCount > 0 && v.Service.Status == "ACTIVE");

    public ServiceVersion? Find(string name) => Versions.FirstOrDefault(v => v.Name == name);

    public static string NameOf(string baseName, int number) => string.Create(CultureInfo.InvariantCulture, $"{baseName}__{number}");
}

/// <summary>
/// The versioned-services building block (Harness's ECS Service Setup and Upgrade Containers): finds the versions of a
/// service (<c>&lt;name&gt;__&lt;N&gt;</c> by name, N by name or by the package's tag; the plain name adopted as version
/// 0), creates the next version at desired count 0 with the project's network, load balancers, service registries and
/// Service Connect, resizes versions, and deletes the versions beyond the ones kept. Strategies compose it: phased
/// versions (Versioned), the target-group swap (VersionedBlueGreen), DNS weights.
/// </summary>
internal sealed partial class ServiceVersions(AwsSession aws, IDeploymentLog log)
{
    public async Task<VersionSet> FindAsync(string cluster, string baseName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseName);
        var arns = await AwsCalls.AllPagesAsync(
            "ECS ListServices",
            token => aws.Ecs.ListServicesAsync(new ListServicesRequest { Cluster = cluster, NextToken = token }, cancellationToken),
            page => page.ServiceArns,
            page => page.NextToken).ConfigureAwait(false);
        var names = arns.Select(a => a[(a.LastIndexOf('/') + 1)..]).Where(n => n == baseName || IsVersionName(baseName, n)).ToList();
        var versions = new List<ServiceVersion>();
        foreach (var batch in names.Chunk(10))
        {
            var described = await AwsCalls.RunAsync("ECS DescribeServices", () => aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [.. batch], Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
            foreach (var service in (described.Services ?? []).Where(s => s.Status is "ACTIVE" or "DRAINING"))
            {
                versions.Add(new ServiceVersion(NumberOf(baseName, service), service));
            }
        }

        return new VersionSet(cluster, baseName, [.. versions.OrderBy(v => v.Number).ThenBy(v => v.Name, StringComparer.Ordinal)]);
    }

    /// <summary>Creates version <paramref name="number"/> of the project's service at desired count 0.</summary>
    /// <param name="targetGroupArn">The target group its tasks register with, when it is not the project's (the stage target group of a swap).</param>
    public async Task<ServiceVersion> CreateAsync(GeneratedDefinitions definitions, int number, string taskDefinitionArn, string? targetGroupArn, IEnumerable<Tag> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var baseName = definitions.Service.ServiceName!;
        var request = ForVersion(definitions, number);
        request.TaskDefinition = taskDefinitionArn;
        request.DesiredCount = 0;
        if (targetGroupArn is not null)
        {
            foreach (var balancer in request.LoadBalancers ?? [])
            {
                balancer.TargetGroupArn = targetGroupArn;
            }
        }

        request.Tags = [.. (request.Tags ?? []).Where(t => !t.Key!.StartsWith("ecsbuildtasks:", StringComparison.Ordinal)),
            VersionTags.Of(VersionTags.Service, baseName), VersionTags.Of(VersionTags.Version, number.ToString(CultureInfo.InvariantCulture)), .. tags];
        try
        {
            var created = await AwsCalls.RunAsync("ECS CreateService", () => aws.Ecs.CreateServiceAsync(request, cancellationToken)).ConfigureAwait(false);
            var service = created.Service ?? throw new DeploymentException(DiagnosticCodes.ServiceRejected, EcsProperties.ServiceName, "ECS CreateService returned no service.");
            service.Tags ??= request.Tags;
            log.Info($"EcsBuildTasks: created version {service.ServiceName} at 0 tasks ({Arns.Short(taskDefinitionArn)}{(targetGroupArn is null ? string.Empty : $", target group {Arns.Short(targetGroupArn)}")})");
            return new ServiceVersion(number, service);
        }
        catch (DeploymentException ex) when (ex.InnerException is Amazon.Runtime.AmazonServiceException service && !AwsCalls.IsAccessDenied(service))
        {
            throw new DeploymentException(DiagnosticCodes.ServiceRejected, EcsProperties.ServiceName,
                $"ECS CreateService of {request.ServiceName} was rejected: {service.ErrorCode}: {service.Message} (the request is service-definition.json next to this build's plan, under the version's name; nothing else was changed).", ex);
        }
    }

    /// <summary>
    /// The project's service request as version <paramref name="number"/> runs it: its name, and its own Service Connect
    /// discovery names. ECS wants each discovery name unique in the namespace, and two versions run side by side; callers
    /// keep using the client aliases, which stay what the project sets (by default the project's discovery name, which
    /// is what callers resolved before), so traffic reaches whichever versions have tasks.
    /// </summary>
    public static CreateServiceRequest ForVersion(GeneratedDefinitions definitions, int number)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var request = EcsJson.Deserialize<CreateServiceRequest>(EcsJson.Serialize(definitions.Service));
        request.ServiceName = VersionSet.NameOf(definitions.Service.ServiceName!, number);
        if (request.ServiceConnectConfiguration is { Enabled: true, Services: { Count: > 0 } endpoints })
        {
            var ports = (definitions.TaskDefinition.ContainerDefinitions ?? []).SelectMany(c => c.PortMappings ?? []).Where(m => m.Name is not null).ToList();
            foreach (var endpoint in endpoints)
            {
                var discovery = endpoint.DiscoveryName ?? endpoint.PortName!;
                var suffix = string.Create(CultureInfo.InvariantCulture, $"-v{number}");
                endpoint.DiscoveryName = discovery[..Math.Min(discovery.Length, 64 - suffix.Length)] + suffix;
                if (endpoint.ClientAliases is not { Count: > 0 } && ports.Find(m => m.Name == endpoint.PortName)?.ContainerPort is { } port)
                {
                    endpoint.ClientAliases = [new ServiceConnectClientAlias { DnsName = discovery, Port = port }];
                }
            }
        }

        return request;
    }

    public async Task ResizeAsync(string cluster, string name, int count, CancellationToken cancellationToken)
    {
        await AwsCalls.RunAsync("ECS UpdateService", () => aws.Ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = cluster, Service = name, DesiredCount = count }, cancellationToken)).ConfigureAwait(false);
        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: {name} → {count} task(s)"));
    }

    public async Task TagAsync(ServiceVersion version, IEnumerable<Tag> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        var list = tags.ToList();
        await AwsCalls.RunAsync("ECS TagResource", () => aws.Ecs.TagResourceAsync(new TagResourceRequest { ResourceArn = version.Service.ServiceArn, Tags = list }, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Scales the version to 0 (ECS refuses to delete a service with tasks wanted) and deletes it; its tasks drain.</summary>
    public async Task DeleteAsync(string cluster, string name, CancellationToken cancellationToken)
    {
        await AwsCalls.RunAsync("ECS DeleteService", () => aws.Ecs.DeleteServiceAsync(new DeleteServiceRequest { Cluster = cluster, Service = name, Force = true }, cancellationToken)).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: deleted version {name}");
    }

    /// <summary>
    /// Keeps the <paramref name="keep"/> newest old versions at 0 tasks (for an instant rollback) and deletes the older
    /// ones at 0 tasks. A version with tasks wanted, being deployed, or named in <paramref name="protect"/> is never deleted.
    /// </summary>
    public async Task<IReadOnlyList<string>> PruneAsync(VersionSet set, int keep, IReadOnlyCollection<string> protect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(protect);
        var idle = set.Versions.Where(v => !protect.Contains(v.Name) && v.Service.Status == "ACTIVE" && !v.IsDeploying).OrderByDescending(v => v.Number).ToList();
        var deleted = new List<string>();
        foreach (var version in idle.Skip(keep).Where(v => v.DesiredCount == 0))
        {
            await DeleteAsync(set.Cluster, version.Name, cancellationToken).ConfigureAwait(false);
            deleted.Add(version.Name);
        }

        return deleted;
    }

    private static bool IsVersionName(string baseName, string name) =>
        name.Length > baseName.Length + 2 && name.StartsWith(baseName + "__", StringComparison.Ordinal) && VersionSuffix().IsMatch(name[(baseName.Length + 2)..]);

    private static int NumberOf(string baseName, Aws.ECS.Model.Service service)
    {
        var byName = service.ServiceName == baseName ? 0 : int.Parse(service.ServiceName![(baseName.Length + 2)..], NumberStyles.None, CultureInfo.InvariantCulture);
        var tag = (service.Tags ?? []).Find(t => t.Key == VersionTags.Version)?.Value;
        return int.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var byTag) ? Math.Max(byName, byTag) : byName;
    }

    [GeneratedRegex("^[0-9]{1,9}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSuffix();
}
