using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.CloudMap;

/// <summary>
/// AWS Cloud Map (servicediscovery, JSON 1.1): namespaces (private DNS, public DNS, HTTP), services, instances and the
/// operations namespace and instance changes report. Operations complete at once (status SUCCESS).
/// </summary>
internal sealed class CloudMapApi : IAwsApi
{
    private static readonly HashSet<string> ServedOperations =
    [
        "CreatePrivateDnsNamespace", "CreatePublicDnsNamespace", "CreateHttpNamespace", "GetNamespace", "ListNamespaces", "DeleteNamespace",
        "GetOperation", "ListOperations", "CreateService", "GetService", "ListServices", "UpdateService", "DeleteService",
        "RegisterInstance", "DeregisterInstance", "GetInstance", "ListInstances", "GetInstancesHealthStatus",
        "UpdateInstanceCustomHealthStatus", "DiscoverInstances", "TagResource", "UntagResource", "ListTagsForResource",
    ];

    public string SigningName => "servicediscovery";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var map = request.RegionState.CloudMap;
        var input = request.Input;
        switch (request.Operation)
        {
            case "CreatePrivateDnsNamespace":
            case "CreatePublicDnsNamespace":
            case "CreateHttpNamespace":
                return CreateNamespace(request, map);
            case "GetNamespace":
                return new JsonObject { ["Namespace"] = RenderNamespace(map, Namespace(map, input.Str("Id"))) };
            case "ListNamespaces":
                return new JsonObject { ["Namespaces"] = map.Namespaces.Values.OrderBy(n => n.CreateDate).Select(n => (JsonNode?)Summary(RenderNamespace(map, n), "CreatorRequestId")).ToJsonArray() };
            case "DeleteNamespace":
            {
                var ns = Namespace(map, input.Str("Id"));
                if (map.Services.Values.Any(s => s.NamespaceId == ns.Id))
                {
                    throw new AwsServiceException("ResourceInUse", "Namespace has associated services, delete them first.");
                }

                map.Namespaces.Remove(ns.Id);
                Route53.Route53Api.UnlinkCloudMapZone(request.Account, ns.HostedZoneId);
                return Operation(map, "DELETE_NAMESPACE", request.Now, ("NAMESPACE", ns.Id));
            }

            case "GetOperation":
            {
                var operation = map.Operations.GetValueOrDefault(input.Str("OperationId") ?? string.Empty) ?? throw new AwsServiceException("OperationNotFound", "No operation found with the specified ID.");
                var targets = new JsonObject();
                foreach (var (key, value) in operation.Targets)
                {
                    targets[key] = value;
                }

                return new JsonObject
                {
                    ["Operation"] = new JsonObject
                    {
                        ["Id"] = operation.Id,
                        ["Type"] = operation.Type,
                        ["Status"] = operation.Status,
                        ["CreateDate"] = AwsValues.Timestamp(operation.CreateDate),
                        ["UpdateDate"] = AwsValues.Timestamp(operation.UpdateDate),
                        ["Targets"] = targets,
                    },
                };
            }

            case "ListOperations":
                return new JsonObject
                {
                    [nameof(Operations)] = map.Operations.Values.OrderBy(o => o.CreateDate).Select(o => (JsonNode?)new JsonObject { ["Id"] = o.Id, ["Status"] = o.Status }).ToJsonArray(),
                };
            case "CreateService":
                return CreateService(request, map);
            case "GetService":
                return new JsonObject { ["Service"] = RenderService(Service(map, input.Str("Id"))) };
            case "ListServices":
            {
                var namespaceIds = input.Objects("Filters").Where(f => f.Str("Name") == "NAMESPACE_ID").SelectMany(f => f.Strings("Values")).ToHashSet(StringComparer.Ordinal);
                return new JsonObject
                {
                    ["Services"] = map.Services.Values.Where(s => namespaceIds.Count == 0 || namespaceIds.Contains(s.NamespaceId))
                        .OrderBy(s => s.CreateDate).Select(s => (JsonNode?)Summary(RenderService(s), "NamespaceId", "CreatorRequestId")).ToJsonArray(),
                };
            }

            case "UpdateService":
                return UpdateService(request, map);
            case "DeleteService":
            {
                var service = Service(map, input.Str("Id"));
                if (service.Instances.Count > 0)
                {
                    throw new AwsServiceException("ResourceInUse", "Service has associated registered instances, deregister them first.");
                }

                map.Services.Remove(service.Id);
                return new JsonObject();
            }

            case "RegisterInstance":
            {
                var service = Service(map, input.Str("ServiceId"));
                var id = input.Str("InstanceId") ?? throw Invalid("InstanceId is required.");
                var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (key, value) in input.Obj("Attributes") ?? [])
                {
                    attributes[key] = value?.GetValue<string>() ?? string.Empty;
                }

                if (service.DnsConfig is not null && !attributes.ContainsKey("AWS_INSTANCE_IPV4") && !attributes.ContainsKey("AWS_INSTANCE_IPV6") && !attributes.ContainsKey("AWS_ALIAS_DNS_NAME"))
                {
                    throw Invalid("Attributes must include AWS_INSTANCE_IPV4, AWS_INSTANCE_IPV6 or AWS_ALIAS_DNS_NAME for a service with DNS records.");
                }

                service.Instances[id] = new CloudMapInstance { Id = id, CreatorRequestId = input.Str("CreatorRequestId"), Attributes = attributes };
                return Operation(map, "REGISTER_INSTANCE", request.Now, ("SERVICE", service.Id), ("INSTANCE", id));
            }

