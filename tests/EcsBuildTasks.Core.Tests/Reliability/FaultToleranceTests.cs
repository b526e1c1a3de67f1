using System.Globalization;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;
using EcsBuildTasks.Core.Tests.Features;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Reliability;

/// <summary>
/// A flaky AWS through the engine (issue 16, item 1), every strategy, on simulated time against the in-process LocalEcs
/// and its fault injection: 30% of all calls throttled for a whole deployment, a 30-second outage of the endpoint
/// (every connection dropped) in the middle of the wait, and bursts of 5xx answers. Each deployment must end with its
/// true outcome, the build saying once that it rides the faults out. docs/reliability.md has the table these keep true.
/// </summary>
[TestClass]
public sealed class FaultToleranceTests
{
    /// <summary>The line the build prints, once, at the first fault it rides out.</summary>
    internal const string RidingOut = "retrying with backoff for up to";

    [TestMethod]
    [DataRow("Rolling")]
    [DataRow("BlueGreen")]
    [DataRow("Canary")]
    [DataRow("Linear")]
    [DataRow("Versioned")]
    [DataRow("VersionedBlueGreen")]
    [DataRow("Express")]
    [DataRow("ManagedDaemon")]
    [DataRow("DnsBlueGreen")]
    public async Task Each_fault_ends_with_the_deployment_succeeded_and_the_new_revision_serving(string strategy)
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, strategy);
        var baseline = await env.DeployAsync(input);
        Assert.IsNull(baseline.Failure, baseline.Failure?.Message);

        var run = 0;
        foreach (var fault in Faults)
        {
            run++;
            var log = new RecordingDeploymentLog();
            var report = await DeployThroughAsync(env, Changed(input, strategy, run), fault, log);

            var what = $"{strategy} under {fault.Name}";
            Assert.IsNull(report.Failure, $"{what}: {report.Failure?.Message}\n{log.Text}");
            Assert.AreEqual("succeeded", report.Result.Status, $"{what}\n{log.Text}");
            StringAssert.EndsWith(report.Result.TaskDefinitionArn, $":{run + 1}", what);
            Assert.AreEqual(1, log.Lines.Count(l => l.Contains(RidingOut, StringComparison.Ordinal)), $"{what}: the build says once that it rides faults out\n{log.Text}");
            Assert.IsTrue(env.Aws.TransientFaults.Retries > 0, what);
        }
    }

    [TestMethod]
    public void Every_strategy_is_tried_under_every_fault_and_docs_reliability_has_its_row()
    {
        var tried = typeof(FaultToleranceTests).GetMethod(nameof(Each_fault_ends_with_the_deployment_succeeded_and_the_new_revision_serving))!
            .GetCustomAttributes(typeof(DataRowAttribute), false).Cast<DataRowAttribute>().Select(r => (string)r.Data[0]!).ToList();
        var page = File.ReadAllText(Path.Combine(Peers.RepositoryRoot, "docs", "reliability.md"));

        CollectionAssert.AreEquivalent(DeploymentStrategies.Names.ToList(), tried, "a new strategy is tried under every fault");
        foreach (var strategy in tried)
        {
            StringAssert.Contains(page, $"| {strategy} | {string.Join(" | ", Faults.Select(_ => "succeeded, new revision serving"))} |", $"docs/reliability.md: the row of {strategy}");
        }

        foreach (var fault in Faults)
        {
            StringAssert.Contains(page, fault.Name.Replace("of calls ", string.Empty, StringComparison.Ordinal), $"docs/reliability.md: the column of {fault.Name}");
        }
    }

    [TestMethod]
    public async Task A_crashing_revision_under_throttling_is_still_rolled_back_and_reported_as_such()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "Rolling");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var log = new RecordingDeploymentLog();

        var report = await DeployThroughAsync(env, input.Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash")), Faults[0], log);

        Assert.AreEqual("ECS3002", report.Failure?.Code, log.Text);
        Assert.AreEqual("rolled-back", report.Result.Status);
        StringAssert.Contains(log.Text, RidingOut);
        StringAssert.EndsWith((await env.ServiceAsync("f-rolling")).TaskDefinition, ":1", "the service is back on its last healthy revision");
    }

    [TestMethod]
    public async Task An_outage_longer_than_EcsTimeoutMinutes_gives_up_with_ECS3011_saying_the_deployment_goes_on_and_how_to_follow_it()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = (await ProjectAsync(env, "Rolling")).Set(EcsProperties.TimeoutMinutes, "1");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var log = new RecordingDeploymentLog();
        var endless = new FaultPlan("endless outage", [new(TimeSpan.FromSeconds(2), e => e.ControlAsync(HttpMethod.Post, "faults", new { dropRate = 1.0 }))]);

        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => DeployThroughAsync(env, input.Set(EcsProperties.StopTimeout, "20"), endless, log));

        var error = failure.Diagnostics.Single();
        Assert.AreEqual("ECS3011", error.Code, log.Text);
        Assert.AreEqual(EcsProperties.TimeoutMinutes, error.Subject);
        StringAssert.Contains(error.Message, "kept failing for ");
        StringAssert.Contains(error.Message, "longer than EcsTimeoutMinutes lets the build wait");
        StringAssert.Contains(error.Message, "The deployment goes on in ECS: follow it with dotnet msbuild -t:EcsStatus");
        StringAssert.Contains(error.Message, $"aws --endpoint-url {env.Endpoint} --region us-east-1 ecs describe-services --cluster f-rolling --services f-rolling", "the command points where the build deployed");
        Assert.AreEqual(1, log.Lines.Count(l => l.Contains(RidingOut, StringComparison.Ordinal)), log.Text);
    }

    [TestMethod]
    public async Task Cancelling_a_deploy_to_a_LocalEcs_that_stops_with_the_build_does_not_claim_the_deployment_goes_on_in_ECS()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "Rolling");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        using var cancel = new CancellationTokenSource();
        var log = new HookedLog("following service deployment", cancel.Cancel);
        var deployer = new Deployer(env.Aws, log, env.Time!) { LocalEcsStopsWithBuild = true };

        var report = await env.WhileTimeRunsAsync(() => deployer.DeployAsync(LocalEcsHarness.Generate(input.Set(EcsProperties.StopTimeout, "25")), null, null, cancel.Token));

        Assert.AreEqual("ECS3007", report.Failure?.Code, log.Text);
        Assert.IsFalse(report.Failure!.Message.Contains("goes on in ECS", StringComparison.Ordinal), report.Failure.Message);
        StringAssert.Contains(report.Failure.Message, "stops with LocalEcs, which was started for the build");
        StringAssert.Contains(report.Failure.Message, $"aws --endpoint-url {env.Endpoint} --region us-east-1 ecs describe-services");
    }

    [TestMethod]
    public async Task An_unexpected_exception_inside_the_engine_becomes_ECS9001_naming_the_step()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "Rolling");
        var log = new HookedLog("following service deployment", () => throw new InvalidOperationException("injected fault"));
        var deployer = new Deployer(env.Aws, log, env.Time!);

        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.WhileTimeRunsAsync(() => deployer.DeployAsync(LocalEcsHarness.Generate(input), null, null, CancellationToken.None)));

        var error = failure.Diagnostics.Single();
        Assert.AreEqual("ECS9001", error.Code);
        StringAssert.Contains(error.Message, "while deploying f-rolling: InvalidOperationException: injected fault");
        StringAssert.Contains(error.Message, "dotnet msbuild -t:EcsStatus");
        Assert.IsInstanceOfType<InvalidOperationException>(failure.InnerException);
    }

    /// <summary>The faults of the table in docs/reliability.md, in its column order; times count from the change (the wait's start).</summary>
    internal static readonly FaultPlan[] Faults =
    [
        new("30% of calls throttled", [new(null, e => e.ControlAsync(HttpMethod.Post, "faults", new { throttleRate = 0.3, seed = 16 }))]),
        new("30 s outage mid-wait", [
            new(TimeSpan.FromSeconds(5), e => e.ControlAsync(HttpMethod.Post, "faults", new { dropRate = 1.0 })),
            new(TimeSpan.FromSeconds(35), e => e.ClearFaultsAsync()),
        ]),
        new("5xx bursts", [
            new(TimeSpan.FromSeconds(2), BurstAsync),
            new(TimeSpan.FromSeconds(20), BurstAsync),
            new(TimeSpan.FromSeconds(60), BurstAsync),
        ]),
    ];

    /// <summary>The calls the polling loops of the strategies make: a burst answers the next 3 of each with a 5xx.</summary>
    private static readonly (string Service, string Operation)[] StatusCalls =
    [
        ("ecs", "DescribeServices"), ("ecs", "ListServiceDeployments"), ("ecs", "DescribeServiceDeployments"), ("ecs", "DescribeTasks"),
        ("ecs", "ListTasks"), ("ecs", "DescribeExpressGatewayService"), ("ecs", "DescribeDaemon"), ("ecs", "DescribeDaemonDeployments"),
        ("ecs", "ListDaemonDeployments"), ("elasticloadbalancing", "DescribeTargetHealth"), ("route53", "GetChange"),
        ("route53", "ListResourceRecordSets"), ("servicediscovery", "GetInstancesHealthStatus"),
    ];

    /// <summary>The calls that start what the build then waits for.</summary>
    private static readonly string[] Changes = ["UpdateService", "CreateService", "CreateExpressGatewayService", "UpdateExpressGatewayService", "CreateDaemon", "UpdateDaemon"];

    private static async Task BurstAsync(LocalEcsHarness env)
    {
        foreach (var (service, operation) in StatusCalls)
        {
            await env.ControlAsync(HttpMethod.Post, "faults", new { service, operation, errorRate = 1.0, count = 3 });
        }
    }

    /// <summary>The project with a change that makes run <paramref name="run"/> deploy a new revision.</summary>
    private static SettingsInput Changed(SettingsInput input, string strategy, int run) => strategy == "Express"
        ? input.Set(EcsProperties.Cpu, run < 3 ? "256" : "512").Set(EcsProperties.Memory, run switch { 1 => "1024", 2 => "2048", _ => "4096" })
        : input.Set(EcsProperties.StopTimeout, (10 + run).ToString(CultureInfo.InvariantCulture));

    /// <summary>A project of <paramref name="strategy"/> ready to deploy on the harness (its own cluster and names).</summary>
    internal static async Task<SettingsInput> ProjectAsync(LocalEcsHarness env, string strategy)
    {
        var name = "f-" + strategy.ToLowerInvariant();
        switch (strategy)
        {
            case "Rolling":
                return (await env.ProjectAsync(name)).Set("EcsDesiredCount", "2");
            case "BlueGreen" or "Canary" or "Linear":
                var wiring = await TrafficWiring.CreateAsync(env.Clients, name);
                var shifted = env.BlueGreen(wiring, name).Set("EcsDeploymentStrategy", strategy).Set("EcsBakeTimeMinutes", "1");
                return strategy == "Linear" ? shifted.Set("EcsLinearStepPercent", "50").Set("EcsLinearStepBakeTimeMinutes", "1") : shifted;
            case "Versioned":
                return VersionedStrategyTests.Versioned(await env.ProjectAsync(name)).Set("EcsDesiredCount", "2");
            case "VersionedBlueGreen":
                var swap = await TrafficWiring.CreateAsync(env.Clients, name);
                return (await env.ProjectAsync(name)).Set("EcsDesiredCount", "2")
                    .Set("EcsDeploymentStrategy", "VersionedBlueGreen")
                    .Set("EcsTargetGroupArn", swap.BlueTargetGroupArn)
                    .Set("EcsAlternateTargetGroupArn", swap.GreenTargetGroupArn)
                    .Set("EcsProductionListenerRuleArn", swap.ProductionRuleArn)
                    .Set("EcsTestListenerRuleArn", swap.TestRuleArn);
            case "Express":
                return await ExpressStrategyTests.ExpressProjectAsync(env, name);
            case "ManagedDaemon":
                return await ManagedDaemonStrategyTests.DaemonProjectAsync(env, name, 2);
            case "DnsBlueGreen":
                return await DnsBlueGreenStrategyTests.ProjectAsync(env, name);
            default:
                throw new ArgumentException($"No project for {strategy}.", nameof(strategy));
        }
    }

    /// <summary>
    /// Deploys <paramref name="input"/> like DeployEcsService does while the simulated clock runs, and clears every fault
    /// afterwards. Steps without a time apply before the deployment; the others count from the change that starts the
    /// wait (the first UpdateService, CreateService, ... of the deployment), so that they hit the wait whatever the load
    /// of the machine makes of the steps before it.
    /// </summary>
    internal static async Task<DeploymentReport> DeployThroughAsync(LocalEcsHarness env, SettingsInput input, FaultPlan plan, IDeploymentLog log)
    {
        var time = env.Time!;
        var definitions = LocalEcsHarness.Generate(input);
        var deployer = new Deployer(env.Aws, log, time);
        var started = time.GetUtcNow();
        var sentBefore = env.Aws.Operations.Count;
        DateTimeOffset? changed = null;
        var pending = new Queue<FaultStep>(plan.Steps.Where(s => s.At is not null).OrderBy(s => s.At));
        try
        {
            foreach (var step in plan.Steps.Where(s => s.At is null))
            {
                await step.Apply(env);
            }

            var running = deployer.DeployAsync(definitions, null, null, CancellationToken.None);
            while (!running.IsCompleted)
            {
                await Task.WhenAny(running, Task.Delay(2));
                if (running.IsCompleted)
                {
                    break;
                }

                changed ??= env.Aws.Operations.Skip(sentBefore).Any(o => Changes.Contains(o)) ? time.GetUtcNow() : null;
                while (changed is { } at && pending.Count > 0 && at + pending.Peek().At <= time.GetUtcNow())
                {
                    await pending.Dequeue().Apply(env);
                }

                Assert.IsTrue(time.GetUtcNow() - started < TimeSpan.FromHours(1), $"{plan.Name}: not finished within an hour of simulated time\n{(log as RecordingDeploymentLog)?.Text}");
                time.Advance(TimeSpan.FromMilliseconds(250));
            }

            return await running;
        }
        finally
        {
            await env.ClearFaultsAsync();
        }
    }

    internal sealed record FaultStep(TimeSpan? At, Func<LocalEcsHarness, Task> Apply);

    internal sealed record FaultPlan(string Name, IReadOnlyList<FaultStep> Steps);
}
