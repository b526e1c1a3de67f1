using System.Globalization;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>The plan's lines for service discovery, Service Connect, auto scaling and pre-deploy tasks.</summary>
public static class PlatformPlan
{
    public static IEnumerable<string> Lines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var platform = settings.Platform;
        var inv = CultureInfo.InvariantCulture;
        var networkMode = definitions.TaskDefinition.NetworkMode?.Value;
        if (platform.ServiceDiscovery is { } discovery)
        {
            if (discovery.RegistryArn is { } arn)
            {
                yield return $"  Discovery   existing Cloud Map service {arn}";
            }
            else
            {
                var records = (discovery.RecordType ?? ServiceRegistryRules.DefaultRecordType(networkMode)) == DnsRecordKind.A ? "A" : "SRV";
                var name = discovery.Name ?? definitions.Service.ServiceName;
                yield return string.Create(inv,
                    $"  Discovery   Cloud Map service {name} in namespace {discovery.Namespace} ({records} records, TTL {discovery.Ttl} s, {discovery.RoutingPolicy}), created when missing{(discovery.CreateNamespace ? "; the namespace too" : string.Empty)}");
            }
        }

        if (platform.ServiceConnect is { } serviceConnect)
        {
            var endpoints = definitions.Service.ServiceConnectConfiguration?.Services is { Count: > 0 } services
                ? string.Join(", ", services.Select(s => s.PortName + (s.ClientAliases is [var alias, ..] ? string.Create(inv, $" as {alias.DnsName ?? s.DiscoveryName ?? s.PortName}:{alias.Port}") : string.Empty)))
                : "client only";
            yield return $"  Connect     Service Connect in namespace {serviceConnect.Namespace}: {endpoints}{(serviceConnect.TestTrafficHeader is { } h ? $"; test traffic with header {h.Name}: {h.Value}" : string.Empty)}";
        }

        if (platform.AutoScaling is { } scaling)
        {
            var policies = scaling.Policies.Select(p => string.Create(inv, $"{p.Name} ({p.Metric} target {p.TargetValue})"));
            var actions = scaling.ScheduledActions.Select(a => $"{a.Name} ({a.Schedule} {a.Timezone ?? "UTC"})");
            yield return string.Create(inv, $"  Scaling     {scaling.MinCapacity}–{scaling.MaxCapacity} tasks{(scaling.Policies.Count > 0 ? "; policies " + string.Join(", ", policies) : string.Empty)}{(scaling.ScheduledActions.Count > 0 ? "; scheduled " + string.Join(", ", actions) : string.Empty)}{(scaling.Prune ? "; other policies removed" : string.Empty)}");
        }

        foreach (var task in platform.PreDeployTasks)
        {
            yield return $"  Pre-deploy  {task.Name}: container {task.Container ?? definitions.MainContainer.Name}{(task.Command.Count > 0 ? ", command " + string.Join(' ', task.Command) : string.Empty)}; a non-zero exit code stops the deployment";
        }
    }
}
