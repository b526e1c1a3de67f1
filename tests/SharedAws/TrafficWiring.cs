using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using ElbAction = EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model.Action;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;

namespace EcsBuildTasks.Testing;

/// <summary>
/// The load balancer wiring a blue/green service needs, created through the ELBv2 API (LocalEcs in the tests): one
/// ALB in the default VPC, two ip target groups on port 8080, a production listener (:80) whose rule forwards to blue,
/// and a test listener (:8080) whose rule forwards to green.
/// </summary>
internal sealed record TrafficWiring(
    string LoadBalancerArn,
    string VpcId,
    IReadOnlyList<string> Subnets,
    string BlueTargetGroupArn,
    string GreenTargetGroupArn,
    string ProductionListenerArn,
    string ProductionRuleArn,
    string TestListenerArn,
    string TestRuleArn)
{
    public const string InfrastructureRoleArn = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers";

    /// <summary>The MSBuild properties that wire a project to this load balancer (BlueGreen, Canary or Linear).</summary>
    public string Properties(string strategy) => $"""
        <EcsDeploymentStrategy>{strategy}</EcsDeploymentStrategy>
        <EcsTargetGroupArn>{BlueTargetGroupArn}</EcsTargetGroupArn>
        <EcsAlternateTargetGroupArn>{GreenTargetGroupArn}</EcsAlternateTargetGroupArn>
        <EcsProductionListenerRuleArn>{ProductionRuleArn}</EcsProductionListenerRuleArn>
        <EcsTestListenerRuleArn>{TestRuleArn}</EcsTestListenerRuleArn>
        <EcsInfrastructureRoleArn>{InfrastructureRoleArn}</EcsInfrastructureRoleArn>
        """;

    /// <param name="name">At most 24 characters: the load balancer's and target groups' names derive from it.</param>
    public static async Task<TrafficWiring> CreateAsync(AwsClientFactory clients, string name)
    {
        ArgumentNullException.ThrowIfNull(clients);
        using var ec2 = clients.CreateEc2();
        var elb = clients.CreateElasticLoadBalancingV2();
        try
        {
            var vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("isDefault", ["true"])] })).Vpcs![0].VpcId!;
            var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpc])] })).Subnets!.Select(s => s.SubnetId!).ToList();
            var balancer = await CreateLoadBalancerAsync(elb, name, subnets);
            var blue = await CreateTargetGroupAsync(elb, name + "-b", vpc, 8080);
            var green = await CreateTargetGroupAsync(elb, name + "-g", vpc, 8080);
            var production = await CreateListenerAsync(elb, balancer, 80, blue);
            var productionRule = await CreateRuleAsync(elb, production, Forward(blue));
            var test = await CreateListenerAsync(elb, balancer, 8080, green);
            var testRule = await CreateRuleAsync(elb, test, Forward(green));
            return new TrafficWiring(balancer, vpc, subnets, blue, green, production, productionRule, test, testRule);
        }
        finally
        {
            (elb as IDisposable)?.Dispose();
        }
    }

    public static async Task<string> CreateLoadBalancerAsync(IAmazonElasticLoadBalancingV2 elb, string name, List<string> subnets) =>
        (await elb.CreateLoadBalancerAsync(new CreateLoadBalancerRequest { Name = name, Subnets = subnets, Type = "application" })).LoadBalancers![0].LoadBalancerArn!;

    public static async Task<string> CreateTargetGroupAsync(IAmazonElasticLoadBalancingV2 elb, string name, string vpc, int port, string targetType = "ip") =>
        (await elb.CreateTargetGroupAsync(new CreateTargetGroupRequest
        {
            Name = name, Protocol = "HTTP", Port = port, VpcId = vpc, TargetType = targetType, HealthCheckPath = "/",
            HealthCheckIntervalSeconds = 6, HealthCheckTimeoutSeconds = 5, HealthyThresholdCount = 2,
        })).TargetGroups![0].TargetGroupArn!;

    public static async Task<string> CreateListenerAsync(IAmazonElasticLoadBalancingV2 elb, string balancer, int port, string targetGroup) =>
        (await elb.CreateListenerAsync(new CreateListenerRequest { LoadBalancerArn = balancer, Port = port, Protocol = "HTTP", DefaultActions = [Forward(targetGroup)] })).Listeners![0].ListenerArn!;

    public static async Task<string> CreateRuleAsync(IAmazonElasticLoadBalancingV2 elb, string listener, ElbAction action) =>
        (await elb.CreateRuleAsync(new CreateRuleRequest
        {
            ListenerArn = listener, Priority = 10, Actions = [action],
            Conditions = [new RuleCondition { Field = "path-pattern", PathPatternConfig = new PathPatternConditionConfig { Values = ["/*"] } }],
        })).Rules![0].RuleArn!;

    public static ElbAction Forward(string targetGroup) => new() { Type = "forward", TargetGroupArn = targetGroup };

    /// <summary>The weight each target group gets on a rule (an NLB listener's default action for listener ARNs).</summary>
    public static async Task<Dictionary<string, int>> WeightsAsync(IAmazonElasticLoadBalancingV2 elb, string ruleArn)
    {
        ArgumentNullException.ThrowIfNull(elb);
        var rule = (await elb.DescribeRulesAsync(new DescribeRulesRequest { RuleArns = [ruleArn] })).Rules![0];
        var forward = rule.Actions!.First(a => a.Type?.Value == "forward");
        return forward.ForwardConfig?.TargetGroups is { Count: > 0 } groups
            ? groups.ToDictionary(g => g.TargetGroupArn!, g => g.Weight ?? 1, StringComparer.Ordinal)
            : new Dictionary<string, int>(StringComparer.Ordinal) { [forward.TargetGroupArn!] = 1 };
    }
}
