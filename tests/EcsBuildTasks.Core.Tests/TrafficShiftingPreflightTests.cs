using EcsBuildTasks.Aws.CloudWatch.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// The blue/green wiring checked against a real (local) ELB before anything changes: a test per preflight code.
/// </summary>
[TestClass]
public sealed class TrafficShiftingPreflightTests
{
    private static LocalEcsHarness local = null!;
    private static TrafficWiring wiring = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        local = await LocalEcsHarness.StartAsync(timeScale: 0);
        wiring = await TrafficWiring.CreateAsync(local.Clients, "pf");
    }

    [ClassCleanup]
    public static async Task StopAsync() => await local.DisposeAsync();

    [TestMethod]
    public async Task Valid_wiring_passes_and_says_where_production_traffic_is()
    {
        var log = new RecordingDeploymentLog();

        await RunAsync(Input(), log);

        StringAssert.Contains(log.Text, "production traffic is on pf-b (pf-b 100%); green goes to the other target group");
    }

    [TestMethod]
    public async Task A_missing_alternate_target_group_is_ECS4020() =>
        await AssertFailsAsync("ECS4020", "EcsAlternateTargetGroupArn", Input().Set("EcsAlternateTargetGroupArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/pf-missing/0123456789abcdef"));

    [TestMethod]
    public async Task An_alternate_target_group_on_another_port_is_ECS4021()
    {
        using var elb = Elb();
        var other = await TrafficWiring.CreateTargetGroupAsync(elb, "pf-9090", wiring.VpcId, 9090);

        var failure = await AssertFailsAsync("ECS4021", "EcsAlternateTargetGroupArn", Input().Set("EcsAlternateTargetGroupArn", other));

        StringAssert.Contains(failure.Message, "is HTTP:9090, but EcsTargetGroupArn (pf-b) is HTTP:8080");
    }

    [TestMethod]
    public async Task An_alternate_target_group_of_instance_targets_is_ECS4021()
    {
        using var elb = Elb();
        var instances = await TrafficWiring.CreateTargetGroupAsync(elb, "pf-inst", wiring.VpcId, 8080, targetType: "instance");

        var failure = await AssertFailsAsync("ECS4021", "EcsAlternateTargetGroupArn", Input().Set("EcsAlternateTargetGroupArn", instances));

        StringAssert.Contains(failure.Message, "target type 'instance', but tasks in the awsvpc network mode register as 'ip' targets");
    }

    [TestMethod]
    public async Task A_production_rule_that_does_not_exist_is_ECS4022()
    {
        var missing = wiring.ProductionRuleArn[..(wiring.ProductionRuleArn.LastIndexOf('/') + 1)] + "0000000000000000";

        await AssertFailsAsync("ECS4022", "EcsProductionListenerRuleArn", Input().Set("EcsProductionListenerRuleArn", missing));
    }

    [TestMethod]
    public async Task A_test_rule_on_another_load_balancer_is_ECS4023()
    {
        using var elb = Elb();
        var other = await TrafficWiring.CreateLoadBalancerAsync(elb, "pf-other", [.. local.Subnets]);
        var listener = await TrafficWiring.CreateListenerAsync(elb, other, 8080, wiring.GreenTargetGroupArn);
        var rule = await TrafficWiring.CreateRuleAsync(elb, listener, TrafficWiring.Forward(wiring.GreenTargetGroupArn));

        var failure = await AssertFailsAsync("ECS4023", "EcsTestListenerRuleArn", Input().Set("EcsTestListenerRuleArn", rule));

        StringAssert.Contains(failure.Message, "is on load balancer app/pf-other, but EcsProductionListenerRuleArn is on app/pf");
    }

    [TestMethod]
    public async Task An_alternate_target_group_the_load_balancer_does_not_use_is_ECS4023()
    {
        using var elb = Elb();
        var lonely = await TrafficWiring.CreateTargetGroupAsync(elb, "pf-lonely", wiring.VpcId, 8080);

        var failure = await AssertFailsAsync("ECS4023", "EcsAlternateTargetGroupArn", Input().Set("EcsAlternateTargetGroupArn", lonely).Set("EcsTestListenerRuleArn", null));

        StringAssert.Contains(failure.Message, "target group pf-lonely is not attached to load balancer app/pf");
    }

    [TestMethod]
    public async Task A_production_rule_forwarding_to_a_third_target_group_is_ECS4024()
    {
        using var elb = Elb();
        var third = await TrafficWiring.CreateTargetGroupAsync(elb, "pf-third", wiring.VpcId, 8080);
        var rule = (await elb.CreateRuleAsync(new CreateRuleRequest
        {
            ListenerArn = wiring.ProductionListenerArn, Priority = 20, Actions = [TrafficWiring.Forward(third)],
            Conditions = [new RuleCondition { Field = "path-pattern", PathPatternConfig = new PathPatternConditionConfig { Values = ["/admin/*"] } }],
        })).Rules![0].RuleArn!;

        var failure = await AssertFailsAsync("ECS4024", "EcsProductionListenerRuleArn", Input().Set("EcsProductionListenerRuleArn", rule));

        StringAssert.Contains(failure.Message, "the rule forwards to pf-third, which is neither EcsTargetGroupArn nor EcsAlternateTargetGroupArn");
    }

    [TestMethod]
    public async Task A_verification_alarm_that_does_not_exist_is_ECS4025()
    {
        using var cloudWatch = (EcsBuildTasks.Aws.CloudWatch.AmazonCloudWatchClient)local.Clients.CreateCloudWatch();
        await cloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest
        {
            AlarmName = "pf-5xx", MetricName = "HTTPCode_Target_5XX_Count", Namespace = "AWS/ApplicationELB", Statistic = "Sum",
            Period = 60, EvaluationPeriods = 1, Threshold = 1, ComparisonOperator = "GreaterThanOrEqualToThreshold",
        });

        var failure = await AssertFailsAsync("ECS4025", "EcsVerifyAlarm 'pf-5XX'", Input().Also(i => i.Add("EcsVerifyAlarm", "pf-5xx").Add("EcsVerifyAlarm", "pf-5XX")));

        StringAssert.Contains(failure.Message, "names are case-sensitive");
    }

    private static SettingsInput Input() => local.BlueGreen(wiring, "preflight");

    private static AmazonElasticLoadBalancingV2Client Elb() => (AmazonElasticLoadBalancingV2Client)local.Clients.CreateElasticLoadBalancingV2();

    private static async Task RunAsync(SettingsInput input, RecordingDeploymentLog log)
    {
        var definitions = LocalEcsHarness.Generate(input);
        using var aws = LocalEcsHarness.Session(input);
        await new DeploymentPreflight(aws, log).RunAsync(definitions, DeploymentStrategies.Of(definitions), repositoryName: null, CancellationToken.None);
    }

    private static async Task<Diagnostics.EcsDiagnostic> AssertFailsAsync(string code, string subject, SettingsInput input)
    {
        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => RunAsync(input, new RecordingDeploymentLog()));
        var match = failure.Diagnostics.FirstOrDefault(d => d.Code == code);
        Assert.IsNotNull(match, $"expected {code}, got:\n{string.Join("\n", failure.Diagnostics)}");
        Assert.AreEqual(subject, match.Subject, match.ToString());
        return match;
    }
}
