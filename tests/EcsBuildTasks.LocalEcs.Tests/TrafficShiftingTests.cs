using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>ECS-native BLUE_GREEN, CANARY and LINEAR deployments with hooks and listener-rule weights, on simulated time.</summary>
[TestClass]
public sealed class TrafficShiftingTests
{
    private static readonly string[] ShiftStages = ["PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"];
    private static readonly int[] LinearGreenWeights = [0, 50, 100];

    private const string InfrastructureRole = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers";

    [TestMethod]
    public async Task Blue_green_with_a_pause_hook_waits_until_continued()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var (aws, balancer, v2) = await DeployFirstRevisionAsync(sim, new JsonObject
        {
            ["strategy"] = "BLUE_GREEN",
            ["bakeTimeInMinutes"] = 5,
            ["lifecycleHooks"] = new JsonArray(new JsonObject
            {
                ["targetType"] = "PAUSE",
                ["lifecycleStages"] = new JsonArray("POST_TEST_TRAFFIC_SHIFT"),
                ["timeoutConfiguration"] = new JsonObject { ["timeoutInMinutes"] = 120, ["action"] = "ROLLBACK" },
            }),
        });

        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        await sim.AdvanceUntilAsync(async () =>
            (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["lifecycleHookDetails"]?.AsArray().Any(h => h!["status"]!.GetValue<string>() == "AWAITING_ACTION") == true,
            TimeSpan.FromMinutes(10), "the PAUSE hook awaits action");

        var paused = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        var hook = paused["lifecycleHookDetails"]![0]!;
        Assert.AreEqual("POST_TEST_TRAFFIC_SHIFT", paused["lifecycleStage"]!.GetValue<string>());
        Assert.AreEqual(100, paused["targetServiceRevision"]!["requestedTestTrafficWeight"]!.GetValue<double>());
        Assert.AreEqual(0, paused["targetServiceRevision"]!["requestedProductionTrafficWeight"]!.GetValue<double>());
        var testWeights = await Scenario.RuleWeightsAsync(aws, balancer.TestRuleArn!);
        Assert.AreEqual(100, testWeights[balancer.GreenTargetGroupArn], "test traffic goes to green before production traffic");
        Assert.AreEqual(0, testWeights[balancer.BlueTargetGroupArn]);
        var revisions = (await Scenario.ServiceAsync(aws, "prod", "web"))["currentServiceRevisions"]!.AsArray();
        Assert.AreEqual(2, revisions.Count, "blue and green both run");
        Assert.IsTrue(revisions.All(r => r!["runningTaskCount"]!.GetValue<int>() == 2));
        Assert.AreEqual("PAUSE", hook["targetType"]!.GetValue<string>());
        Assert.AreEqual("ROLLBACK", hook["timeoutAction"]!.GetValue<string>());
        Assert.IsNotNull(hook["expiresAt"]);
        var greenHealthy = (await Scenario.TargetHealthAsync(aws, balancer.GreenTargetGroupArn)).Count(t => t.State == "healthy");
        Assert.AreEqual(2, greenHealthy, "green tasks scaled up into the alternate target group before the hook");

        sim.Advance(TimeSpan.FromMinutes(30));
        var still = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        Assert.AreEqual("IN_PROGRESS", still["status"]!.GetValue<string>());
        Assert.AreEqual("POST_TEST_TRAFFIC_SHIFT", still["lifecycleStage"]!.GetValue<string>(), "nothing moves while the hook waits");
        var weights = await Scenario.RuleWeightsAsync(aws, balancer.RuleArn);
        Assert.AreEqual(100, weights[balancer.BlueTargetGroupArn]);
        Assert.AreEqual(0, weights[balancer.GreenTargetGroupArn]);

        await aws.EcsAsync("ContinueServiceDeployment", new JsonObject
        {
            ["serviceDeploymentArn"] = still["serviceDeploymentArn"]!.DeepClone(),
            ["hookId"] = hook["hookId"]!.DeepClone(),
            ["action"] = "CONTINUE",
        });
        var stages = new List<string>();
        await sim.AdvanceUntilAsync(async () =>
        {
            var record = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
            if (record["lifecycleStage"]?.GetValue<string>() is { } stage && (stages.Count == 0 || stages[^1] != stage))
            {
                stages.Add(stage);
            }

            return record["status"]!.GetValue<string>() == "SUCCESSFUL";
        }, TimeSpan.FromMinutes(20), "blue/green completes", TimeSpan.FromSeconds(5));

        CollectionAssert.IsSubsetOf(ShiftStages, stages, string.Join(",", stages));
        weights = await Scenario.RuleWeightsAsync(aws, balancer.RuleArn);
        Assert.AreEqual(0, weights[balancer.BlueTargetGroupArn]);
        Assert.AreEqual(100, weights[balancer.GreenTargetGroupArn]);
        var record = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        Assert.AreEqual(100, record["targetServiceRevision"]!["requestedProductionTrafficWeight"]!.GetValue<double>());
        var revision = await aws.EcsAsync("DescribeServiceRevisions", new JsonObject { ["serviceRevisionArns"] = new JsonArray(record["targetServiceRevision"]!["arn"]!.DeepClone()) });
        Assert.AreEqual(balancer.GreenTargetGroupArn, revision["serviceRevisions"]![0]!["resolvedConfiguration"]!["loadBalancers"]![0]!["targetGroupArn"]!.GetValue<string>());
        Assert.AreEqual(0, (await Scenario.TargetHealthAsync(aws, balancer.BlueTargetGroupArn)).Count, "blue drained in CLEAN_UP");
        Assert.AreEqual(1, (await Scenario.ServiceAsync(aws, "prod", "web"))["currentServiceRevisions"]!.AsArray().Count);
    }

