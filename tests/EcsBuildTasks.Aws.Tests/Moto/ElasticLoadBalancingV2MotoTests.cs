using EcsBuildTasks.Aws.ElasticLoadBalancingV2;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;
using Action = EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model.Action;

namespace EcsBuildTasks.Aws.Tests.Moto;

/// <summary>ELBv2 speaks the Query protocol with XML responses; these exercise our generated serializers and readers.</summary>
[TestClass]
[TestCategory("Moto")]
public sealed class ElasticLoadBalancingV2MotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    private async Task<LoadBalancerSetup> LoadBalancerAsync()
    {
        var factory = Factory();
        var (vpcId, subnets, securityGroup) = await DefaultNetworkAsync(factory);
        var elb = factory.CreateElasticLoadBalancingV2();
        var created = await elb.CreateLoadBalancerAsync(new CreateLoadBalancerRequest
        {
            Name = Unique("alb"),
            Subnets = subnets,
            SecurityGroups = [securityGroup],
            Scheme = LoadBalancerSchemeEnum.InternetFacing,
            Type = LoadBalancerTypeEnum.Application,
            Tags = [new Tag { Key = "app", Value = "web" }],
        }, Ct);
        return new LoadBalancerSetup(elb, created.LoadBalancers!.Single().LoadBalancerArn!, vpcId);
    }

    /// <summary>A record rather than a tuple: client interfaces have static abstract members and cannot be type arguments.</summary>
    private sealed record LoadBalancerSetup(IAmazonElasticLoadBalancingV2 Elb, string LoadBalancerArn, string VpcId);

    private async Task<string> TargetGroupAsync(IAmazonElasticLoadBalancingV2 elb, string vpcId)
    {
        var created = await elb.CreateTargetGroupAsync(new CreateTargetGroupRequest
        {
            Name = Unique("tg"),
            Protocol = ProtocolEnum.HTTP,
            Port = 8080,
            VpcId = vpcId,
            TargetType = TargetTypeEnum.Ip,
            HealthCheckPath = "/health",
            HealthCheckIntervalSeconds = 10,
            Matcher = new Matcher { HttpCode = "200-299" },
        }, Ct);
        return created.TargetGroups!.Single().TargetGroupArn!;
    }

    [TestMethod]
    public async Task A_load_balancer_is_created_and_described_with_its_availability_zones()
    {
        var (elb, arn, vpcId) = await LoadBalancerAsync();
        using var _ = elb;

        var described = await elb.DescribeLoadBalancersAsync(new DescribeLoadBalancersRequest { LoadBalancerArns = [arn] }, Ct);

        var loadBalancer = described.LoadBalancers!.Single();
        Assert.AreEqual(vpcId, loadBalancer.VpcId);
        Assert.AreSame(LoadBalancerTypeEnum.Application, loadBalancer.Type);
        Assert.AreEqual(2, loadBalancer.AvailabilityZones!.Count);
        Assert.IsNotNull(loadBalancer.CreatedTime);
        Assert.IsFalse(string.IsNullOrEmpty(described.ResponseMetadata.RequestId));
    }

    [TestMethod]
    public async Task A_listener_forwards_with_weights_and_modify_listener_shifts_them()
    {
        var (elb, lbArn, vpcId) = await LoadBalancerAsync();
        using var _ = elb;
        var blue = await TargetGroupAsync(elb, vpcId);
        var green = await TargetGroupAsync(elb, vpcId);

        var listener = (await elb.CreateListenerAsync(new CreateListenerRequest
        {
            LoadBalancerArn = lbArn,
            Protocol = ProtocolEnum.HTTP,
            Port = 80,
            DefaultActions = [new Action { Type = ActionTypeEnum.Forward, TargetGroupArn = blue }],
        }, Ct)).Listeners!.Single();

        await elb.ModifyListenerAsync(new ModifyListenerRequest
        {
            ListenerArn = listener.ListenerArn,
            DefaultActions =
            [
                new Action
                {
                    Type = ActionTypeEnum.Forward,
                    ForwardConfig = new ForwardActionConfig
                    {
                        TargetGroups = [new TargetGroupTuple { TargetGroupArn = blue, Weight = 90 }, new TargetGroupTuple { TargetGroupArn = green, Weight = 10 }],
                        TargetGroupStickinessConfig = new TargetGroupStickinessConfig { Enabled = false },
                    },
                },
            ],
        }, Ct);

        var described = await elb.DescribeListenersAsync(new DescribeListenersRequest { ListenerArns = [listener.ListenerArn!] }, Ct);
        var weights = described.Listeners!.Single().DefaultActions!.Single().ForwardConfig!.TargetGroups!.ToDictionary(t => t.TargetGroupArn!, t => t.Weight);
        Assert.AreEqual(90, weights[blue]);
        Assert.AreEqual(10, weights[green]);
    }

    [TestMethod]
    public async Task Rules_are_created_modified_reprioritised_described_and_deleted()
    {
        var (elb, lbArn, vpcId) = await LoadBalancerAsync();
        using var _ = elb;
        var blue = await TargetGroupAsync(elb, vpcId);
        var green = await TargetGroupAsync(elb, vpcId);
        var listener = (await elb.CreateListenerAsync(new CreateListenerRequest
        {
            LoadBalancerArn = lbArn,
            Protocol = ProtocolEnum.HTTP,
            Port = 8080,
            DefaultActions = [new Action { Type = ActionTypeEnum.FixedResponse, FixedResponseConfig = new FixedResponseActionConfig { StatusCode = "404", ContentType = "text/plain", MessageBody = "none" } }],
        }, Ct)).Listeners!.Single();

        var rule = (await elb.CreateRuleAsync(new CreateRuleRequest
        {
            ListenerArn = listener.ListenerArn,
            Priority = 10,
            Conditions = [new RuleCondition { Field = "path-pattern", PathPatternConfig = new PathPatternConditionConfig { Values = ["/api/*"] } }],
            Actions = [new Action { Type = ActionTypeEnum.Forward, TargetGroupArn = blue }],
        }, Ct)).Rules!.Single();
        await elb.ModifyRuleAsync(new ModifyRuleRequest
        {
            RuleArn = rule.RuleArn,
            Actions = [new Action { Type = ActionTypeEnum.Forward, ForwardConfig = new ForwardActionConfig { TargetGroups = [new TargetGroupTuple { TargetGroupArn = blue, Weight = 0 }, new TargetGroupTuple { TargetGroupArn = green, Weight = 100 }] } }],
        }, Ct);
        await elb.SetRulePrioritiesAsync(new SetRulePrioritiesRequest { RulePriorities = [new RulePriorityPair { RuleArn = rule.RuleArn, Priority = 20 }] }, Ct);

        var rules = await elb.DescribeRulesAsync(new DescribeRulesRequest { ListenerArn = listener.ListenerArn }, Ct);
        var described = rules.Rules!.Single(r => r.RuleArn == rule.RuleArn);
        Assert.AreEqual("20", described.Priority);
        Assert.AreEqual("/api/*", described.Conditions!.Single().PathPatternConfig!.Values!.Single());
        Assert.AreEqual(100, described.Actions!.Single().ForwardConfig!.TargetGroups!.Single(t => t.TargetGroupArn == green).Weight);
        Assert.IsTrue(rules.Rules!.Single(r => r.IsDefault == true).Actions!.Single().FixedResponseConfig!.StatusCode == "404");

        await elb.DeleteRuleAsync(new DeleteRuleRequest { RuleArn = rule.RuleArn }, Ct);
        await elb.DeleteListenerAsync(new DeleteListenerRequest { ListenerArn = listener.ListenerArn }, Ct);
    }

    [TestMethod]
    public async Task Targets_are_registered_report_health_and_are_deregistered()
    {
        var (elb, _, vpcId) = await LoadBalancerAsync();
        using var client = elb;
        var targetGroup = await TargetGroupAsync(elb, vpcId);

        await elb.RegisterTargetsAsync(new RegisterTargetsRequest { TargetGroupArn = targetGroup, Targets = [new TargetDescription { Id = "172.31.1.10", Port = 8080 }] }, Ct);
        var health = await elb.DescribeTargetHealthAsync(new DescribeTargetHealthRequest { TargetGroupArn = targetGroup }, Ct);
        await elb.DeregisterTargetsAsync(new DeregisterTargetsRequest { TargetGroupArn = targetGroup, Targets = [new TargetDescription { Id = "172.31.1.10", Port = 8080 }] }, Ct);
        var after = await elb.DescribeTargetHealthAsync(new DescribeTargetHealthRequest { TargetGroupArn = targetGroup }, Ct);

        var description = health.TargetHealthDescriptions!.Single();
        Assert.AreEqual("172.31.1.10", description.Target!.Id);
        Assert.AreSame(TargetHealthStateEnum.Healthy, description.TargetHealth!.State);
        Assert.AreEqual(0, after.TargetHealthDescriptions?.Count ?? 0);
    }

    [TestMethod]
    public async Task Target_groups_are_modified_paginated_tagged_and_their_attributes_changed()
    {
        var (elb, _, vpcId) = await LoadBalancerAsync();
        using var client = elb;
        var arns = new[] { await TargetGroupAsync(elb, vpcId), await TargetGroupAsync(elb, vpcId) };

        var modified = await elb.ModifyTargetGroupAsync(new ModifyTargetGroupRequest { TargetGroupArn = arns[0], HealthCheckPath = "/ready", HealthyThresholdCount = 3 }, Ct);
        await elb.ModifyTargetGroupAttributesAsync(new ModifyTargetGroupAttributesRequest
        {
            TargetGroupArn = arns[0],
            Attributes = [new TargetGroupAttribute { Key = "deregistration_delay.timeout_seconds", Value = "15" }],
        }, Ct);
        var attributes = await elb.DescribeTargetGroupAttributesAsync(new DescribeTargetGroupAttributesRequest { TargetGroupArn = arns[0] }, Ct);
        await elb.AddTagsAsync(new AddTagsRequest { ResourceArns = [arns[0]], Tags = [new Tag { Key = "slot", Value = "blue" }] }, Ct);
        var tags = await elb.DescribeTagsAsync(new DescribeTagsRequest { ResourceArns = [arns[0]] }, Ct);
        var paged = new List<string>();
        await foreach (var group in elb.Paginators.DescribeTargetGroups(new DescribeTargetGroupsRequest { PageSize = 1 }).TargetGroups.WithCancellation(Ct))
        {
            paged.Add(group.TargetGroupArn!);
        }

        Assert.AreEqual("/ready", modified.TargetGroups!.Single().HealthCheckPath);
        Assert.AreEqual("15", attributes.Attributes!.Single(a => a.Key == "deregistration_delay.timeout_seconds").Value);
        Assert.AreEqual("blue", tags.TagDescriptions!.Single().Tags!.Single(t => t.Key == "slot").Value);
        CollectionAssert.IsSubsetOf(arns, paged);
        await elb.DeleteTargetGroupAsync(new DeleteTargetGroupRequest { TargetGroupArn = arns[1] }, Ct);
    }

    [TestMethod]
    public async Task A_missing_target_group_raises_TargetGroupNotFoundException_from_the_XML_error()
    {
        using var elb = Factory().CreateElasticLoadBalancingV2();

        var exception = await Assert.ThrowsExactlyAsync<TargetGroupNotFoundException>(() => elb.DescribeTargetGroupsAsync(
            new DescribeTargetGroupsRequest { TargetGroupArns = ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/none/0123456789abcdef"] }, Ct));

        Assert.AreEqual("TargetGroupNotFound", exception.ErrorCode);
        Assert.AreEqual(Amazon.Runtime.ErrorType.Sender, exception.ErrorType);
        Assert.IsFalse(string.IsNullOrEmpty(exception.RequestId));
        Assert.IsInstanceOfType<AmazonElasticLoadBalancingV2Exception>(exception);
    }
}
