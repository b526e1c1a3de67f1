using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Tests.Features;
using KeyValuePair = EcsBuildTasks.Aws.ECS.Model.KeyValuePair;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Release;

/// <summary>
/// Two deployments of one service at once (issue 14, item 4), through the engine against the in-process LocalEcs on
/// simulated time: a build waits for a deployment in flight (or fails with EcsConcurrentDeployment=Fail) before it
/// changes the service, never reports another build's deployment as its own, says "superseded" when a newer deployment
/// stopped its own, and says "up to date" only when the live service runs exactly its revision.
/// </summary>
[TestClass]
public sealed class ConcurrentDeploymentTests
{
    private const string CommitOfA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

    [TestMethod]
    public async Task A_build_waits_for_another_builds_deployment_then_deploys_its_own_revision_and_each_reports_its_own()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await DeployedAsync(env, await env.ProjectAsync("race"));
        var logOfB = new RecordingDeploymentLog();
        var deployerB = new Deployer(env.Aws, logOfB, env.Time!);
        Task<DeploymentReport>? b = null;
        var logOfA = new HookedLog("updated service race", () => b = deployerB.DeployAsync(LocalEcsHarness.Generate(env.Project("race").Set("EcsMemory", "2048")), null, null, CancellationToken.None));
        var deployerA = new Deployer(env.Aws, logOfA, env.Time!);

        var (a, reportOfB) = await env.WhileTimeRunsAsync(async () =>
        {
            var reportOfA = await deployerA.DeployAsync(LocalEcsHarness.Generate(env.Project("race").Set("EcsMemory", "1024")), CommitOfA, null, CancellationToken.None);
            return (reportOfA, await b!);
        });