    [TestMethod]
    public async Task Canary_shifts_10_percent_then_100_percent_on_the_listener_rule()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var (aws, balancer, v2) = await DeployFirstRevisionAsync(sim, new JsonObject
        {
            ["strategy"] = "CANARY",
            ["bakeTimeInMinutes"] = 2,
            ["canaryConfiguration"] = new JsonObject { ["canaryPercent"] = 10.0, ["canaryBakeTimeInMinutes"] = 5 },
        });

        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        var observed = new List<(int Blue, int Green)>();
        double? canaryWeightReported = null;
        await sim.AdvanceUntilAsync(async () =>
        {
            var weights = await Scenario.RuleWeightsAsync(aws, balancer.RuleArn);
            var pair = (weights[balancer.BlueTargetGroupArn], weights[balancer.GreenTargetGroupArn]);
            if (observed.Count == 0 || observed[^1] != pair)
            {
                observed.Add(pair);
            }

            var record = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
            if (pair == (90, 10))
            {
                canaryWeightReported ??= record["targetServiceRevision"]!["requestedProductionTrafficWeight"]!.GetValue<double>();
                Assert.AreEqual(90, record["sourceServiceRevisions"]![0]!["requestedProductionTrafficWeight"]!.GetValue<double>());
            }

            return record["status"]!.GetValue<string>() == "SUCCESSFUL";
        }, TimeSpan.FromMinutes(30), "canary completes", TimeSpan.FromSeconds(10));

