using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Elbv2;

/// <summary>
/// Elastic Load Balancing v2 (Query): load balancers, target groups with attributes, listeners, rules with weighted
/// forwards, targets and their health (evolved by <see cref="LoadBalancing"/>).
/// </summary>
internal sealed partial class Elbv2Api : IAwsApi
{
    private static readonly Dictionary<string, string> DefaultTargetGroupAttributes = new(StringComparer.Ordinal)
    {
        ["deregistration_delay.timeout_seconds"] = "300",
        ["stickiness.enabled"] = "false",
        ["stickiness.type"] = "lb_cookie",
        ["stickiness.lb_cookie.duration_seconds"] = "86400",
        ["load_balancing.algorithm.type"] = "round_robin",
        ["slow_start.duration_seconds"] = "0",
        ["deregistration_delay.connection_termination.enabled"] = "false",
    };

    private static readonly HashSet<string> ServedOperations =
    [
        "CreateLoadBalancer", "DescribeLoadBalancers", "DeleteLoadBalancer", "DescribeLoadBalancerAttributes", "ModifyLoadBalancerAttributes",
        "CreateTargetGroup", "DescribeTargetGroups", "DeleteTargetGroup", "ModifyTargetGroup", "DescribeTargetGroupAttributes", "ModifyTargetGroupAttributes",
        "CreateListener", "DescribeListeners", "ModifyListener", "DeleteListener",
        "CreateRule", "DescribeRules", "ModifyRule", "DeleteRule", "SetRulePriorities",
        "RegisterTargets", "DeregisterTargets", "DescribeTargetHealth", "AddTags", "RemoveTags", "DescribeTags",
    ];

    public string SigningName => "elasticloadbalancing";

