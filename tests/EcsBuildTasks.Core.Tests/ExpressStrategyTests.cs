using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ApplicationAutoScaling;
using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Strategies;
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

        var (first, crash, _) = await env.DeployThenCrashAsync(input, "express-shop:2");

        StringAssert.Contains(crash.Failure!.Message, "serves the previous configuration");
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

    [TestMethod]
    public async Task Request_count_scaling_tracks_requests_per_target_of_the_target_group_ECS_provisioned_and_the_preflight_says_ECS_manages_it()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = (await ExpressProjectAsync(env, "orders"))
            .Set(EcsProperties.AutoScalingMinCapacity, "2")
            .Set(EcsProperties.AutoScalingMaxCapacity, "6")
            .Add(EcsProperties.ScalingPolicyItem, "requests", ("Metric", "RequestCount"), ("TargetValue", "500"));

        var first = await env.DeployAsync(input);

        Assert.IsNull(first.Failure, first.Failure?.Message);
        var scaling = (await ExpressAsync(env, "orders")).ActiveConfigurations![0].ScalingTarget!;
        Assert.AreEqual("2-6 REQUEST_COUNT_PER_TARGET 500", $"{scaling.MinTaskCount}-{scaling.MaxTaskCount} {scaling.AutoScalingMetric!.Value} {scaling.AutoScalingTargetValue}");
        var policy = (await env.Aws.ApplicationAutoScaling.DescribeScalingPoliciesAsync(new DescribeScalingPoliciesRequest { ServiceNamespace = ServiceNamespace.Ecs, ResourceId = "service/orders/orders" })).ScalingPolicies!.Single();
        var metric = policy.TargetTrackingScalingPolicyConfiguration!.PredefinedMetricSpecification!;
        Assert.AreEqual("ALBRequestCountPerTarget", metric.PredefinedMetricType!.Value);
        StringAssert.Matches(metric.ResourceLabel, new System.Text.RegularExpressions.Regex("^app/.+/targetgroup/.+$"), "the load balancer and target group ECS provisioned");

        var log = new RecordingDeploymentLog();
        var definitions = LocalEcsHarness.Generate(input);
        await new DeploymentPreflight(env.Aws, log).RunAsync(definitions, DeploymentStrategies.Of(definitions), null, CancellationToken.None);

        StringAssert.Contains(log.Text, "auto scaling: ECS manages the Express service's scaling target");
        Assert.DoesNotContain("it is suspended while the service deploys", log.Text, "the package never suspends an Express service's scaling");
    }

    [TestMethod]
    public async Task A_URL_ECS_does_not_give_within_EcsTimeoutMinutes_is_ECS6008_with_the_command_that_checks_it()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ControlAsync(HttpMethod.Put, "express/url-delay", new { seconds = 86_400 });
        var input = (await ExpressProjectAsync(env, "late")).Set(EcsProperties.TimeoutMinutes, "15");
        var log = new RecordingDeploymentLog();

        var report = await env.DeployAsync(input, log);

        Assert.AreEqual("ECS6008", report.Failure?.Code, report.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual(EcsProperties.TimeoutMinutes, report.Failure!.Subject);
        Assert.AreEqual("no-url", report.Result.Status);
        Assert.IsNull(report.Result.Url);
        StringAssert.Contains(log.Text, "waiting for ECS to give its URL");
        StringAssert.Contains(report.Failure.Message, $"ecs describe-express-gateway-service --service-arn {report.Result.ServiceArn}");
        StringAssert.EndsWith(report.Result.RunningTaskDefinitionArn, "express-late:1", "the service runs; only its URL is missing");
    }

    [TestMethod]
    public async Task A_deployment_that_outlives_EcsTimeoutMinutes_is_rolled_back_by_the_build_to_the_previous_configuration()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ExpressProjectAsync(env, "slow");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var log = new RecordingDeploymentLog();

        var slow = await env.DeployAsync(input.Copy().Set(EcsProperties.TimeoutMinutes, "2").Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "slow-start:36000")), log);

        Assert.AreEqual("ECS3004", slow.Failure?.Code, slow.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual("timed-out", slow.Result.Status);
        StringAssert.Contains(slow.Failure!.Message, "the build rolled it back and the service runs express-slow:1");
        var service = await env.ServiceAsync("slow");
        StringAssert.EndsWith(service.TaskDefinition, "express-slow:1", "back on the last healthy configuration");
        Assert.AreEqual(1, (await ExpressAsync(env, "slow")).ActiveConfigurations!.Count, "only the previous configuration is active again");
    }

    [TestMethod]
    public async Task Fail_fast_stops_the_Express_deployment_after_the_given_number_of_failed_tasks_and_ECS_returns_to_the_previous_configuration()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ExpressProjectAsync(env, "fragile");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var log = new RecordingDeploymentLog();

        var crash = await env.DeployAsync(TestInputs.Crashing(input).Set(EcsProperties.FailFastFailedTasks, "1"), log);

        Assert.AreEqual("ECS3005", crash.Failure?.Code, crash.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual("failed-fast", crash.Result.Status);
        StringAssert.Contains(crash.Failure!.Message, "fragile runs express-fragile:1");
        StringAssert.EndsWith((await env.ServiceAsync("fragile")).TaskDefinition, "express-fragile:1");
    }

    [TestMethod]
    public async Task Rolling_Versioned_or_any_other_strategy_pointed_at_an_Express_service_is_ECS6009_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var express = await ExpressProjectAsync(env, "front");
        Assert.IsNull((await env.DeployAsync(express)).Failure);
        var before = await env.ServiceAsync("front");
        var rolling = env.Project("front").Set(EcsProperties.TargetGroupArn, null);

        foreach (var strategy in new[] { "Rolling", "Versioned" })
        {
            var problems = await env.PreflightAsync(rolling.Set(EcsProperties.DeploymentStrategy, strategy));

            var problem = problems.SingleOrDefault(p => p.Code == "ECS6009");
            Assert.IsNotNull(problem, strategy + ": " + string.Join("\n", problems));
            Assert.AreEqual(EcsProperties.DeploymentStrategy, problem.Subject);
            StringAssert.Contains(problem.Message, $"EcsDeploymentStrategy={strategy}, but front in cluster front is an Express service");
            StringAssert.Contains(problem.Message, "EcsDeploymentStrategy=Express");
        }

        // The engine's own guard (a deploy that skipped the preflight) refuses before registering anything.
        var report = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.DeployAsync(rolling.Set(EcsProperties.DeploymentStrategy, "Rolling")));
        Assert.AreEqual("ECS6009", report.Diagnostics.Single().Code);
        var after = await env.ServiceAsync("front");
        Assert.AreEqual(before.TaskDefinition, after.TaskDefinition);
        Assert.AreEqual(before.Deployments!.Count, after.Deployments!.Count);
        Assert.AreEqual(ServiceDeploymentsOf(before), ServiceDeploymentsOf(after));
    }

    [TestMethod]
    public async Task An_unchanged_publish_reuses_the_image_recorded_on_the_service_only_while_the_service_runs_that_digest()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var host = env.BaseImage[..env.BaseImage.IndexOf('/', StringComparison.Ordinal)];
        var digests = (await env.Aws.Ecr.DescribeImagesAsync(new Aws.ECR.Model.DescribeImagesRequest { RepositoryName = "localecs/base" })).ImageDetails!
            .Select(d => d.ImageDigest!).Order(StringComparer.Ordinal).ToList();
        Assert.IsGreaterThanOrEqualTo(2, digests.Count, "the base repository holds an index and one image per architecture");
        var (first, second) = ($"{host}/localecs/base@{digests[0]}", $"{host}/localecs/base@{digests[1]}");
        var input = (await ExpressProjectAsync(env, "reuse")).Set("EcsImage", first);
        var definitions = LocalEcsHarness.Generate(input);
        var registry = new PreparedRegistry(host, "localecs/base", $"{host}/localecs/base", Created: false);
        Task<ReusableImage?> ReusableAsync(string fingerprint, (string, string)? service) => new ImageReuse(env.Aws, new RecordingDeploymentLog())
            .FindAsync(definitions.TaskDefinition.Family!, TaskDefinitionBuilder.MainContainerName(definitions.Settings, definitions.TaskDefinition), fingerprint, registry, [], service, CancellationToken.None);
        async Task<DeploymentReport> PublishAsync(SettingsInput project, string? fingerprint)
        {
            var deployer = new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!);
            return await env.WhileTimeRunsAsync(() => deployer.DeployAsync(LocalEcsHarness.Generate(project), null, fingerprint, CancellationToken.None));
        }

        var deployed = await PublishAsync(input, "fp-1");

        Assert.IsNull(deployed.Failure, deployed.Failure?.Message);
        Assert.AreEqual(("fp-1", digests[0]), await ImageTagsAsync(env, "reuse"), "after success the service records the image's fingerprint and digest");
        Assert.IsNull(await ReusableAsync("fp-1", null), "ECS registers an Express service's task definitions, without the package's tags: only the service knows the image");
        Assert.AreEqual(first, (await ReusableAsync("fp-1", ("reuse", "reuse")))?.Image, "the same content deploys the image the service runs");
        Assert.IsNull(await ReusableAsync("fp-2", ("reuse", "reuse")), "other content is pushed");
        Assert.AreEqual("up-to-date", (await PublishAsync(input, "fp-1")).Result.Status, "the reused image is no change to Express");

        var crashed = await PublishAsync(TestInputs.Crashing(input).Set("EcsImage", second), "fp-2");

        Assert.AreEqual("rolled-back", crashed.Result.Status, crashed.Failure?.Message);
        Assert.AreEqual(("fp-1", digests[0]), await ImageTagsAsync(env, "reuse"), "a rolled-back image is never recorded");
        Assert.AreEqual(first, (await ReusableAsync("fp-1", ("reuse", "reuse")))?.Image, "ECS serves the recorded image again");

        var changedOutside = await PublishAsync(input.Copy().Set("EcsImage", second), null);

        Assert.IsNull(changedOutside.Failure, changedOutside.Failure?.Message);
        Assert.AreEqual(("fp-1", digests[0]), await ImageTagsAsync(env, "reuse"), "a deployment without a fingerprint records nothing");
        Assert.IsNull(await ReusableAsync("fp-1", ("reuse", "reuse")), "the service runs another digest now: the recorded image is not what serves");
    }

    /// <summary>The harness's web project (port 8080) as an Express service, with a timeout that fits Express's canary and bake (6 simulated minutes).</summary>
    internal static async Task<SettingsInput> ExpressProjectAsync(LocalEcsHarness env, string name) => Express(await env.ProjectAsync(name));

    internal static SettingsInput Express(SettingsInput input) => input
        .Set(EcsProperties.DeploymentStrategy, "Express")
        .Set(EcsProperties.InfrastructureRoleArn, InfrastructureRole)
        .Set(EcsProperties.ExpressHealthCheckPath, "/health")
        .Set(EcsProperties.TimeoutMinutes, "30");

    private static string ServiceDeploymentsOf(EcsBuildTasks.Aws.ECS.Model.Service service) => string.Join(",", service.Deployments!.Select(d => d.Id));

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

    private static async Task<(string? Fingerprint, string? Digest)> ImageTagsAsync(LocalEcsHarness env, string name)
    {
        var tags = (await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = name, Services = [name], Include = ["TAGS"] })).Services!.Single().Tags ?? [];
        return (tags.Find(t => t.Key == ImageReuse.FingerprintTag)?.Value, tags.Find(t => t.Key == ImageReuse.DigestTag)?.Value);
    }

    private static async Task<int> DeploymentsAsync(LocalEcsHarness env, string name) =>
        (await env.Aws.Ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = name, Service = name })).ServiceDeployments!.Count;
}
