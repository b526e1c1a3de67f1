using System.Text.Json.Nodes;
using EcsBuildTasks.Testing;
using Microsoft.Build.Evaluation;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// The package's props and targets, evaluated and built in-process by the SDK's own MSBuild (via MSBuildLocator),
/// with the task assembly built from this repository.
/// </summary>
[TestClass]
[TestCategory("MSBuild")]
public sealed class TargetsTests
{
    [TestMethod]
    public void Defaults_keep_the_package_off()
    {
        using var project = ThrowawayProject.Create();
        using var collection = new ProjectCollection();

        var evaluated = collection.LoadProject(project.ProjectFile);

        Assert.AreEqual("false", evaluated.GetPropertyValue("EcsDeploy"));
        Assert.AreEqual("false", evaluated.GetPropertyValue("EcsDryRun"));
        Assert.AreEqual("false", evaluated.GetPropertyValue("EcsSkip"));
        Assert.AreEqual(string.Empty, evaluated.GetPropertyValue("_EcsEnabled"));
        var target = evaluated.Targets["EcsDeploy"];
        Assert.AreEqual("Publish", target.AfterTargets);
        Assert.AreEqual("'$(_EcsEnabled)' == 'true'", target.Condition);
    }

    [TestMethod]
    public void The_default_task_assembly_path_is_inside_the_package()
    {
        using var collection = new ProjectCollection();
        var root = Microsoft.Build.Construction.ProjectRootElement.Create(collection);
        root.AddImport(Repository.PropsFile);
        var evaluated = new Project(root, null, null, collection);

        var expected = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Repository.PropsFile)!, "..", "tasks", "net10.0", "EcsBuildTasks.dll"));
        Assert.AreEqual(expected, evaluated.GetPropertyValue("EcsBuildTasksAssembly"));
    }

    [TestMethod]
    public void EcsSkip_switches_the_package_off_even_with_EcsDeploy()
    {
        using var project = ThrowawayProject.Create();
        using var collection = new ProjectCollection(new Dictionary<string, string> { ["EcsDeploy"] = "true", ["EcsSkip"] = "true" });

        var evaluated = collection.LoadProject(project.ProjectFile);

        Assert.AreEqual(string.Empty, evaluated.GetPropertyValue("_EcsEnabled"));
    }

    [TestMethod]
    public void Generation_writes_both_definitions_and_echoes_inputs_at_low_importance()
    {
        using var project = ThrowawayProject.Create();

        var run = Build(project, "EcsGenerateDefinitions");

        Assert.IsTrue(run.Succeeded, run.Detailed);
        var task = JsonNode.Parse(File.ReadAllText(project.IntermediateFile("ecs/task-definition.json")))!;
        Assert.AreEqual("hello-ecs", (string?)task["family"]);
        Assert.AreEqual("512", (string?)task["cpu"]);
        var service = JsonNode.Parse(File.ReadAllText(project.IntermediateFile("ecs/service-definition.json")))!;
        Assert.AreEqual("prod", (string?)service["cluster"]);
        const string Echo = "EcsBuildTasks: [input] EcsCluster=prod";
        StringAssert.Contains(run.Detailed, Echo, "inputs are in the detailed log");
        Assert.IsFalse(run.Normal.Contains(Echo, StringComparison.Ordinal), "inputs stay out of the normal-verbosity log (low importance)");
    }

    [TestMethod]
    public void EcsVerbosity_detailed_echoes_inputs_at_high_importance()
    {
        using var project = ThrowawayProject.Create();

        var run = Build(project, "EcsGenerateDefinitions", ("EcsVerbosity", "detailed"));

        StringAssert.Contains(run.Normal, "EcsBuildTasks: [input] EcsCpu=512");
    }

    [TestMethod]
    public void Generation_is_incremental_and_reruns_when_an_input_changes()
    {
        using var project = ThrowawayProject.Create();
        var first = Build(project, "EcsGenerateDefinitions");
        Assert.IsTrue(first.Succeeded, first.Detailed);
        var taskFile = project.IntermediateFile("ecs/task-definition.json");
        var firstWrite = File.GetLastWriteTimeUtc(taskFile);

        var second = Build(project, "EcsGenerateDefinitions");

        Assert.IsTrue(second.Succeeded, second.Detailed);
        Assert.IsTrue(second.Skipped("EcsGenerateDefinitions"), "An unchanged project must not regenerate:\n" + second.Detailed);
        Assert.AreEqual(firstWrite, File.GetLastWriteTimeUtc(taskFile));

        var third = Build(project, "EcsGenerateDefinitions", ("EcsCpu", "1024"), ("EcsMemory", "2048"));

        Assert.IsTrue(third.Succeeded, third.Detailed);
        Assert.IsFalse(third.Skipped("EcsGenerateDefinitions"), "A changed property must regenerate:\n" + third.Detailed);
        Assert.AreEqual("1024", (string?)JsonNode.Parse(File.ReadAllText(taskFile))!["cpu"]);
    }

    [TestMethod]
    public void A_validation_error_fails_the_build_with_its_code_and_writes_nothing()
    {
        using var project = ThrowawayProject.Create();

        var run = Build(project, "EcsGenerateDefinitions", ("EcsCpu", "300"));

        Assert.IsFalse(run.Succeeded);
        StringAssert.Contains(run.Normal, $"{project.ProjectFile} : error ECS0110: EcsCpu=300 is not a Fargate size");
        Assert.IsFalse(File.Exists(project.IntermediateFile("ecs/task-definition.json")));
    }

    [TestMethod]
    public void The_dry_run_prints_the_plan_even_when_the_definitions_are_up_to_date()
    {
        using var project = ThrowawayProject.Create();
        Build(project, "EcsGenerateDefinitions;_EcsPrintPlan");

        var second = Build(project, "EcsGenerateDefinitions;_EcsPrintPlan");

        Assert.IsTrue(second.Skipped("EcsGenerateDefinitions"), second.Detailed);
        StringAssert.Contains(second.Normal, "Service     hello-ecs in cluster prod");
    }

    [TestMethod]
    public void The_HelloEcs_samples_Staging_and_Production_profiles_plan_different_definitions_each_replacing_the_projects_item()
    {
        using var project = ThrowawayProject.Create(extraItems: """<EcsEnvironmentVariable Include="ASPNETCORE_ENVIRONMENT" Value="Development" />""");
        var profiles = System.IO.Directory.CreateDirectory(Path.Combine(project.Directory, "Properties", "PublishProfiles")).FullName;
        foreach (var profile in new[] { "Staging", "Production" })
        {
            File.Copy(Path.Combine(Repository.Root, "samples", "HelloEcs", "Properties", "PublishProfiles", profile + ".pubxml"), Path.Combine(profiles, profile + ".pubxml"));
        }

        var planned = new Dictionary<string, (JsonNode Service, JsonNode Task, string Output)>();
        foreach (var profile in new[] { "Staging", "Production" })
        {
            var run = Build(project, "EcsGenerateDefinitions;_EcsPrintPlan", ("PublishProfile", profile));
            Assert.IsTrue(run.Succeeded, run.Normal);
            planned[profile] = (JsonNode.Parse(File.ReadAllText(project.IntermediateFile("ecs/service-definition.json")))!,
                JsonNode.Parse(File.ReadAllText(project.IntermediateFile("ecs/task-definition.json")))!, run.Normal);
        }

        var (staging, production) = (planned["Staging"], planned["Production"]);
        Assert.AreEqual("staging", (string?)staging.Service["cluster"]);
        Assert.AreEqual("prod", (string?)production.Service["cluster"]);
        Assert.AreEqual(1, (int?)staging.Service["desiredCount"]);
        Assert.AreEqual(3, (int?)production.Service["desiredCount"]);
        Assert.AreEqual("256", (string?)staging.Task["cpu"]);
        Assert.AreEqual("1024", (string?)production.Task["cpu"]);
        Assert.AreEqual("512", (string?)staging.Task["memory"]);
        Assert.AreEqual("2048", (string?)production.Task["memory"]);
        static Dictionary<string, string?> Variables(JsonNode task) =>
            task["containerDefinitions"]![0]!["environment"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.AreEqual("Staging", Variables(staging.Task)["ASPNETCORE_ENVIRONMENT"], "the profile's item replaced the project's of the same Include");
        Assert.AreEqual("Production", Variables(production.Task)["ASPNETCORE_ENVIRONMENT"]);
        Assert.AreEqual("Hello from staging", Variables(staging.Task)["Greeting"], "an item only the profile has is added");
        Assert.IsFalse(Variables(production.Task).ContainsKey("Greeting"));
        Assert.AreEqual("on", Variables(production.Task)["FEATURE_X"], "the project's other items stay");
        StringAssert.Contains(staging.Output, "Environment Staging (publish profile Properties/PublishProfiles/Staging.pubxml)");
        StringAssert.Contains(production.Output, "Environment Production (publish profile Properties/PublishProfiles/Production.pubxml)");
    }

    /// <summary>
    /// Builds in-process with MSBuild's own file loggers at normal and diagnostic verbosity. (No logger type of ours:
    /// test discovery loads every type of this assembly before MSBuildLocator can resolve MSBuild's interfaces.)
    /// </summary>
    internal static BuildRun Build(ThrowawayProject project, string targets, params (string Name, string Value)[] properties)
    {
        var global = new Dictionary<string, string>
        {
            ["Configuration"] = "Release",
            ["EcsDeploy"] = "true",
            ["EcsDryRun"] = "true",
        };
        foreach (var (name, value) in properties)
        {
            global[name] = value;
        }

        var logs = Path.Combine(project.Directory, "logs-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(logs);
        var normal = new Microsoft.Build.Logging.FileLogger { Parameters = $"logfile={Path.Combine(logs, "normal.log")};verbosity=normal" };
        var detailed = new Microsoft.Build.Logging.FileLogger { Parameters = $"logfile={Path.Combine(logs, "diagnostic.log")};verbosity=diagnostic" };
        bool succeeded;
        using (var collection = new ProjectCollection(global))
        {
            var instance = collection.LoadProject(project.ProjectFile).CreateProjectInstance();
            succeeded = instance.Build(targets.Split(';'), [normal, detailed]);
        }

        return new BuildRun(succeeded, File.ReadAllText(Path.Combine(logs, "normal.log")), File.ReadAllText(Path.Combine(logs, "diagnostic.log")));
    }

    internal sealed record BuildRun(bool Succeeded, string Normal, string Detailed)
    {
        public bool Skipped(string target) =>
            Detailed.Contains($"Skipping target \"{target}\" because all output files are up-to-date", StringComparison.Ordinal);
    }
}

/// <summary>A web project in a temporary folder that imports the package's build files from this repository.</summary>
internal sealed class ThrowawayProject : IDisposable
{
    private ThrowawayProject(string directory, string fileName = "hello.csproj")
    {
        Directory = directory;
        ProjectFile = Path.Combine(directory, fileName);
    }

    public string Directory { get; }

    public string ProjectFile { get; }

    /// <summary>A web project named <paramref name="assemblyName"/> (its file name, hence its assembly name) with no <c>Ecs*</c> property: the package's files and nothing else.</summary>
    public static ThrowawayProject CreateBare(string assemblyName)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ecs-targets-").FullName;
        File.WriteAllText(Path.Combine(directory, assemblyName + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <Import Project="{Repository.PropsFile}" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <EcsBuildTasksAssembly>{Repository.TaskAssembly}</EcsBuildTasksAssembly>
              </PropertyGroup>
              <Import Project="{Repository.TargetsFile}" />
            </Project>
            """);
        return new ThrowawayProject(directory, assemblyName + ".csproj");
    }

    public static ThrowawayProject Create(string extraProperties = "", string extraItems = "")
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ecs-targets-").FullName;
        File.WriteAllText(Path.Combine(directory, "hello.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <Import Project="{Repository.PropsFile}" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ContainerRepository>hello-ecs</ContainerRepository>
                <EcsBuildTasksAssembly>{Repository.TaskAssembly}</EcsBuildTasksAssembly>
                <EcsCluster>prod</EcsCluster>
                <EcsRegion>us-east-1</EcsRegion>
                <EcsCpu>512</EcsCpu>
                <EcsMemory>1024</EcsMemory>
                <EcsExecutionRoleArn>arn:aws:iam::123456789012:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <EcsEnvironmentVariable Include="FEATURE_X" Value="on" />
                {extraItems}
              </ItemGroup>
              <Import Project="{Repository.TargetsFile}" />
            </Project>
            """);
        return new ThrowawayProject(directory);
    }

    public string IntermediateFile(string relative) => Path.Combine(Directory, "obj", "Release", "net10.0", relative);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