            case "DeregisterInstance":
            {
                var service = Service(map, input.Str("ServiceId"));
                var id = input.Str("InstanceId") ?? string.Empty;
                if (!service.Instances.Remove(id))
                {
                    throw new AwsServiceException("InstanceNotFound", $"No instance found with ID {id}.");
                }

                return Operation(map, "DEREGISTER_INSTANCE", request.Now, ("SERVICE", service.Id), ("INSTANCE", id));
            }

            case "GetInstance":
            {
                var service = Service(map, input.Str("ServiceId"));
                var instance = service.Instances.GetValueOrDefault(input.Str("InstanceId") ?? string.Empty) ?? throw new AwsServiceException("InstanceNotFound", "No instance found with the specified ID.");
                return new JsonObject { ["Instance"] = RenderInstance(instance).Put("CreatorRequestId", instance.CreatorRequestId) };
            }

            case "ListInstances":
                return new JsonObject { ["Instances"] = Service(map, input.Str("ServiceId")).Instances.Values.Select(i => (JsonNode?)RenderInstance(i)).ToJsonArray() };
            case "GetInstancesHealthStatus":
            {
                var service = Service(map, input.Str("ServiceId"));
                var status = new JsonObject();
                foreach (var instance in service.Instances.Values)
                {
                    status[instance.Id] = instance.HealthStatus;
                }

                return new JsonObject { ["Status"] = status };
            }

            case "UpdateInstanceCustomHealthStatus":
            {
                var service = Service(map, input.Str("ServiceId"));
                if (service.HealthCheckCustomConfig is null)
                {
                    throw new AwsServiceException("CustomHealthNotFound", "The service does not have a custom health check configuration.");
                }

                var instance = service.Instances.GetValueOrDefault(input.Str("InstanceId") ?? string.Empty) ?? throw new AwsServiceException("InstanceNotFound", "No instance found with the specified ID.");
                instance.HealthStatus = input.Str("Status") ?? instance.HealthStatus;
                return null;
            }

