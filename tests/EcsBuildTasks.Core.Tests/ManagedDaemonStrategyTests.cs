using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// <c>EcsDeploymentStrategy=ManagedDaemon</c> through the engine against the in-process LocalEcs on simulated time:
/// one daemon task per container instance of a Managed Instances capacity provider, instances joining, updates that
/// drain and replace instances provider by provider, ECS's rollback of a crashing revision, the build's rollback and
/// status.
/// </summary>
[TestClass]
public sealed class ManagedDaemonStrategyTests
{
    [TestMethod]
    public async Task A_daemon_runs_on_every_instance_of_its_capacity_provider_follows_a_new_instance_and_an_update_reports_per_provider()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await DaemonProjectAsync(env, "agents", instances: 2);
        var log = new RecordingDeploymentLog();

        var first = await env.DeployAsync(input, log);

        Assert.IsNull(first.Failure, first.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual("succeeded", first.Result.Status);
        Assert.AreEqual("created", first.Result.ServiceChange);
        CollectionAssert.AreEqual(new[] { "agents-workers: 2/2 instance(s) on the new revision" }, first.Result.CapacityProviders!.ToList());
        Assert.AreEqual(2, (await RunningTasksAsync(env, "agents")).Count);

        var unchanged = await env.DeployAsync(input);
        Assert.AreEqual("up-to-date", unchanged.Result.Status, unchanged.Failure?.Message);

        await env.ControlAsync(HttpMethod.Put, "capacity-providers/instances", new { capacityProvider = "agents-workers", count = 3 });
        var three = await env.WhileTimeRunsAsync(async () =>
        {
            while ((await RunningTasksAsync(env, "agents")).Count < 3)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), env.Time!);
            }

