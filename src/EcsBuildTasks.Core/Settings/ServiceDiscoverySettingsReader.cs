using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Reads the service discovery (Cloud Map) properties. Formats and combinations of these properties are checked here;
/// how they fit the generated task and service definitions (ports, network mode) is checked with the definitions.
/// </summary>
internal static partial class ServiceDiscoverySettingsReader
{
    private static readonly string[] RecordTypes = ["A", "SRV"];
    private static readonly string[] RoutingPolicies = ["MULTIVALUE", "WEIGHTED"];

    public static ServiceDiscoverySettings? Read(SettingsValues values)
    {
        var ns = values.Get(EcsProperties.ServiceDiscoveryNamespace);
        var registry = values.Get(EcsProperties.ServiceRegistryArn);
        var create = values.Bool(EcsProperties.CreateServiceDiscoveryNamespace) ?? false;
        var name = values.Get(EcsProperties.ServiceDiscoveryName);
        var recordType = values.Choice(EcsProperties.ServiceDiscoveryDnsRecordType, RecordTypes);
        var ttl = values.Int(EcsProperties.ServiceDiscoveryDnsTtl, 0, int.MaxValue);
        var routing = values.Choice(EcsProperties.ServiceDiscoveryRoutingPolicy, RoutingPolicies);
        var threshold = values.Int(EcsProperties.ServiceDiscoveryFailureThreshold, 1, 10);
        var port = values.Int(EcsProperties.ServiceDiscoveryContainerPort, 1, 65535);

        // Settings of a Cloud Map service the build creates: meaningless with an existing registry, and without a namespace.
        var serviceSettings = new (string Property, bool IsSet)[]
        {
            (EcsProperties.ServiceDiscoveryName, name is not null),
            (EcsProperties.ServiceDiscoveryDnsRecordType, values.Get(EcsProperties.ServiceDiscoveryDnsRecordType) is not null),
            (EcsProperties.ServiceDiscoveryDnsTtl, values.Get(EcsProperties.ServiceDiscoveryDnsTtl) is not null),
            (EcsProperties.ServiceDiscoveryRoutingPolicy, values.Get(EcsProperties.ServiceDiscoveryRoutingPolicy) is not null),
            (EcsProperties.ServiceDiscoveryFailureThreshold, values.Get(EcsProperties.ServiceDiscoveryFailureThreshold) is not null),
        }.Where(s => s.IsSet).Select(s => s.Property).ToList();

        if (ns is null && registry is null)
        {
            var orphans = serviceSettings.Concat(create ? [EcsProperties.CreateServiceDiscoveryNamespace] : []).Concat(port is not null ? [EcsProperties.ServiceDiscoveryContainerPort] : []).ToList();
            if (orphans.Count > 0)
            {
                values.Error(DiagnosticCodes.ServiceDiscoverySettingsConflict, orphans[0], $"{string.Join(", ", orphans)} configure service discovery, but neither {EcsProperties.ServiceDiscoveryNamespace} nor {EcsProperties.ServiceRegistryArn} is set: set one of them or remove these properties.");
            }

            return null;
        }

        var valid = true;
        if (ns is not null && registry is not null)
        {
            valid = values.Error(DiagnosticCodes.ServiceDiscoverySettingsConflict, EcsProperties.ServiceRegistryArn, $"{EcsProperties.ServiceRegistryArn} names an existing Cloud Map service and {EcsProperties.ServiceDiscoveryNamespace} asks for one in a namespace: set only one of them.");
        }

        if (registry is not null && serviceSettings.Count > 0)
        {
            valid = values.Error(DiagnosticCodes.ServiceDiscoverySettingsConflict, serviceSettings[0], $"{string.Join(", ", serviceSettings)} describe a Cloud Map service the build creates, but {EcsProperties.ServiceRegistryArn} names an existing one (its records stay as they are): remove them or use {EcsProperties.ServiceDiscoveryNamespace}.");
        }

        if (create && (ns is null || ns.StartsWith("ns-", StringComparison.Ordinal)))
        {
            valid = values.Error(DiagnosticCodes.ServiceDiscoverySettingsConflict, EcsProperties.CreateServiceDiscoveryNamespace,
                $"{EcsProperties.CreateServiceDiscoveryNamespace}=true creates a namespace by name: set {EcsProperties.ServiceDiscoveryNamespace} to the namespace's name (an ns- id names a namespace that exists already).");
        }

        if (registry is not null && !RegistryArn().IsMatch(registry))
        {
            valid = values.Error(DiagnosticCodes.ServiceRegistryArnInvalid, EcsProperties.ServiceRegistryArn, $"{EcsProperties.ServiceRegistryArn}='{registry}' is not a Cloud Map service ARN (arn:aws:servicediscovery:<region>:<account>:service/srv-<id>).");
        }

        if (ns is not null && !(ns.StartsWith("ns-", StringComparison.Ordinal) ? NamespaceId().IsMatch(ns) : NamespaceName().IsMatch(ns)))
        {
            valid = values.Error(DiagnosticCodes.ServiceDiscoveryNameInvalid, EcsProperties.ServiceDiscoveryNamespace,
                $"{EcsProperties.ServiceDiscoveryNamespace}='{ns}' is neither a namespace id (ns-…) nor a namespace name (1–253 printable characters without spaces, not an ARN).");
        }

        if (name is not null && !CloudMapServiceName().IsMatch(name))
        {
            valid = values.Error(DiagnosticCodes.ServiceDiscoveryNameInvalid, EcsProperties.ServiceDiscoveryName,
                $"{EcsProperties.ServiceDiscoveryName}='{name}' is not a valid Cloud Map service name: DNS labels of letters, digits, '-' and '_' (63 characters each, not starting or ending with '-'), 127 characters in all.");
        }

        return valid
            ? new ServiceDiscoverySettings
            {
                Namespace = ns,
                CreateNamespace = create,
                RegistryArn = registry,
                Name = name,
                RecordType = recordType switch { "A" => DnsRecordKind.A, "SRV" => DnsRecordKind.Srv, _ => null },
                Ttl = ttl ?? 60,
                RoutingPolicy = routing ?? "MULTIVALUE",
                FailureThreshold = threshold ?? 1,
                ContainerPort = port,
            }
            : null;
    }

    /// <summary>Cloud Map's service name: DNS labels, 127 characters at most.</summary>
    [GeneratedRegex(@"^(?=.{1,127}$)([a-zA-Z0-9_][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\.([a-zA-Z0-9_][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))*$")]
    private static partial Regex CloudMapServiceName();

    /// <summary>Cloud Map's namespace names: printable ASCII without spaces, not an ARN (253 characters for private DNS).</summary>
    [GeneratedRegex("^(?!arn:)[!-~]{1,253}$")]
    internal static partial Regex NamespaceName();

    [GeneratedRegex("^ns-[a-z0-9]{1,64}$")]
    private static partial Regex NamespaceId();

    [GeneratedRegex(@"^arn:aws[a-z-]*:servicediscovery:[a-z0-9-]+:\d{12}:service/srv-[a-z0-9]{1,64}$")]
    private static partial Regex RegistryArn();
}
