using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// <c>EcsDeploymentStrategy=VersionedBlueGreen</c> through the engine against the in-process LocalEcs on simulated
/// time: the new version at full size behind the stage rule, the swap of the production and stage rules' target
/// groups, the rollback that swaps back, and the wiring the swap refuses.
/// </summary>
[TestClass]
public sealed class VersionedBlueGreenStrategyTests
{
    [TestMethod]
    public async Task Each_deployment_swaps_production_to_the_new_version_and_EcsRollback_swaps_back()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var wiring = await TrafficWiring.CreateAsync(env.Clients, "vbg");
        var input = Swapped(await env.ProjectAsync("vbg"), wiring).Set("EcsDesiredCount", "2");
        var elb = env.Aws.ElasticLoadBalancing;

        var first = await env.DeployAsync(input);

        Assert.IsNull(first.Failure, first.Failure?.Message);
        Assert.AreEqual("vbg__1", first.Result.Service);
        Assert.AreEqual(wiring.GreenTargetGroupArn, Serving(await TrafficWiring.WeightsAsync(elb, wiring.ProductionRuleArn)), "production → the new version's target group");
        Assert.AreEqual(wiring.BlueTargetGroupArn, Serving(await TrafficWiring.WeightsAsync(elb, wiring.TestRuleArn)), "stage → the other one");

        var log = new RecordingDeploymentLog();
        var second = await env.DeployAsync(input.Set("EcsMemory", "1024"), log);