        Assert.IsNull(a.Failure, logOfA.Text);
        Assert.AreEqual("succeeded", a.Result.Status);
        StringAssert.EndsWith(a.Result.TaskDefinitionArn, "race:2");
        StringAssert.EndsWith(a.Result.RunningTaskDefinitionArn, "race:2", "A reports its own deployment, not B's");
        Assert.IsNull(reportOfB.Failure, logOfB.Text);
        Assert.AreEqual("succeeded", reportOfB.Result.Status);
        StringAssert.EndsWith(reportOfB.Result.TaskDefinitionArn, "race:3");
        Assert.AreNotEqual(a.Result.ServiceDeploymentArn, reportOfB.Result.ServiceDeploymentArn);
        StringAssert.Contains(logOfB.Text, "waiting for the deployment of race:2 in flight on the service race in cluster race");
        StringAssert.Contains(logOfB.Text, "a build of commit a1b2c3d4e5f6");
        Assert.IsTrue(logOfB.Text.IndexOf("waiting for", StringComparison.Ordinal) < logOfB.Text.IndexOf("updated service race", StringComparison.Ordinal), "B changed the service only after A's deployment finished");
        StringAssert.EndsWith((await env.ServiceAsync("race")).TaskDefinition, "race:3");
    }

    [TestMethod]
    public async Task A_build_of_the_same_revision_waits_and_then_finds_the_service_up_to_date_only_once_it_runs_it()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await DeployedAsync(env, await env.ProjectAsync("twin"));
        var logOfB = new RecordingDeploymentLog();
        var deployerB = new Deployer(env.Aws, logOfB, env.Time!);
        Task<DeploymentReport>? b = null;
        var logOfA = new HookedLog("updated service twin", () => b = deployerB.DeployAsync(LocalEcsHarness.Generate(env.Project("twin").Set("EcsMemory", "1024")), null, null, CancellationToken.None));

        var (a, reportOfB) = await env.WhileTimeRunsAsync(async () =>
        {
            var reportOfA = await new Deployer(env.Aws, logOfA, env.Time!).DeployAsync(LocalEcsHarness.Generate(env.Project("twin").Set("EcsMemory", "1024")), null, null, CancellationToken.None);
            return (reportOfA, await b!);
        });

        Assert.AreEqual("succeeded", a.Result.Status, logOfA.Text);
        Assert.IsNull(reportOfB.Failure, logOfB.Text);
        StringAssert.Contains(logOfB.Text, "waiting for the deployment of twin:2");
        Assert.AreEqual("up-to-date", reportOfB.Result.Status, "B's revision is what the service runs once A's deployment succeeded");
        StringAssert.EndsWith(reportOfB.Result.RunningTaskDefinitionArn, "twin:2");
        Assert.AreEqual(2, await DeploymentsAsync(env, "twin"), "B started no deployment of its own");
    }

    [TestMethod]
    public async Task EcsConcurrentDeployment_Fail_stops_the_build_before_it_changes_anything()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await DeployedAsync(env, await env.ProjectAsync("busy"));
        var theirs = await SomeoneElseDeploysAsync(env, "busy", slow: true);

        var error = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.DeployAsync(env.Project("busy").Set("EcsMemory", "2048").Set("EcsConcurrentDeployment", "Fail")));

        var diagnostic = error.Diagnostics.Single();
        Assert.AreEqual("ECS7000", diagnostic.Code);
        Assert.AreEqual("EcsConcurrentDeployment", diagnostic.Subject);
        StringAssert.Contains(diagnostic.Message, "the deployment of busy:2 in flight on the service busy in cluster busy");
        StringAssert.Contains(diagnostic.Message, "not registered by EcsBuildTasks");
        StringAssert.Contains(diagnostic.Message, "This build changed nothing");
        StringAssert.Contains(diagnostic.Message, $"aws --endpoint-url {env.Endpoint} --region us-east-1 ecs describe-service-deployments --service-deployment-arns arn:");
        Assert.AreEqual(theirs, (await env.ServiceAsync("busy")).TaskDefinition, "the service still deploys the other revision");
        var families = await env.Aws.Ecs.ListTaskDefinitionsAsync(new ListTaskDefinitionsRequest { FamilyPrefix = "busy" });
        Assert.AreEqual(2, families.TaskDefinitionArns!.Count, "the build registered nothing");
    }

    [TestMethod]
    public async Task A_deployment_in_flight_longer_than_EcsTimeoutMinutes_fails_the_waiting_build_with_nothing_changed()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await DeployedAsync(env, await env.ProjectAsync("stuck"));
        var theirs = await SomeoneElseDeploysAsync(env, "stuck", slow: true);
        var log = new RecordingDeploymentLog();

        var error = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.DeployAsync(env.Project("stuck").Set("EcsMemory", "2048").Set("EcsTimeoutMinutes", "1"), log));

        Assert.AreEqual("ECS7001", error.Diagnostics.Single().Code);
        StringAssert.Contains(error.Diagnostics.Single().Message, "still going on after 1 minutes");
        StringAssert.Contains(log.Text, "EcsConcurrentDeployment=Wait, at most 1 minutes");
        Assert.AreEqual(theirs, (await env.ServiceAsync("stuck")).TaskDefinition);
    }

    [TestMethod]
    public async Task A_deployment_a_newer_one_stops_is_reported_superseded_not_failed_or_rolled_back()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await DeployedAsync(env, await env.ProjectAsync("overtaken"));
        string? theirs = null;
        var log = new HookedLog("following service deployment", () => theirs = SomeoneElseDeploysAsync(env, "overtaken", slow: false).GetAwaiter().GetResult());

        var report = await env.DeployAsync(SlowStarting(env.Project("overtaken")), log);

        Assert.AreEqual("superseded", report.Result.Status, log.Text);
        Assert.AreEqual("ECS7002", report.Failure?.Code);
        StringAssert.Contains(report.Failure!.Message, "was superseded by a newer deployment");
        StringAssert.Contains(report.Failure.Message, "overtaken:2 did not fail");
        Assert.IsNotNull(report.Result.SupersededBy);
        Assert.AreNotEqual(report.Result.ServiceDeploymentArn, report.Result.SupersededBy);
        StringAssert.Contains(log.Text, "superseded by a newer one");
        Assert.IsFalse(log.Text.Contains("why the deployment of", StringComparison.Ordinal), "no failure evidence: the revision did not fail");
        Assert.AreEqual(theirs, (await env.ServiceAsync("overtaken")).TaskDefinition);
        StringAssert.Contains(string.Join("\n", report.Result.SummaryLines()), "SUPERSEDED by a newer deployment");
    }

    [TestMethod]
    public async Task A_service_set_to_the_revision_whose_deployment_failed_is_deployed_again_not_reported_up_to_date()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await DeployedAsync(env, await env.ProjectAsync("broken"));

        // Without rollback the circuit breaker leaves the service set to the failed revision.
        var crashing = Crashing(env.Project("broken")).Set("EcsCircuitBreakerRollback", "false");
        var failed = await env.DeployAsync(crashing);
        Assert.AreNotEqual("succeeded", failed.Result.Status);
        StringAssert.EndsWith((await env.ServiceAsync("broken")).TaskDefinition, "broken:2");
        var log = new RecordingDeploymentLog();

        var again = await env.DeployAsync(Crashing(env.Project("broken")).Set("EcsCircuitBreakerRollback", "false"), log);

        Assert.AreNotEqual("up-to-date", again.Result.Status, log.Text);
        StringAssert.Contains(log.Text, "service broken is set to broken:2 but does not run it");
        Assert.IsNotNull(again.Failure, "the revision still crashes: the build fails truthfully");
    }

    [TestMethod]
    public async Task EcsForceNewDeployment_starts_a_new_deployment_of_an_unchanged_revision_and_says_so()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await DeployedAsync(env, await env.ProjectAsync("rotated"));
        var log = new RecordingDeploymentLog();

        var forced = await env.DeployAsync(env.Project("rotated").Set("EcsForceNewDeployment", "true"), log);

        Assert.IsNull(forced.Failure, log.Text);
        Assert.AreEqual("succeeded", forced.Result.Status);
        Assert.IsFalse(forced.Result.TaskDefinitionRegistered);
        StringAssert.EndsWith(forced.Result.RunningTaskDefinitionArn, "rotated:1");
        StringAssert.Contains(log.Text, "nothing changed, but EcsForceNewDeployment=true: starting a new deployment of rotated:1");
        Assert.AreEqual(2, await DeploymentsAsync(env, "rotated"));
        Assert.AreEqual("up-to-date", (await env.DeployAsync(env.Project("rotated"))).Result.Status, "without it the same project deploys nothing");
    }

    [TestMethod]
    public void EcsConcurrentDeployment_takes_Wait_or_Fail()
    {
        TestInputs.AssertRejected(TestInputs.ValidFargate().Set("EcsConcurrentDeployment", "Queue"), "an unknown policy", "ECS0003", "EcsConcurrentDeployment");
    }

    /// <summary>A deployment started outside any build (a person in the console): a new revision and UpdateService; returns its task definition ARN.</summary>
    [TestMethod]
    public void A_successful_deployment_is_ours_while_its_revision_is_primary_or_until_a_deployment_started_after_it_finished()
    {
        // The waiting build of the first test may update the service between this build's two describes (service,
        // then service deployment): the newer primary was created after ours finished, so ours still served.
        const string ours = "arn:aws:ecs:us-east-1:123456789012:task-definition/race:2";
        var finished = new DateTime(2026, 12, 4, 12, 0, 39, DateTimeKind.Utc);
        var deployment = new ServiceDeployment { Status = EcsBuildTasks.Aws.ECS.ServiceDeploymentStatus.SUCCESSFUL, FinishedAt = finished };
        static EcsBuildTasks.Aws.ECS.Model.Service Primary(string revision, DateTime created) =>
            new() { Deployments = [new Deployment { Status = "PRIMARY", TaskDefinition = revision, CreatedAt = created }] };

        Assert.IsTrue(ServiceDeploymentWatch.ServedOurRevision(deployment, Primary(ours, finished.AddMinutes(-1)), ours));
        Assert.IsTrue(ServiceDeploymentWatch.ServedOurRevision(deployment, Primary("arn:aws:ecs:us-east-1:123456789012:task-definition/race:3", finished.AddSeconds(1)), ours), "replaced after it finished");
        Assert.IsFalse(ServiceDeploymentWatch.ServedOurRevision(deployment, Primary("arn:aws:ecs:us-east-1:123456789012:task-definition/race:3", finished.AddSeconds(-5)), ours), "another revision was primary while ours ran: not ours that serves");
    }

    private static async Task<string> SomeoneElseDeploysAsync(LocalEcsHarness env, string name, bool slow)
    {
        var current = (await env.Aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = name })).TaskDefinition!;
        var container = current.ContainerDefinitions![0];
        container.Environment = slow ? [new KeyValuePair { Name = "LOCALECS_SIMULATE", Value = "slow-start:36000" }] : [new KeyValuePair { Name = "DEPLOYED_BY", Value = "console" }];
        if (slow)
        {
            container.HealthCheck = new HealthCheck { Command = ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"], Interval = 300, Retries = 10, StartPeriod = 300 };
        }

        var registered = await env.Aws.Ecs.RegisterTaskDefinitionAsync(new RegisterTaskDefinitionRequest
        {
            Family = name, ContainerDefinitions = [container], Cpu = current.Cpu, Memory = current.Memory, NetworkMode = current.NetworkMode,
            RequiresCompatibilities = current.RequiresCompatibilities, ExecutionRoleArn = current.ExecutionRoleArn,
        });
        var arn = registered.TaskDefinition!.TaskDefinitionArn!;
        await env.Aws.Ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = name, Service = name, TaskDefinition = arn });
        return arn;
    }

    private static async Task DeployedAsync(LocalEcsHarness env, SettingsInput input)
    {
        var report = await env.DeployAsync(input);
        Assert.IsNull(report.Failure, report.Failure?.Message);
        Assert.IsTrue(report.Result.Succeeded, report.Result.Status);
    }

    private static SettingsInput Crashing(SettingsInput input) => input.Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash"));

    private static SettingsInput SlowStarting(SettingsInput input) => input
        .Set("EcsHealthCheckCommand", "CMD-SHELL;curl -f http://localhost:8080/ || exit 1")
        .Set("EcsHealthCheckIntervalSeconds", "300")
        .Set("EcsHealthCheckRetries", "10")
        .Set("EcsHealthCheckStartPeriodSeconds", "300")
        .Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "slow-start:36000"));

    private static async Task<int> DeploymentsAsync(LocalEcsHarness env, string name) =>
        (await env.Aws.Ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = name, Service = name })).ServiceDeployments!.Count;
}
