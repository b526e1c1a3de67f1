using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// <c>EcsDeploymentStrategy=Express</c> through the engine (<see cref="Deployer"/>) against the in-process LocalEcs on
/// simulated time: ECS's Express service with its provisioned load balancer, canary deployments and rollback alarm, the
/// URL, the build's rollback and status. The MSBuild wiring is covered by one end-to-end publish (ExpressPublishTests).
/// </summary>
[TestClass]
public sealed class ExpressStrategyTests
{
    public const string InfrastructureRole = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices";

    [TestMethod]
    public async Task A_first_deploy_creates_the_Express_service_and_gives_its_URL_an_unchanged_one_does_nothing_and_a_change_updates_it()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ExpressProjectAsync(env, "web");
        var log = new RecordingDeploymentLog();

        var first = await env.DeployAsync(input, log);

        Assert.IsNull(first.Failure, first.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual("succeeded", first.Result.Status);
        Assert.AreEqual("created", first.Result.ServiceChange);
        StringAssert.StartsWith(first.Result.Url, "https://");
        StringAssert.EndsWith(first.Result.Url, ".ecs.us-east-1.on.aws/");
        StringAssert.Contains(string.Join("\n", first.Result.SummaryLines()), $"URL             {first.Result.Url}");
        StringAssert.Contains(log.Text, "creating Express service web in web");
        var resolved = await ResolveAsync(env, first.Result.Url!);
        Assert.IsTrue(resolved["servingTargets"]!.AsArray().Count >= 1, resolved.ToJsonString());
        var service = await ExpressAsync(env, "web");
        Assert.AreEqual("/health", service.ActiveConfigurations![0].HealthCheckPath);
        Assert.AreEqual(8080, service.ActiveConfigurations[0].PrimaryContainer!.ContainerPort);
        Assert.AreEqual(env.BaseImage, service.ActiveConfigurations[0].PrimaryContainer!.Image);
        var deployments = await DeploymentsAsync(env, "web");

        var unchanged = await env.DeployAsync(input);

        Assert.IsNull(unchanged.Failure, unchanged.Failure?.Message);
        Assert.AreEqual("up-to-date", unchanged.Result.Status);
        Assert.AreEqual(first.Result.Url, unchanged.Result.Url);
        Assert.AreEqual(deployments, await DeploymentsAsync(env, "web"), "no update, no deployment");

        var changed = await env.DeployAsync(input.Set("EcsMemory", "1024"));

        Assert.IsNull(changed.Failure, changed.Failure?.Message);
        Assert.AreEqual("succeeded", changed.Result.Status);
        Assert.AreEqual("updated", changed.Result.ServiceChange);
        CollectionAssert.Contains(changed.Result.ChangedMembers.ToList(), "memory");
        StringAssert.EndsWith(changed.Result.TaskDefinitionArn, ":2");
        Assert.AreEqual("1024", (await ExpressAsync(env, "web")).ActiveConfigurations![0].Memory);
        Assert.AreEqual(first.Result.Url, changed.Result.Url, "an update keeps the URL");
    }

    [TestMethod]
    public async Task A_crashing_revision_fails_the_build_with_the_stopped_tasks_evidence_and_ECS_keeps_serving_the_previous_configuration()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ExpressProjectAsync(env, "shop");
        var first = await env.DeployAsync(input);
        Assert.IsNull(first.Failure, first.Failure?.Message);
        var log = new RecordingDeploymentLog();

        var crash = await env.DeployAsync(Crashing(input), log);