        Assert.IsNull(second.Failure, second.Failure?.Message);
        Assert.AreEqual("vbg__2", second.Result.Service);
        StringAssert.Contains(log.Text, "created version vbg__2 at 0 tasks");
        Assert.AreEqual(wiring.BlueTargetGroupArn, Serving(await TrafficWiring.WeightsAsync(elb, wiring.ProductionRuleArn)));
        Assert.AreEqual(wiring.GreenTargetGroupArn, Serving(await TrafficWiring.WeightsAsync(elb, wiring.TestRuleArn)));
        Assert.AreEqual(2, (await Describe(env, "vbg", "vbg__2")).RunningCount);
        Assert.AreEqual(0, (await Describe(env, "vbg", "vbg__1")).DesiredCount, "EcsDownsizeOldService defaults to true");
        var deployer = new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!);
        var status = string.Join("\n", await deployer.StatusAsync(LocalEcsHarness.Generate(input), CancellationToken.None));
        StringAssert.Matches(status, new System.Text.RegularExpressions.Regex(@"vbg__2\s+running 2/2\s+vbg:2\s+BLUE, target group vbg-b"));
        // Downsized to 0 right after the swap; its tasks may still be draining when the status is read (running n/0).
        StringAssert.Matches(status, new System.Text.RegularExpressions.Regex(@"vbg__1\s+running \d/0\s+vbg:1\s+GREEN, target group vbg-g"));

        var rollback = await env.WhileTimeRunsAsync(() => deployer.RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None));

        Assert.IsNull(rollback.Failure, rollback.Failure?.Message);
        Assert.AreEqual("rolled-back", rollback.Result.Status);
        Assert.AreEqual(wiring.GreenTargetGroupArn, Serving(await TrafficWiring.WeightsAsync(elb, wiring.ProductionRuleArn)), "production back on vbg__1's target group");
        Assert.AreEqual(wiring.BlueTargetGroupArn, Serving(await TrafficWiring.WeightsAsync(elb, wiring.TestRuleArn)));
        Assert.AreEqual((2, 2), ((await Describe(env, "vbg", "vbg__1")).DesiredCount, (await Describe(env, "vbg", "vbg__1")).RunningCount));
        Assert.AreEqual(0, (await Describe(env, "vbg", "vbg__2")).DesiredCount);
    }

    [TestMethod]
    public async Task A_crashing_new_version_never_reaches_production()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var wiring = await TrafficWiring.CreateAsync(env.Clients, "vbc");
        var input = Swapped(await env.ProjectAsync("vbc"), wiring);
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        var report = await env.DeployAsync(input.Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash")).Set("EcsFailFastFailedTasks", "2"));

        Assert.AreEqual("ECS4140", report.Failure?.Code, report.Failure?.Message);
        StringAssert.Contains(report.Failure!.Message, "vbc__2 failed at stage");
        Assert.AreEqual(wiring.GreenTargetGroupArn, Serving(await TrafficWiring.WeightsAsync(env.Aws.ElasticLoadBalancing, wiring.ProductionRuleArn)), "production stays on vbc__1");
        Assert.AreEqual(1, (await Describe(env, "vbc", "vbc__1")).RunningCount);
    }

    [TestMethod]
    public async Task A_stage_rule_forwarding_to_the_production_target_group_is_refused_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var wiring = await TrafficWiring.CreateAsync(env.Clients, "vbs");
        await env.Aws.ElasticLoadBalancing.ModifyRuleAsync(new Aws.ElasticLoadBalancingV2.Model.ModifyRuleRequest { RuleArn = wiring.TestRuleArn, Actions = [TrafficWiring.Forward(wiring.BlueTargetGroupArn)] });

        var problems = await env.PreflightAsync(Swapped(await env.ProjectAsync("vbs"), wiring));

        var problem = problems.Single(p => p.Code == "ECS4120");
        Assert.AreEqual(EcsProperties.TestListenerRuleArn, problem.Subject);
        StringAssert.Contains(problem.Message, $"--actions Type=forward,TargetGroupArn={wiring.GreenTargetGroupArn}");
    }

    [TestMethod]
    public async Task A_target_group_on_another_load_balancer_is_refused()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var wiring = await TrafficWiring.CreateAsync(env.Clients, "vbo");
        var (_, elsewhere) = await env.LoadBalancerAsync("vbo-other", "application");

        var problems = await env.PreflightAsync(Swapped(await env.ProjectAsync("vbo"), wiring).Set("EcsAlternateTargetGroupArn", elsewhere));

        Assert.AreEqual(EcsProperties.TestListenerRuleArn, problems.Single(p => p.Code == "ECS4121").Subject);
    }

    [TestMethod]
    public async Task Going_back_from_versioned_services_to_Rolling_is_refused_with_the_steps()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await env.ProjectAsync("back");
        Assert.IsNull((await env.DeployAsync(VersionedStrategyTests.Versioned(input))).Failure);

        var problems = await env.PreflightAsync(input.Set("EcsDeploymentStrategy", "Rolling"));

        var problem = problems.Single(p => p.Code == "ECS4123");
        Assert.AreEqual(EcsProperties.DeploymentStrategy, problem.Subject);
        StringAssert.Contains(problem.Message, "back__1 (1 task(s)) serves");
        StringAssert.Contains(problem.Message, "aws ecs delete-service --cluster back --service back__1 --force");
    }

    [TestMethod]
    public async Task A_rollback_that_cannot_restore_the_previous_version_says_which_state_it_left()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = VersionedStrategyTests.Versioned(await env.ProjectAsync("stuck"));
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        Assert.IsNull((await env.DeployAsync(input.Set("EcsMemory", "1024"))).Failure);
        await env.FaultAsync("ecs", "UpdateService");
        try
        {
            var rollback = await env.WhileTimeRunsAsync(() => new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!).RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None));

            Assert.AreEqual("ECS4142", rollback.Failure?.Code, rollback.Failure?.Message);
            StringAssert.Contains(rollback.Failure!.Message, "The rollback from stuck__2 did not complete");
            StringAssert.Contains(rollback.Failure.Message, "stuck__1=1");
        }
        finally
        {
            await env.ClearFaultsAsync();
        }

        Assert.AreEqual(1, (await Describe(env, "stuck", "stuck__2")).RunningCount, "the serving version was not taken down");
    }

    private static SettingsInput Swapped(SettingsInput input, TrafficWiring wiring) => input
        .Set("EcsDeploymentStrategy", "VersionedBlueGreen")
        .Set("EcsTargetGroupArn", wiring.BlueTargetGroupArn)
        .Set("EcsAlternateTargetGroupArn", wiring.GreenTargetGroupArn)
        .Set("EcsProductionListenerRuleArn", wiring.ProductionRuleArn)
        .Set("EcsTestListenerRuleArn", wiring.TestRuleArn);

    private static string Serving(Dictionary<string, int> weights) => weights.Where(w => w.Value > 0).Select(w => w.Key).Single();

    private static async Task<EcsBuildTasks.Aws.ECS.Model.Service> Describe(LocalEcsHarness env, string cluster, string name) =>
        (await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [name] })).Services!.Single();
}