            case "DiscoverInstances":
            {
                var ns = map.Namespaces.Values.FirstOrDefault(n => n.Name == input.Str("NamespaceName")) ?? throw new AwsServiceException("NamespaceNotFound", "No namespace found with the specified name.");
                var service = map.Services.Values.FirstOrDefault(s => s.NamespaceId == ns.Id && s.Name == input.Str("ServiceName")) ?? throw new AwsServiceException("ServiceNotFound", "No service found with the specified name.");
                var healthy = input.Str("HealthStatus");
                return new JsonObject
                {
                    ["Instances"] = service.Instances.Values.Where(i => healthy is null or "ALL" || i.HealthStatus == healthy || (healthy == "HEALTHY_OR_ELSE_ALL"))
                        .Select(i => (JsonNode?)new JsonObject { ["InstanceId"] = i.Id, ["NamespaceName"] = ns.Name, ["ServiceName"] = service.Name, ["HealthStatus"] = i.HealthStatus, ["Attributes"] = Attributes(i) })
                        .ToJsonArray(),
                    ["InstancesRevision"] = service.Instances.Count,
                };
            }

            case "TagResource":
            {
                var tags = TagsOf(map, input.Str("ResourceARN"));
                foreach (var tag in input.Objects("Tags"))
                {
                    RemoveTag(tags, tag.Str("Key"));
                    tags.Add(tag.DeepClone());
                }

                return new JsonObject();
            }

            case "UntagResource":
            {
                var tags = TagsOf(map, input.Str("ResourceARN"));
                foreach (var key in input.Strings("TagKeys"))
                {
                    RemoveTag(tags, key);
                }

                return new JsonObject();
            }

