using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Testing;
using YamlDotNet.RepresentationModel;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// The <c>dotnet new ecs-web</c> template as a user meets it: installed from the packed template package, it creates
/// a service that deploys to LocalEcs, answers its own container health check, plans its environments' profiles, and
/// carries a GitHub Actions workflow that plans pull requests and deploys main with OIDC credentials.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class TemplateTests
{
    [TestMethod]
    public async Task A_new_ecs_web_service_deploys_to_LocalEcs_answers_its_health_check_and_plans_its_Staging_profile()
    {
        var name = "Orders" + Suffix();
        using var project = TemplatePackageFixture.Instance.Create(name);
        var service = name.ToLowerInvariant();
        var projectFile = await File.ReadAllTextAsync(Path.Combine(project.Directory, name + ".csproj"));
        StringAssert.Contains(projectFile, $"""<PackageReference Include="EcsBuildTasks" Version="{PackageFixture.Instance.Version}" PrivateAssets="all" />""",
            "the template references the EcsBuildTasks of its own version");

        var deploy = project.Dotnet("publish", "-c", "Release", "-p:EcsDeploy=true", "-p:EcsTarget=local", "-p:EcsEndpointUrl=" + await LocalEcsFixture.EndpointAsync(), "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(deploy);
        StringAssert.Contains(deploy.StandardOutput, "EcsBuildTasks: deployed: the new revision is serving");
        var ecs = await LocalEcsFixture.EcsAsync();
        var running = (await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = "default", Services = [service] })).Services!.Single();
        Assert.AreEqual(1, running.RunningCount);
        var taskDefinition = (await ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = running.TaskDefinition })).TaskDefinition!;
        CollectionAssert.AreEqual(new[] { "CMD", "dotnet", $"/app/{name}.dll", "--health" }, taskDefinition.ContainerDefinitions!.Single().HealthCheck!.Command!.ToArray(),
            "the container health check runs the app's own probe: the ASP.NET Core base image has no curl");

        await AssertTheHealthCheckProbesTheAppAsync(project, name);

        var staging = project.Dotnet("publish", "-c", "Release", "-p:PublishProfile=Staging", "-p:EcsDeploy=true", "-p:EcsDryRun=true", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(staging);
        var serviceDefinition = Definition(project, "service-definition.json");
        Assert.AreEqual("staging", (string?)serviceDefinition["cluster"]);
        Assert.AreEqual(1, (int?)serviceDefinition["desiredCount"]);
        var stagingTask = Definition(project, "task-definition.json");
        Assert.AreEqual("512", (string?)stagingTask["memory"]);
        Assert.AreEqual("Staging", EnvironmentVariables(stagingTask)["ASPNETCORE_ENVIRONMENT"], "the profile sets the environment");
    }

    [TestMethod]
    public void The_Canary_option_wires_traffic_shifting_into_the_profiles_and_the_Production_plan_passes()
    {
        var name = "Payments.Api" + Suffix();
        using var project = TemplatePackageFixture.Instance.Create(name, "--strategy", "Canary", "--aws-account", "210987654321", "--aws-region", "eu-west-1");

        var production = project.Dotnet("publish", "-c", "Release", "-p:PublishProfile=Production", "-p:EcsDeploy=true", "-p:EcsDryRun=true", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(production);
        StringAssert.Contains(production.StandardOutput, "Deployment  Canary");
        var serviceDefinition = Definition(project, "service-definition.json");
        Assert.AreEqual(name.ToLowerInvariant().Replace('.', '-'), (string?)serviceDefinition["serviceName"], "a name ECS, ECR and ELB accept");
        Assert.AreEqual("production", (string?)serviceDefinition["cluster"]);
        Assert.AreEqual(2, (int?)serviceDefinition["desiredCount"]);
        Assert.AreEqual("CANARY", (string?)serviceDefinition["deploymentConfiguration"]!["strategy"]);
        StringAssert.StartsWith((string?)serviceDefinition["loadBalancers"]![0]!["targetGroupArn"], "arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/");
        var task = Definition(project, "task-definition.json");
        Assert.AreEqual("1024", (string?)task["memory"]);
        Assert.AreEqual("arn:aws:iam::210987654321:role/ecsTaskExecutionRole", (string?)task["executionRoleArn"]);
        Assert.AreEqual("Production", EnvironmentVariables(task)["ASPNETCORE_ENVIRONMENT"]);
    }

    [TestMethod]
    public void The_Versioned_option_plans_three_phases_of_versioned_services()
    {
        var name = "Orders" + Suffix();
        using var project = TemplatePackageFixture.Instance.Create(name, "--strategy", "Versioned");

        var production = project.Dotnet("publish", "-c", "Release", "-p:PublishProfile=Production", "-p:EcsDeploy=true", "-p:EcsDryRun=true", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(production);
        StringAssert.Contains(production.StandardOutput, "Deployment  Versioned");
        StringAssert.Contains(production.StandardOutput, $"a new service {name.ToLowerInvariant()}__<N> next to the serving version");
        StringAssert.Contains(production.StandardOutput, "keeping 3 old version(s) at 0");
        foreach (var phase in new[] { "canary", "half", "all" })
        {
            StringAssert.Contains(production.StandardOutput, "phase " + phase);
        }

        Assert.AreEqual("ROLLING", (string?)Definition(project, "service-definition.json")["deploymentConfiguration"]!["strategy"], "each version is only resized");
    }

    [TestMethod]
    public void The_Express_option_plans_an_Express_service_probed_at_health_and_scaled_by_its_profile()
    {
        var name = "Shop" + Suffix();
        using var project = TemplatePackageFixture.Instance.Create(name, "--strategy", "Express", "--aws-account", "210987654321");

        var production = project.Dotnet("publish", "-c", "Release", "-p:PublishProfile=Production", "-p:EcsDeploy=true", "-p:EcsDryRun=true", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(production);
        StringAssert.Contains(production.StandardOutput, $"Express     service {name.ToLowerInvariant()} in cluster production");
        StringAssert.Contains(production.StandardOutput, "container described inline (primary container)", "no container health check: the load balancer ECS provisions probes /health");
        StringAssert.Contains(production.StandardOutput, "Express     health check /health on port 8080; scaling as below");
        StringAssert.Contains(production.StandardOutput, "Scaling     2–6 tasks", "the profile's scaling target, not a desired count");
        var projectFile = File.ReadAllText(Path.Combine(project.Directory, name + ".csproj"));
        StringAssert.Contains(projectFile, "<EcsInfrastructureRoleArn>arn:aws:iam::210987654321:role/ecsInfrastructureRoleForExpressServices</EcsInfrastructureRoleArn>");
        Assert.IsFalse(projectFile.Contains("EcsHealthCheckCommand", StringComparison.Ordinal), "Express's load balancer is the health check");
        var profile = File.ReadAllText(Path.Combine(project.Directory, "Properties", "PublishProfiles", "Production.pubxml"));
        StringAssert.Contains(profile, "<EcsAutoScalingMaxCapacity>6</EcsAutoScalingMaxCapacity>");
        Assert.IsFalse(profile.Contains("EcsDesiredCount", StringComparison.Ordinal), "Express takes no desired count");
        Assert.AreEqual("Production", EnvironmentVariables(Definition(project, "task-definition.json"))["ASPNETCORE_ENVIRONMENT"]);
    }

    [TestMethod]
    public void The_workflow_is_valid_YAML_that_plans_pull_requests_without_credentials_and_deploys_main_with_OIDC()
    {
        var name = "Web" + Suffix();
        using var project = TemplatePackageFixture.Instance.Create(name);
        var yaml = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(Path.Combine(project.Directory, ".github", "workflows", "deploy.yml"))))
        {
            yaml.Load(reader);
        }

        var workflow = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var triggers = Map(workflow, "on");
        CollectionAssert.AreEqual(new[] { "main" }, Strings(Map(triggers, "pull_request"), "branches"));
        CollectionAssert.AreEqual(new[] { "main" }, Strings(Map(triggers, "push"), "branches"));
        Assert.AreEqual(name + ".csproj", Scalar(Map(workflow, "env"), "PROJECT_PATH"), "the workflow publishes the project the template created");
        var jobs = Map(workflow, "jobs");
        CollectionAssert.AreEquivalent(new[] { "plan", "deploy-staging", "deploy-production" }, jobs.Children.Keys.Select(k => k.ToString()).ToArray());

        var plan = Map(jobs, "plan");
        StringAssert.Contains(Scalar(plan, "if"), "github.event_name == 'pull_request'");
        CollectionAssert.AreEqual(new[] { "Staging", "Production" }, Strings(Map(Map(plan, "strategy"), "matrix"), "environment"));
        var planRun = Runs(plan).Single();
        StringAssert.Contains(planRun, "-p:EcsDryRun=true");
        StringAssert.Contains(planRun, "-p:PublishProfile=${{ matrix.environment }}");
        Assert.IsFalse(Uses(plan).Any(u => u.StartsWith("aws-actions/configure-aws-credentials", StringComparison.Ordinal)), "a dry run needs no credentials");

        StringAssert.Contains(Scalar(Map(jobs, "deploy-staging"), "if"), "github.ref == 'refs/heads/main'");
        Assert.AreEqual("deploy-staging", Scalar(Map(jobs, "deploy-production"), "needs"), "Production after Staging");
        foreach (var (job, profile) in new[] { ("deploy-staging", "Staging"), ("deploy-production", "Production") })
        {
            var deploy = Map(jobs, job);
            Assert.AreEqual("write", Scalar(Map(deploy, "permissions"), "id-token"), $"{job}: OIDC needs an id token");
            var credentials = Steps(deploy).Single(s => Scalar(s, "uses")?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true);
            Assert.IsNotNull(Scalar(Map(credentials, "with"), "role-to-assume"), $"{job}: assumes a role, stores no key");
            var run = Runs(deploy).Single();
            StringAssert.Contains(run, $"-p:PublishProfile={profile} -p:EcsDeploy=true");
            Assert.IsFalse(run.Contains("EcsDryRun", StringComparison.Ordinal), job);
        }
    }

    /// <summary><c>dotnet NAME.dll --health</c> (the container health check) exits 0 while the app serves /health, 1 once it is gone.</summary>
    private static async Task AssertTheHealthCheckProbesTheAppAsync(ConsumerProject project, string name)
    {
        var publish = Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish");
        var port = ProcessRunner.FreeTcpPort().ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string?> { ["ASPNETCORE_HTTP_PORTS"] = port, ["ASPNETCORE_URLS"] = null };
        var log = new StringBuilder();
        using (var app = ProcessRunner.Start("dotnet", [Path.Combine(publish, name + ".dll")], log, publish, environment))
        {
            try
            {
                var deadline = DateTime.UtcNow.AddMinutes(1);
                ProcessResult probe;
                while ((probe = ProcessRunner.Run("dotnet", [Path.Combine(publish, name + ".dll"), "--health"], publish, environment, TimeSpan.FromMinutes(1))).ExitCode != 0)
                {
                    Assert.IsLessThan(deadline, DateTime.UtcNow, $"the health check never passed:\n{probe}\napp:\n{log}");
                    await Task.Delay(200);
                }

                StringAssert.Contains(probe.StandardOutput, "/health: 200");
            }
            finally
            {
                app.Kill();
                await app.WaitForExitAsync();
            }
        }

        var down = ProcessRunner.Run("dotnet", [Path.Combine(publish, name + ".dll"), "--health"], publish, environment, TimeSpan.FromMinutes(1));
        Assert.AreEqual(1, down.ExitCode, "no app, no health:\n" + down);
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];

    private static JsonNode Definition(ConsumerProject project, string file) => JsonNode.Parse(File.ReadAllText(project.IntermediateFile(Path.Combine("ecs", file))))!;

    private static Dictionary<string, string?> EnvironmentVariables(JsonNode taskDefinition) =>
        taskDefinition["containerDefinitions"]![0]!["environment"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map ? map : throw new AssertFailedException($"no mapping '{key}' in the workflow");

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;

    private static string[] Strings(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode list ? [.. list.Children.Select(c => ((YamlScalarNode)c).Value!)] : [];

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode job) =>
        ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>();

    private static IEnumerable<string> Runs(YamlMappingNode job) => Steps(job).Select(s => Scalar(s, "run")).OfType<string>();

    private static IEnumerable<string> Uses(YamlMappingNode job) => Steps(job).Select(s => Scalar(s, "uses")).OfType<string>();
}
