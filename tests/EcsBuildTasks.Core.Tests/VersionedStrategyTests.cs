using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.CloudWatch.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Tag = EcsBuildTasks.Aws.ECS.Model.Tag;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// <c>EcsDeploymentStrategy=Versioned</c> through the engine (<see cref="Deployer"/>) against the in-process LocalEcs on
/// simulated time: versions created next to each other, phases by count and percent with the counts recorded at each
/// phase, rollbacks that give the old versions their counts and auto scaling back, kept and pruned versions, status.
/// </summary>
[TestClass]
public sealed class VersionedStrategyTests
{
    [TestMethod]
    public async Task A_first_deploy_creates_version_1_an_unchanged_one_deploys_nothing_and_EcsStatus_lists_the_versions()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = Versioned(await env.ProjectAsync("web")).Set("EcsDesiredCount", "2");

        var first = await env.DeployAsync(input);

        Assert.IsNull(first.Failure, first.Failure?.Message);
        Assert.AreEqual("succeeded", first.Result.Status);
        Assert.AreEqual("web__1", first.Result.Service);
        Assert.AreEqual((2, 2), await CountsAsync(env, "web", "web__1"));

        var unchanged = await env.DeployAsync(input);

        Assert.IsNull(unchanged.Failure, unchanged.Failure?.Message);
        Assert.AreEqual("up-to-date", unchanged.Result.Status);
        Assert.AreEqual(1, (await ServiceNamesAsync(env, "web")).Count, "no new version");

