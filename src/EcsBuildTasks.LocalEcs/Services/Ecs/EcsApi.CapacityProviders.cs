using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

/// <summary>
/// Capacity providers: ECS Managed Instances providers (cluster-scoped, what managed daemons run on) and Auto Scaling
/// group providers, plus the built-in FARGATE and FARGATE_SPOT. Their simulated instances are kept by
/// <see cref="CapacityProviderInstances"/> at the count the control API sets (0 until then).
/// </summary>
internal sealed partial class EcsApi
{
    private static readonly string[] BuiltInCapacityProviders = ["FARGATE", "FARGATE_SPOT"];
    private static readonly string[] ReservedCapacityProviderPrefixes = ["aws", "ecs", "fargate"];

    private static JsonObject CreateCapacityProvider(AwsRequest request, SimulationContext context)
    {
        var input = request.Input;
        var region = request.RegionState;
        var name = input.Str("name") ?? throw EcsErrors.Required("name");
        if (!NamePattern().IsMatch(name))
        {
            throw EcsErrors.Invalid("The capacity provider name is invalid. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
        }

        if (ReservedCapacityProviderPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            throw EcsErrors.Invalid($"The capacity provider name {name} is invalid: it can't begin with aws, ecs, or fargate.");
        }

        var managed = input.CloneObj("managedInstancesProvider");
        var autoScaling = input.CloneObj("autoScalingGroupProvider");
        if ((managed is null) == (autoScaling is null))
        {
            throw EcsErrors.Invalid("Specify exactly one of managedInstancesProvider and autoScalingGroupProvider.");
        }

        if (region.CapacityProviders.TryGetValue(name, out var existing) && existing.Status == "ACTIVE")
        {
            throw EcsErrors.Client($"The specified capacity provider {name} already exists. To change the configuration of an existing capacity provider, update the capacity provider.");
        }

        string? clusterName = null;
        if (managed is not null)
        {
            var cluster = FindCluster(region, input.Str("cluster") ?? throw EcsErrors.Invalid("The cluster must be specified for a Managed Instances capacity provider."));
            clusterName = cluster.Name;
            var role = managed.Str("infrastructureRoleArn") ?? throw EcsErrors.Required("managedInstancesProvider.infrastructureRoleArn");
            if (!RoleArnPattern().IsMatch(role))
            {
                throw EcsErrors.Invalid($"The infrastructure role {role} is not a valid IAM role ARN.");
            }

            var template = managed.Obj("instanceLaunchTemplate") ?? throw EcsErrors.Required("managedInstancesProvider.instanceLaunchTemplate");
            if (template.Str("ec2InstanceProfileArn") is null)
            {
                throw EcsErrors.Required("managedInstancesProvider.instanceLaunchTemplate.ec2InstanceProfileArn");
            }

            var subnets = template.Obj("networkConfiguration")?.Strings("subnets").ToList() ?? [];
            if (subnets.Count == 0)
            {
                throw EcsErrors.Invalid("managedInstancesProvider.instanceLaunchTemplate.networkConfiguration.subnets can not be empty.");
            }

            foreach (var subnet in subnets.Where(s => region.Ec2.Subnets.All(x => x.SubnetId != s)))
            {
                throw EcsErrors.Invalid($"The subnet ID '{subnet}' does not exist.");
            }

            managed["propagateTags"] ??= "NONE";
        }
        else if (autoScaling!.Str("autoScalingGroupArn") is not { } group || !group.StartsWith("arn:aws:autoscaling:", StringComparison.Ordinal))
        {
            throw EcsErrors.Invalid("autoScalingGroupProvider.autoScalingGroupArn must be the ARN of an Auto Scaling group.");
        }

        var provider = new CapacityProviderRecord
        {
            Name = name,
            Arn = CapacityProviderArn(request.Region, name),
            Cluster = clusterName,
            Type = managed is not null ? "MANAGED_INSTANCES" : "EC2_AUTOSCALING",
            ManagedInstancesProvider = managed,
            AutoScalingGroupProvider = autoScaling,
            Tags = input.CloneArr("tags"),
            CreatedAt = request.Now,
        };
        region.CapacityProviders[name] = provider;
        if (clusterName is not null && region.Clusters[clusterName].CapacityProviders is { } associated && !associated.Contains(name))
        {
            // A Managed Instances provider belongs to its cluster from the start.
            associated.Add(name);
        }

        CapacityProviderInstances.Step(context);
        return new JsonObject { ["capacityProvider"] = RenderCapacityProvider(provider, includeTags: true) };
    }

    private static JsonObject DescribeCapacityProviders(AwsRequest request)
    {
        var input = request.Input;
        var region = request.RegionState;
        var clusterName = input.Str("cluster") is { } c ? FindCluster(region, c).Name : null;
        var includeTags = input.Strings("include").Contains("TAGS");
        var requested = input.Strings("capacityProviders").ToList();
        var providers = new List<JsonNode?>();
        var failures = new JsonArray();
        if (requested.Count == 0)
        {
            providers.AddRange(BuiltInCapacityProviders.Select(n => (JsonNode?)RenderBuiltIn(request.Region, n)));
            providers.AddRange(region.CapacityProviders.Values
                .Where(p => p.Status == "ACTIVE" && (clusterName is null || p.Cluster is null || p.Cluster == clusterName))
                .OrderBy(p => p.CreatedAt)
                .Select(p => (JsonNode?)RenderCapacityProvider(p, includeTags)));
        }

        foreach (var reference in requested)
        {
            var name = EcsArns.NameOf(reference);
            if (BuiltInCapacityProviders.Contains(name))
            {
                providers.Add(RenderBuiltIn(request.Region, name));
            }
            else if (region.CapacityProviders.TryGetValue(name, out var provider))
            {
                providers.Add(RenderCapacityProvider(provider, includeTags));
            }
            else
            {
                failures.Add(Failure(reference.StartsWith("arn:", StringComparison.Ordinal) ? reference : CapacityProviderArn(request.Region, name), "MISSING"));
            }
        }

        var page = PageNodes(providers, "capacityProviders");
        page["failures"] = failures;
        return page;
    }

    private static JsonObject DeleteCapacityProvider(AwsRequest request, SimulationContext context)
    {
        var region = request.RegionState;
        var name = EcsArns.NameOf(request.Input.Str("capacityProvider") ?? throw EcsErrors.Required("capacityProvider"));
        if (!region.CapacityProviders.TryGetValue(name, out var provider) || provider.Status != "ACTIVE")
        {
            throw EcsErrors.Invalid($"The specified capacity provider {name} does not exist.");
        }

        var users = region.Clusters.Values.SelectMany(c => c.Daemons.Values)
            .Where(d => d.Status == "ACTIVE" && d.Revisions.FirstOrDefault(r => r.Arn == d.CurrentRevisionArn)?.CapacityProviders.Contains(name) == true)
            .Select(d => d.Name).ToList();
        if (users.Count > 0)
        {
            throw EcsErrors.Invalid($"The specified capacity provider {name} is in use by daemon {users[0]} and cannot be deleted.");
        }

        provider.Status = "INACTIVE";
        provider.UpdateStatus = "DELETE_COMPLETE";
        provider.InstanceCount = 0;
        foreach (var cluster in region.Clusters.Values)
        {
            cluster.CapacityProviders.Remove(name);
        }

        CapacityProviderInstances.Step(context);
        return new JsonObject { ["capacityProvider"] = RenderCapacityProvider(provider, includeTags: false) };
    }

    /// <summary>Like <see cref="Page"/>, for rendered items: every item; the router cuts the page and checks maxResults and nextToken (Hosting/Pagination).</summary>
    internal static JsonObject PageNodes(IReadOnlyList<JsonNode?> items, string member) => new() { [member] = items.ToJsonArray() };

    internal static string CapacityProviderArn(string region, string name) => $"{EcsArns.Prefix(region)}:capacity-provider/{name}";

    internal static JsonObject RenderCapacityProvider(CapacityProviderRecord provider, bool includeTags)
    {
        var result = new JsonObject
        {
            ["capacityProviderArn"] = provider.Arn,
            ["name"] = provider.Name,
            ["status"] = provider.Status,
            ["updateStatus"] = provider.UpdateStatus,
            ["type"] = provider.Type,
        };
        result.Put("cluster", provider.Cluster)
            .Put("managedInstancesProvider", provider.ManagedInstancesProvider?.DeepClone())
            .Put("autoScalingGroupProvider", provider.AutoScalingGroupProvider?.DeepClone())
            .Put("updateStatusReason", provider.UpdateStatusReason);
        if (includeTags)
        {
            result["tags"] = provider.Tags?.DeepClone() ?? new JsonArray();
        }

        return result;
    }

    private static JsonObject RenderBuiltIn(string region, string name) => new()
    {
        ["capacityProviderArn"] = CapacityProviderArn(region, name),
        ["name"] = name,
        ["status"] = "ACTIVE",
        ["type"] = name,
        ["tags"] = new JsonArray(),
    };
}
