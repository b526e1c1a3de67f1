using System.Text.Json.Nodes;
using Microsoft.Build.Framework;

namespace EcsBuildTasks.Tests;

/// <summary>
/// The tasks of a solution publish that the end-to-end test does not fail on purpose: the projects a solution builds
/// (with the configuration it builds each in), and a project whose EcsDeployAfter project failed (ECS7004).
/// </summary>
[TestClass]
public sealed class SolutionTasksTests
{
    [TestMethod]
    public void The_projects_of_a_solution_build_come_with_the_configuration_the_solution_builds_them_in()
    {
        var task = new ListEcsSolutionProjects
        {
            BuildEngine = new FakeBuildEngine(),
            SolutionConfigurationContents = """
                <SolutionConfiguration>
                  <ProjectConfiguration Project="{1}" AbsolutePath="/src/Api/Api.csproj" BuildProjectInSolution="True">Release|AnyCPU</ProjectConfiguration>
                  <ProjectConfiguration Project="{2}" AbsolutePath="/src/Tools/Tools.csproj" BuildProjectInSolution="False">Debug|AnyCPU</ProjectConfiguration>
                  <ProjectConfiguration Project="{3}" AbsolutePath="/src/Worker/Worker.csproj" BuildProjectInSolution="True">Release|x64</ProjectConfiguration>
                </SolutionConfiguration>
                """,
        };

        Assert.IsTrue(task.Execute());

        CollectionAssert.AreEqual(new[] { Path.GetFullPath("/src/Api/Api.csproj"), Path.GetFullPath("/src/Worker/Worker.csproj") }, task.Projects.Select(p => p.ItemSpec).ToArray(), "a project the solution configuration does not build is not part of the publish");
        Assert.AreEqual("Configuration=Release;Platform=x64", task.Projects[1].GetMetadata("AdditionalProperties"));
    }

    [TestMethod]
    public void A_project_whose_EcsDeployAfter_project_failed_is_ECS7004_naming_it_and_leaves_a_skipped_result()
    {
        var folder = Directory.CreateTempSubdirectory("ecs-dependencies-").FullName;
        try
        {
            var resultFile = Path.Combine(folder, "publish", "ecs-deployment.json");
            var task = new ReportEcsDependencies
            {
                BuildEngine = new FakeBuildEngine(),
                ProjectDirectory = folder,
                ProjectFile = Path.Combine(folder, "Worker.csproj"),
                Settings = [new TaskItem("ContainerRepository", ("Value", "worker")), new TaskItem("EcsCluster", ("Value", "shop")), new TaskItem("EcsImage", ("Value", "example.com/worker:1"))],
                Dependencies = [new TaskItem(Path.Combine(folder, "..", "Api", "Api.csproj")), new TaskItem(Path.Combine(folder, "..", "Web", "Web.csproj"))],
                Outcomes = [new TaskItem(Path.Combine(folder, "..", "Web", "Web.csproj"), ("Status", "succeeded"))],
                ResultFile = resultFile,
            };

            Assert.IsFalse(task.Execute());

            var error = ((FakeBuildEngine)task.BuildEngine).Errors.Single();
            Assert.AreEqual("ECS7004", error.Code);
            StringAssert.Contains(error.Message, "Not deployed: Api failed, and this project deploys after it (EcsDeployAfter)");
            StringAssert.Contains(error.Message, "Nothing of this project was changed in ECS");
            var result = JsonNode.Parse(File.ReadAllText(resultFile))!;
            Assert.AreEqual("skipped", (string?)result["status"]);
            Assert.AreEqual("worker", (string?)result["service"]);
            Assert.AreEqual("shop", (string?)result["cluster"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void A_project_whose_EcsDeployAfter_projects_all_deployed_goes_ahead()
    {
        var task = new ReportEcsDependencies
        {
            BuildEngine = new FakeBuildEngine(),
            ProjectDirectory = Path.GetTempPath(),
            Settings = [new TaskItem("ContainerRepository", ("Value", "worker"))],
            Dependencies = [new TaskItem("/src/Api/Api.csproj")],
            Outcomes = [new TaskItem("/src/Api/Api.csproj")],
            ResultFile = Path.Combine(Path.GetTempPath(), "never-written.json"),
        };

        Assert.IsTrue(task.Execute());
        Assert.IsTrue(((FakeBuildEngine)task.BuildEngine).Messages.Any(m => m.Message == "EcsBuildTasks: Api deployed: this project deploys now"));
    }

    [TestMethod]
    public void A_project_whose_build_failed_leaves_a_not_built_result_naming_the_compilers_first_error_and_fails_nothing_itself()
    {
        var folder = Directory.CreateTempSubdirectory("ecs-not-built-").FullName;
        try
        {
            var resultFile = Path.Combine(folder, "publish", "ecs-deployment.json");
            var errorLog = Path.Combine(folder, "obj", "ecs-compile-errors.sarif");
            Directory.CreateDirectory(Path.GetDirectoryName(errorLog)!);
            File.WriteAllText(errorLog, $$$$"""
                {"version": "2.1.0", "runs": [{"results": [{"ruleId": "CS1002", "level": "error", "message": {"text": "; expected"},
                  "locations": [{"physicalLocation": {"artifactLocation": {"uri": "{{{{new Uri(Path.Combine(folder, "Broken.cs")).AbsoluteUri}}}}"}, "region": {"startLine": 1, "startColumn": 6}}}]}]}]}
                """);
            RecordEcsBuildFailure Record(string? log) => new()
            {
                BuildEngine = new FakeBuildEngine(),
                ProjectDirectory = folder,
                ProjectFile = Path.Combine(folder, "Web.csproj"),
                Settings = [new TaskItem("ContainerRepository", ("Value", "web")), new TaskItem("EcsCluster", ("Value", "shop")), new TaskItem("EcsImage", ("Value", "example.com/web:1"))],
                ResultFile = resultFile,
                CompilerErrorLog = log,
            };

            var task = Record(errorLog);

            Assert.IsTrue(task.Execute());
            Assert.IsEmpty(((FakeBuildEngine)task.BuildEngine).Errors, "the build's own errors fail it");
            var result = JsonNode.Parse(File.ReadAllText(resultFile))!;
            Assert.AreEqual("not-built", (string?)result["status"]);
            Assert.AreEqual("web", (string?)result["service"]);
            Assert.AreEqual("shop", (string?)result["cluster"]);
            Assert.AreEqual("its build failed at Broken.cs(1,6): error CS1002: ; expected; nothing was deployed", (string?)result["statusReason"]);

            Assert.IsTrue(Record(Path.Combine(folder, "none.sarif")).Execute());
            Assert.AreEqual("its build failed (its errors say why); nothing was deployed", (string?)JsonNode.Parse(File.ReadAllText(resultFile))!["statusReason"], "failed before compiling: no log");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
