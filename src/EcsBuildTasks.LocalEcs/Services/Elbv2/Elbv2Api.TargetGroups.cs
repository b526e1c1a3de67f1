using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Elbv2;

/// <summary>Elastic Load Balancing v2: target groups, their health checks and attributes.</summary>
internal sealed partial class Elbv2Api
{
    private static JsonObject CreateTargetGroup(AwsRequest request, RegionState region)
    {
        var input = request.Input;
        var elb = region.Elbv2;
        var name = input.Str("Name") ?? throw Validation("Name");
        if (!ElbNamePattern().IsMatch(name))
        {
            throw new AwsServiceException("ValidationError", $"Target group name '{name}' can have a maximum of 32 characters, can contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen");
        }

        var targetType = input.Str("TargetType") ?? "instance";
        if (targetType is not ("instance" or "ip" or "lambda" or "alb"))
        {
            throw new AwsServiceException("ValidationError", $"Target type '{targetType}' is not valid");
        }

        var protocol = input.Str("Protocol");
        var port = input.Int("Port");
        var vpcId = input.Str("VpcId");
        if (targetType != "lambda")
        {
            if (protocol is null || port is null || vpcId is null)
            {
                throw Validation(protocol is null ? "Protocol" : port is null ? "Port" : "VpcId");
            }

            if (region.Ec2.Vpcs.All(v => v.VpcId != vpcId))
            {
                throw new AwsServiceException("ValidationError", $"The VPC ID '{vpcId}' is not found");
            }
        }

        if (elb.TargetGroups.Values.FirstOrDefault(t => t.Name == name) is { } existing)
        {
            return existing.Port == port && existing.Protocol == protocol && existing.TargetType == targetType
                ? new JsonObject { ["TargetGroups"] = new JsonArray(RenderTargetGroup(region, existing)) }
                : throw new AwsServiceException("DuplicateTargetGroupName", $"A target group with the same name '{name}' exists, but with different settings");
        }

        var http = protocol is "HTTP" or "HTTPS";
        var group = new TargetGroupRecord
        {
            Arn = $"arn:aws:elasticloadbalancing:{region.Name}:{Account.Id}:targetgroup/{name}/{Ids.Hex(16)}",
            Name = name,
            Protocol = protocol,
            Port = port,
            VpcId = vpcId,
            TargetType = targetType,
            ProtocolVersion = http ? input.Str("ProtocolVersion") ?? "HTTP1" : null,
            IpAddressType = input.Str("IpAddressType") ?? "ipv4",
            Tags = NormalizeTags(input.Arr("Tags")),
            Attributes = new Dictionary<string, string>(DefaultTargetGroupAttributes, StringComparer.Ordinal),
        };
        ApplyHealthCheck(group, input, creating: true);
        elb.TargetGroups[group.Arn] = group;
        return new JsonObject { ["TargetGroups"] = new JsonArray(RenderTargetGroup(region, group)) };
    }

    private static void ApplyHealthCheck(TargetGroupRecord group, JsonObject input, bool creating)
    {
        var http = (input.Str("HealthCheckProtocol") ?? group.HealthCheckProtocol ?? group.Protocol) is "HTTP" or "HTTPS";
        group.HealthCheckEnabled = input.Bool("HealthCheckEnabled") ?? group.HealthCheckEnabled;
        group.HealthCheckProtocol = input.Str("HealthCheckProtocol") ?? group.HealthCheckProtocol ?? (group.Protocol is "TLS" or "UDP" or "TCP_UDP" ? "TCP" : group.Protocol);
        group.HealthCheckPort = input.Str("HealthCheckPort") ?? group.HealthCheckPort;
        group.HealthCheckPath = input.Str("HealthCheckPath") ?? group.HealthCheckPath ?? (http ? "/" : null);
        group.HealthCheckIntervalSeconds = Range(input, "HealthCheckIntervalSeconds", 5, 300, group.HealthCheckIntervalSeconds);
        group.HealthCheckTimeoutSeconds = Range(input, "HealthCheckTimeoutSeconds", 2, 120, creating && !http ? 10 : group.HealthCheckTimeoutSeconds);
        group.HealthyThresholdCount = Range(input, "HealthyThresholdCount", 2, 10, group.HealthyThresholdCount);
        group.UnhealthyThresholdCount = Range(input, "UnhealthyThresholdCount", 2, 10, group.UnhealthyThresholdCount);
        if (group.HealthCheckTimeoutSeconds >= group.HealthCheckIntervalSeconds)
        {
            throw new AwsServiceException("ValidationError", "Health check interval must be greater than the timeout.");
        }

        if (input.Obj("Matcher") is { } matcher)
        {
            group.Matcher = (JsonObject)matcher.DeepClone();
        }
        else if (creating && http)
        {
            group.Matcher = new JsonObject { ["HttpCode"] = "200" };
        }
    }

