using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Elbv2;

/// <summary>Elastic Load Balancing v2: load balancers and their attributes.</summary>
internal sealed partial class Elbv2Api
{
    private static JsonObject CreateLoadBalancer(AwsRequest request, RegionState region)
    {
        var input = request.Input;
        var elb = region.Elbv2;
        var name = input.Str("Name") ?? throw Validation("Name");
        if (!ElbNamePattern().IsMatch(name) || name.StartsWith("internal-", StringComparison.Ordinal))
        {
            throw new AwsServiceException("ValidationError", $"The load balancer name '{name}' is invalid: up to 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen.");
        }

        var type = input.Str("Type") ?? "application";
        if (type is not ("application" or "network" or "gateway"))
        {
            throw new AwsServiceException("ValidationError", $"Load balancer type '{type}' is not valid.");
        }

        var subnetIds = input.Strings("Subnets").Concat(input.Objects("SubnetMappings").Select(m => m.Str("SubnetId") ?? string.Empty)).Distinct(StringComparer.Ordinal).ToList();
        var subnets = new List<SubnetRecord>();
        foreach (var id in subnetIds)
        {
            subnets.Add(region.Ec2.Subnets.FirstOrDefault(s => s.SubnetId == id) ?? throw new AwsServiceException("SubnetNotFound", $"The subnet ID '{id}' is not valid"));
        }

        if (type == "application" && subnets.Select(s => s.AvailabilityZone).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            throw new AwsServiceException("InvalidConfigurationRequest", "At least two subnets in two different Availability Zones must be specified");
        }

        if (subnets.Count == 0)
        {
            throw new AwsServiceException("InvalidConfigurationRequest", "At least one subnet must be specified");
        }

        if (elb.LoadBalancers.Values.FirstOrDefault(l => l.Name == name) is { } existing)
        {
            return existing.Type == type
                ? new JsonObject { ["LoadBalancers"] = new JsonArray(RenderLoadBalancer(region, existing, request.Now)) }
                : throw new AwsServiceException("DuplicateLoadBalancerName", $"A load balancer with the same name '{name}' exists, but with different settings");
        }

        var groups = input.Strings("SecurityGroups").ToList();
        foreach (var group in groups.Where(g => region.Ec2.SecurityGroups.All(s => s.GroupId != g)))
        {
            throw new AwsServiceException("InvalidSecurityGroup", $"Security group '{group}' does not exist");
        }

        var vpcId = subnets[0].VpcId;
        if (type == "application" && groups.Count == 0)
        {
            groups.Add(region.Ec2.SecurityGroups.First(g => g.VpcId == vpcId && g.GroupName == "default").GroupId);
        }

        var suffix = Ids.Hex(16);
        var scheme = input.Str("Scheme") ?? "internet-facing";
        var prefix = type == "application" ? "app" : type == "network" ? "net" : "gwy";
        var balancer = new LoadBalancerRecord
        {
            Arn = $"arn:aws:elasticloadbalancing:{region.Name}:{Account.Id}:loadbalancer/{prefix}/{name}/{suffix}",
            Name = name,
            Type = type,
            Scheme = scheme,
            VpcId = vpcId,
            DnsName = type == "network"
                ? $"{name}-{suffix[..10]}.elb.{region.Name}.amazonaws.com"
                : $"{(scheme == "internal" ? "internal-" : string.Empty)}{name}-{Ids.Digits(10)}.{region.Name}.elb.amazonaws.com",
            IpAddressType = input.Str("IpAddressType") ?? "ipv4",
            SubnetIds = subnets.Select(s => s.SubnetId).ToList(),
            SecurityGroups = groups,
            CreatedTime = request.Now,
            Tags = NormalizeTags(input.Arr("Tags")),
            Attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["deletion_protection.enabled"] = "false",
                ["idle_timeout.timeout_seconds"] = "60",
                ["routing.http2.enabled"] = "true",
            },
        };
        elb.LoadBalancers[balancer.Arn] = balancer;
        return new JsonObject { ["LoadBalancers"] = new JsonArray(RenderLoadBalancer(region, balancer, request.Now)) };
    }

    private static JsonObject RenderLoadBalancer(RegionState region, LoadBalancerRecord balancer, DateTimeOffset now)
    {
        var result = new JsonObject
        {
            ["LoadBalancerArn"] = balancer.Arn,
            ["DNSName"] = balancer.DnsName,
            ["CanonicalHostedZoneId"] = balancer.Type == "network" ? "Z26RNL4JYFTOTI" : "Z35SXDOTRQ7X7K",
            ["CreatedTime"] = AwsValues.Timestamp(balancer.CreatedTime),
            ["LoadBalancerName"] = balancer.Name,
            ["Scheme"] = balancer.Scheme,
            ["VpcId"] = balancer.VpcId,
            // Load balancers take a while to provision in AWS; here half a simulated minute.
            ["State"] = new JsonObject { ["Code"] = now >= balancer.CreatedTime + LoadBalancing.ProvisioningTime ? "active" : "provisioning" },
            ["Type"] = balancer.Type,
            ["AvailabilityZones"] = balancer.SubnetIds.Select(id => (JsonNode?)new JsonObject
            {
                ["ZoneName"] = region.Ec2.Subnets.FirstOrDefault(s => s.SubnetId == id)?.AvailabilityZone,
                ["SubnetId"] = id,
                ["LoadBalancerAddresses"] = new JsonArray(),
            }).ToJsonArray(),
            ["IpAddressType"] = balancer.IpAddressType,
        };
        if (balancer.SecurityGroups.Count > 0)
        {
            result["SecurityGroups"] = balancer.SecurityGroups.ToJsonArray();
        }

        return result;
    }

    private static IEnumerable<LoadBalancerRecord> FindLoadBalancers(Elbv2State elb, JsonObject input)
    {
        var arns = input.Strings("LoadBalancerArns").ToList();
        var names = input.Strings("Names").ToList();
        var found = elb.LoadBalancers.Values.Where(l => (arns.Count == 0 || arns.Contains(l.Arn)) && (names.Count == 0 || names.Contains(l.Name))).ToList();
        if (found.Count < arns.Count + names.Count)
        {
            throw new AwsServiceException("LoadBalancerNotFound", "One or more load balancers not found");
        }

        return found.OrderBy(l => l.CreatedTime);
    }

    private static JsonObject DeleteLoadBalancer(Elbv2State elb, JsonObject input)
    {
        var balancer = LoadBalancer(elb, input.Str("LoadBalancerArn"));
        if (balancer.Attributes.GetValueOrDefault("deletion_protection.enabled") == "true")
        {
            throw new AwsServiceException("OperationNotPermitted", $"Load balancer '{balancer.Arn}' cannot be deleted because deletion protection is enabled");
        }

        foreach (var listener in elb.Listeners.Values.Where(l => l.LoadBalancerArn == balancer.Arn).ToList())
        {
            RemoveListener(elb, listener);
        }

        elb.LoadBalancers.Remove(balancer.Arn);
        return [];
    }
}
