using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies.InPlace;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// The deployment engine (the traffic-shifting strategy: the service deployment watch and follower, the gates) against an in-process
/// LocalEcs at 600× speed: rollbacks during the bake time and what the build checks afterwards.
/// </summary>
[TestClass]
public sealed class TrafficShiftingDeploymentTests
{
    private static LocalEcsHarness local = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        local = await LocalEcsHarness.StartAsync(timeScale: 600);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await local.DisposeAsync();

    [TestMethod]
    public async Task EcsRollback_during_the_bake_time_returns_production_traffic_to_blue()
    {
        var wiring = await TrafficWiring.CreateAsync(local.Clients, "rb");
        var input = local.BlueGreen(wiring, "rollback-in-bake").Set("EcsBakeTimeMinutes", "60");
        await DeployAsync(input);
        var deploying = DeployAsync(input.Also(i => i.Add("EcsEnvironmentVariable", "REVISION", ("Value", "2"))));
        var arn = await WaitForStageAsync("rollback-in-bake", "BAKE_TIME");
        var during = await WeightsAsync(wiring);
        var log = new RecordingDeploymentLog();

        DeploymentReport rollback;
        using (var aws = LocalEcsHarness.Session(input))
        {
            rollback = await new Deployer(aws, log, TimeProvider.System).RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None);
        }

