using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs;
using Microsoft.Build.Framework;

namespace EcsBuildTasks.Tests;

/// <summary>
/// The tasks of a publish, run one after the other as the targets run them (GenerateEcsDefinitions,
/// PrepareEcsDeployment, DeployEcsService; the image is an existing one, so there is no push), against an in-process
/// LocalEcs: what each task reads and generates, and what the preparation hands to the deployment.
/// </summary>
[TestClass]
public sealed class PublishTasksTests
{
    private const string ReadSettings = "EcsBuildTasks: read the project's settings";
    private const string Generated = "EcsBuildTasks: generated the task definition";

    /// <summary>PrepareEcsDeployment as the targets call it, on the definitions in <paramref name="ecs"/>.</summary>
    private static PrepareEcsDeployment Preparation(LocalEcsServer server, string ecs) => new()
    {
        EndpointUrl = server.BaseUrl.ToString(),
        TaskDefinitionFile = Path.Combine(ecs, "task-definition.json"),
        ServiceDefinitionFile = Path.Combine(ecs, "service-definition.json"),
        PreparedDeploymentFile = Path.Combine(ecs, "prepared-deployment.json"),
    };

    [TestMethod]
    public async Task A_publish_reads_the_settings_once_per_task_and_generates_the_definitions_once_before_and_once_after_the_push()
    {
        await using var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 });
        var folder = Directory.CreateTempSubdirectory("ecs-publish-tasks-").FullName;
        try
        {
            var settings = Settings(server);
            var ecs = Path.Combine(folder, "ecs");
            var generate = Task(new GenerateEcsDefinitions { OutputDirectory = ecs }, folder, settings);
            var prepare = Task(
                Preparation(server, ecs),
                folder,
                settings);
            var deploy = Task(
                new DeployEcsService
                {
                    EndpointUrl = server.BaseUrl.ToString(),
                    PreparedDeploymentFile = Path.Combine(ecs, "prepared-deployment.json"),
                    OutputDirectory = Path.Combine(ecs, "deployed"),
                    ResultFile = Path.Combine(folder, "ecs-deployment.json"),
                },
                folder,
                settings);

            foreach (var task in new EcsTask[] { generate, prepare, deploy })
            {
                Assert.IsTrue(task.Execute(), $"{task.GetType().Name}: {string.Join("\n", Engine(task).Errors.Select(e => e.Message))}");
            }

            foreach (var (task, generations) in new (EcsTask Task, int Generations)[] { (generate, 1), (prepare, 0), (deploy, 1) })
            {
                var messages = Engine(task).Messages.Select(m => m.Message ?? string.Empty).ToList();
                Assert.AreEqual(1, messages.Count(m => m.StartsWith(ReadSettings, StringComparison.Ordinal)), $"{task.GetType().Name} reads the settings once");
                Assert.AreEqual(generations, messages.Count(m => m.StartsWith(Generated, StringComparison.Ordinal)), $"{task.GetType().Name} generates the definitions {generations} time(s)");
            }

            var prepared = JsonNode.Parse(File.ReadAllText(prepare.PreparedDeploymentFile))!;
            Assert.AreEqual(1, (int)prepared["version"]!);
            Assert.AreEqual("us-east-1", (string?)prepared["region"]);
            Assert.IsTrue(prepared["defaultVpcNetwork"]!["subnets"]!.AsArray().Count > 0, "no EcsSubnets: the preparation resolved the default VPC's");
            StringAssert.Contains((string?)prepared["externalImage"], "/localecs/base");
            var result = JsonNode.Parse(File.ReadAllText(deploy.ResultFile))!;
            Assert.AreEqual("succeeded", (string?)result["status"]);
            Assert.AreEqual("succeeded", deploy.Status);
            var deployed = JsonNode.Parse(File.ReadAllText(Path.Combine(ecs, "deployed", "service-definition.json")))!;
            CollectionAssert.AreEqual(
                prepared["defaultVpcNetwork"]!["subnets"]!.AsArray().Select(s => (string?)s).ToList(),
                deployed["networkConfiguration"]!["awsvpcConfiguration"]!["subnets"]!.AsArray().Select(s => (string?)s).ToList(),
                "the deployment uses the network the preparation resolved");
            Assert.AreEqual("ENABLED", (string?)deployed["networkConfiguration"]!["awsvpcConfiguration"]!["assignPublicIp"], "default-VPC subnets on Fargate get a public IP");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task The_early_start_reads_while_the_project_compiles_and_the_preparation_uses_its_answers()
    {
        await using var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 });
        var folder = Directory.CreateTempSubdirectory("ecs-publish-early-").FullName;
        try
        {
            var settings = Settings(server);
            var ecs = Path.Combine(folder, "ecs");
            var build = new Dictionary<object, object>();

            // A redeploy's cluster exists (on a first publish to LocalEcs the early start ends where the preparation creates it).
            var clients = new EcsBuildTasks.Aws.AwsClientFactory(new EcsBuildTasks.Aws.AwsConnectionSettings { Region = "us-east-1", EndpointUrl = server.BaseUrl.ToString(), Credentials = new Amazon.Runtime.BasicAWSCredentials("test", "test") });
            using (var ecsClient = (IDisposable)clients.CreateEcs())
            {
                await ((EcsBuildTasks.Aws.ECS.IAmazonECS)ecsClient).CreateClusterAsync(new EcsBuildTasks.Aws.ECS.Model.CreateClusterRequest { ClusterName = "once" });
            }

            var generate = Task(new GenerateEcsDefinitions { OutputDirectory = ecs }, folder, settings, build);
            var early = Task(
                new StartEcsPreparation
                {
                    EndpointUrl = server.BaseUrl.ToString(),
                    TaskDefinitionFile = Path.Combine(ecs, "task-definition.json"),
                    ServiceDefinitionFile = Path.Combine(ecs, "service-definition.json"),
                },
                folder,
                settings,
                build);
            var prepare = Task(
                Preparation(server, ecs),
                folder,
                settings,
                build);

            Assert.IsTrue(generate.Execute());
            Assert.IsTrue(early.Execute());
            Assert.AreEqual(1, build.Count, "the early start is registered for the build");
            Assert.IsTrue(prepare.Execute(), string.Join("\n", Engine(prepare).Errors.Select(e => e.Message)));
            Assert.AreEqual(0, build.Count, "the preparation took it (and disposed it)");

            var earlyMessages = Engine(early).Messages.Select(m => m.Message ?? string.Empty).ToList();
            Assert.AreEqual(1, earlyMessages.Count(m => m.StartsWith(ReadSettings, StringComparison.Ordinal)), "the early start reads the settings once");
            Assert.AreEqual(0, earlyMessages.Count(m => m.StartsWith(Generated, StringComparison.Ordinal)), "and generates nothing: it loads what GenerateEcsDefinitions wrote");
            Assert.IsFalse(earlyMessages.Exists(m => m.Contains("pushing", StringComparison.Ordinal) || m.Contains("created", StringComparison.Ordinal)), "the early start prints nothing of the preparation's");
            Assert.AreEqual(0, Engine(early).Warnings.Count + Engine(early).Errors.Count);

            var answered = Engine(prepare).Messages.Select(m => m.Message ?? string.Empty).Single(m => m.Contains("reads answered from the early start", StringComparison.Ordinal));
            var count = int.Parse(answered.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.IsTrue(count >= 5, answered);
            var prepared = JsonNode.Parse(File.ReadAllText(prepare.PreparedDeploymentFile))!;
            Assert.IsTrue(prepared["defaultVpcNetwork"]!["subnets"]!.AsArray().Count > 0, "the same preparation: the default VPC's subnets, from the early answers");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (string Name, string Value)[] Settings(LocalEcsServer server) =>
    [
        ("ContainerRepository", "once"),
        ("UsingMicrosoftNETSdkWeb", "true"),
        ("EcsImage", $"{server.RegistryHost}/localecs/base:latest"),
        ("EcsTarget", "local"),
        ("EcsEndpointUrl", server.BaseUrl.ToString()),
        ("EcsRegion", "us-east-1"),
        ("EcsCluster", "once"),
        ("EcsCpu", "256"),
        ("EcsMemory", "512"),
        ("EcsExecutionRoleArn", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
        ("EcsTimeoutMinutes", "5"),
    ];

    private static T Task<T>(T task, string folder, (string Name, string Value)[] settings, Dictionary<object, object>? build = null)
        where T : EcsTask
    {
        task.BuildEngine = new FakeBuildEngine(build);
        task.Settings = settings.Select(s => (ITaskItem)new TaskItem(s.Name, ("Value", s.Value))).ToArray();
        task.ProjectDirectory = folder;
        task.ProjectFile = Path.Combine(folder, "once.csproj");
        return task;
    }

    private static FakeBuildEngine Engine(EcsTask task) => (FakeBuildEngine)task.BuildEngine;
}
