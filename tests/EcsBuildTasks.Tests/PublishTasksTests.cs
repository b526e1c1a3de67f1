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
                new PrepareEcsDeployment
                {
                    EndpointUrl = server.BaseUrl.ToString(),
                    TaskDefinitionFile = Path.Combine(ecs, "task-definition.json"),
                    ServiceDefinitionFile = Path.Combine(ecs, "service-definition.json"),
                    PreparedDeploymentFile = Path.Combine(ecs, "prepared-deployment.json"),
                },
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

    private static T Task<T>(T task, string folder, (string Name, string Value)[] settings)
        where T : EcsTask
    {
        task.BuildEngine = new FakeBuildEngine();
        task.Settings = settings.Select(s => (ITaskItem)new TaskItem(s.Name, ("Value", s.Value))).ToArray();
        task.ProjectDirectory = folder;
        task.ProjectFile = Path.Combine(folder, "once.csproj");
        return task;
    }

    private static FakeBuildEngine Engine(EcsTask task) => (FakeBuildEngine)task.BuildEngine;
}
