using System.Net.Http.Json;
using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.CloudWatch.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// The Rolling strategy end to end through the engine (<see cref="Deployer"/>: registration, the service change, the
/// watch, the build's rollback, the report), against an in-process LocalEcs on simulated time that the engine shares:
/// health checks, circuit breakers and timeouts of simulated minutes take a second. The MSBuild wiring of the same
/// paths is covered by one end-to-end publish each (DeployTests).
/// </summary>
[TestClass]
public sealed class RollingStrategyTests
{
    [TestMethod]
    public async Task A_first_deploy_creates_the_service_an_unchanged_one_deploys_nothing_and_a_change_deploys_a_new_revision()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = (await env.ProjectAsync("rolling")).Set("EcsDesiredCount", "2");

        var first = await env.DeployAsync(input);

        Assert.IsNull(first.Failure, first.Failure?.Message);
        Assert.AreEqual("succeeded", first.Result.Status);
        Assert.AreEqual("created", first.Result.ServiceChange);
        Assert.IsTrue(first.Result.TaskDefinitionRegistered);
        StringAssert.EndsWith(first.Result.TaskDefinitionArn, "task-definition/rolling:1");
        var service = await env.ServiceAsync("rolling");
        Assert.AreEqual(2, service.RunningCount);
        Assert.AreEqual(first.Result.TaskDefinitionArn, service.TaskDefinition);
        var deployments = await DeploymentsAsync(env, "rolling");

        var unchanged = await env.DeployAsync(input);

        Assert.AreEqual("up-to-date", unchanged.Result.Status);
        Assert.AreEqual("unchanged", unchanged.Result.ServiceChange);
        Assert.IsFalse(unchanged.Result.TaskDefinitionRegistered);
        Assert.AreEqual(deployments, await DeploymentsAsync(env, "rolling"), "no UpdateService, no deployment");

        var changed = await env.DeployAsync(input.Set("EcsMemory", "1024"));

