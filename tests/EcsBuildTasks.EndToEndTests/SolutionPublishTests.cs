using System.Globalization;
using System.Text.Json.Nodes;
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
        var folder = Directory.CreateTempSubdirectory("ecs-solution-").FullName;
        var port = ProcessRunner.FreeTcpPort();
        var endpoint = $"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}";
        var stateFile = Path.Combine(folder, "state.json");
        using var api = CreateProject("api", endpoint, stateFile);
        using var web = CreateProject("web", endpoint, stateFile);
        using var worker = CreateProject("worker", endpoint, stateFile, $"""<EcsDeployAfter Include="{ProjectFile(api)}" />""");
        try
        {
            File.Copy(Path.Combine(api.Directory, "nuget.config"), Path.Combine(folder, "nuget.config"));
            File.Copy(Path.Combine(api.Directory, "global.json"), Path.Combine(folder, "global.json"));
            File.WriteAllText(Path.Combine(folder, "Shop.slnx"), $"""
                <Solution>
                  <Project Path="{Path.GetRelativePath(folder, ProjectFile(api))}" />
                  <Project Path="{Path.GetRelativePath(folder, ProjectFile(web))}" />
                  <Project Path="{Path.GetRelativePath(folder, ProjectFile(worker))}" />
                </Solution>
                """);

            var publish = Dotnet.Run(folder, ["publish", "Shop.slnx", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false"],
                new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(PackageFixture.Instance.Root, "packages") });

            LocalEcsProjects.AssertSucceeded(publish);
            var output = publish.StandardOutput;
            Assert.AreEqual(1, Occurrences(output, $"started LocalEcs at {endpoint} for this publish"), "one embedded LocalEcs for the whole solution:\n" + output);
            StringAssert.Contains(output, $"deploys after {api.Name} (service {api.Name}) (EcsDeployAfter): waits for its deployment to succeed first");
            StringAssert.Contains(output, $"EcsBuildTasks: {api.Name} deployed: this project deploys now");
            StringAssert.Contains(output, "EcsBuildTasks: Shop.slnx: 3 services, 3 deployed, 0 failed");
            foreach (var project in new[] { api, web, worker })
            {
                StringAssert.Matches(output, new System.Text.RegularExpressions.Regex($@"succeeded\s+{project.Name}\s+{Cluster}\s+{project.Name}:1\s+sha256:[0-9a-f]{{12}}"));
            }

            var combined = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "ecs-deployments.json")))!;
            Assert.AreEqual("succeeded", (string?)combined["status"]);
            var deployments = combined["deployments"]!.AsArray().ToDictionary(d => (string)d!["service"]!, d => d!);
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

            await WaitUntilStoppedAsync(endpoint);
        }
        finally
        {
            DeleteFolder(folder);
        }
    }

    [TestMethod]
    public async Task The_combined_result_lists_every_service_also_when_a_project_fails_its_checks()
    {
        var folder = Directory.CreateTempSubdirectory("ecs-solution-").FullName;
        var port = ProcessRunner.FreeTcpPort();
        var endpoint = $"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}";
        var stateFile = Path.Combine(folder, "state.json");
        using var api = CreateProject("api", endpoint, stateFile);
        using var broken = CreateProject("broken", endpoint, stateFile, """
            <EcsDeployAfter Include="../nowhere/Nowhere.csproj" Condition="'$(BadOrder)' == 'true'" />
            """);
        try
        {
            File.Copy(Path.Combine(api.Directory, "nuget.config"), Path.Combine(folder, "nuget.config"));
            File.Copy(Path.Combine(api.Directory, "global.json"), Path.Combine(folder, "global.json"));
            File.WriteAllText(Path.Combine(folder, "Shop.slnx"), $"""
                <Solution>
                  <Project Path="{Path.GetRelativePath(folder, ProjectFile(api))}" />
                  <Project Path="{Path.GetRelativePath(folder, ProjectFile(broken))}" />
                </Solution>
                """);

            foreach (var (fault, expected) in new[] { ("-p:BadOrder=true", "error ECS7005") })
            {
                var publish = Dotnet.Run(folder, ["publish", "Shop.slnx", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false", fault],
                    new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(PackageFixture.Instance.Root, "packages") });

                var output = publish.StandardOutput;
                Assert.AreNotEqual(0, publish.ExitCode, output);
                StringAssert.Contains(output, expected);
                Assert.AreEqual(1, Occurrences(output, "EcsBuildTasks: Shop.slnx: 2 services, 1 deployed, 1 failed"), $"one combined summary ({fault}):\n" + output);
                StringAssert.Matches(output, new System.Text.RegularExpressions.Regex($@"NOT-DEPLOYED\s+{broken.Name}\s+{Cluster}"));
                StringAssert.Contains(output, $"{broken.Name}: its build failed before it deployed (its errors say why)");
                var combined = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "ecs-deployments.json")))!;
                Assert.AreEqual("failed", (string?)combined["status"]);
                var deployments = combined["deployments"]!.AsArray().ToDictionary(d => (string)d!["service"]!, d => d!);
                Assert.AreEqual("not-deployed", (string?)deployments[broken.Name]["status"], fault);
                Assert.IsTrue((bool)deployments[api.Name]["succeeded"]!, fault);
            }

            await WaitUntilStoppedAsync(endpoint);
        }
        finally
        {
            DeleteFolder(folder);
        }
    }

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

    private static ConsumerProject CreateProject(string prefix, string endpoint, string stateFile, string items = "")
    {
        var name = LocalEcsProjects.NewName(prefix);
        var project = PackageFixture.Instance.CreateConsumer($"""
            <ContainerRepository>{name}</ContainerRepository>
            <EcsTarget>local</EcsTarget>
            <EcsEndpointUrl>{endpoint}</EcsEndpointUrl>
            <EcsLocalStateFile>{stateFile}</EcsLocalStateFile>
            <EcsCluster>{Cluster}</EcsCluster>
            <EcsExecutionRoleArn>arn:aws:iam::123456789012:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
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
