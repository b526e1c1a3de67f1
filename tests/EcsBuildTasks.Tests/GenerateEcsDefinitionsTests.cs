using System.Text.Json.Nodes;
using Microsoft.Build.Framework;

namespace EcsBuildTasks.Tests;

[TestClass]
public sealed class GenerateEcsDefinitionsTests
{
    private const string ProjectFile = "/repo/samples/HelloEcs/HelloEcs.csproj";

    [TestMethod]
    public void Writes_the_definitions_and_reports_their_paths()
    {
        using var output = new TempFolder();
        var task = CreateTask(output.Path, ("EcsCpu", "512"), ("EcsMemory", "1024"));

        Assert.IsTrue(task.Execute());

        Assert.AreEqual(0, ((FakeBuildEngine)task.BuildEngine).Errors.Count);
        Assert.AreEqual(Path.Combine(output.Path, "task-definition.json"), task.TaskDefinitionFile);
        Assert.AreEqual(Path.Combine(output.Path, "service-definition.json"), task.ServiceDefinitionFile);
        var json = JsonNode.Parse(File.ReadAllText(task.TaskDefinitionFile!))!;
        Assert.AreEqual("FEATURE_X", (string?)json["containerDefinitions"]![0]!["environment"]![0]!["name"]);
        Assert.AreEqual("on", (string?)json["containerDefinitions"]![0]!["environment"]![0]!["value"]);
    }

    [TestMethod]
    public void An_unexpected_exception_in_a_task_is_a_coded_ECS9001_at_the_project_file_not_MSBuild_MSB4018()
    {
        using var output = new TempFolder();
        var blocker = Path.Combine(output.Path, "not-a-folder");
        File.WriteAllText(blocker, "a file where the definitions folder should be");
        var task = CreateTask(Path.Combine(blocker, "ecs"), ("EcsCpu", "512"), ("EcsMemory", "1024"));

        Assert.IsFalse(task.Execute(), "the task fails without throwing");

        var error = ((FakeBuildEngine)task.BuildEngine).Errors.Single();
        Assert.AreEqual("ECS9001", error.Code);
        Assert.AreEqual(ProjectFile, error.File);
        StringAssert.Contains(error.Message, "while running GenerateEcsDefinitions: ");
        StringAssert.Contains(error.Message, "-v:d");
    }

    [TestMethod]
    public void Every_problem_is_an_error_with_its_code_at_the_project_file()
    {
        using var output = new TempFolder();
        var task = CreateTask(output.Path, ("EcsCpu", "300"), ("EcsDesiredCount", "many"));

        Assert.IsFalse(task.Execute());

        var errors = ((FakeBuildEngine)task.BuildEngine).Errors;
        CollectionAssert.AreEquivalent(new[] { "ECS0001" }, errors.Select(e => e.Code).ToArray(), "reading errors stop before validation runs on half-read values");
        Assert.AreEqual(ProjectFile, errors[0].File);
        StringAssert.Contains(errors[0].Message, "EcsDesiredCount='many'");
        Assert.IsNull(task.TaskDefinitionFile);
        Assert.IsFalse(File.Exists(Path.Combine(output.Path, "task-definition.json")));
    }

    [TestMethod]
    public void Validation_reports_all_problems_at_once()
    {
        using var output = new TempFolder();
        var task = CreateTask(output.Path, ("EcsCpu", "300"), ("EcsStopTimeout", "500"), ("EcsSubnets", "subnet-x"));

        Assert.IsFalse(task.Execute());

        CollectionAssert.IsSubsetOf(new[] { "ECS0110", "ECS0123", "ECS0141" }, ((FakeBuildEngine)task.BuildEngine).Errors.Select(e => e.Code).ToArray());
    }

    private static GenerateEcsDefinitions CreateTask(string output, params (string Name, string Value)[] settings)
    {
        var all = new List<(string Name, string Value)>
        {
            ("ContainerRepository", "hello-ecs"),
            ("EcsDryRun", "true"),
            ("EcsRegion", "us-east-1"),
            ("EcsExecutionRoleArn", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
            ("UsingMicrosoftNETSdkWeb", "true"),
        };
        all.AddRange(settings);
        return new GenerateEcsDefinitions
        {
            BuildEngine = new FakeBuildEngine(),
            Settings = all.Select(s => (ITaskItem)new TaskItem(s.Name, ("Value", s.Value))).ToArray(),
            Items = [new TaskItem("FEATURE_X", ("Value", "on"), ("EcsItemType", "EcsEnvironmentVariable"))],
            ProjectDirectory = output,
            ProjectFile = ProjectFile,
            OutputDirectory = output,
        };
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ecs-task-tests-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
