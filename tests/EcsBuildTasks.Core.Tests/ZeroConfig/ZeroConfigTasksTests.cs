using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.OneOffTasks;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.ZeroConfig;

/// <summary>
/// <c>-t:EcsStatus</c>, <c>-t:EcsRollback</c> and <c>-t:EcsRunTask</c> of a project with no execution role, no network
/// and no cluster of its own (<c>EcsTarget=aws</c> against an in-process LocalEcs), before and after its first deploy:
/// they see the service where the zero-config deploy put it (the cluster it creates, the default VPC it uses, the role
/// it looked up) and say what to do when there is nothing yet, as the deploy would.
/// </summary>
[TestClass]
public sealed class ZeroConfigTasksTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Before_the_first_deploy_status_rollback_and_run_task_say_the_cluster_is_created_by_the_first_publish()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var definitions = DefinitionsOfDeployedService(ZeroConfigProject(env, "fresh"));
        var deployer = new Deployer(env.Aws, new RecordingDeploymentLog(), TimeProvider.System);

        var status = string.Join("\n", await deployer.StatusAsync(definitions, TestContext.CancellationToken));
        var rollback = await Assert.ThrowsExactlyAsync<DeploymentException>(() => deployer.RollbackAsync(definitions, TestContext.CancellationToken));
        var runTask = await Assert.ThrowsExactlyAsync<DeploymentException>(() => new AdHocTask(env.Aws, new RecordingDeploymentLog(), TimeProvider.System).RunAsync(definitions, TestContext.CancellationToken));

        StringAssert.Contains(status, "cluster fresh does not exist yet");
        StringAssert.Contains(status, "dotnet publish -p:EcsDeploy=true creates it");
        foreach (var failure in new[] { rollback, runTask })
        {
            var error = failure.Diagnostics.Single();
            Assert.AreEqual(EcsProperties.Cluster, error.Subject, error.ToString());
            StringAssert.Contains(error.Message, "cluster fresh does not exist yet");
        }
    }

    [TestMethod]
    public async Task After_a_zero_config_deploy_run_task_uses_the_default_VPC_and_role_the_deploy_used_and_status_shows_the_service()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var input = ZeroConfigProject(env, "zero");
        var log = new RecordingDeploymentLog();
        var preparation = await new DeploymentPreparation(env.Aws, log).PrepareAsync(LocalEcsHarness.Generate(input), new ImageBuild(null, [], []), Path.GetTempPath(), TestContext.CancellationToken);
        var diagnostics = new DiagnosticCollection();
        var project = Project.Read(input, diagnostics);
        var deployed = (project with { Settings = preparation.Document.ApplyTo(project.Settings) }).Generate(diagnostics)!;
        var report = await new Deployer(env.Aws, log, TimeProvider.System).DeployAsync(deployed, null, null, TestContext.CancellationToken);
        Assert.IsNull(report.Failure, report.Failure?.ToString() + "\n" + log.Text);
        var definitions = DefinitionsOfDeployedService(input.Set("EcsRunTaskCommand", "report").Set("EcsRunTaskEnvironment", "LOCALECS_SIMULATE=exit:0"));
        var taskLog = new RecordingDeploymentLog();

        var (result, failure) = await new AdHocTask(env.Aws, taskLog, TimeProvider.System).RunAsync(definitions, TestContext.CancellationToken);
        var status = string.Join("\n", await new Deployer(env.Aws, new RecordingDeploymentLog(), TimeProvider.System).StatusAsync(definitions, TestContext.CancellationToken));

        Assert.IsNull(failure, failure?.ToString() + "\n" + taskLog.Text);
        Assert.AreEqual(0, result.ExitCode);
        StringAssert.Contains(taskLog.Text, "as the service zero runs it");
        var task = (await env.Aws.Ecs.DescribeTasksAsync(new Aws.ECS.Model.DescribeTasksRequest { Cluster = "zero", Tasks = [result.TaskArn!] }, TestContext.CancellationToken)).Tasks!.Single();
        var subnet = task.Attachments!.Single().Details!.Single(d => d.Name == "subnetId").Value;
        CollectionAssert.Contains(env.Subnets.ToList(), subnet, "the default VPC's subnets the deploy used");
        StringAssert.Contains(status, "zero");
    }

    /// <summary>A web project with no role, no network and no cluster, deployed to LocalEcs as if it were AWS.</summary>
    private static SettingsInput ZeroConfigProject(LocalEcsHarness env, string name) => env.Project(name)
        .Set("EcsTarget", "aws")
        .Set("EcsExecutionRoleArn", null)
        .Set("EcsSubnets", null)
        .Set("EcsSecurityGroups", null)
        .Set("EcsDryRun", "false");

    /// <summary>What the EcsStatus, EcsRollback and EcsRunTask tasks generate (EcsTask.DefinitionsOfDeployedService).</summary>
    private static Definitions.GeneratedDefinitions DefinitionsOfDeployedService(SettingsInput input)
    {
        var diagnostics = new DiagnosticCollection();
        var project = Project.Read(input, diagnostics);
        var definitions = (project with { Settings = project.Settings with { DryRun = true } }).Generate(diagnostics);
        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        return definitions;
    }
}