        Assert.IsNull(changed.Failure, changed.Failure?.Message);
        Assert.AreEqual("succeeded", changed.Result.Status);
        Assert.AreEqual("updated", changed.Result.ServiceChange);
        StringAssert.EndsWith(changed.Result.TaskDefinitionArn, "task-definition/rolling:2");
        Assert.AreEqual(changed.Result.TaskDefinitionArn, (await env.ServiceAsync("rolling")).TaskDefinition);
    }

    [TestMethod]
    public async Task A_crashing_revision_is_rolled_back_by_the_circuit_breaker_with_the_stopped_tasks_evidence()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await env.ProjectAsync("crash");
        await DeployedAsync(env, input);
        var log = new RecordingDeploymentLog();

        var crash = await env.DeployAsync(TestInputs.Crashing(input), log);

        Assert.AreEqual("ECS3002", crash.Failure?.Code, log.Text);
        StringAssert.Contains(crash.Failure!.Message, "it runs crash:1 again");
        Assert.AreEqual("rolled-back", crash.Result.Status);
        StringAssert.Contains(log.Text, "why the deployment of crash:2 failed:");
        StringAssert.Contains(log.Text, "Essential container in task exited");
        StringAssert.Contains(log.Text, "exit code 1");
        StringAssert.Contains(log.Text, "Last log lines");
        var service = await env.ServiceAsync("crash");
        StringAssert.EndsWith(service.TaskDefinition, "crash:1", "the service is back on its last healthy revision");
        Assert.AreEqual(service.DesiredCount, service.RunningCount);
    }

    [TestMethod]
    public async Task An_alarm_in_ALARM_rolls_the_deployment_back()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var alarm = "alarmed-5xx";
        await env.Aws.CloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest
        {
            AlarmName = alarm, MetricName = "HTTPCode_Target_5XX_Count", Namespace = "AWS/ApplicationELB", Statistic = "Sum",
            Period = 60, EvaluationPeriods = 1, Threshold = 1, ComparisonOperator = "GreaterThanOrEqualToThreshold",
        });
        await env.Aws.CloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = alarm, StateValue = "OK", StateReason = "test" });
        var input = (await env.ProjectAsync("alarmed")).Add(EcsProperties.AlarmItem, alarm);
        await DeployedAsync(env, input);
        await env.Aws.CloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = alarm, StateValue = "ALARM", StateReason = "5xx errors above threshold" });

        var rolledBack = await env.DeployAsync(input.Set("EcsMemory", "1024"));

        Assert.AreEqual("ECS3002", rolledBack.Failure?.Code);
        Assert.AreEqual("rolled-back", rolledBack.Result.Status);
        StringAssert.EndsWith((await env.ServiceAsync("alarmed")).TaskDefinition, "alarmed:1");
    }

    [TestMethod]
    public async Task A_deployment_that_outlives_EcsTimeoutMinutes_is_rolled_back_by_the_build()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = (await env.ProjectAsync("slow")).Set("EcsTimeoutMinutes", "1");
        await DeployedAsync(env, input);
        var log = new RecordingDeploymentLog();

        // A container health check keeps the slow starter's tasks from becoming healthy for hours of simulated time.
        var slow = await env.DeployAsync(SlowStarting(input), log);

        Assert.AreEqual("ECS3004", slow.Failure?.Code, log.Text);
        Assert.AreEqual("timed-out", slow.Result.Status);
        StringAssert.Contains(log.Text, "the deployment did not finish within 1 minutes (EcsTimeoutMinutes): rolling back");
        StringAssert.Contains(slow.Failure!.Message, "the build rolled it back and the service slow runs slow:1");
        StringAssert.EndsWith((await env.ServiceAsync("slow")).TaskDefinition, "slow:1");
    }

    [TestMethod]
    public async Task Fail_fast_stops_and_rolls_back_after_the_given_number_of_failed_tasks()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();

        // A circuit breaker that would wait for 50 failures: EcsFailFastFailedTasks=2 decides first.
        var input = (await env.ProjectAsync("fragile")).Set("EcsCircuitBreakerThreshold", "COUNT:50");
        await DeployedAsync(env, input);
        var log = new RecordingDeploymentLog();

        var crash = await env.DeployAsync(TestInputs.Crashing(input).Set("EcsFailFastFailedTasks", "2"), log);

        Assert.AreEqual("ECS3005", crash.Failure?.Code, log.Text);
        Assert.AreEqual("failed-fast", crash.Result.Status);
        StringAssert.Contains(log.Text, "(EcsFailFastFailedTasks=2): stopping the deployment and rolling back");
        StringAssert.Contains(crash.Failure!.Message, "runs fragile:1");
        StringAssert.EndsWith((await env.ServiceAsync("fragile")).TaskDefinition, "fragile:1");
    }

    [TestMethod]
    public async Task EcsRollback_deploys_the_previous_revision_through_the_strategy_and_EcsStatus_shows_it()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await env.ProjectAsync("revert");
        await DeployedAsync(env, input);
        await DeployedAsync(env, input.Set("EcsMemory", "1024"));
        var log = new RecordingDeploymentLog();
        var deployer = new Deployer(env.Aws, log, env.Time!);
        var definitions = LocalEcsHarness.Generate(input);

        var rollback = await env.WhileTimeRunsAsync(() => deployer.RollbackAsync(definitions, CancellationToken.None));
        var status = await deployer.StatusAsync(definitions, CancellationToken.None);

        Assert.IsNull(rollback.Failure, log.Text);
        Assert.AreEqual("rolled-back", rollback.Result.Status);
        StringAssert.Contains(log.Text, "rolling revert back from revert:2 to revert:1");
        StringAssert.EndsWith((await env.ServiceAsync("revert")).TaskDefinition, "revert:1");
        StringAssert.Contains(string.Join("\n", status), "service revert in revert: ACTIVE");
        StringAssert.Contains(string.Join("\n", status), "Task definition revert:1");
    }

    [TestMethod]
    public async Task A_daemon_service_runs_one_task_per_container_instance()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = (await env.ProjectAsync("agent"))
            .Set("EcsLaunchType", "EC2").Set("EcsSchedulingStrategy", "DAEMON").Set("EcsCpu", null).Set("EcsMemory", null).Set("EcsContainerMemory", "256")
            .Set("EcsSubnets", null).Set("EcsSecurityGroups", null);

        var deployed = await env.DeployAsync(input);

        Assert.IsNull(deployed.Failure, deployed.Failure?.Message);
        var instances = await env.Aws.Ecs.ListContainerInstancesAsync(new ListContainerInstancesRequest { Cluster = "agent" });
        var service = await env.ServiceAsync("agent");
        Assert.AreEqual("DAEMON", service.SchedulingStrategy!.Value);
        Assert.IsTrue(instances.ContainerInstanceArns!.Count > 0);
        Assert.AreEqual(instances.ContainerInstanceArns.Count, service.RunningCount);
    }

    [TestMethod]
    public async Task A_desired_count_chosen_by_auto_scaling_survives_a_deployment()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await env.ProjectAsync("scaled");
        await DeployedAsync(env, input);
        await env.Aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = "ecs", ResourceId = "service/scaled/scaled", ScalableDimension = "ecs:service:DesiredCount", MinCapacity = 1, MaxCapacity = 5,
        });
        await env.ControlAsync(HttpMethod.Post, "autoscaling/desired-count", new { cluster = "scaled", service = "scaled", desiredCount = 3 });

        var deployed = await env.DeployAsync(input.Set("EcsMemory", "1024"));

        Assert.IsNull(deployed.Failure, deployed.Failure?.Message);
        var service = await env.ServiceAsync("scaled");
        Assert.AreEqual(3, service.DesiredCount, "the deployment did not reset the desired count auto scaling chose");
        Assert.AreEqual(3, service.RunningCount);
        StringAssert.EndsWith(service.TaskDefinition, ":2");
    }

    private static async Task DeployedAsync(LocalEcsHarness env, SettingsInput input)
    {
        var report = await env.DeployAsync(input);
        Assert.IsNull(report.Failure, report.Failure?.Message);
        Assert.IsTrue(report.Result.Succeeded, report.Result.Status);
    }

    /// <summary>The same project, whose tasks take hours to start and have a health check that waits for them.</summary>
    private static SettingsInput SlowStarting(SettingsInput input) => input.Copy()
        .Set("EcsHealthCheckCommand", "CMD-SHELL;curl -f http://localhost:8080/ || exit 1")
        .Set("EcsHealthCheckIntervalSeconds", "300")
        .Set("EcsHealthCheckRetries", "10")
        .Set("EcsHealthCheckStartPeriodSeconds", "300")
        .Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "slow-start:36000"));

    private static async Task<int> DeploymentsAsync(LocalEcsHarness env, string name) =>
        (await env.Aws.Ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = name, Service = name })).ServiceDeployments!.Count;
}
