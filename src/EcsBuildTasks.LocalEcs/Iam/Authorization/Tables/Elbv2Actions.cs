using EcsBuildTasks.LocalEcs.Protocols;

namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// Elastic Load Balancing v2 operations → IAM actions (Service Authorization Reference, "Elastic Load Balancing V2"):
/// Describe* take no resource; creating a listener or rule is authorised on its load balancer or listener; tags on
/// create need <c>elasticloadbalancing:AddTags</c> with <c>elasticloadbalancing:CreateAction</c>. New resources whose
/// ids ELB has not chosen yet are named with <c>*</c> for the id.
/// </summary>
internal static class Elbv2Actions
{
    private const string Prefix = "elasticloadbalancing:";

    public static readonly ActionTable Table = new("elasticloadbalancing")
    {
        ["CreateLoadBalancer"] = c => [c.Check(Prefix + "CreateLoadBalancer", NewLoadBalancer(c)), .. c.TagOnCreate(Prefix + "AddTags", NewLoadBalancer(c), c.Tags("Tags"), Prefix + "CreateAction", "CreateLoadBalancer")],
        ["DescribeLoadBalancers"] = c => [c.Any(Prefix + "DescribeLoadBalancers")],
        ["DeleteLoadBalancer"] = c => [c.Check(Prefix + "DeleteLoadBalancer", c.Str("LoadBalancerArn") ?? "*")],
        ["DescribeLoadBalancerAttributes"] = c => [c.Any(Prefix + "DescribeLoadBalancerAttributes")],
        ["ModifyLoadBalancerAttributes"] = c => [c.Check(Prefix + "ModifyLoadBalancerAttributes", c.Str("LoadBalancerArn") ?? "*")],
        ["CreateTargetGroup"] = c => [c.Check(Prefix + "CreateTargetGroup", NewTargetGroup(c)), .. c.TagOnCreate(Prefix + "AddTags", NewTargetGroup(c), c.Tags("Tags"), Prefix + "CreateAction", "CreateTargetGroup")],
        ["DescribeTargetGroups"] = c => [c.Any(Prefix + "DescribeTargetGroups")],
        ["DeleteTargetGroup"] = c => [c.Check(Prefix + "DeleteTargetGroup", c.Str("TargetGroupArn") ?? "*")],
        ["ModifyTargetGroup"] = c => [c.Check(Prefix + "ModifyTargetGroup", c.Str("TargetGroupArn") ?? "*")],
        ["DescribeTargetGroupAttributes"] = c => [c.Any(Prefix + "DescribeTargetGroupAttributes")],
        ["ModifyTargetGroupAttributes"] = c => [c.Check(Prefix + "ModifyTargetGroupAttributes", c.Str("TargetGroupArn") ?? "*")],
        ["CreateListener"] = c =>
        [
            c.Check(Prefix + "CreateListener", c.Str("LoadBalancerArn") ?? "*"),
            .. c.TagOnCreate(Prefix + "AddTags", Child(c.Str("LoadBalancerArn"), "loadbalancer/", "listener/"), c.Tags("Tags"), Prefix + "CreateAction", "CreateListener"),
        ],
        ["DescribeListeners"] = c => [c.Any(Prefix + "DescribeListeners")],
        ["ModifyListener"] = c => [c.Check(Prefix + "ModifyListener", c.Str("ListenerArn") ?? "*")],
        ["DeleteListener"] = c => [c.Check(Prefix + "DeleteListener", c.Str("ListenerArn") ?? "*")],
        ["CreateRule"] = c =>
        [
            c.Check(Prefix + "CreateRule", c.Str("ListenerArn") ?? "*"),
            .. c.TagOnCreate(Prefix + "AddTags", Child(c.Str("ListenerArn"), "listener/", "listener-rule/"), c.Tags("Tags"), Prefix + "CreateAction", "CreateRule"),
        ],
        ["DescribeRules"] = c => [c.Any(Prefix + "DescribeRules")],
        ["ModifyRule"] = c => [c.Check(Prefix + "ModifyRule", c.Str("RuleArn") ?? "*")],
        ["DeleteRule"] = c => [c.Check(Prefix + "DeleteRule", c.Str("RuleArn") ?? "*")],
        ["SetRulePriorities"] = c => c.Checks(Prefix + "SetRulePriorities", c.Input.Objects("RulePriorities").Select(p => p.Str("RuleArn") ?? "*")),
        ["RegisterTargets"] = c => [c.Check(Prefix + "RegisterTargets", c.Str("TargetGroupArn") ?? "*")],
        ["DeregisterTargets"] = c => [c.Check(Prefix + "DeregisterTargets", c.Str("TargetGroupArn") ?? "*")],
        ["DescribeTargetHealth"] = c => [c.Any(Prefix + "DescribeTargetHealth")],
        ["AddTags"] = c => c.Strings("ResourceArns").Select(arn => new AuthorizationCheck(Prefix + "AddTags", arn, OperationContext.TagKeys(c.Tags("Tags")))),
        ["RemoveTags"] = c => c.Strings("ResourceArns").Select(arn => new AuthorizationCheck(Prefix + "RemoveTags", arn, new Dictionary<string, IReadOnlyList<string>> { ["aws:TagKeys"] = c.Strings("TagKeys").ToList() })),
        ["DescribeTags"] = c => [c.Any(Prefix + "DescribeTags")],
    };

    private static string NewLoadBalancer(OperationContext c)
    {
        var type = c.Str("Type") switch
        {
            "network" => "net",
            "gateway" => "gwy",
            _ => "app",
        };
        return c.Arn("elasticloadbalancing", $"loadbalancer/{type}/{c.Str("Name")}/*");
    }

    private static string NewTargetGroup(OperationContext c) => c.Arn("elasticloadbalancing", $"targetgroup/{c.Str("Name")}/*");

    /// <summary>The ARN pattern of a resource to be created under a parent (a listener under its load balancer, a rule under its listener).</summary>
    private static string Child(string? parentArn, string parentType, string childType) =>
        parentArn is null ? "*" : parentArn.Replace(":" + parentType, ":" + childType, StringComparison.Ordinal) + "/*";
}