    public string XmlNamespace => "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var region = request.RegionState;
        var elb = region.Elbv2;
        var input = request.Input;
        return request.Operation switch
        {
            "CreateLoadBalancer" => CreateLoadBalancer(request, region),
            "DescribeLoadBalancers" => new JsonObject { ["LoadBalancers"] = FindLoadBalancers(elb, input).Select(l => (JsonNode?)RenderLoadBalancer(region, l, request.Now)).ToJsonArray() },
            "DeleteLoadBalancer" => DeleteLoadBalancer(elb, input),
            "DescribeLoadBalancerAttributes" => new JsonObject { ["Attributes"] = Attributes(LoadBalancer(elb, input.Str("LoadBalancerArn")).Attributes) },
            "ModifyLoadBalancerAttributes" => ModifyAttributes(LoadBalancer(elb, input.Str("LoadBalancerArn")).Attributes, input),
            "CreateTargetGroup" => CreateTargetGroup(request, region),
            "DescribeTargetGroups" => new JsonObject { ["TargetGroups"] = FindTargetGroups(elb, input).Select(t => (JsonNode?)RenderTargetGroup(region, t)).ToJsonArray() },
            "DeleteTargetGroup" => DeleteTargetGroup(region, input),
            "ModifyTargetGroup" => ModifyTargetGroup(region, input),
            "DescribeTargetGroupAttributes" => new JsonObject { ["Attributes"] = Attributes(TargetGroup(elb, input.Str("TargetGroupArn")).Attributes) },
            "ModifyTargetGroupAttributes" => ModifyTargetGroupAttributes(elb, input),
            "CreateListener" => CreateListener(request, elb),
            "DescribeListeners" => new JsonObject { ["Listeners"] = FindListeners(elb, input).Select(l => (JsonNode?)RenderListener(l)).ToJsonArray() },
            "ModifyListener" => ModifyListener(elb, input),
            "DeleteListener" => DeleteListener(elb, input),
            "CreateRule" => CreateRule(request, elb),
            "DescribeRules" => new JsonObject { ["Rules"] = FindRules(elb, input).ToJsonArray() },
            "ModifyRule" => ModifyRule(elb, input),
            "DeleteRule" => DeleteRule(elb, input),
            "SetRulePriorities" => SetRulePriorities(elb, input),
            "RegisterTargets" => RegisterTargets(request, region),
            "DeregisterTargets" => DeregisterTargets(request, elb),
            "DescribeTargetHealth" => DescribeTargetHealth(region, input),
            "AddTags" => AddTags(elb, input),
            "RemoveTags" => RemoveTags(elb, input),
            _ => new JsonObject { ["TagDescriptions"] = input.Strings("ResourceArns").Select(a => (JsonNode?)new JsonObject { ["ResourceArn"] = a, ["Tags"] = TagsOf(elb, a).DeepClone() }).ToJsonArray() },
        };
    }

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

    private static JsonObject CreateListener(AwsRequest request, Elbv2State elb)
    {
        var input = request.Input;
        var balancer = LoadBalancer(elb, input.Str("LoadBalancerArn"));
        var port = input.Int("Port");
        var protocol = input.Str("Protocol") ?? (balancer.Type == "application" ? "HTTP" : "TCP");
        if (port is not null && elb.Listeners.Values.Any(l => l.LoadBalancerArn == balancer.Arn && l.Port == port))
        {
            throw new AwsServiceException("DuplicateListener", $"A listener already exists on this port for this load balancer '{balancer.Arn}'");
        }

        var actions = NormalizeActions(elb, input.Arr("DefaultActions") ?? throw Validation("DefaultActions"));
        var lbPath = balancer.Arn[(balancer.Arn.IndexOf("loadbalancer/", StringComparison.Ordinal) + "loadbalancer/".Length)..];
        var id = Ids.Hex(16);
        var arn = $"arn:aws:elasticloadbalancing:{request.Region}:{Account.Id}:listener/{lbPath}/{id}";
        var listener = new ListenerRecord
        {
            Arn = arn,
            LoadBalancerArn = balancer.Arn,
            Port = port,
            Protocol = protocol,
            DefaultActions = actions,
            Certificates = input.CloneArr("Certificates"),
            SslPolicy = input.Str("SslPolicy") ?? (protocol is "HTTPS" or "TLS" ? "ELBSecurityPolicy-2016-08" : null),
            AlpnPolicy = input.CloneArr("AlpnPolicy"),
            Tags = NormalizeTags(input.Arr("Tags")),
            DefaultRuleArn = $"arn:aws:elasticloadbalancing:{request.Region}:{Account.Id}:listener-rule/{lbPath}/{id}/{Ids.Hex(16)}",
        };
        elb.Listeners[arn] = listener;
        return new JsonObject { ["Listeners"] = new JsonArray(RenderListener(listener)) };
    }

    private static JsonObject RenderListener(ListenerRecord listener) =>
        new JsonObject
        {
            ["ListenerArn"] = listener.Arn,
            ["LoadBalancerArn"] = listener.LoadBalancerArn,
            ["DefaultActions"] = listener.DefaultActions.DeepClone(),
        }
        .Put("Port", listener.Port).Put("Protocol", listener.Protocol).Put("Certificates", listener.Certificates?.DeepClone())
        .Put("SslPolicy", listener.SslPolicy).Put("AlpnPolicy", listener.AlpnPolicy?.DeepClone());

    private static IEnumerable<ListenerRecord> FindListeners(Elbv2State elb, JsonObject input)
    {
        var arns = input.Strings("ListenerArns").ToList();
        var balancer = input.Str("LoadBalancerArn");
        if (balancer is not null && !elb.LoadBalancers.ContainsKey(balancer))
        {
            throw new AwsServiceException("LoadBalancerNotFound", $"Load balancer '{balancer}' not found");
        }

        var found = elb.Listeners.Values.Where(l => (arns.Count == 0 || arns.Contains(l.Arn)) && (balancer is null || l.LoadBalancerArn == balancer)).ToList();
        if (arns.Count > 0 && found.Count < arns.Count)
        {
            throw new AwsServiceException("ListenerNotFound", "One or more listeners not found");
        }

        return found.OrderBy(l => l.Port);
    }

    private static JsonObject ModifyListener(Elbv2State elb, JsonObject input)
    {
        var listener = Listener(elb, input.Str("ListenerArn"));
        if (input.Arr("DefaultActions") is { } actions)
        {
            listener.DefaultActions = NormalizeActions(elb, actions);
        }

        listener.Port = input.Int("Port") ?? listener.Port;
        listener.Protocol = input.Str("Protocol") ?? listener.Protocol;
        listener.SslPolicy = input.Str("SslPolicy") ?? listener.SslPolicy;
        listener.Certificates = input.CloneArr("Certificates") ?? listener.Certificates;
        return new JsonObject { ["Listeners"] = new JsonArray(RenderListener(listener)) };
    }

    private static JsonObject DeleteListener(Elbv2State elb, JsonObject input)
    {
        RemoveListener(elb, Listener(elb, input.Str("ListenerArn")));
        return [];
    }

    private static void RemoveListener(Elbv2State elb, ListenerRecord listener)
    {
        foreach (var rule in elb.Rules.Values.Where(r => r.ListenerArn == listener.Arn).ToList())
        {
            elb.Rules.Remove(rule.Arn);
        }

        elb.Listeners.Remove(listener.Arn);
    }

    private static JsonObject CreateRule(AwsRequest request, Elbv2State elb)
    {
        var input = request.Input;
        var listener = Listener(elb, input.Str("ListenerArn"));
        var priority = input.Int("Priority") ?? throw Validation("Priority");
        if (priority is < 1 or > 50000)
        {
            throw new AwsServiceException("ValidationError", "1 validation error detected: Value at 'priority' failed to satisfy constraint: Member must have value between 1 and 50000");
        }

        var text = priority.ToString(CultureInfo.InvariantCulture);
        if (elb.Rules.Values.Any(r => r.ListenerArn == listener.Arn && r.Priority == text))
        {
            throw new AwsServiceException("PriorityInUse", $"Priority '{priority}' is currently in use");
        }

        var conditions = input.CloneArr("Conditions") ?? throw Validation("Conditions");
        var listenerPath = listener.Arn[(listener.Arn.IndexOf("listener/", StringComparison.Ordinal) + "listener/".Length)..];
        var rule = new RuleRecord
        {
            Arn = $"arn:aws:elasticloadbalancing:{request.Region}:{Account.Id}:listener-rule/{listenerPath}/{Ids.Hex(16)}",
            ListenerArn = listener.Arn,
            Priority = text,
            Conditions = NormalizeConditions(conditions),
            Actions = NormalizeActions(elb, input.Arr("Actions") ?? throw Validation("Actions")),
            Tags = NormalizeTags(input.Arr("Tags")),
        };
        elb.Rules[rule.Arn] = rule;
        return new JsonObject { ["Rules"] = new JsonArray(RenderRule(rule)) };
    }

    private static JsonObject RenderRule(RuleRecord rule) => new()
    {
        ["RuleArn"] = rule.Arn,
        ["Priority"] = rule.Priority,
        ["Conditions"] = rule.Conditions.DeepClone(),
        ["Actions"] = rule.Actions.DeepClone(),
        ["IsDefault"] = false,
    };

    private static JsonObject RenderDefaultRule(ListenerRecord listener) => new()
    {
        ["RuleArn"] = listener.DefaultRuleArn,
        ["Priority"] = "default",
        ["Conditions"] = new JsonArray(),
        ["Actions"] = listener.DefaultActions.DeepClone(),
        ["IsDefault"] = true,
    };

    private static IEnumerable<JsonNode?> FindRules(Elbv2State elb, JsonObject input)
    {
        var arns = input.Strings("RuleArns").ToList();
        if (input.Str("ListenerArn") is { } listenerArn)
        {
            var listener = Listener(elb, listenerArn);
            return elb.Rules.Values.Where(r => r.ListenerArn == listener.Arn)
                .OrderBy(r => int.Parse(r.Priority, CultureInfo.InvariantCulture))
                .Select(r => (JsonNode?)RenderRule(r))
                .Append(RenderDefaultRule(listener));
        }

        var result = new List<JsonNode?>();
        foreach (var arn in arns)
        {
            if (elb.Rules.TryGetValue(arn, out var rule))
            {
                result.Add(RenderRule(rule));
            }
            else if (elb.Listeners.Values.FirstOrDefault(l => l.DefaultRuleArn == arn) is { } listener)
            {
                result.Add(RenderDefaultRule(listener));
            }
            else
            {
                throw new AwsServiceException("RuleNotFound", "One or more rules not found");
            }
        }

        return result;
    }

    private static JsonObject ModifyRule(Elbv2State elb, JsonObject input)
    {
        var arn = input.Str("RuleArn") ?? throw Validation("RuleArn");
        if (elb.Listeners.Values.FirstOrDefault(l => l.DefaultRuleArn == arn) is { } listener)
        {
            if (input.Arr("Conditions") is { Count: > 0 })
            {
                throw new AwsServiceException("OperationNotPermitted", "Conditions cannot be added to a default rule");
            }

            if (input.Arr("Actions") is { } defaultActions)
            {
                listener.DefaultActions = NormalizeActions(elb, defaultActions);
            }

            return new JsonObject { ["Rules"] = new JsonArray(RenderDefaultRule(listener)) };
        }

        var rule = elb.Rules.GetValueOrDefault(arn) ?? throw new AwsServiceException("RuleNotFound", "One or more rules not found");
        if (input.Arr("Actions") is { } actions)
        {
            rule.Actions = NormalizeActions(elb, actions);
        }

        if (input.Arr("Conditions") is { } conditions)
        {
            rule.Conditions = NormalizeConditions((JsonArray)conditions.DeepClone());
        }

        return new JsonObject { ["Rules"] = new JsonArray(RenderRule(rule)) };
    }

    private static JsonObject DeleteRule(Elbv2State elb, JsonObject input)
    {
        var arn = input.Str("RuleArn") ?? throw Validation("RuleArn");
        if (elb.Listeners.Values.Any(l => l.DefaultRuleArn == arn))
        {
            throw new AwsServiceException("OperationNotPermitted", $"Default rule '{arn}' cannot be deleted");
        }

        if (!elb.Rules.Remove(arn))
        {
            throw new AwsServiceException("RuleNotFound", "One or more rules not found");
        }

        return [];
    }

    private static JsonObject SetRulePriorities(Elbv2State elb, JsonObject input)
    {
        var rules = new JsonArray();
        foreach (var entry in input.Objects("RulePriorities"))
        {
            var rule = elb.Rules.GetValueOrDefault(entry.Str("RuleArn") ?? string.Empty) ?? throw new AwsServiceException("RuleNotFound", "One or more rules not found");
            rule.Priority = (entry.Int("Priority") ?? throw Validation("Priority")).ToString(CultureInfo.InvariantCulture);
            rules.Add(RenderRule(rule));
        }

        return new JsonObject { ["Rules"] = rules };
    }

    private static JsonObject RegisterTargets(AwsRequest request, RegionState region)
    {
        var group = TargetGroup(region.Elbv2, request.Input.Str("TargetGroupArn"));
        foreach (var target in request.Input.Objects("Targets"))
        {
            var id = target.Str("Id") ?? throw Validation("Id");
            if (group.TargetType == "ip" && !System.Net.IPAddress.TryParse(id, out _))
            {
                throw new AwsServiceException("ValidationError", $"The IP address '{id}' is not a valid IPv4 address");
            }

            if (group.TargetType == "instance" && !id.StartsWith("i-", StringComparison.Ordinal))
            {
                throw new AwsServiceException("InvalidTarget", $"The following targets are not valid instances: '{id}'");
            }

            var port = target.Int("Port") ?? group.Port ?? 0;
            LoadBalancing.Register(group, id, port, target.Str("AvailabilityZone"), request.Now, null, appFails: false, taskArn: null);
        }

        return [];
    }

    private static JsonObject DeregisterTargets(AwsRequest request, Elbv2State elb)
    {
        var group = TargetGroup(elb, request.Input.Str("TargetGroupArn"));
        foreach (var target in request.Input.Objects("Targets"))
        {
            var id = target.Str("Id") ?? throw Validation("Id");
            if (group.Targets.All(t => t.Id != id))
            {
                throw new AwsServiceException("InvalidTarget", $"The following targets are not registered in target group '{group.Arn}': '{id}'");
            }

            LoadBalancing.Deregister(group, id, target.Int("Port"), request.Now);
        }

        return [];
    }

    private static JsonObject DescribeTargetHealth(RegionState region, JsonObject input)
    {
        var group = TargetGroup(region.Elbv2, input.Str("TargetGroupArn"));
        var requested = input.Objects("Targets").ToList();
        var inUse = LoadBalancing.InUse(region, group);
        IEnumerable<TargetRecord> targets = group.Targets;
        if (requested.Count > 0)
        {
            targets = requested.Select(r => group.Targets.FirstOrDefault(t => t.Id == r.Str("Id") && (r.Int("Port") is null || t.Port == r.Int("Port")))
                ?? new TargetRecord { Id = r.Str("Id") ?? string.Empty, Port = r.Int("Port") ?? group.Port ?? 0, State = "unavailable", Reason = "Target.NotRegistered", Description = "Target is not registered to the target group" });
        }

        var descriptions = targets.Select(t =>
        {
            var (state, reason, description) = !inUse && t.State is "initial" or "healthy" or "unhealthy"
                ? ("unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer")
                : (t.State, t.Reason, t.Description);
            var health = new JsonObject { ["State"] = state }.Put("Reason", reason).Put("Description", description);
            var target = new JsonObject { ["Id"] = t.Id, ["Port"] = t.Port }.Put("AvailabilityZone", t.AvailabilityZone);
            return (JsonNode?)new JsonObject
            {
                ["Target"] = target,
                ["HealthCheckPort"] = group.HealthCheckPort == "traffic-port" ? t.Port.ToString(CultureInfo.InvariantCulture) : group.HealthCheckPort,
                ["TargetHealth"] = health,
            };
        });
        return new JsonObject { ["TargetHealthDescriptions"] = descriptions.ToJsonArray() };
    }

    private static JsonObject AddTags(Elbv2State elb, JsonObject input)
    {
        foreach (var arn in input.Strings("ResourceArns"))
        {
            var tags = TagsOf(elb, arn);
            foreach (var tag in NormalizeTags(input.Arr("Tags")).OfType<JsonObject>())
            {
                RemoveTag(tags, tag.Str("Key"));
                tags.Add(tag.DeepClone());
            }
        }

        return [];
    }

    private static JsonObject RemoveTags(Elbv2State elb, JsonObject input)
    {
        foreach (var arn in input.Strings("ResourceArns"))
        {
            var tags = TagsOf(elb, arn);
            foreach (var key in input.Strings("TagKeys"))
            {
                RemoveTag(tags, key);
            }
        }

        return [];
    }

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

    private static JsonArray TagsOf(Elbv2State elb, string arn) =>
        elb.LoadBalancers.GetValueOrDefault(arn)?.Tags ?? elb.TargetGroups.GetValueOrDefault(arn)?.Tags
        ?? elb.Listeners.GetValueOrDefault(arn)?.Tags ?? elb.Rules.GetValueOrDefault(arn)?.Tags
        ?? throw new AwsServiceException(arn.Contains(":targetgroup/", StringComparison.Ordinal) ? "TargetGroupNotFound" : "LoadBalancerNotFound", $"Resource '{arn}' not found");

    private static JsonArray NormalizeTags(JsonArray? tags) =>
        tags?.OfType<JsonObject>().Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Str("Key") }.Put("Value", t.Str("Value"))).ToJsonArray() ?? [];

    /// <summary>Validates actions and gives them the shape ELB returns (typed numbers, forward configs with weights).</summary>
    private static JsonArray NormalizeActions(Elbv2State elb, JsonArray actions)
    {
        var result = new JsonArray();
        var order = 1;
        foreach (var action in actions.OfType<JsonObject>())
        {
            var type = action.Str("Type") ?? throw Validation("Type");
            var normalized = new JsonObject { ["Type"] = type };
            switch (type)
            {
                case "forward":
                {
                    var groups = action.Obj("ForwardConfig")?.Objects("TargetGroups")
                        .Select(g => (Arn: g.Str("TargetGroupArn") ?? string.Empty, Weight: g.Int("Weight") ?? 1)).ToList() ?? [];
                    if (action.Str("TargetGroupArn") is { } single && groups.All(g => g.Arn != single))
                    {
                        groups.Insert(0, (single, 1));
                    }

                    if (groups.Count == 0)
                    {
                        throw new AwsServiceException("ValidationError", "A forward action requires a target group");
                    }

                    foreach (var (arn, weight) in groups)
                    {
                        if (!elb.TargetGroups.ContainsKey(arn))
                        {
                            throw new AwsServiceException("TargetGroupNotFound", $"Target groups '{arn}' not found");
                        }

                        if (weight is < 0 or > 999)
                        {
                            throw new AwsServiceException("ValidationError", "Target group weights must be between 0 and 999");
                        }
                    }

                    if (groups.Count == 1)
                    {
                        normalized["TargetGroupArn"] = groups[0].Arn;
                    }

                    var stickiness = action.Obj("ForwardConfig")?.Obj("TargetGroupStickinessConfig");
                    normalized["ForwardConfig"] = new JsonObject
                    {
                        ["TargetGroups"] = groups.Select(g => (JsonNode?)new JsonObject { ["TargetGroupArn"] = g.Arn, ["Weight"] = g.Weight }).ToJsonArray(),
                        ["TargetGroupStickinessConfig"] = new JsonObject { ["Enabled"] = stickiness?.Bool("Enabled") ?? false }.Put("DurationSeconds", stickiness?.Int("DurationSeconds")),
                    };
                    break;
                }

                case "fixed-response":
                    var fixedResponse = action.Obj("FixedResponseConfig") ?? throw Validation("FixedResponseConfig");
                    normalized["FixedResponseConfig"] = new JsonObject { ["StatusCode"] = fixedResponse.Str("StatusCode") }
                        .Put("ContentType", fixedResponse.Str("ContentType")).Put("MessageBody", fixedResponse.Str("MessageBody"));
                    break;
                case "redirect":
                    normalized["RedirectConfig"] = action.CloneObj("RedirectConfig") ?? throw Validation("RedirectConfig");
                    break;
                default:
                    foreach (var (key, value) in action.Where(p => p.Key is not ("Type" or "Order")))
                    {
                        normalized[key] = value?.DeepClone();
                    }

                    break;
            }

            normalized["Order"] = action.Int("Order") ?? order;
            order++;
            result.Add(normalized);
        }

        return result;
    }

    private static JsonArray NormalizeConditions(JsonArray conditions)
    {
        foreach (var condition in conditions.OfType<JsonObject>())
        {
            var field = condition.Str("Field");
            var values = condition.Strings("Values").ToList();
            var config = field switch
            {
                "path-pattern" => "PathPatternConfig",
                "host-header" => "HostHeaderConfig",
                _ => null,
            };
            if (config is not null)
            {
                var configured = condition.Obj(config)?.Strings("Values").ToList() ?? values;
                condition[config] = new JsonObject { ["Values"] = configured.ToJsonArray() };
                condition["Values"] = configured.ToJsonArray();
            }
        }

        return conditions;
    }

    private static LoadBalancerRecord LoadBalancer(Elbv2State elb, string? arn) =>
        arn is not null && elb.LoadBalancers.TryGetValue(arn, out var balancer) ? balancer : throw new AwsServiceException("LoadBalancerNotFound", $"Load balancer '{arn}' not found");

    private static TargetGroupRecord TargetGroup(Elbv2State elb, string? arn) =>
        arn is not null && elb.TargetGroups.TryGetValue(arn, out var group) ? group : throw new AwsServiceException("TargetGroupNotFound", $"Target groups '{arn}' not found");

    private static ListenerRecord Listener(Elbv2State elb, string? arn) =>
        arn is not null && elb.Listeners.TryGetValue(arn, out var listener) ? listener : throw new AwsServiceException("ListenerNotFound", $"Listener '{arn}' not found");

    private static AwsServiceException Validation(string member) =>
        new("ValidationError", $"1 validation error detected: Value null at '{char.ToLowerInvariant(member[0])}{member[1..]}' failed to satisfy constraint: Member must not be null");

    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$")]
    private static partial Regex ElbNamePattern();
}
