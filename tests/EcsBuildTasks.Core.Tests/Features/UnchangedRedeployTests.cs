using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Features;

/// <summary>
/// Issue 18: an unchanged redeploy in at most 6 AWS requests. A publish as the tasks run it — the preparation (with the
/// image fingerprint of a publish folder), the push of the SDK (done here through LocalEcs's registry) when the
/// preparation asks for one, the deployment — against an in-process LocalEcs, counting every request of both steps.
/// </summary>
[TestClass]
public sealed class UnchangedRedeployTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task An_unchanged_redeploy_is_confirmed_in_at_most_six_requests_and_every_changed_input_still_deploys()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var input = (await env.ProjectAsync("steady")).Set("EcsImage", null).Set("ContainerRegistry", Registry(env)).Set("ContainerImageTags", "1.0.0");
        var app = Directory.CreateTempSubdirectory("ecs-publish-").FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "app.dll"), "version 1", TestContext.CancellationToken);

        var first = await PublishAsync(env, input, app, "version 1");
        Assert.AreEqual("succeeded", first.Result.Status, first.Log);
        Assert.IsTrue(first.Pushed, "the first publish pushes its image");
        var sealedService = await ServiceWithTagsAsync(env);
        Assert.IsTrue(sealedService.Tags!.Exists(t => t.Key == DeployedInputs.Tag), "a successful deployment seals the service with its inputs");

        var unchanged = await PublishAsync(env, input, app, "version 1");
        Assert.AreEqual("up-to-date", unchanged.Result.Status, unchanged.Log);
        Assert.IsLessThanOrEqualTo(6, unchanged.Requests, $"an unchanged redeploy: {string.Join(", ", unchanged.Operations)}");
        CollectionAssert.AreEquivalent(new[] { "DescribeServices", "ListServiceDeployments", "DescribeTaskDefinition", "DescribeImages" }, unchanged.Operations.ToArray(), string.Join(", ", unchanged.Operations));
        Assert.IsFalse(unchanged.Pushed, "nothing is built or pushed");
        Assert.AreEqual(unchanged.Requests, unchanged.Result.ApiCalls, "the result counts every request of the publish");
        Assert.AreEqual(first.Result.TaskDefinitionArn, unchanged.Result.RunningTaskDefinitionArn);
        Assert.IsFalse(unchanged.Result.TaskDefinitionRegistered);
        Assert.AreEqual(first.Result.ImageDigest, unchanged.Result.ImageDigest, "the result names the image the service runs");
        StringAssert.Contains(unchanged.Log, "service steady is up to date: it runs steady:1");

        // A changed setting: the usual path (preflight, registration, update, wait), the image reused (its content is the same).
        input.Set("EcsMemory", "1024");
        var changedSetting = await PublishAsync(env, input, app, "version 1");
        Assert.AreEqual("succeeded", changedSetting.Result.Status, changedSetting.Log);
        Assert.IsTrue(changedSetting.Result.TaskDefinitionRegistered, "a changed setting registers a revision");
        Assert.IsFalse(changedSetting.Pushed, "the image's content did not change: reused, not pushed");
        Assert.AreEqual("1024", (await TaskDefinitionAsync(env, changedSetting.Result.TaskDefinitionArn!)).Memory);
        TestContext.WriteLine($"changed setting: {changedSetting.Requests} requests: {string.Join(", ", changedSetting.Operations)}");

        // Changed content: a new image, pushed and deployed.
        await File.WriteAllTextAsync(Path.Combine(app, "app.dll"), "version 2", TestContext.CancellationToken);
        var changedImage = await PublishAsync(env, input, app, "version 2");
        Assert.AreEqual("succeeded", changedImage.Result.Status, changedImage.Log);
        Assert.IsTrue(changedImage.Pushed, "changed content is pushed");
        Assert.AreNotEqual(changedSetting.Result.ImageDigest, changedImage.Result.ImageDigest);
        TestContext.WriteLine($"changed image: {changedImage.Requests} requests: {string.Join(", ", changedImage.Operations)}");

        var unchangedAgain = await PublishAsync(env, input, app, "version 2");
        Assert.AreEqual("up-to-date", unchangedAgain.Result.Status, unchangedAgain.Log);
        Assert.IsLessThanOrEqualTo(6, unchangedAgain.Requests, string.Join(", ", unchangedAgain.Operations));
        Assert.AreEqual(changedImage.Result.TaskDefinitionArn, unchangedAgain.Result.RunningTaskDefinitionArn);
    }

    [TestMethod]
    public async Task A_service_changed_by_hand_or_back_on_an_old_revision_is_not_taken_for_up_to_date()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var input = (await env.ProjectAsync("drift")).Set("EcsImage", null).Set("ContainerRegistry", Registry(env)).Set("ContainerImageTags", "1.0.0");
        var app = Directory.CreateTempSubdirectory("ecs-publish-").FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "app.dll"), "version 1", TestContext.CancellationToken);
        var first = await PublishAsync(env, input, app, "version 1");
        Assert.AreEqual("succeeded", first.Result.Status, first.Log);

        // Someone turns on ECS Exec in the console: the seal no longer matches, the usual path runs (it leaves a member the
        // project does not set alone), reports up to date and seals the service as it is now.
        await env.Aws.Ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = "drift", Service = "drift", EnableExecuteCommand = true }, TestContext.CancellationToken);
        var afterHand = await PublishAsync(env, input, app, "version 1");
        Assert.AreEqual("up-to-date", afterHand.Result.Status, afterHand.Log);
        CollectionAssert.Contains(afterHand.Operations.ToArray(), "GetCallerIdentity", "the full preflight ran");
        StringAssert.Contains(afterHand.Log, "the inputs differ from those the service was last deployed from, or the service was changed since");
        var resealed = await PublishAsync(env, input, app, "version 1");
        Assert.AreEqual("up-to-date", resealed.Result.Status, resealed.Log);
        Assert.IsLessThanOrEqualTo(6, resealed.Requests, string.Join(", ", resealed.Operations));

        // A new revision deployed, then the service put back on the old one by hand: the old inputs are not taken for up to date.
        input.Set("EcsMemory", "1024");
        var second = await PublishAsync(env, input, app, "version 1");
        Assert.AreEqual("succeeded", second.Result.Status, second.Log);
        await env.Aws.Ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = "drift", Service = "drift", TaskDefinition = first.Result.TaskDefinitionArn }, TestContext.CancellationToken);
        var back = await PublishAsync(env, input, app, "version 1");
        Assert.AreEqual("succeeded", back.Result.Status, back.Log);
        Assert.AreEqual(second.Result.TaskDefinitionArn, back.Result.RunningTaskDefinitionArn, "the build deploys its revision again");
        Assert.IsGreaterThan(6, back.Requests);

        // EcsUpToDateShortcut=false: the full path every time.
        input.Set("EcsUpToDateShortcut", "false");
        var full = await PublishAsync(env, input, app, "version 1");
        Assert.AreEqual("up-to-date", full.Result.Status, full.Log);
        CollectionAssert.Contains(full.Operations.ToArray(), "GetCallerIdentity", "the full preflight ran");
        Assert.IsNull(full.Preparation.UpToDate);
    }

    [TestMethod]
    public void A_service_is_steady_only_with_one_completed_deployment_of_its_revision_and_every_task_running()
    {
        const string Revision = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";
        static Service ServiceWith(int running, int pending, params Deployment[] deployments) =>
            new() { TaskDefinition = Revision, DesiredCount = 2, RunningCount = running, PendingCount = pending, Deployments = [.. deployments] };
        static Deployment PrimaryOf(string revision, string rollout) =>
            new() { TaskDefinition = revision, Status = "PRIMARY", RolloutState = new DeploymentRolloutState(rollout) };

        Assert.IsNull(UpToDateCheck.NotSteady(ServiceWith(2, 0, PrimaryOf(Revision, "COMPLETED"))));
        StringAssert.Contains(UpToDateCheck.NotSteady(ServiceWith(2, 0, PrimaryOf(Revision, "IN_PROGRESS"))), "IN_PROGRESS");
        StringAssert.Contains(UpToDateCheck.NotSteady(ServiceWith(2, 0, PrimaryOf(Revision, "COMPLETED"), PrimaryOf(Revision.Replace(":2", ":1", StringComparison.Ordinal), "COMPLETED"))), "2 deployments");
        StringAssert.Contains(UpToDateCheck.NotSteady(ServiceWith(2, 0, PrimaryOf(Revision.Replace(":2", ":1", StringComparison.Ordinal), "COMPLETED"))), "web:1");
        StringAssert.Contains(UpToDateCheck.NotSteady(ServiceWith(1, 0, PrimaryOf(Revision, "COMPLETED"))), "1 of 2 tasks run");
        StringAssert.Contains(UpToDateCheck.NotSteady(ServiceWith(2, 1, PrimaryOf(Revision, "COMPLETED"))), "1 pending");
    }

    [TestMethod]
    public void The_seal_changes_with_the_inputs_the_revision_the_configuration_and_the_tags_of_the_service_but_not_with_its_own_tag()
    {
        var settings = new EcsSettings();
        Service Live() => new()
        {
            ServiceArn = "arn:aws:ecs:us-east-1:123456789012:service/c/web",
            TaskDefinition = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2",
            EnableExecuteCommand = false,
            Tags = [new Tag { Key = "team", Value = "shop" }],
        };
        var seal = DeployedInputs.Seal("inputs", Live(), settings);

        var withSeal = Live();
        withSeal.Tags!.Add(new Tag { Key = DeployedInputs.Tag, Value = seal });
        Assert.AreEqual(seal, DeployedInputs.Seal("inputs", withSeal, settings));
        Assert.AreNotEqual(seal, DeployedInputs.Seal("other inputs", Live(), settings));
        var revision = Live();
        revision.TaskDefinition = revision.TaskDefinition!.Replace(":2", ":1", StringComparison.Ordinal);
        Assert.AreNotEqual(seal, DeployedInputs.Seal("inputs", revision, settings));
        var exec = Live();
        exec.EnableExecuteCommand = true;
        Assert.AreNotEqual(seal, DeployedInputs.Seal("inputs", exec, settings));
        var tags = Live();
        tags.Tags!.Clear();
        Assert.AreNotEqual(seal, DeployedInputs.Seal("inputs", tags, settings));
    }

    private sealed record Published(DeploymentResult Result, int Requests, IReadOnlyList<string> Operations, bool Pushed, string Log, PreparedDeployment Preparation);

    /// <summary>
    /// One publish, as PrepareEcsDeployment, PublishContainer and DeployEcsService run it: each task with a session of its
    /// own; the push (when the preparation hands out credentials) of an image whose manifest carries <paramref name="content"/>.
    /// </summary>
    private async Task<Published> PublishAsync(LocalEcsHarness env, SettingsInput input, string publishDirectory, string content)
    {
        var log = new RecordingDeploymentLog();
        input.Set("GeneratedContainerDigest", null).Set("GeneratedContainerConfiguration", null);
        using var prepareSession = LocalEcsHarness.Session(input);
        var tags = SettingsValues.SplitList(input.Get("ContainerImageTags"));
        var preparation = await new DeploymentPreparation(prepareSession, log)
            .PrepareAsync(LocalEcsHarness.Generate(input), new ImageBuild(publishDirectory, ["sdk=10.0.100", "base=" + env.BaseImage], tags), publishDirectory, TestContext.CancellationToken);
        var operations = prepareSession.Operations.ToList();
        if (preparation.PushCredentials is { } credentials)
        {
            var digest = await PushAsync(env, preparation.Registry!.RepositoryName, credentials, content, tags);
            input.Set("GeneratedContainerDigest", digest).Set("GeneratedContainerConfiguration", """{"config":{"ExposedPorts":{"8080/tcp":{}}}}""");
        }

        var diagnostics = new DiagnosticCollection();
        var project = Project.Read(input, diagnostics);
        var definitions = (project with { Settings = preparation.Document.ApplyTo(project.Settings) }).Generate(diagnostics);
        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        using var deploySession = LocalEcsHarness.Session(input);
        var report = await new Deployer(deploySession, log, TimeProvider.System).DeployAsync(definitions, preparation.Document, TestContext.CancellationToken);
        Assert.IsNull(report.Failure, $"{report.Failure}\n{log.Text}");
        operations.AddRange(deploySession.Operations);
        var result = report.Result with { ApiCalls = report.Result.ApiCalls + preparation.Document.Requests };
        return new Published(result, prepareSession.RequestCount + deploySession.RequestCount, operations, preparation.PushCredentials is not null, log.Text, preparation.Document);
    }

    private static string Registry(LocalEcsHarness env) => env.BaseImage[..env.BaseImage.IndexOf('/', StringComparison.Ordinal)];

    /// <summary>
    /// What PublishContainer does, on LocalEcs's registry: the base image's layers mounted into the repository, and a
    /// manifest of its own (its annotation is the image's content: another content, another digest) under every tag.
    /// </summary>
    private async Task<string> PushAsync(LocalEcsHarness env, string repository, RegistryCredentials credentials, string content, IReadOnlyList<string> tags)
    {
        var registry = "http://" + Registry(env);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.UserName}:{credentials.Password}")));
        http.DefaultRequestHeaders.Accept.ParseAdd("application/vnd.oci.image.index.v1+json");
        http.DefaultRequestHeaders.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        var manifest = JsonNode.Parse(await http.GetStringAsync(new Uri($"{registry}/v2/localecs/base/manifests/latest"), TestContext.CancellationToken))!.AsObject();
        if (manifest["manifests"] is JsonArray platforms)
        {
            manifest = JsonNode.Parse(await http.GetStringAsync(new Uri($"{registry}/v2/localecs/base/manifests/{platforms[0]!["digest"]}"), TestContext.CancellationToken))!.AsObject();
        }

        foreach (var blob in manifest["layers"]!.AsArray().Select(l => (string)l!["digest"]!).Append((string)manifest["config"]!["digest"]!))
        {
            using var mounted = await http.PostAsync(new Uri($"{registry}/v2/{repository}/blobs/uploads/?mount={blob}&from=localecs/base"), null, TestContext.CancellationToken);
            Assert.AreEqual(HttpStatusCode.Created, mounted.StatusCode, $"mount {blob}");
        }

        manifest["annotations"] = new JsonObject { ["test.content"] = content };
        var body = manifest.ToJsonString();
        string? digest = null;
        foreach (var tag in tags)
        {
            using var put = new StringContent(body, Encoding.UTF8);
            put.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
            using var response = await http.PutAsync(new Uri($"{registry}/v2/{repository}/manifests/{tag}"), put, TestContext.CancellationToken);
            Assert.AreEqual(HttpStatusCode.Created, response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.CancellationToken));
            digest = response.Headers.GetValues("Docker-Content-Digest").Single();
        }

        return digest!;
    }

    private async Task<Service> ServiceWithTagsAsync(LocalEcsHarness env) =>
        (await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = "steady", Services = ["steady"], Include = ["TAGS"] }, TestContext.CancellationToken)).Services!.Single();

    private async Task<TaskDefinition> TaskDefinitionAsync(LocalEcsHarness env, string arn) =>
        (await env.Aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = arn }, TestContext.CancellationToken)).TaskDefinition!;
}