            return await RunningTasksAsync(env, "agents");
        });
        Assert.AreEqual(3, three.Count, "the new instance got its daemon task");

        var updateLog = new RecordingDeploymentLog();
        var updated = await env.DeployAsync(input.Set("EcsMemory", "1024"), updateLog);

        Assert.IsNull(updated.Failure, updated.Failure?.Message + "\n" + updateLog.Text);
        Assert.AreEqual("updated", updated.Result.ServiceChange);
        CollectionAssert.Contains(updated.Result.ChangedMembers.ToList(), "daemonTaskDefinitionArn");
        StringAssert.EndsWith(updated.Result.TaskDefinitionArn, "agents:2");
        CollectionAssert.AreEqual(new[] { "agents-workers: 3/3 instance(s) on the new revision" }, updated.Result.CapacityProviders!.ToList());
        StringAssert.Matches(updateLog.Text, new System.Text.RegularExpressions.Regex(@"IN_PROGRESS · agents-workers: [0-2]/3 instance\(s\) on the new revision"), "progress per capacity provider");
        var tasks = await RunningTasksAsync(env, "agents");
        Assert.AreEqual(3, tasks.Count);
        Assert.IsTrue(tasks.All(t => t.TaskDefinitionArn == updated.Result.TaskDefinitionArn), "every instance runs the new revision");
    }

    [TestMethod]
    public async Task A_crashing_daemon_revision_fails_the_build_with_its_evidence_and_EcsRollback_and_EcsStatus_work()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await DaemonProjectAsync(env, "shipper", instances: 2);

        var (first, crash, _) = await env.DeployThenCrashAsync(input, "shipper:2");

        StringAssert.Contains(crash.Failure!.Message, "run shipper:1 again");
        Assert.IsTrue((await RunningTasksAsync(env, "shipper")).All(t => t.TaskDefinitionArn == first.Result.TaskDefinitionArn), "the instances run the last good revision");

        Assert.IsNull((await env.DeployAsync(input.Set("EcsMemory", "1024"))).Failure);
        var rollbackLog = new RecordingDeploymentLog();
        var deployer = new Deployer(env.Aws, rollbackLog, env.Time!);
        var definitions = LocalEcsHarness.Generate(input);
        var rollback = await env.WhileTimeRunsAsync(() => deployer.RollbackAsync(definitions, CancellationToken.None));
        var status = string.Join("\n", await deployer.StatusAsync(definitions, CancellationToken.None));

        Assert.IsNull(rollback.Failure, rollback.Failure?.Message + "\n" + rollbackLog.Text);
        Assert.AreEqual("rolled-back", rollback.Result.Status);
        StringAssert.Contains(rollbackLog.Text, "rolling managed daemon shipper back from shipper:3 to shipper:1");
        StringAssert.Contains(status, "managed daemon shipper in shipper: ACTIVE");
        StringAssert.Contains(status, "Task definition shipper:1");
        StringAssert.Contains(status, "shipper-workers: 2 task(s)");
    }

    [TestMethod]
    public async Task A_capacity_provider_that_is_missing_or_not_Managed_Instances_is_reported_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = (await DaemonProjectAsync(env, "probe", instances: 1)).Add(EcsProperties.CapacityProviderItem, "ghost");

        var problems = await env.PreflightAsync(input);

        var problem = problems.Single(p => p.Code == "ECS6023");
        Assert.AreEqual($"{EcsProperties.CapacityProviderItem} 'ghost'", problem.Subject);
        StringAssert.Contains(problem.Message, "no capacity provider of that name");
    }

    [TestMethod]
    public async Task A_daemon_of_that_name_being_deleted_is_reported_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await DaemonProjectAsync(env, "leaving", instances: 1);
        var deployed = await env.DeployAsync(input);
        Assert.IsNull(deployed.Failure, deployed.Failure?.Message);
        await env.Aws.Ecs.DeleteDaemonAsync(new DeleteDaemonRequest { DaemonArn = deployed.Result.ServiceArn });

        var problems = await env.PreflightAsync(input);

        var problem = problems.Single(p => p.Code == "ECS6025");
        Assert.AreEqual(EcsProperties.ServiceName, problem.Subject);
        StringAssert.Contains(problem.Message, "is being deleted");
    }

    [TestMethod]
    public async Task An_unchanged_redeploy_starts_no_daemon_deployment_even_after_a_rollback_to_the_revision_the_project_describes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await DaemonProjectAsync(env, "steady", instances: 2);
        var first = await env.DeployAsync(input);
        Assert.IsNull(first.Failure, first.Failure?.Message);
        var deployments = await DaemonDeploymentsAsync(env, first.Result.ServiceArn!);

        var unchanged = await env.DeployAsync(input);

        Assert.AreEqual("up-to-date", unchanged.Result.Status, unchanged.Failure?.Message);
        Assert.IsFalse(unchanged.Result.TaskDefinitionRegistered);
        Assert.AreEqual(deployments, await DaemonDeploymentsAsync(env, first.Result.ServiceArn!), "no UpdateDaemon, no daemon deployment");

        Assert.IsNull((await env.DeployAsync(input.Copy().Set("EcsMemory", "1024"))).Failure);
        var rollback = await env.WhileTimeRunsAsync(() => new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!).RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None));
        Assert.AreEqual("rolled-back", rollback.Result.Status, rollback.Failure?.Message);
        deployments = await DaemonDeploymentsAsync(env, first.Result.ServiceArn!);
        var log = new RecordingDeploymentLog();

        // The project describes steady:1 again, which the daemon runs; the family's latest revision is steady:2.
        var back = await env.DeployAsync(input, log);

        Assert.AreEqual("up-to-date", back.Result.Status, back.Failure?.Message + "\n" + log.Text);
        StringAssert.EndsWith(back.Result.TaskDefinitionArn, "steady:1");
        Assert.IsFalse(back.Result.TaskDefinitionRegistered, "the revision the daemon runs is reused, not registered again");
        StringAssert.Contains(log.Text, "steady:1 (the one the daemon runs) is unchanged");
        Assert.AreEqual(deployments, await DaemonDeploymentsAsync(env, first.Result.ServiceArn!));
    }

    [TestMethod]
    public async Task A_daemon_deployment_that_outlives_EcsTimeoutMinutes_is_rolled_back_by_the_build()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = (await DaemonProjectAsync(env, "sluggish", instances: 2)).Set(EcsProperties.TimeoutMinutes, "5");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var log = new RecordingDeploymentLog();

        // A container health check keeps the slow starter's daemon tasks from becoming healthy for hours of simulated time.
        var slow = await env.DeployAsync(input.Copy()
            .Set("EcsHealthCheckCommand", "CMD-SHELL;test -f /tmp/ready || exit 1")
            .Set("EcsHealthCheckIntervalSeconds", "300")
            .Set("EcsHealthCheckRetries", "10")
            .Set("EcsHealthCheckStartPeriodSeconds", "300")
            .Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "slow-start:36000")), log);

        Assert.AreEqual("ECS3004", slow.Failure?.Code, slow.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual("timed-out", slow.Result.Status);
        StringAssert.Contains(slow.Failure!.Message, "the build rolled managed daemon sluggish back to sluggish:1");
        StringAssert.EndsWith(slow.Result.RunningTaskDefinitionArn, "sluggish:1");
        var tasks = await RunningTasksAsync(env, "sluggish");
        Assert.AreEqual(2, tasks.Count, log.Text);
        Assert.IsTrue(tasks.All(t => t.TaskDefinitionArn!.EndsWith("sluggish:1", StringComparison.Ordinal)), "every instance runs the last good revision");
    }

    [TestMethod]
    public async Task Fail_fast_rolls_the_daemon_back_after_the_given_number_of_failed_tasks()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await DaemonProjectAsync(env, "brittle", instances: 2);
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var log = new RecordingDeploymentLog();

        var crash = await env.DeployAsync(TestInputs.Crashing(input).Set(EcsProperties.FailFastFailedTasks, "1"), log);

        Assert.AreEqual("ECS3005", crash.Failure?.Code, crash.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual("failed-fast", crash.Result.Status);
        StringAssert.Contains(crash.Failure!.Message, "the build rolled managed daemon brittle back to brittle:1");
        var tasks = await RunningTasksAsync(env, "brittle");
        Assert.AreEqual(2, tasks.Count, log.Text);
        Assert.IsTrue(tasks.All(t => t.TaskDefinitionArn!.EndsWith("brittle:1", StringComparison.Ordinal)), "every instance runs the last good revision");
    }

    /// <summary>
    /// A worker (no port) deployed as a managed daemon on a new Managed Instances capacity provider
    /// <c>&lt;name&gt;-workers</c> with <paramref name="instances"/> container instances, in a cluster of its own.
    /// </summary>
    internal static async Task<SettingsInput> DaemonProjectAsync(LocalEcsHarness env, string name, int instances)
    {
        await env.Aws.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = name });
        await env.Aws.Ecs.CreateCapacityProviderAsync(new CreateCapacityProviderRequest
        {
            Name = $"{name}-workers",
            Cluster = name,
            ManagedInstancesProvider = new CreateManagedInstancesProviderConfiguration
            {
                InfrastructureRoleArn = ExpressStrategyTests.InfrastructureRole,
                InstanceLaunchTemplate = new InstanceLaunchTemplate
                {
                    Ec2InstanceProfileArn = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole",
                    NetworkConfiguration = new ManagedInstancesNetworkConfiguration { Subnets = [.. env.Subnets] },
                },
            },
        });
        await env.ControlAsync(HttpMethod.Put, "capacity-providers/instances", new { capacityProvider = $"{name}-workers", count = instances });
        return env.Project(name)
            .Set("UsingMicrosoftNETSdkWeb", null)
            .Set("EcsSubnets", null)
            .Set("EcsSecurityGroups", null)
            .Set(EcsProperties.DeploymentStrategy, "ManagedDaemon")
            .Set(EcsProperties.DaemonDrainPercent, "50")
            .Set(EcsProperties.TimeoutMinutes, "30")
            .Add(EcsProperties.CapacityProviderItem, $"{name}-workers");
    }

    private static async Task<int> DaemonDeploymentsAsync(LocalEcsHarness env, string daemonArn) =>
        (await env.Aws.Ecs.ListDaemonDeploymentsAsync(new ListDaemonDeploymentsRequest { DaemonArn = daemonArn })).DaemonDeployments!.Count;

    private static async Task<List<EcsBuildTasks.Aws.ECS.Model.Task>> RunningTasksAsync(LocalEcsHarness env, string name)
    {
        var listed = await env.Aws.Ecs.ListTasksAsync(new ListTasksRequest { Cluster = name, DaemonName = name, DesiredStatus = "RUNNING" });
        if (listed.TaskArns is not { Count: > 0 } arns)
        {
            return [];
        }

        var described = await env.Aws.Ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = name, Tasks = arns });
        return [.. described.Tasks!.Where(t => t.LastStatus == "RUNNING")];
    }
}