    private static int Range(JsonObject input, string member, int minimum, int maximum, int fallback)
    {
        var value = input.Int(member) ?? fallback;
        if (value < minimum || value > maximum)
        {
            throw new AwsServiceException("ValidationError", $"1 validation error detected: Value '{value}' at '{char.ToLowerInvariant(member[0])}{member[1..]}' failed to satisfy constraint: Member must have value between {minimum} and {maximum}");
        }

        return value;
    }

    private static JsonObject RenderTargetGroup(RegionState region, TargetGroupRecord group)
    {
        var result = new JsonObject
        {
            ["TargetGroupArn"] = group.Arn,
            ["TargetGroupName"] = group.Name,
            ["HealthCheckEnabled"] = group.HealthCheckEnabled,
            ["HealthCheckIntervalSeconds"] = group.HealthCheckIntervalSeconds,
            ["HealthCheckTimeoutSeconds"] = group.HealthCheckTimeoutSeconds,
            ["HealthyThresholdCount"] = group.HealthyThresholdCount,
            ["UnhealthyThresholdCount"] = group.UnhealthyThresholdCount,
            ["LoadBalancerArns"] = LoadBalancing.LoadBalancersOf(region, group).ToJsonArray(),
            ["TargetType"] = group.TargetType,
            ["IpAddressType"] = group.IpAddressType,
        };
        return result.Put("Protocol", group.Protocol).Put("Port", group.Port).Put("VpcId", group.VpcId)
            .Put("HealthCheckProtocol", group.HealthCheckProtocol).Put("HealthCheckPort", group.HealthCheckPort)
            .Put("HealthCheckPath", group.HealthCheckPath).Put("Matcher", group.Matcher?.DeepClone()).Put("ProtocolVersion", group.ProtocolVersion);
    }

    private static IEnumerable<TargetGroupRecord> FindTargetGroups(Elbv2State elb, JsonObject input)
    {
        var arns = input.Strings("TargetGroupArns").ToList();
        var names = input.Strings("Names").ToList();
        var balancer = input.Str("LoadBalancerArn");
        if (balancer is not null && !elb.LoadBalancers.ContainsKey(balancer))
        {
            throw new AwsServiceException("LoadBalancerNotFound", $"Load balancer '{balancer}' not found");
        }

        var found = elb.TargetGroups.Values.Where(t => (arns.Count == 0 || arns.Contains(t.Arn)) && (names.Count == 0 || names.Contains(t.Name))).ToList();
        if (found.Count < arns.Count + names.Count)
        {
            throw new AwsServiceException("TargetGroupNotFound", "One or more target groups not found");
        }

        return balancer is null ? found : found.Where(t => elb.Listeners.Values.Any(l => l.LoadBalancerArn == balancer
            && (LoadBalancing.References(l.DefaultActions, t.Arn) || elb.Rules.Values.Any(r => r.ListenerArn == l.Arn && LoadBalancing.References(r.Actions, t.Arn)))));
    }

    private static JsonObject DeleteTargetGroup(RegionState region, JsonObject input)
    {
        var group = TargetGroup(region.Elbv2, input.Str("TargetGroupArn"));
        if (LoadBalancing.InUse(region, group))
        {
            throw new AwsServiceException("ResourceInUse", $"Target group '{group.Arn}' is currently in use by a listener or a rule");
        }

        region.Elbv2.TargetGroups.Remove(group.Arn);
        return [];
    }

    private static JsonObject ModifyTargetGroup(RegionState region, JsonObject input)
    {
        var group = TargetGroup(region.Elbv2, input.Str("TargetGroupArn"));
        ApplyHealthCheck(group, input, creating: false);
        return new JsonObject { ["TargetGroups"] = new JsonArray(RenderTargetGroup(region, group)) };
    }

    private static JsonObject ModifyTargetGroupAttributes(Elbv2State elb, JsonObject input)
    {
        var group = TargetGroup(elb, input.Str("TargetGroupArn"));
        foreach (var attribute in input.Objects("Attributes"))
        {
            if (attribute.Str("Key") == "deregistration_delay.timeout_seconds"
                && (!int.TryParse(attribute.Str("Value"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var delay) || delay is < 0 or > 3600))
            {
                throw new AwsServiceException("InvalidConfigurationRequest", "The value of 'deregistration_delay.timeout_seconds' must be between 0 and 3600 seconds");
            }
        }

        return ModifyAttributes(group.Attributes, input);
    }

    private static JsonObject ModifyAttributes(Dictionary<string, string> attributes, JsonObject input)
    {
        foreach (var attribute in input.Objects("Attributes"))
        {
            var key = attribute.Str("Key") ?? throw Validation("Key");
            attributes[key] = attribute.Str("Value") ?? string.Empty;
        }

        return new JsonObject { ["Attributes"] = Attributes(attributes) };
    }

    private static JsonArray Attributes(Dictionary<string, string> attributes) =>
        attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (JsonNode?)new JsonObject { ["Key"] = a.Key, ["Value"] = a.Value }).ToJsonArray();
}