        CollectionAssert.AreEqual(new[] { (100, 0), (90, 10), (0, 100) }, observed, string.Join(" → ", observed));
        Assert.AreEqual(10.0, canaryWeightReported);
    }

    [TestMethod]
    public async Task Linear_steps_weights_and_a_failed_lambda_hook_rolls_traffic_back()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        const string function = "arn:aws:lambda:us-east-1:123456789012:function:verify";
        var (aws, balancer, v2) = await DeployFirstRevisionAsync(sim, new JsonObject
        {
            ["strategy"] = "LINEAR",
            ["bakeTimeInMinutes"] = 0,
            ["linearConfiguration"] = new JsonObject { ["stepPercent"] = 50.0, ["stepBakeTimeInMinutes"] = 1 },
            ["lifecycleHooks"] = new JsonArray(new JsonObject
            {
                ["targetType"] = "AWS_LAMBDA",
                ["hookTargetArn"] = function,
                ["roleArn"] = "arn:aws:iam::123456789012:role/hookRole",
                ["lifecycleStages"] = new JsonArray("POST_PRODUCTION_TRAFFIC_SHIFT"),
            }),
        });

        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        var observed = new List<int>();
        await sim.AdvanceUntilAsync(async () =>
        {
            var green = (await Scenario.RuleWeightsAsync(aws, balancer.RuleArn))[balancer.GreenTargetGroupArn];
            if (observed.Count == 0 || observed[^1] != green)
            {
                observed.Add(green);
            }

            var record = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
            return record["lifecycleHookDetails"]?.AsArray().Any(h => h!["status"]!.GetValue<string>() == "IN_PROGRESS") == true;
        }, TimeSpan.FromMinutes(20), "the Lambda hook is invoked after the last shift", TimeSpan.FromSeconds(10));
        CollectionAssert.AreEqual(LinearGreenWeights, observed, string.Join(" → ", observed));

        var waiting = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        var hookId = waiting["lifecycleHookDetails"]![0]!["hookId"]!.GetValue<string>();
        Assert.AreEqual(function, waiting["lifecycleHookDetails"]![0]!["targetArn"]!.GetValue<string>());
        var listed = JsonNode.Parse((await aws.ControlAsync(HttpMethod.Get, "hooks")).Body)!["hooks"]!.AsArray().Single(h => h!["hookId"]!.GetValue<string>() == hookId)!;
        Assert.AreEqual("POST_PRODUCTION_TRAFFIC_SHIFT", listed["event"]!["lifecycleStage"]!.GetValue<string>());
        Assert.AreEqual(waiting["serviceDeploymentArn"]!.GetValue<string>(), listed["event"]!["resourceArn"]!.GetValue<string>());
        Assert.AreEqual(100, listed["event"]!["executionDetails"]!["productionTrafficWeights"]![waiting["targetServiceRevision"]!["arn"]!.GetValue<string>()]!.GetValue<double>());
        var (status, body) = await aws.ControlAsync(HttpMethod.Post, "hooks", new JsonObject { ["hookId"] = hookId, ["status"] = "FAILED" });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "ROLLBACK_SUCCESSFUL", TimeSpan.FromMinutes(10), "rollback after the failed hook");
        var weights = await Scenario.RuleWeightsAsync(aws, balancer.RuleArn);
        Assert.AreEqual(100, weights[balancer.BlueTargetGroupArn], "traffic is back on blue");
        Assert.AreEqual(0, weights[balancer.GreenTargetGroupArn]);
        var record = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        Assert.AreEqual("FAILED", record["lifecycleHookDetails"]![0]!["status"]!.GetValue<string>());
        StringAssert.Contains(record["rollback"]!["reason"]!.GetValue<string>(), "lifecycle hook failed");
    }

    [TestMethod]
    public async Task Pause_hook_timeout_takes_its_timeout_action()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var (aws, _, v2) = await DeployFirstRevisionAsync(sim, new JsonObject
        {
            ["strategy"] = "BLUE_GREEN",
            ["bakeTimeInMinutes"] = 0,
            ["lifecycleHooks"] = new JsonArray(new JsonObject
            {
                ["targetType"] = "PAUSE",
                ["lifecycleStages"] = new JsonArray("PRE_SCALE_UP"),
                ["timeoutConfiguration"] = new JsonObject { ["timeoutInMinutes"] = 3, ["action"] = "CONTINUE" },
            }),
        });
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(20), "continues after the timeout");
        var record = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        Assert.AreEqual("TIMED_OUT", record["lifecycleHookDetails"]![0]!["status"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task Blue_green_follows_a_desired_count_that_auto_scaling_changes_mid_deployment()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var (aws, balancer, v2) = await DeployFirstRevisionAsync(sim, new JsonObject { ["strategy"] = "BLUE_GREEN", ["bakeTimeInMinutes"] = 3 });
        await aws.JsonAsync("application-autoscaling", "RegisterScalableTarget", new JsonObject
        {
            ["ServiceNamespace"] = "ecs",
            ["ResourceId"] = "service/prod/web",
            ["ScalableDimension"] = "ecs:service:DesiredCount",
            ["MinCapacity"] = 1,
            ["MaxCapacity"] = 6,
        });
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["lifecycleStage"]?.GetValue<string>() == "BAKE_TIME", TimeSpan.FromMinutes(10), "bake time");
        var (status, body) = await aws.ControlAsync(HttpMethod.Post, "autoscaling/desired-count", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["desiredCount"] = 4 });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(10), "the deployment");
        sim.Advance(TimeSpan.FromMinutes(1));
        var service = await Scenario.ServiceAsync(aws, "prod", "web");
        Assert.AreEqual(4, service["runningCount"]!.GetValue<int>());
        Assert.AreEqual(4, (await Scenario.TargetHealthAsync(aws, balancer.GreenTargetGroupArn)).Count(t => t.State == "healthy"));
    }

    private static async Task<(AwsClient Aws, LoadBalancerSetup Balancer, string V2)> DeployFirstRevisionAsync(SimulatedLocalEcs sim, JsonObject deploymentConfiguration)
    {
        var aws = sim.Aws;
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(aws);
        var balancer = await Scenario.LoadBalancerAsync(aws, "bg", subnets, vpc);
        await Scenario.ClusterAsync(aws, "prod");
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest");
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "web", v1, 2, subnets, group).TrafficShifting(balancer, InfrastructureRole).With("deploymentConfiguration", deploymentConfiguration));
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(10), "initial deployment");
        var v2 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest");
        return (aws, balancer, v2);
    }
}
