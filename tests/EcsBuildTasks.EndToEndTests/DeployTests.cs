using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.CloudWatchLogs.Model;
using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// `dotnet publish -p:EcsDeploy=true` of a project referencing the package, against LocalEcs: the whole pipeline, as
/// a user runs it. What the engine does on each path (alarms, fail-fast, timeouts, daemons, auto scaling) is tested at
/// the engine level (Core.Tests: RollingStrategyTests); these tests cover the MSBuild wiring of each kind of outcome.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class DeployTests
{
    private const string Cluster = "e2e";

    [TestMethod]
    public async Task First_deploy_creates_everything_an_unchanged_publish_changes_nothing_and_a_change_deploys_a_new_revision()
    {
        using var project = await CreateProjectAsync("<EcsDesiredCount>2</EcsDesiredCount>");
        var ecs = await LocalEcsFixture.EcsAsync();

        var first = Publish(project, "-v:detailed");

        AssertSucceeded(first);
        var result = Result(project);

        // EcsPrefetch (default): the preparation's reads started while the project compiled, and the preparation used their answers.
        StringAssert.Contains(first.StandardOutput, "started the preparation's reads early");
        StringAssert.Matches(first.StandardOutput, new System.Text.RegularExpressions.Regex(@"EcsBuildTasks: [1-9][0-9]* reads answered from the early start"));
        Assert.AreEqual("succeeded", (string?)result["status"]);
        Assert.AreEqual("created", (string?)result["serviceChange"]);
        Assert.IsTrue((bool)result["taskDefinitionRegistered"]!);
        StringAssert.EndsWith((string?)result["taskDefinitionArn"], $"task-definition/{project.Name}:1");
        var digest = (string)result["imageDigest"]!;
        var clients = await LocalEcsFixture.ClientsAsync();
        var images = await clients.CreateEcr().DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = project.Name });
        Assert.AreEqual(digest, images.ImageDetails!.Single().ImageDigest, "the task definition pins the pushed image by digest");
        CollectionAssert.Contains(images.ImageDetails![0].ImageTags, "1.0.0");
        var groups = await clients.CreateCloudWatchLogs().DescribeLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = $"/ecs/{project.Name}" });
        Assert.AreEqual(1, groups.LogGroups!.Count, "the awslogs log group is created");
        var service = await DescribeAsync(project.Name);
        Assert.AreEqual(2, service.RunningCount);
        Assert.AreEqual((string?)result["taskDefinitionArn"], service.TaskDefinition);
        StringAssert.Contains(first.StandardOutput, "EcsBuildTasks: deployed: the new revision is serving");
        var deployments = await ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = Cluster, Service = project.Name });

        var second = Publish(project);

        AssertSucceeded(second);
        var unchanged = Result(project);
        Assert.AreEqual("up-to-date", (string?)unchanged["status"], second.StandardOutput);
        Assert.AreEqual("unchanged", (string?)unchanged["serviceChange"]);
        Assert.IsFalse((bool)unchanged["taskDefinitionRegistered"]!);
        StringAssert.Contains(second.StandardOutput, "is up to date");
        Assert.IsFalse(second.StandardOutput.Contains("Pushed image", StringComparison.Ordinal), "an unchanged image is not pushed again");
        Assert.IsLessThanOrEqualTo(6, (int)unchanged["apiCalls"]!, "an unchanged publish is confirmed with a few reads (issue 18)");
        StringAssert.Contains(second.StandardOutput, "nothing to build, push or deploy");
        var after = await ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = Cluster, Service = project.Name });
        Assert.AreEqual(deployments.ServiceDeployments!.Count, after.ServiceDeployments!.Count, "no UpdateService, no deployment");
        Assert.AreEqual(service.TaskDefinition, (await DescribeAsync(project.Name)).TaskDefinition);

        // Nothing changed but EcsForceNewDeployment=true (a rotated secret): a new deployment of the same revision, said so.
        var forced = Publish(project, "-p:EcsForceNewDeployment=true");

        AssertSucceeded(forced);
        var redeployed = Result(project);
        Assert.AreEqual("succeeded", (string?)redeployed["status"], forced.StandardOutput);
        StringAssert.Contains(forced.StandardOutput, $"nothing changed, but EcsForceNewDeployment=true: starting a new deployment of {project.Name}:1");
        Assert.AreEqual((string?)result["taskDefinitionArn"], (string?)redeployed["taskDefinitionArn"], "the same revision");
        Assert.IsFalse((bool)redeployed["taskDefinitionRegistered"]!);
        var forcedDeployments = await ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = Cluster, Service = project.Name });
        Assert.AreEqual(after.ServiceDeployments.Count + 1, forcedDeployments.ServiceDeployments!.Count, "one new service deployment");
        var newDeployment = (string?)redeployed["serviceDeploymentArn"];
        Assert.IsNotNull(newDeployment);
        Assert.IsFalse(after.ServiceDeployments.Any(d => d.ServiceDeploymentArn == newDeployment), "a new deployment ARN, not the first publish's");
        Assert.AreEqual(service.TaskDefinition, (await DescribeAsync(project.Name)).TaskDefinition);

        // The live plan of the change (a dry run: nothing built, nothing changed) says exactly what the next publish does.
        var plan = Publish(project, "-p:EcsMemory=2048", "-p:EcsDryRun=true", "-p:EcsPlanLive=true");

        AssertSucceeded(plan);
        StringAssert.Contains(plan.StandardOutput, "~ memory: \"512\" → \"2048\"");
        var planned = JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "ecs-plan.json")))!;
        Assert.AreEqual("changes", (string?)planned["verdict"], plan.StandardOutput);
        Assert.AreEqual(service.TaskDefinition, (await DescribeAsync(project.Name)).TaskDefinition, "a plan changes nothing");

        var third = Publish(project, "-p:EcsMemory=2048");

        AssertSucceeded(third);
        var changed = Result(project);
        Assert.AreEqual("succeeded", (string?)changed["status"]);
        Assert.AreEqual("updated", (string?)changed["serviceChange"]);
        StringAssert.EndsWith((string?)changed["taskDefinitionArn"], $"task-definition/{project.Name}:2");
        Assert.AreEqual((string?)changed["taskDefinitionArn"], (await DescribeAsync(project.Name)).TaskDefinition);
    }

    [TestMethod]
    public async Task A_crashing_revision_fails_the_build_with_its_diagnostics_and_the_service_keeps_the_previous_revision()
    {
        using var project = await CreateProjectAsync();
        AssertSucceeded(Publish(project));
        var healthy = (await DescribeAsync(project.Name)).TaskDefinition;

        var crash = Publish(project, "-p:Simulate=crash");

        Assert.AreNotEqual(0, crash.ExitCode, crash.ToString());
        StringAssert.Contains(crash.StandardOutput, "error ECS3002");
        StringAssert.Contains(crash.StandardOutput, $"it runs {project.Name}:1 again");
        StringAssert.Contains(crash.StandardOutput, "Essential container in task exited");
        StringAssert.Contains(crash.StandardOutput, "exit code 1");
        StringAssert.Contains(crash.StandardOutput, "Last log lines");
        Assert.AreEqual("rolled-back", (string?)Result(project)["status"]);
        var service = await DescribeAsync(project.Name);
        Assert.AreEqual(healthy, service.TaskDefinition, "the service is back on its last healthy revision");
        Assert.AreEqual(service.DesiredCount, service.RunningCount);
    }

    [TestMethod]
    public async Task EcsRollback_returns_the_service_to_its_previous_revision_and_EcsStatus_shows_it()
    {
        using var project = await CreateProjectAsync();
        var first = Publish(project, "-p:EcsPrefetch=false", "-v:detailed");
        AssertSucceeded(first);
        Assert.IsFalse(first.StandardOutput.Contains("early start", StringComparison.Ordinal), "EcsPrefetch=false: the preparation reads after the publish, as before");
        StringAssert.Contains(first.StandardOutput, "EcsBuildTasks: timing: PrepareEcsDeployment took");
        AssertSucceeded(Publish(project, "-p:EcsMemory=2048"));
        StringAssert.EndsWith((await DescribeAsync(project.Name)).TaskDefinition, ":2");

        var rollback = project.Dotnet("msbuild", "-t:EcsRollback", "-p:Configuration=Release", "-nodeReuse:false");

        AssertSucceeded(rollback);
        StringAssert.Contains(rollback.StandardOutput, $"rolling {project.Name} back from {project.Name}:2 to {project.Name}:1");
        StringAssert.EndsWith((await DescribeAsync(project.Name)).TaskDefinition, ":1");

        var status = project.Dotnet("msbuild", "-t:EcsStatus", "-p:Configuration=Release", "-nodeReuse:false");

        AssertSucceeded(status);
        StringAssert.Contains(status.StandardOutput, $"service {project.Name} in {Cluster}: ACTIVE");
        StringAssert.Contains(status.StandardOutput, $"Task definition {project.Name}:1");
    }

    // In two CI runs of 2026-12-05, after the rest of this suite, the publish never acknowledged the SIGINT (it went on
    // polling; no "Attempting to cancel the build"), while the test passed alone: the publish now starts with SIGINT's
    // default handling, as from a person's shell (StartInterruptible), and its log shows what it inherited.
    [TestMethod]
    public async Task Ctrl_C_while_waiting_stops_waiting_and_prints_how_to_check_and_roll_back()
    {
        // A container health check keeps the slow starter's deployment in progress (without one, ECS counts a RUNNING
        // task as healthy, and LocalEcs finishes the deployment in milliseconds): it turns unhealthy only after
        // 300 + 300 × 10 simulated seconds, 11 s of real time at the fixture's time scale.
        using var project = await CreateProjectAsync("""
            <EcsHealthCheckCommand>CMD-SHELL;curl -f http://localhost:8080/ || exit 1</EcsHealthCheckCommand>
            <EcsHealthCheckIntervalSeconds>300</EcsHealthCheckIntervalSeconds>
            <EcsHealthCheckRetries>10</EcsHealthCheckRetries>
            <EcsHealthCheckStartPeriodSeconds>300</EcsHealthCheckStartPeriodSeconds>
            """);
        AssertSucceeded(Publish(project));
        var log = new System.Text.StringBuilder();
        using var publish = project.StartInterruptible(log, "publish", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false", "-p:Simulate=slow-start:36000");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!Contains(log, "following service deployment") && !publish.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.IsFalse(publish.HasExited, log.ToString());
        // Ctrl+C as a person presses it: again when MSBuild did not acknowledge it ("Attempting to cancel the build…"); a
        // SIGINT sent while the suite loaded the machine once went unacknowledged, and MSBuild ignores a second one it did see.
        for (var press = 0; press < 3 && !publish.HasExited && !Contains(log, "Attempting to cancel"); press++)
        {
            ProcessRunner.Run("kill", ["-INT", publish.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            var acknowledged = DateTime.UtcNow.AddSeconds(10);
            while (!publish.HasExited && !Contains(log, "Attempting to cancel") && DateTime.UtcNow < acknowledged)
            {
                await Task.Delay(200);
            }
        }

        Assert.IsTrue(publish.WaitForExit(TimeSpan.FromMinutes(1)), "the build ends promptly after Ctrl+C:\n" + log);
        publish.WaitForExit();
        // What env listed before it reset SIGINT: what the test process passed on (kept in the test's output).
        Console.WriteLine("signal handling the publish inherited: " + string.Join(" | ", log.ToString().Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\w+ +\( *\d+\): "))));

        var output = log.ToString();
        StringAssert.Contains(output, "ECS3007");
        StringAssert.Contains(output, "dotnet msbuild -t:EcsStatus");
        StringAssert.Contains(output, "dotnet msbuild -t:EcsRollback");
        StringAssert.Contains(output, "ecs stop-service-deployment --service-deployment-arn arn:aws:ecs:");
        StringAssert.Contains(output, "aws --endpoint-url http://", "the printed commands point at the LocalEcs the build used");
    }

    [TestMethod]
    public async Task Push_credentials_reach_the_push_and_are_cleared_afterwards_also_when_the_push_fails()
    {
        // Spies around the push print whether the SDK's credential variables are set (never their values).
        const string Spies = """
            <Target Name="SpyBeforePush" BeforeTargets="PublishContainer">
              <Message Importance="high" Text="SPY before push: user=[$([System.Environment]::GetEnvironmentVariable('DOTNET_CONTAINER_PUSH_REGISTRY_UNAME'))] password set=[$([System.Environment]::GetEnvironmentVariable('DOTNET_CONTAINER_PUSH_REGISTRY_PWORD').Length)]" />
            </Target>
            <Target Name="SpyAfterClear" AfterTargets="_EcsClearRegistryCredentials">
              <Message Importance="high" Text="SPY after clear: user=[$([System.Environment]::GetEnvironmentVariable('DOTNET_CONTAINER_PUSH_REGISTRY_UNAME'))] password=[$([System.Environment]::GetEnvironmentVariable('DOTNET_CONTAINER_PUSH_REGISTRY_PWORD'))]" />
            </Target>
            """;
        using var project = await CreateProjectAsync(targets: Spies);

        var failing = Publish(project, "-p:ContainerBaseImage=localhost:1/no-such-base:latest");

        Assert.AreNotEqual(0, failing.ExitCode, failing.ToString());
        StringAssert.Contains(failing.StandardOutput, "SPY before push: user=[AWS] password set=[");
        Assert.IsFalse(failing.StandardOutput.Contains("password set=[]", StringComparison.Ordinal), failing.StandardOutput);
        StringAssert.Contains(failing.StandardOutput, "SPY after clear: user=[] password=[]", "cleared after a failed push");

        var succeeding = Publish(project);

        AssertSucceeded(succeeding);
        StringAssert.Contains(succeeding.StandardOutput, "SPY after clear: user=[] password=[]", "cleared after a successful push");
    }


    private static Task<ConsumerProject> CreateProjectAsync(string properties = "", string items = "", string targets = "") =>
        LocalEcsProjects.CreateAsync(Cluster, LocalEcsProjects.NewName(), properties, items, targets);

    private static ProcessResult Publish(ConsumerProject project, params string[] extra) => LocalEcsProjects.Publish(project, extra);

    private static bool Contains(System.Text.StringBuilder log, string text)
    {
        lock (log)
        {
            return log.ToString().Contains(text, StringComparison.Ordinal);
        }
    }

    private static void AssertSucceeded(ProcessResult result) => Assert.AreEqual(0, result.ExitCode, result.ToString());

    private static JsonNode Result(ConsumerProject project) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "ecs-deployment.json")))!;

    private static async Task<EcsBuildTasks.Aws.ECS.Model.Service> DescribeAsync(string name)
    {
        var response = await (await LocalEcsFixture.EcsAsync()).DescribeServicesAsync(new DescribeServicesRequest { Cluster = Cluster, Services = [name] });
        return response.Services!.Single();
    }
}