        Assert.AreEqual("ECS3002", crash.Failure?.Code, log.Text);
        Assert.AreEqual("rolled-back", crash.Result.Status);
        StringAssert.Contains(crash.Failure!.Message, "serves the previous configuration");
        StringAssert.Contains(log.Text, "why the deployment of express-shop:2 failed:");
        StringAssert.Contains(log.Text, "exit code 1");
        var service = await env.ServiceAsync("shop");
        StringAssert.EndsWith(service.TaskDefinition, "express-shop:1", "ECS rolled the service back to its last healthy configuration");
        Assert.AreEqual(service.DesiredCount, service.RunningCount);
        var resolved = await ResolveAsync(env, first.Result.Url!);
        Assert.IsTrue(resolved["servingTargets"]!.AsArray().Count >= 1, "the URL still serves: " + resolved.ToJsonString());
    }

    [TestMethod]
    public async Task EcsRollback_returns_the_Express_service_to_its_previous_configuration_and_EcsStatus_shows_the_URL()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ExpressProjectAsync(env, "api");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        Assert.IsNull((await env.DeployAsync(input.Set("EcsMemory", "1024"))).Failure);
        var log = new RecordingDeploymentLog();
        var deployer = new Deployer(env.Aws, log, env.Time!);
        var definitions = LocalEcsHarness.Generate(input);

        var rollback = await env.WhileTimeRunsAsync(() => deployer.RollbackAsync(definitions, CancellationToken.None));
        var status = string.Join("\n", await deployer.StatusAsync(definitions, CancellationToken.None));

        Assert.IsNull(rollback.Failure, rollback.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual("rolled-back", rollback.Result.Status);
        StringAssert.Contains(log.Text, "rolling Express service api back from express-api:2 to express-api:1");
        StringAssert.EndsWith((await env.ServiceAsync("api")).TaskDefinition, "express-api:1");
        StringAssert.Contains(status, "Express service api in api: ACTIVE");
        StringAssert.Contains(status, "URL             https://");
        StringAssert.Contains(status, "Task definition express-api:1");
    }

    [TestMethod]
    public async Task A_service_of_that_name_that_is_not_an_Express_service_is_reported_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var rolling = await env.ProjectAsync("legacy");
        Assert.IsNull((await env.DeployAsync(rolling)).Failure);

        var problems = await env.PreflightAsync(Express(env.Project("legacy")));

        var problem = problems.Single(p => p.Code == "ECS6006");
        Assert.AreEqual(EcsProperties.ServiceName, problem.Subject);
        StringAssert.Contains(problem.Message, "not an Express service");
    }

    /// <summary>The harness's web project (port 8080) as an Express service, with a timeout that fits Express's canary and bake (6 simulated minutes).</summary>
    internal static async Task<SettingsInput> ExpressProjectAsync(LocalEcsHarness env, string name) => Express(await env.ProjectAsync(name));

    internal static SettingsInput Express(SettingsInput input) => input
        .Set(EcsProperties.DeploymentStrategy, "Express")
        .Set(EcsProperties.InfrastructureRoleArn, InfrastructureRole)
        .Set(EcsProperties.ExpressHealthCheckPath, "/health")
        .Set(EcsProperties.TimeoutMinutes, "30");

    private static SettingsInput Crashing(SettingsInput input)
    {
        var copy = new SettingsInput { BaseDirectory = input.BaseDirectory };
        foreach (var (name, value) in input.Properties)
        {
            copy.Set(name, value);
        }

        return copy.Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash"));
    }

    private static async Task<ECSExpressGatewayService> ExpressAsync(LocalEcsHarness env, string name)
    {
        var service = await env.ServiceAsync(name);
        return (await env.Aws.Ecs.DescribeExpressGatewayServiceAsync(new DescribeExpressGatewayServiceRequest { ServiceArn = service.ServiceArn })).Service!;
    }

    private static async Task<JsonObject> ResolveAsync(LocalEcsHarness env, string url)
    {
        using var http = new HttpClient { DefaultRequestHeaders = { { LocalEcs.LocalEcsServer.ControlHeader, "1" } } };
        return (await http.GetFromJsonAsync<JsonObject>(new Uri($"{env.Endpoint}/_localecs/express/resolve?url={Uri.EscapeDataString(url)}")))!;
    }

    private static async Task<int> DeploymentsAsync(LocalEcsHarness env, string name) =>
        (await env.Aws.Ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = name, Service = name })).ServiceDeployments!.Count;
}
