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