        var deployed = await deploying;
        Assert.AreEqual(100, during[wiring.GreenTargetGroupArn], "during the bake green has all production traffic");
        Assert.IsNull(rollback.Failure, log.Text);
        Assert.AreEqual("rolled-back", rollback.Result.Status);
        StringAssert.Contains(log.Text, $"asked ECS to roll back the deployment in flight ({arn})");
        StringAssert.Contains(log.Text, "checked after the rollback: production traffic is back on blue (rb-b): rb-b 100% · rb-g 0%");
        var after = await WeightsAsync(wiring);
        Assert.AreEqual(100, after[wiring.BlueTargetGroupArn]);
        Assert.AreEqual(0, after[wiring.GreenTargetGroupArn]);
        Assert.IsTrue(rollback.Result.LifecycleStages!.Any(s => s.Status == "ROLLBACK_SUCCESSFUL"), string.Join(", ", rollback.Result.LifecycleStages!));
        Assert.AreEqual("rolled-back", deployed.Result.Status, "the publish that was waiting reports the rollback too");
        StringAssert.EndsWith(deployed.Result.RunningTaskDefinitionArn, ":1");
    }

    [TestMethod]
    public async Task A_production_rule_left_on_green_after_a_rollback_fails_with_the_command_that_fixes_it()
    {
        var wiring = await TrafficWiring.CreateAsync(local.Clients, "lg");
        var input = local.BlueGreen(wiring, "left-on-green").Set("EcsBakeTimeMinutes", "60");
        await DeployAsync(input);
        var deploying = DeployAsync(input.Also(i => i.Add("EcsEnvironmentVariable", "REVISION", ("Value", "2"))));
        var arn = await WaitForStageAsync("left-on-green", "BAKE_TIME");
        using var ecs = (AmazonECSClient)local.Clients.CreateEcs();
        await ecs.StopServiceDeploymentAsync(new StopServiceDeploymentRequest { ServiceDeploymentArn = arn, StopType = "ROLLBACK" });
        var deployed = await deploying;
        Assert.AreEqual("ECS3002", deployed.Failure?.Code, "ECS put the traffic back itself: an ordinary rollback");

        // Someone (or something) moves production back to green after the rollback.
        using var elb = (AmazonElasticLoadBalancingV2Client)local.Clients.CreateElasticLoadBalancingV2();
        await elb.ModifyRuleAsync(new ModifyRuleRequest { RuleArn = wiring.ProductionRuleArn, Actions = [TrafficWiring.Forward(wiring.GreenTargetGroupArn)] });
        var log = new RecordingDeploymentLog();
        using var aws = LocalEcsHarness.Session(input);
        using var monitor = ServiceDeploymentFollower.ForRollback(aws, log, TimeProvider.System, ServiceDeploymentStages.Stages);
        var described = (await ecs.DescribeServiceDeploymentsAsync(new DescribeServiceDeploymentsRequest { ServiceDeploymentArns = [arn] })).ServiceDeployments![0];

        await monitor.OnPollAsync(described, CancellationToken.None);
        var outcome = await monitor.FinishAsync(new WaitResult(DeploymentOutcome.RolledBack, arn, "ROLLBACK_SUCCESSFUL", null, null, TimeSpan.Zero, []), CancellationToken.None);

        Assert.AreEqual("ECS4041", outcome.Failure?.Code, log.Text);
        Assert.AreEqual(EcsProperties.ProductionListenerRuleArn, outcome.Failure!.Subject);
        StringAssert.Contains(outcome.Failure.Message, $"aws elbv2 modify-rule --rule-arn {wiring.ProductionRuleArn} --actions Type=forward,TargetGroupArn={wiring.BlueTargetGroupArn}");
        StringAssert.Contains(log.Text, "PRODUCTION TRAFFIC IS NOT BACK ON BLUE");
    }

    [TestMethod]
    public async Task A_failed_gate_rolls_back_through_ContinueServiceDeployment_and_the_evidence_is_in_the_error()
    {
        var wiring = await TrafficWiring.CreateAsync(local.Clients, "gf");
        var input = local.BlueGreen(wiring, "gate-fails").Set("EcsBakeTimeMinutes", "1");
        await DeployAsync(input);
        using var green = new AnsweringHandler(System.Net.HttpStatusCode.ServiceUnavailable, "{\"status\":\"Unhealthy\",\"checks\":{\"db\":\"timeout\"}}");
        var log = new RecordingDeploymentLog();

        var report = await DeployAsync(
            input.Set("EcsVerifyUrl", "http://green.internal:8080/health").Set("EcsVerifyIntervalSeconds", "1").Set("EcsVerifySuccesses", "1").Set("EcsVerifyTimeoutSeconds", "5")
                .Also(i => i.Add("EcsEnvironmentVariable", "REVISION", ("Value", "2"))),
            log,
            green);

        Assert.AreEqual("ECS4040", report.Failure?.Code, log.Text);
        Assert.AreEqual(EcsProperties.VerifyUrl, report.Failure!.Subject);
        StringAssert.Contains(report.Failure.Message, "The verification gate at POST_TEST_TRAFFIC_SHIFT (green has test traffic only) failed");
        StringAssert.Contains(report.Failure.Message, "GET http://green.internal:8080/health → 503 ServiceUnavailable");
        StringAssert.Contains(log.Text, "{\"status\":\"Unhealthy\",\"checks\":{\"db\":\"timeout\"}} (expected 200-299)");
        StringAssert.Contains(log.Text, "ContinueServiceDeployment ROLLBACK for hook");
        StringAssert.Contains(log.Text, "checked after the rollback: production traffic is back on blue (gf-b)");
        Assert.IsFalse(log.Text.Contains("why the deployment of", StringComparison.Ordinal), "the gate is the cause: no stopped-task diagnostics");
        Assert.AreEqual("verification-failed", report.Result.Status);
        Assert.IsFalse(report.Result.VerificationGates![0].Passed);
        Assert.IsGreaterThanOrEqualTo(5, green.Requests);
        StringAssert.EndsWith(report.Result.RunningTaskDefinitionArn, ":1");
    }

    [TestMethod]
    public async Task The_waiter_shows_how_to_continue_a_PAUSE_hook_of_the_project_and_keeps_waiting_for_it()
    {
        var wiring = await TrafficWiring.CreateAsync(local.Clients, "up");
        var input = local.BlueGreen(wiring, "user-pause").Set("EcsBakeTimeMinutes", "1").Also(i => i.Add("EcsLifecycleHook", "PAUSE", ("Stages", "POST_SCALE_UP")));
        await DeployAsync(input);
        var log = new RecordingDeploymentLog();
        var deploying = DeployAsync(input.Also(i => i.Add("EcsEnvironmentVariable", "REVISION", ("Value", "2"))), log);
        var command = await WaitForLineAsync(log, "ecs continue-service-deployment");

        Assert.IsFalse(deploying.IsCompleted, "the build keeps waiting at the pause");
        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var ecs = (AmazonECSClient)local.Clients.CreateEcs();
        await ecs.ContinueServiceDeploymentAsync(new ContinueServiceDeploymentRequest
        {
            ServiceDeploymentArn = parts[Array.IndexOf(parts, "--service-deployment-arn") + 1],
            HookId = parts[Array.IndexOf(parts, "--hook-id") + 1],
            Action = parts[Array.IndexOf(parts, "--action") + 1],
        });
        var report = await deploying;

        Assert.IsNull(report.Failure, log.Text);
        StringAssert.Contains(log.Text, "the deployment is paused at your PAUSE hook");
        StringAssert.Contains(log.Text, "(POST_SCALE_UP) and waits for you");
        StringAssert.Contains(log.Text, "PAUSE hook (");
        StringAssert.EndsWith(report.Result.RunningTaskDefinitionArn, ":2");
    }

    private static async Task<DeploymentReport> DeployAsync(SettingsInput input, RecordingDeploymentLog? log = null, HttpMessageHandler? verification = null)
    {
        var definitions = LocalEcsHarness.Generate(input);
        using var aws = LocalEcsHarness.Session(input);
        var deployment = new Deployer(aws, log ?? new RecordingDeploymentLog(), TimeProvider.System) { VerificationHandler = verification };
        return await deployment.DeployAsync(definitions, null, null, CancellationToken.None);
    }

    private static async Task<string> WaitForLineAsync(RecordingDeploymentLog log, string text)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            if (log.Lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            await Task.Delay(50);
        }

        throw new AssertFailedException($"The log never said '{text}':\n{log.Text}");
    }

    /// <summary>Green behind the test listener, as the gate's HTTP client sees it.</summary>
    private sealed class AnsweringHandler(System.Net.HttpStatusCode status, string body) : HttpMessageHandler
    {
        private int requests;

        public int Requests => Volatile.Read(ref requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref requests);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body) });
        }
    }

    /// <summary>The newest service deployment of the service, once it is at <paramref name="stage"/>.</summary>
    private static async Task<string> WaitForStageAsync(string service, string stage)
    {
        using var ecs = (AmazonECSClient)local.Clients.CreateEcs();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var listed = await ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = "prod", Service = service });
            var newest = listed.ServiceDeployments?.OrderByDescending(d => d.CreatedAt).FirstOrDefault();
            if (newest?.ServiceDeploymentArn is { } arn)
            {
                var deployment = (await ecs.DescribeServiceDeploymentsAsync(new DescribeServiceDeploymentsRequest { ServiceDeploymentArns = [arn] })).ServiceDeployments![0];
                if (deployment.LifecycleStage?.Value == stage && deployment.Status?.Value == "IN_PROGRESS")
                {
                    return arn;
                }
            }

            await Task.Delay(50);
        }

        throw new AssertFailedException($"{service} never reached {stage}");
    }

    private static async Task<Dictionary<string, int>> WeightsAsync(TrafficWiring wiring)
    {
        using var elb = (AmazonElasticLoadBalancingV2Client)local.Clients.CreateElasticLoadBalancingV2();
        return await TrafficWiring.WeightsAsync(elb, wiring.ProductionRuleArn);
    }
}