        Assert.IsNull((await env.DeployAsync(input.Set("EcsMemory", "1024"))).Failure);
        var status = string.Join("\n", await new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!).StatusAsync(LocalEcsHarness.Generate(input), CancellationToken.None));

        StringAssert.Contains(status, "versioned service web in web (Versioned): 2 version(s), web__2 serves");
        StringAssert.Matches(status, new System.Text.RegularExpressions.Regex(@"web__2\s+running 2/2\s+web:2"));
        StringAssert.Matches(status, new System.Text.RegularExpressions.Regex(@"web__1\s+running 0/0\s+web:1"));
    }

    [TestMethod]
    public async Task Phases_by_percent_move_the_counts_as_planned_for_both_resize_strategies()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = Phased(Versioned(await env.ProjectAsync("phased")).Set("EcsDesiredCount", "4"));
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        var newFirst = await env.DeployAsync(input.Set("EcsMemory", "1024"));

        Assert.IsNull(newFirst.Failure, newFirst.Failure?.Message);
        CollectionAssert.AreEqual(
            new[] { "phase quarter: phased__2=1,phased__1=3", "phase half: phased__2=2,phased__1=2", "phase all: phased__2=4,phased__1=0" },
            newFirst.Result.ChangedMembers.Take(3).ToArray());
        Assert.AreEqual((4, 4), await CountsAsync(env, "phased", "phased__2"));
        Assert.AreEqual((0, 0), await CountsAsync(env, "phased", "phased__1"));

        var log = new RecordingDeploymentLog();
        var oldFirst = await env.DeployAsync(input.Set("EcsMemory", "2048").Set("EcsResizeStrategy", "DownsizeOldFirst"), log);

        Assert.IsNull(oldFirst.Failure, oldFirst.Failure?.Message);
        CollectionAssert.AreEqual(
            new[] { "phase quarter: phased__3=1,phased__2=3", "phase half: phased__3=2,phased__2=2", "phase all: phased__3=4,phased__2=0" },
            oldFirst.Result.ChangedMembers.Take(3).ToArray());
        var firstPhase = log.Lines.SkipWhile(l => !l.Contains("phase 1/3", StringComparison.Ordinal)).ToList();
        Assert.IsLessThan(
            firstPhase.FindIndex(l => l.Contains("phased__3 → 1 task(s)", StringComparison.Ordinal)),
            firstPhase.FindIndex(l => l.Contains("phased__2 → 3 task(s)", StringComparison.Ordinal)),
            "DownsizeOldFirst stops old tasks before starting new ones:\n" + log.Text);
    }

    [TestMethod]
    public async Task A_worker_without_a_load_balancer_deploys_in_phases_by_count()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = Versioned(await env.ProjectAsync("worker")).Set("UsingMicrosoftNETSdkWeb", null).Set("EcsDesiredCount", "3")
            .Add(EcsProperties.PhaseItem, "one", ("Count", "1")).Add(EcsProperties.PhaseItem, "rest", ("Count", "3"));
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        var report = await env.DeployAsync(input.Set("EcsMemory", "1024"));

        Assert.IsNull(report.Failure, report.Failure?.Message);
        CollectionAssert.AreEqual(new[] { "phase one: worker__2=1,worker__1=2", "phase rest: worker__2=3,worker__1=0" }, report.Result.ChangedMembers.Take(2).ToArray());
    }

    [TestMethod]
    public async Task A_crash_in_the_second_phase_restores_the_old_counts_and_auto_scaling_exactly()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = Phased(Versioned(await env.ProjectAsync("crashy")).Set("EcsDesiredCount", "4"));
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        await env.Aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = "ecs", ResourceId = "service/crashy/crashy__1", ScalableDimension = "ecs:service:DesiredCount", MinCapacity = 2, MaxCapacity = 8,
        });
        await env.Aws.ApplicationAutoScaling.PutScalingPolicyAsync(new PutScalingPolicyRequest
        {
            PolicyName = "cpu", ServiceNamespace = "ecs", ResourceId = "service/crashy/crashy__1", ScalableDimension = "ecs:service:DesiredCount", PolicyType = "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration = new TargetTrackingScalingPolicyConfiguration
            {
                TargetValue = 60, PredefinedMetricSpecification = new PredefinedMetricSpecification { PredefinedMetricType = "ECSServiceAverageCPUUtilization" },
            },
        });
        var log = new RecordingDeploymentLog();

        // The first phase (1 task) passes on a healthy build... the crash only shows with two tasks: LocalEcs crashes them all,
        // so the failure is in the first phase that starts tasks. Make the first phase start none to fail in the second.
        var crashing = Crashing(Versioned(await env.ProjectAsync("crashy")).Set("EcsDesiredCount", "4").Set("EcsFailFastFailedTasks", "2")
            .Add(EcsProperties.PhaseItem, "none", ("Count", "0")).Add(EcsProperties.PhaseItem, "half", ("Percent", "50")).Add(EcsProperties.PhaseItem, "all", ("Percent", "100")));
        var report = await env.DeployAsync(crashing, log);

        Assert.AreEqual("ECS4140", report.Failure?.Code, log.Text);
        StringAssert.Contains(report.Failure!.Message, "crashy__2 failed at half");
        StringAssert.Contains(report.Failure.Message, "crashy__1 at 4 again");
        StringAssert.Contains(log.Text, "Essential container in task exited");
        Assert.AreEqual((4, 4), await CountsAsync(env, "crashy", "crashy__1"));
        CollectionAssert.DoesNotContain((await ServiceNamesAsync(env, "crashy")).ToList(), "crashy__2", "the failed version is deleted");
        var target = (await env.Aws.ApplicationAutoScaling.DescribeScalableTargetsAsync(new DescribeScalableTargetsRequest { ServiceNamespace = "ecs", ResourceIds = ["service/crashy/crashy__1"] })).ScalableTargets!.Single();
        Assert.AreEqual((2, 8), (target.MinCapacity, target.MaxCapacity));
        var policies = (await env.Aws.ApplicationAutoScaling.DescribeScalingPoliciesAsync(new DescribeScalingPoliciesRequest { ServiceNamespace = "ecs", ResourceId = "service/crashy/crashy__1" })).ScalingPolicies!;
        Assert.AreEqual("cpu", policies.Single().PolicyName);
        Assert.AreEqual(60, policies[0].TargetTrackingScalingPolicyConfiguration!.TargetValue);
    }

    [TestMethod]
    public async Task A_failed_gate_after_a_phase_rolls_back_and_a_passed_deployment_moves_auto_scaling_to_the_new_version()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        const string alarm = "gated-errors";
        await env.Aws.CloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest
        {
            AlarmName = alarm, MetricName = "Errors", Namespace = "App", Statistic = "Sum", Period = 60, EvaluationPeriods = 1, Threshold = 1, ComparisonOperator = "GreaterThanOrEqualToThreshold",
        });
        await env.Aws.CloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = alarm, StateValue = "ALARM", StateReason = "errors after the canary" });
        var input = Versioned(await env.ProjectAsync("gated")).Set("EcsDesiredCount", "2").Set("EcsVerifyIntervalSeconds", "1").Set("EcsVerifySuccesses", "1");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        await env.Aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = "ecs", ResourceId = "service/gated/gated__1", ScalableDimension = "ecs:service:DesiredCount", MinCapacity = 2, MaxCapacity = 6,
        });
        var gated = input.Add(EcsProperties.PhaseItem, "canary", ("Count", "1"), ("VerifyAlarm", alarm)).Add(EcsProperties.PhaseItem, "all", ("Percent", "100"));

        var failed = await env.DeployAsync(gated.Set("EcsMemory", "1024"));

        Assert.AreEqual("ECS4141", failed.Failure?.Code, failed.Failure?.Message);
        Assert.AreEqual(EcsProperties.PhaseItem, failed.Failure!.Subject);
        StringAssert.Contains(failed.Failure.Message, "gated__2 failed at the gate of phase canary");
        Assert.AreEqual("verification-failed", failed.Result.Status);
        Assert.AreEqual((2, 2), await CountsAsync(env, "gated", "gated__1"));

        await env.Aws.CloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = alarm, StateValue = "OK", StateReason = "fixed" });
        var passed = await env.DeployAsync(gated.Set("EcsMemory", "2048"));

        Assert.IsNull(passed.Failure, passed.Failure?.Message);
        Assert.IsTrue(passed.Result.VerificationGates![0].Passed);
        Assert.AreEqual("gated__3", passed.Result.Service, "a failed version's number is not reused while it drains");
        var targets = (await env.Aws.ApplicationAutoScaling.DescribeScalableTargetsAsync(new DescribeScalableTargetsRequest { ServiceNamespace = "ecs" })).ScalableTargets!.Where(t => t.ResourceId!.StartsWith("service/gated/", StringComparison.Ordinal)).ToList();
        Assert.AreEqual("service/gated/gated__3", targets.Single().ResourceId, "auto scaling moved to the new version");
    }

    [TestMethod]
    public async Task Old_versions_beyond_EcsKeepVersions_are_deleted_and_EcsRollback_brings_the_previous_version_back()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = Versioned(await env.ProjectAsync("kept")).Set("EcsDesiredCount", "2").Set("EcsKeepVersions", "1");
        foreach (var memory in new[] { "512", "1024", "2048" })
        {
            var report = await env.DeployAsync(input.Set("EcsMemory", memory));
            Assert.IsNull(report.Failure, report.Failure?.Message);
        }

        var names = await ServiceNamesAsync(env, "kept");
        CollectionAssert.AreEquivalent(new[] { "kept__2", "kept__3" }, names.ToArray(), "kept__1 deleted, one old version kept");

        var log = new RecordingDeploymentLog();
        var deployer = new Deployer(env.Aws, log, env.Time!);
        var rollback = await env.WhileTimeRunsAsync(() => deployer.RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None));

        Assert.IsNull(rollback.Failure, log.Text);
        Assert.AreEqual("rolled-back", rollback.Result.Status);
        Assert.AreEqual((2, 2), await CountsAsync(env, "kept", "kept__2"));
        Assert.AreEqual((0, 0), await CountsAsync(env, "kept", "kept__3"));
    }

    [TestMethod]
    public async Task A_plain_service_is_adopted_as_version_0_and_phased_down()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var plain = (await env.ProjectAsync("adopt")).Set("EcsDesiredCount", "2");
        Assert.IsNull((await env.DeployAsync(plain)).Failure);
        var log = new RecordingDeploymentLog();

        var report = await env.DeployAsync(Versioned(plain).Set("EcsMemory", "1024"), log);

        Assert.IsNull(report.Failure, report.Failure?.Message);
        StringAssert.Contains(log.Text, "adopting the service adopt as version 0");
        Assert.AreEqual("adopt__1", report.Result.Service);
        Assert.AreEqual((2, 2), await CountsAsync(env, "adopt", "adopt__1"), "the target is what ran");
        Assert.AreEqual((0, 0), await CountsAsync(env, "adopt", "adopt"), "the adopted service is kept at 0");
    }

    [TestMethod]
    public async Task A_second_deployment_while_one_is_in_progress_fails_and_EcsRollback_undoes_the_unfinished_one()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = Versioned(await env.ProjectAsync("busy")).Set("EcsDesiredCount", "2");
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        // What a killed build leaves: the next version created and tagged as being deployed, part of the tasks moved.
        await env.Aws.Ecs.CreateServiceAsync(new CreateServiceRequest
        {
            Cluster = "busy", ServiceName = "busy__2", TaskDefinition = (await Describe(env, "busy", "busy__1")).TaskDefinition, DesiredCount = 1, LaunchType = "FARGATE",
            NetworkConfiguration = (await Describe(env, "busy", "busy__1")).NetworkConfiguration,
            Tags = [new Tag { Key = "ecsbuildtasks:versioned-service", Value = "busy" }, new Tag { Key = "ecsbuildtasks:version", Value = "2" }, new Tag { Key = "ecsbuildtasks:state", Value = "deploying" }, new Tag { Key = "ecsbuildtasks:rollback-to", Value = "busy__1=2" }],
        });
        await env.Aws.Ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = "busy", Service = "busy__1", DesiredCount = 1 });

        var second = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.DeployAsync(input.Set("EcsMemory", "1024")));

        Assert.AreEqual("ECS4122", second.Diagnostics[0].Code);
        StringAssert.Contains(second.Diagnostics[0].Message, "busy__2 is being deployed by another build");
        CollectionAssert.DoesNotContain((await ServiceNamesAsync(env, "busy")).ToList(), "busy__3");

        var rollback = await env.WhileTimeRunsAsync(() => new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!).RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None));

        Assert.IsNull(rollback.Failure, rollback.Failure?.Message);
        Assert.AreEqual((2, 2), await CountsAsync(env, "busy", "busy__1"));
        CollectionAssert.DoesNotContain((await ServiceNamesAsync(env, "busy")).ToList(), "busy__2");
    }

    [TestMethod]
    public async Task EcsRollback_without_a_previous_version_says_so()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = Versioned(await env.ProjectAsync("lonely"));
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        var error = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.WhileTimeRunsAsync(() => new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!).RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None)));

        Assert.AreEqual("ECS4143", error.Diagnostics[0].Code);
        StringAssert.Contains(error.Diagnostics[0].Message, "lonely__1 is the only version of lonely");
    }

    [TestMethod]
    public async Task A_version_whose_Cloud_Map_instances_are_unhealthy_is_not_steady_and_the_build_rolls_back()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.PrivateNamespaceAsync("mapped.local");

        // A container health check ECS reports to Cloud Map; the grace period keeps ECS from replacing the unhealthy tasks,
        // so only the Cloud Map health tells that the version does not serve.
        var input = Versioned(await env.ProjectAsync("mapped")).Set("EcsDesiredCount", "2").Set("EcsServiceDiscoveryNamespace", "mapped.local")
            .Set("EcsHealthCheckCommand", "CMD-SHELL;curl -f http://localhost:8080/ || exit 1").Set("EcsHealthCheckIntervalSeconds", "5").Set("EcsHealthCheckRetries", "1")
            .Set("EcsHealthCheckGracePeriodSeconds", "3600").Set("EcsTimeoutMinutes", "3");
        var first = await env.DeployAsync(input);
        Assert.IsNull(first.Failure, first.Failure?.Message);
        var log = new RecordingDeploymentLog();

        var report = await env.DeployAsync(input.Set("EcsMemory", "1024").Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "unhealthy")), log);

        Assert.AreEqual("ECS4140", report.Failure?.Code, report.Failure?.Message + "\n" + log.Text);
        StringAssert.Contains(report.Failure!.Message, "mapped__2 failed at deploy");
        StringAssert.Contains(log.Text, "registered and healthy in Cloud Map service");
        StringAssert.Contains(report.Failure.Message, "mapped__1 at 2 again");
        Assert.AreEqual((2, 2), await CountsAsync(env, "mapped", "mapped__1"));
    }

    [TestMethod]
    public async Task Versions_side_by_side_in_one_Service_Connect_namespace_get_their_own_discovery_names_behind_the_projects_client_alias()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.HttpNamespaceAsync("connect.local");
        var input = Versioned(await env.ProjectAsync("connect")).Set("EcsDesiredCount", "2").Set("EcsServiceConnectNamespace", "connect.local")
            .Add(EcsProperties.ServiceConnectServiceItem, "http").Add(EcsProperties.PhaseItem, "half", ("Percent", "50")).Add(EcsProperties.PhaseItem, "all", ("Percent", "100"));
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        // Both versions run during the half phase: ECS refuses a discovery name that another service of the namespace uses.
        var second = await env.DeployAsync(input.Set("EcsMemory", "1024"));

        Assert.IsNull(second.Failure, second.Failure?.Message);
        foreach (var (name, number) in new[] { ("connect__1", 1), ("connect__2", 2) })
        {
            var endpoint = (await Describe(env, "connect", name)).Deployments!.Single(d => d.Status == "PRIMARY").ServiceConnectConfiguration!.Services!.Single();
            Assert.AreEqual($"http-v{number}", endpoint.DiscoveryName);
            Assert.AreEqual("http", endpoint.ClientAliases!.Single().DnsName, "callers keep the name they resolved before");
            Assert.AreEqual(8080, endpoint.ClientAliases![0].Port);
        }

        var unchanged = await env.DeployAsync(input.Set("EcsMemory", "1024"));

        Assert.AreEqual("up-to-date", unchanged.Result.Status, "the renamed discovery name is not a difference");
    }

    [TestMethod]
    public async Task A_cancelled_build_leaves_the_versions_of_the_last_completed_step_prints_the_recovery_and_EcsRollback_restores_them()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = Phased(Versioned(await env.ProjectAsync("ctrlc")).Set("EcsDesiredCount", "4"));
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        using var cancel = new CancellationTokenSource();

        // Ctrl+C as the second phase starts: the first phase's counts are in place.
        var log = new ObservingLog("phase 2/3", cancel.Cancel);
        await Assert.ThrowsAsync<OperationCanceledException>(() => env.DeployAsync(input.Set("EcsMemory", "1024"), log, cancel.Token));

        StringAssert.Contains(log.Text, "the build was cancelled during the deployment of ctrlc__2");
        StringAssert.Contains(log.Text, "dotnet msbuild -t:EcsRollback   (restores ctrlc__1=4 and deletes ctrlc__2)");
        StringAssert.Contains(log.Text, "ecs update-service --cluster ctrlc --service ctrlc__1 --desired-count 4");
        Assert.AreEqual(3, (await CountsAsync(env, "ctrlc", "ctrlc__1")).Desired, "the first phase's count");
        var left = await Describe(env, "ctrlc", "ctrlc__2");
        Assert.AreEqual("deploying", left.Tags?.Find(t => t.Key == "ecsbuildtasks:state")?.Value ?? (await env.Aws.Ecs.ListTagsForResourceAsync(new ListTagsForResourceRequest { ResourceArn = left.ServiceArn })).Tags!.Find(t => t.Key == "ecsbuildtasks:state")?.Value);

        var rollback = await env.WhileTimeRunsAsync(() => new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!).RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None));

        Assert.IsNull(rollback.Failure, rollback.Failure?.Message);
        Assert.AreEqual((4, 4), await CountsAsync(env, "ctrlc", "ctrlc__1"));
        CollectionAssert.DoesNotContain((await ServiceNamesAsync(env, "ctrlc")).ToList(), "ctrlc__2");
    }

    internal static SettingsInput Versioned(SettingsInput input) => input.Set("EcsDeploymentStrategy", "Versioned");

    private static SettingsInput Phased(SettingsInput input) => input
        .Add(EcsProperties.PhaseItem, "quarter", ("Percent", "25"))
        .Add(EcsProperties.PhaseItem, "half", ("Percent", "50"))
        .Add(EcsProperties.PhaseItem, "all", ("Percent", "100"));

    private static SettingsInput Crashing(SettingsInput input) => input.Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash"));

    private static async Task<EcsBuildTasks.Aws.ECS.Model.Service> Describe(LocalEcsHarness env, string cluster, string name) =>
        (await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [name] })).Services!.Single();

    private static async Task<(int Desired, int Running)> CountsAsync(LocalEcsHarness env, string cluster, string name)
    {
        var service = await Describe(env, cluster, name);
        return (service.DesiredCount ?? -1, service.RunningCount ?? -1);
    }

    /// <summary>The cluster's ACTIVE services.</summary>
    private static async Task<IReadOnlyList<string>> ServiceNamesAsync(LocalEcsHarness env, string cluster)
    {
        var arns = (await env.Aws.Ecs.ListServicesAsync(new ListServicesRequest { Cluster = cluster })).ServiceArns!;
        if (arns.Count == 0)
        {
            return [];
        }

        var services = (await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = arns })).Services!;
        return [.. services.Where(s => s.Status == "ACTIVE").Select(s => s.ServiceName!)];
    }
}
