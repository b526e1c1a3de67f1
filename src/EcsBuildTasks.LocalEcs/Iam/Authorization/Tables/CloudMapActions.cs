using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// AWS Cloud Map operations → IAM actions (Service Authorization Reference, "AWS Cloud Map"): namespaces and services
/// by ARN (looked up from their ids), instance operations on their service; creating namespaces, listing and tagging
/// take no resource.
/// </summary>
internal static class CloudMapActions
{
    private const string Prefix = "servicediscovery:";

    public static readonly ActionTable Table = new("servicediscovery")
    {
        ["CreatePrivateDnsNamespace"] = c => [c.Any(Prefix + "CreatePrivateDnsNamespace")],
        ["CreatePublicDnsNamespace"] = c => [c.Any(Prefix + "CreatePublicDnsNamespace")],
        ["CreateHttpNamespace"] = c => [c.Any(Prefix + "CreateHttpNamespace")],
        ["GetNamespace"] = c => [c.Check(Prefix + "GetNamespace", Namespace(c, c.Str("Id")))],
        ["ListNamespaces"] = c => [c.Any(Prefix + "ListNamespaces")],
        ["DeleteNamespace"] = c => [c.Check(Prefix + "DeleteNamespace", Namespace(c, c.Str("Id")))],
        ["GetOperation"] = c => [c.Check(Prefix + "GetOperation", OperationTarget(c))],
        ["ListOperations"] = c => [c.Any(Prefix + "ListOperations")],
        ["CreateService"] = c =>
        [
            c.Check(Prefix + "CreateService", Namespace(c, c.Str("NamespaceId")), (Prefix + "NamespaceArn", Namespace(c, c.Str("NamespaceId")))),
            c.Check(Prefix + "CreateService", c.Arn("servicediscovery", "service/*"), (Prefix + "NamespaceArn", Namespace(c, c.Str("NamespaceId")))),
        ],
        ["GetService"] = c => [c.Check(Prefix + "GetService", Service(c, c.Str("Id")))],
        ["ListServices"] = c => [c.Any(Prefix + "ListServices")],
        ["UpdateService"] = c => [c.Check(Prefix + "UpdateService", Service(c, c.Str("Id")))],
        ["DeleteService"] = c => [c.Check(Prefix + "DeleteService", Service(c, c.Str("Id")))],
        ["RegisterInstance"] = c => [InstanceCheck(c, "RegisterInstance")],
        ["DeregisterInstance"] = c => [InstanceCheck(c, "DeregisterInstance")],
        ["GetInstance"] = c => [InstanceCheck(c, "GetInstance")],
        ["ListInstances"] = c => [InstanceCheck(c, "ListInstances")],
        ["GetInstancesHealthStatus"] = c => [InstanceCheck(c, "GetInstancesHealthStatus")],
        ["UpdateInstanceCustomHealthStatus"] = c => [InstanceCheck(c, "UpdateInstanceCustomHealthStatus")],
        ["DiscoverInstances"] = c => DiscoverChecks(c),
        ["TagResource"] = c => [new AuthorizationCheck(Prefix + "TagResource", "*", OperationContext.TagKeys(c.Tags("Tags")))],
        ["UntagResource"] = c => [c.Any(Prefix + "UntagResource")],
        ["ListTagsForResource"] = c => [c.Any(Prefix + "ListTagsForResource")],
    };

    private static string Namespace(OperationContext c, string? id) =>
        id is not null && c.RegionState.CloudMap.Namespaces.TryGetValue(id, out var ns) ? ns.Arn : c.Arn("servicediscovery", "namespace/" + id);

    private static string Service(OperationContext c, string? id) =>
        id is not null && c.RegionState.CloudMap.Services.TryGetValue(id, out var service) ? service.Arn : c.Arn("servicediscovery", "service/" + id);

    private static AuthorizationCheck InstanceCheck(OperationContext c, string action) =>
        c.Check(Prefix + action, Service(c, c.Str("ServiceId")), (Prefix + "ServiceArn", Service(c, c.Str("ServiceId"))));

    /// <summary>An operation is authorised on what it works on: its namespace, else its service.</summary>
    private static string OperationTarget(OperationContext c)
    {
        if (c.Str("OperationId") is not { } id || !c.RegionState.CloudMap.Operations.TryGetValue(id, out var operation))
        {
            return c.Arn("servicediscovery", "namespace/*");
        }

        return operation.Targets.TryGetValue("NAMESPACE", out var ns) ? Namespace(c, ns)
            : operation.Targets.TryGetValue("SERVICE", out var service) ? Service(c, service)
            : c.Arn("servicediscovery", "namespace/*");
    }

    private static IEnumerable<AuthorizationCheck> DiscoverChecks(OperationContext c)
    {
        var ns = c.RegionState.CloudMap.Namespaces.Values.FirstOrDefault(n => n.Name == c.Str("NamespaceName"));
        CloudMapService? service = ns is null ? null : c.RegionState.CloudMap.Services.Values.FirstOrDefault(s => s.NamespaceId == ns.Id && s.Name == c.Str("ServiceName"));
        var keys = new[] { (Prefix + "NamespaceName", c.Str("NamespaceName")), (Prefix + "ServiceName", c.Str("ServiceName")) };
        yield return c.Check(Prefix + "DiscoverInstances", ns?.Arn ?? c.Arn("servicediscovery", "namespace/*"), keys);
        yield return c.Check(Prefix + "DiscoverInstances", service?.Arn ?? c.Arn("servicediscovery", "service/*"), keys);
    }
}
