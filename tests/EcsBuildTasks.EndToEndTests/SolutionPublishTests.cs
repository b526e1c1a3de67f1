using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// A solution publish (issue 14, items 1-2): <c>dotnet publish Shop.slnx -p:EcsDeploy=true</c> deploys every project
/// that configures ECS to one embedded LocalEcs, a project that deploys after another (<c>EcsDeployAfter</c>) starts
/// its deployment only once the other's succeeded, and one summary and one <c>ecs-deployments.json</c> list them all.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class SolutionPublishTests
{
    private const string Cluster = "shop";

    [TestMethod]
    public async Task A_solution_of_three_services_publishes_in_one_command_the_dependent_after_its_dependency_with_one_combined_result()
    {
        var solution = NewSolution();
        using var api = CreateProject("api", solution);
        using var web = CreateProject("web", solution);
        using var worker = CreateProject("worker", solution, $"""<EcsDeployAfter Include="{ProjectFile(api)}" />""");
        try
        {
            WriteSolution(solution, api, web, worker);

            var publish = PublishSolution(solution);

            LocalEcsProjects.AssertSucceeded(publish);
            var output = publish.StandardOutput;
            Assert.AreEqual(1, Occurrences(output, $"started LocalEcs at {solution.Endpoint} for this publish"), "one embedded LocalEcs for the whole solution:\n" + output);
            StringAssert.Contains(output, $"deploys after {api.Name} (service {api.Name}) (EcsDeployAfter): waits for its deployment to succeed first");
            StringAssert.Contains(output, $"EcsBuildTasks: {api.Name} deployed: this project deploys now");
            StringAssert.Contains(output, "EcsBuildTasks: Shop.slnx: 3 services, 3 deployed, 0 failed");
            foreach (var project in new[] { api, web, worker })
            {
                StringAssert.Matches(output, new Regex($@"succeeded\s+{project.Name}\s+{Cluster}\s+{project.Name}:1\s+sha256:[0-9a-f]{{12}}"));
            }

            var combined = CombinedResult(solution);
            Assert.AreEqual("succeeded", (string?)combined["status"]);
            var deployments = Deployments(combined);
            CollectionAssert.AreEquivalent(new[] { api.Name, web.Name, worker.Name }, deployments.Keys.ToArray());
            foreach (var deployment in deployments.Values)
            {
                Assert.AreEqual("succeeded", (string?)deployment["status"]);
                Assert.AreEqual(Cluster, (string?)deployment["cluster"]);
                StringAssert.StartsWith((string?)deployment["imageDigest"], "sha256:");
            }

            var apiFinished = DateTimeOffset.Parse((string)deployments[api.Name]["finishedAt"]!, CultureInfo.InvariantCulture);
            var workerStarted = DateTimeOffset.Parse((string)deployments[worker.Name]["startedAt"]!, CultureInfo.InvariantCulture);
            Assert.IsGreaterThanOrEqualTo(apiFinished, workerStarted, "the worker deployed only after the API's deployment succeeded");

            await WaitUntilStoppedAsync(solution.Endpoint);
        }
        finally
        {
            DeleteFolder(solution.Folder);
        }
    }

    /// <summary>
    /// Issue 14: "a failure in one service does not hide the others' outcomes", whichever way it fails. The project that
    /// fails to compile is the one that would combine the results (the last by path of those nothing deploys after: the
    /// hardest case, its EcsDeploy never runs); then a dependency whose deployment fails (an invalid property) skips its
    /// dependent with ECS7004, while the combiner candidate that is left fails its own checks (ECS7005).
    /// </summary>
    [TestMethod]
    public async Task The_combined_result_lists_every_service_when_a_project_fails_to_compile_fails_its_checks_or_deploys_after_a_failed_one()
    {
        var solution = NewSolution();
        const string faults = """
            <Compile Include="Broken.txt" Condition="'$(BreakCompile)' == '$(MSBuildProjectName)'" />
            <EcsDeployAfter Include="../nowhere/Nowhere.csproj" Condition="'$(BadOrder)' == '$(MSBuildProjectName)'" />
            """;
        using var api = CreateProject("api", solution, faults, properties: "<EcsLaunchType Condition=\"'$(BadApi)' == 'true'\">NOPE</EcsLaunchType>");
        using var jobs = CreateProject("jobs", solution, faults + $"""<EcsDeployAfter Include="{ProjectFile(api)}" />""");
        using var web = CreateProject("web", solution, faults);
        try
        {
            WriteSolution(solution, api, jobs, web);
            foreach (var project in new[] { api, jobs, web })
            {
                File.WriteAllText(Path.Combine(project.Directory, "Broken.txt"), "this is not C#");
            }

            // Nothing deploys after jobs or web: the last of them by path combines the publish.
            var (combiner, other) = string.CompareOrdinal(ProjectFile(jobs), ProjectFile(web)) > 0 ? (jobs, web) : (web, jobs);

            var compile = PublishSolution(solution, $"-p:BreakCompile={combiner.Name}");

            var output = compile.StandardOutput;
            Assert.AreNotEqual(0, compile.ExitCode, output);
            StringAssert.Matches(output, new Regex(@"Broken\.txt\(\d+,\d+\): error CS\d{4}"));
            Assert.AreEqual(1, Occurrences(output, "EcsBuildTasks: Shop.slnx: 3 services, 2 deployed, 1 failed"), "one combined summary, by the project that did not build:\n" + output);
            StringAssert.Matches(output, new Regex($@"NOT-BUILT\s+{combiner.Name}\s+{Cluster}"));
            StringAssert.Matches(output, new Regex($@"{combiner.Name}: its build failed at Broken\.txt\(\d+,\d+\): error CS\d{{4}}: .+; nothing was deployed"));
            var combined = CombinedResult(solution);
            Assert.AreEqual("failed", (string?)combined["status"]);
            var deployments = Deployments(combined);
            Assert.AreEqual("not-built", (string?)deployments[combiner.Name]["status"]);
            StringAssert.StartsWith((string?)deployments[combiner.Name]["reason"], "its build failed at Broken.txt(");
            foreach (var deployed in new[] { api, other })
            {
                Assert.AreEqual("succeeded", (string?)deployments[deployed.Name]["status"], output);
            }

            await WaitUntilStoppedAsync(solution.Endpoint);

            var failures = PublishSolution(solution, "-p:BadApi=true", $"-p:BadOrder={web.Name}");

            output = failures.StandardOutput;
            Assert.AreNotEqual(0, failures.ExitCode, output);
            StringAssert.Contains(output, "error ECS0003");
            StringAssert.Contains(output, $"error ECS7004: Not deployed: {api.Name} failed, and this project deploys after it (EcsDeployAfter)");
            StringAssert.Contains(output, "error ECS7005");
            Assert.AreEqual(1, Occurrences(output, "EcsBuildTasks: Shop.slnx: 3 services, 0 deployed, 3 failed"), "one combined summary:\n" + output);
            StringAssert.Matches(output, new Regex($@"SKIPPED\s+{jobs.Name}\s+{Cluster}"));
            StringAssert.Contains(output, $"{jobs.Name}: {api.Name} failed, and this project deploys after it (EcsDeployAfter)");
            deployments = Deployments(CombinedResult(solution));
            Assert.AreEqual("skipped", (string?)deployments[jobs.Name]["status"]);
            Assert.AreEqual("not-deployed", (string?)deployments[web.Name]["status"], "failed its checks: nothing deployed, no result of its own");
            Assert.IsFalse((bool)deployments[api.Name]["succeeded"]!);
        }
        finally
        {
            DeleteFolder(solution.Folder);
        }
    }

    /// <summary>A solution's folder, with the LocalEcs endpoint (a free port) and state file its projects share.</summary>
    private sealed record Solution(string Folder, string Endpoint, string StateFile);

    private static Solution NewSolution()
    {
        var folder = Directory.CreateTempSubdirectory("ecs-solution-").FullName;
        return new Solution(folder, $"http://localhost:{ProcessRunner.FreeTcpPort().ToString(CultureInfo.InvariantCulture)}", Path.Combine(folder, "state.json"));
    }

    private static void WriteSolution(Solution solution, params ConsumerProject[] projects)
    {
        File.Copy(Path.Combine(projects[0].Directory, "nuget.config"), Path.Combine(solution.Folder, "nuget.config"));
        File.Copy(Path.Combine(projects[0].Directory, "global.json"), Path.Combine(solution.Folder, "global.json"));
        File.WriteAllText(Path.Combine(solution.Folder, "Shop.slnx"), $"""
            <Solution>
            {string.Join("\n", projects.Select(p => $"  <Project Path=\"{Path.GetRelativePath(solution.Folder, ProjectFile(p))}\" />"))}
            </Solution>
            """);
    }

    private static ProcessResult PublishSolution(Solution solution, params string[] properties) =>
        Dotnet.Run(solution.Folder, ["publish", "Shop.slnx", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false", .. properties],
            new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(PackageFixture.Instance.Root, "packages") });

    private static JsonNode CombinedResult(Solution solution) => JsonNode.Parse(File.ReadAllText(Path.Combine(solution.Folder, "ecs-deployments.json")))!;

    private static Dictionary<string, JsonNode> Deployments(JsonNode combined) =>
        combined["deployments"]!.AsArray().ToDictionary(d => (string)d!["service"]!, d => d!);

    /// <summary>Deletes the solution's folder; a LocalEcs still saving its state there must not hide the test's own failure.</summary>
    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static ConsumerProject CreateProject(string prefix, Solution solution, string items = "", string properties = "")
    {
        var name = LocalEcsProjects.NewName(prefix);
        var project = PackageFixture.Instance.CreateConsumer($"""
            <ContainerRepository>{name}</ContainerRepository>
            <EcsTarget>local</EcsTarget>
            <EcsEndpointUrl>{solution.Endpoint}</EcsEndpointUrl>
            <EcsLocalStateFile>{solution.StateFile}</EcsLocalStateFile>
            <EcsCluster>{Cluster}</EcsCluster>
            <EcsExecutionRoleArn>arn:aws:iam::123456789012:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
            {properties}
            """, items, name: name);
        // Named after its service, as a solution's projects are.
        File.Move(Path.Combine(project.Directory, "consumer.csproj"), ProjectFile(project));
        return project;
    }

    private static string ProjectFile(ConsumerProject project) => Path.Combine(project.Directory, project.Name + ".csproj");

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>The embedded LocalEcs stops once the publish that started it is done.</summary>
    private static async Task WaitUntilStoppedAsync(string endpoint)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Add(LocalEcsServer.ControlHeader, "1");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(endpoint + "/_localecs/health"));
            }
            catch (HttpRequestException)
            {
                return;
            }

            Assert.IsLessThan(deadline, DateTime.UtcNow, $"LocalEcs at {endpoint} still runs after the publish");
            await Task.Delay(200);
        }
    }
}