            default:
                return new JsonObject { ["Tags"] = TagsOf(map, input.Str("ResourceARN")).DeepClone() };
        }
    }

    private static JsonObject CreateNamespace(AwsRequest request, CloudMapState map)
    {
        var input = request.Input;
        var name = input.Str("Name") ?? throw Invalid("Name is required.");
        var type = request.Operation switch
        {
            "CreatePrivateDnsNamespace" => "DNS_PRIVATE",
            "CreatePublicDnsNamespace" => "DNS_PUBLIC",
            _ => "HTTP",
        };
        string? vpc = null;
        if (type == "DNS_PRIVATE")
        {
            vpc = input.Str("Vpc") ?? throw Invalid("Vpc is required.");
            if (request.RegionState.Ec2.Vpcs.All(v => v.VpcId != vpc))
            {
                throw Invalid($"The VPC {vpc} does not exist.");
            }
        }

        if (map.Namespaces.Values.FirstOrDefault(n => n.Name == name && (type == "HTTP" || n.VpcId == vpc)) is { } existing)
        {
            if (existing.CreatorRequestId is not null && existing.CreatorRequestId == input.Str("CreatorRequestId"))
            {
                return new JsonObject { ["OperationId"] = map.Operations.Values.First(o => o.Targets.GetValueOrDefault("NAMESPACE") == existing.Id).Id };
            }

            throw new AwsServiceException("NamespaceAlreadyExists", $"Namespace {name} already exists.");
        }

        var id = "ns-" + Ids.Alphanumeric(16).ToLowerInvariant();
        var created = map.Namespaces[id] = new CloudMapNamespace
        {
            Id = id,
            Arn = $"arn:aws:servicediscovery:{request.Region}:{Account.Id}:namespace/{id}",
            Name = name,
            Type = type,
            Description = input.Str("Description"),
            VpcId = vpc,
            HostedZoneId = type == "HTTP" ? null : "Z" + Ids.Alphanumeric(20).ToUpperInvariant(),
            CreateDate = request.Now,
            CreatorRequestId = input.Str("CreatorRequestId"),
            Tags = input.CloneArr("Tags") ?? [],
        };

        // As Cloud Map does, a DNS namespace gets its own Route 53 hosted zone (linked to Cloud Map).
        Route53.Route53Api.LinkCloudMapZone(request.Account, created, request.Region, request.Now);
        return Operation(map, "CREATE_NAMESPACE", request.Now, ("NAMESPACE", id));
    }

    private static JsonObject CreateService(AwsRequest request, CloudMapState map)
    {
        var input = request.Input;
        var name = input.Str("Name") ?? throw Invalid("Name is required.");
        var dnsConfig = input.CloneObj("DnsConfig");
        var namespaceId = input.Str("NamespaceId") ?? dnsConfig?.Str("NamespaceId") ?? throw Invalid("NamespaceId is required.");
        var ns = Namespace(map, namespaceId);
        if (dnsConfig is not null && ns.Type == "HTTP")
        {
            throw Invalid("DnsConfig is not supported for services in an HTTP namespace.");
        }

        if (dnsConfig is not null && !dnsConfig.Objects("DnsRecords").Any())
        {
            throw Invalid("DnsConfig must contain at least one DNS record.");
        }

        if (input.Obj("HealthCheckConfig") is not null && input.Obj("HealthCheckCustomConfig") is not null)
        {
            throw Invalid("HealthCheckConfig and HealthCheckCustomConfig cannot both be specified.");
        }

        if (map.Services.Values.FirstOrDefault(s => s.NamespaceId == ns.Id && s.Name == name) is { } existing)
        {
            throw new AwsServiceException("ServiceAlreadyExists", $"Service {name} already exists in namespace {ns.Name}. ServiceId: {existing.Id}");
        }

        if (dnsConfig is not null)
        {
            dnsConfig["NamespaceId"] = ns.Id;
            dnsConfig["RoutingPolicy"] ??= "MULTIVALUE";
        }

        var id = "srv-" + Ids.Alphanumeric(16).ToLowerInvariant();
        var service = new CloudMapService
        {
            Id = id,
            Arn = $"arn:aws:servicediscovery:{request.Region}:{Account.Id}:service/{id}",
            Name = name,
            NamespaceId = ns.Id,
            Description = input.Str("Description"),
            Type = input.Str("Type") ?? (ns.Type == "HTTP" ? "HTTP" : "DNS_HTTP"),
            DnsConfig = dnsConfig,
            HealthCheckConfig = input.CloneObj("HealthCheckConfig"),
            HealthCheckCustomConfig = input.CloneObj("HealthCheckCustomConfig"),
            CreateDate = request.Now,
            CreatorRequestId = input.Str("CreatorRequestId"),
            Tags = input.CloneArr("Tags") ?? [],
        };
        map.Services[id] = service;
        return new JsonObject { ["Service"] = RenderService(service) };
    }

    /// <summary>Changes a service's description, DNS records (types must stay those of the service, TTLs may change) or Route 53 health check.</summary>
    private static JsonObject UpdateService(AwsRequest request, CloudMapState map)
    {
        var service = Service(map, request.Input.Str("Id"));
        var change = request.Input.Obj("Service") ?? throw Invalid("Service is required.");
        if (change.Obj("DnsConfig")?.CloneArr("DnsRecords") is { } records)
        {
            if (service.DnsConfig is null)
            {
                throw Invalid("The service has no DNS configuration to update.");
            }

            var current = service.DnsConfig.Objects("DnsRecords").Select(r => r.Str("Type")).Order(StringComparer.Ordinal);
            var wanted = records.OfType<JsonObject>().Select(r => r.Str("Type")).Order(StringComparer.Ordinal);
            if (!current.SequenceEqual(wanted))
            {
                throw Invalid("The DNS record types of a service cannot be changed.");
            }

            service.DnsConfig["DnsRecords"] = records;
        }

        service.Description = change.Str("Description") ?? service.Description;
        service.HealthCheckConfig = change.CloneObj("HealthCheckConfig") ?? service.HealthCheckConfig;
        return Operation(map, "UPDATE_SERVICE", request.Now, ("SERVICE", service.Id));
    }

    private static JsonObject Operation(CloudMapState map, string type, DateTimeOffset now, params (string Key, string Value)[] targets)
    {
        var id = Ids.Alphanumeric(32).ToLowerInvariant();
        map.Operations[id] = new CloudMapOperation
        {
            Id = id,
            Type = type,
            CreateDate = now,
            UpdateDate = now,
            Targets = targets.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
        };
        return new JsonObject { ["OperationId"] = id };
    }

    private static JsonObject RenderNamespace(CloudMapState map, CloudMapNamespace ns)
    {
        var properties = new JsonObject();
        if (ns.HostedZoneId is not null)
        {
            properties["DnsProperties"] = new JsonObject { ["HostedZoneId"] = ns.HostedZoneId, ["SOA"] = new JsonObject { ["TTL"] = 15 } };
        }

        properties["HttpProperties"] = new JsonObject { ["HttpName"] = ns.Name };
        return new JsonObject
        {
            ["Id"] = ns.Id,
            ["Arn"] = ns.Arn,
            ["Name"] = ns.Name,
            ["Type"] = ns.Type,
            ["ResourceOwner"] = Account.Id,
            ["ServiceCount"] = map.Services.Values.Count(s => s.NamespaceId == ns.Id),
            ["Properties"] = properties,
            ["CreateDate"] = AwsValues.Timestamp(ns.CreateDate),
        }.Put("Description", ns.Description).Put("CreatorRequestId", ns.CreatorRequestId);
    }

    private static JsonObject RenderService(CloudMapService service) =>
        new JsonObject
        {
            ["Id"] = service.Id,
            ["Arn"] = service.Arn,
            ["Name"] = service.Name,
            ["NamespaceId"] = service.NamespaceId,
            ["ResourceOwner"] = Account.Id,
            ["CreatedByAccount"] = Account.Id,
            ["InstanceCount"] = service.Instances.Count,
            ["CreateDate"] = AwsValues.Timestamp(service.CreateDate),
        }
        .Put("Description", service.Description).Put("Type", service.Type).Put("DnsConfig", service.DnsConfig?.DeepClone())
        .Put("HealthCheckConfig", service.HealthCheckConfig?.DeepClone()).Put("HealthCheckCustomConfig", service.HealthCheckCustomConfig?.DeepClone())
        .Put("CreatorRequestId", service.CreatorRequestId);

    /// <summary>List operations return summaries: the full shape less the members the summary shape lacks.</summary>
    private static JsonObject Summary(JsonObject full, params string[] omitted)
    {
        foreach (var member in omitted)
        {
            full.Remove(member);
        }

        return full;
    }

    private static JsonObject RenderInstance(CloudMapInstance instance) => new() { ["Id"] = instance.Id, ["Attributes"] = Attributes(instance) };

    private static JsonObject Attributes(CloudMapInstance instance)
    {
        var attributes = new JsonObject();
        foreach (var (key, value) in instance.Attributes)
        {
            attributes[key] = value;
        }

        return attributes;
    }

    private static CloudMapNamespace Namespace(CloudMapState map, string? id) =>
        map.Namespaces.GetValueOrDefault(id ?? string.Empty) ?? throw new AwsServiceException("NamespaceNotFound", "No namespace exists with the specified ID.");

    private static CloudMapService Service(CloudMapState map, string? id) =>
        map.Services.GetValueOrDefault(id ?? string.Empty) ?? throw new AwsServiceException("ServiceNotFound", "No service exists with the specified ID.");

    private static JsonArray TagsOf(CloudMapState map, string? arn) =>
        map.Namespaces.Values.FirstOrDefault(n => n.Arn == arn)?.Tags ?? map.Services.Values.FirstOrDefault(s => s.Arn == arn)?.Tags
        ?? throw new AwsServiceException("ResourceNotFoundException", $"The resource {arn} can't be found.");

    private static void RemoveTag(JsonArray tags, string? key)
    {
        for (var i = tags.Count - 1; i >= 0; i--)
        {
            if ((tags[i] as JsonObject)?.Str("Key") == key)
            {
                tags.RemoveAt(i);
            }
        }
    }

    private static AwsServiceException Invalid(string message) => new("InvalidInput", message);
}
