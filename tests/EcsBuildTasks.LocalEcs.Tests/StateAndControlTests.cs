using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>The state file across restarts, and the control API.</summary>
[TestClass]
public sealed class StateAndControlTests
{
    [TestMethod]
    public async Task State_file_keeps_services_definitions_repositories_and_blobs_and_a_running_deployment_resumes()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-state-").FullName;
        var stateFile = Path.Combine(folder, "state.json");
        try
        {
            string v2;
            string digest;
            DateTimeOffset stoppedAt;
            var time = new FakeTimeProvider(SimulatedLocalEcs.Start);
            await using (var sim = await SimulatedLocalEcs.StartAsync(stateFile: stateFile, time: time))
            {
                var aws = sim.Aws;
                var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
                await Scenario.ClusterAsync(aws, "prod");
                await aws.JsonAsync("ecr", "CreateRepository", new JsonObject { ["repositoryName"] = "app" });
                digest = await PushTinyImageAsync(sim, "app", "v1");
                var v1 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/app:v1");
                await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "web", v1, 2, subnets, group));
                await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(5), "first deployment");
                v2 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/app:v1", simulate: "slow-start:5");
                await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
                sim.Advance(TimeSpan.FromSeconds(3));
                Assert.AreEqual("IN_PROGRESS", (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>());
                stoppedAt = sim.Server.Runtime.Clock.Now;
            }

            Assert.IsTrue(File.Exists(stateFile), "state saved at shutdown");
            Assert.IsTrue(Directory.EnumerateFiles(stateFile + ".blobs/sha256").Any(), "blobs beside the state file");

            await using (var restarted = await SimulatedLocalEcs.StartAsync(stateFile: stateFile, time: new FakeTimeProvider(SimulatedLocalEcs.Start)))
            {
                var aws = restarted.Aws;
                Assert.IsTrue(restarted.Server.Runtime.Clock.Now >= stoppedAt, "the simulated clock resumes, never going back");
                var service = await Scenario.ServiceAsync(aws, "prod", "web");
                Assert.AreEqual(v2, service["taskDefinition"]!.GetValue<string>());
                Assert.AreEqual("IN_PROGRESS", (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>());
                var images = await aws.JsonAsync("ecr", "DescribeImages", new JsonObject { ["repositoryName"] = "app" });
                Assert.AreEqual(digest, images["imageDetails"]![0]!["imageDigest"]!.GetValue<string>());
                using var http = await RegistryTests.AuthorizedClientAsync(restarted.Server);
                using var manifest = await http.GetAsync($"/v2/app/manifests/{digest}");
                Assert.AreEqual(HttpStatusCode.OK, manifest.StatusCode, "blobs survive the restart");
                await restarted.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(5), "the deployment resumes and completes");
                Assert.AreEqual(2, (await Scenario.ServiceAsync(aws, "prod", "web"))["runningCount"]!.GetValue<int>());
            }

            File.Delete(stateFile);
            await using (var fresh = await SimulatedLocalEcs.StartAsync(stateFile: stateFile))
            {
                Assert.AreEqual(0, (await fresh.Aws.EcsAsync("ListClusters"))["clusterArns"]!.AsArray().Count, "no state file: a fresh start");
                using var baseImage = await fresh.Aws.Http.GetAsync("/v2/localecs/base/manifests/latest");
                Assert.AreEqual(HttpStatusCode.OK, baseImage.StatusCode);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task Changes_reach_the_state_file_shortly_after_each_request()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-state-").FullName;
        try
        {
            var stateFile = Path.Combine(folder, "state.json");
            await using var local = await LiveLocalEcs.StartAsync(timeScale: 60, stateFile: stateFile);
            await Scenario.ClusterAsync(local.Aws, "saved-cluster");
            await LiveLocalEcs.WaitUntilAsync(() => Task.FromResult(File.Exists(stateFile) && File.ReadAllText(stateFile).Contains("saved-cluster", StringComparison.Ordinal)), "the debounced save", 10);
            var state = JsonNode.Parse(await File.ReadAllTextAsync(stateFile))!;
            Assert.IsNotNull(state["Regions"]!["us-east-1"]!["Clusters"]!["saved-cluster"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task Control_api_injects_faults_moves_the_clock_dumps_and_resets_state()
    {
        await using var local = await LiveLocalEcs.StartAsync(timeScale: 60);
        var aws = local.Aws;
        var (status, body) = await aws.ControlAsync(HttpMethod.Get, "health");
        Assert.AreEqual(HttpStatusCode.OK, status);
        StringAssert.Contains(body, "123456789012");

        (status, _) = await aws.ControlAsync(HttpMethod.Post, "faults", new JsonObject { ["service"] = "ecs", ["operation"] = "ListClusters", ["throttleRate"] = 1.0, ["count"] = 2 });
        Assert.AreEqual(HttpStatusCode.OK, status);
        for (var i = 0; i < 2; i++)
        {
            var throttled = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("ListClusters"));
            Assert.AreEqual("ThrottlingException", throttled.Code);
        }

        await aws.EcsAsync("ListClusters");
        await aws.EcsAsync("DescribeClusters", new JsonObject { ["clusters"] = new JsonArray("x") });

        await aws.ControlAsync(HttpMethod.Post, "faults", new JsonObject { ["service"] = "elasticloadbalancing", ["errorRate"] = 1.0, ["count"] = 1 });
        var unavailable = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancers", Scenario.ElbVersion));
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, unavailable.Status);
        StringAssert.Contains(unavailable.Body, "<Type>Receiver</Type>");

        await aws.ControlAsync(HttpMethod.Post, "faults", new JsonObject { ["service"] = "ecr", ["dropRate"] = 1.0, ["count"] = 1 });
        await Assert.ThrowsExactlyAsync<HttpRequestException>(() => aws.JsonAsync("ecr", "DescribeRepositories"));
        await aws.JsonAsync("ecr", "DescribeRepositories");

        await aws.ControlAsync(HttpMethod.Post, "faults", new JsonObject { ["service"] = "sts", ["latencyMs"] = 300, ["count"] = 1 });
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await aws.QueryAsync("sts", "GetCallerIdentity", "2011-06-15");
        // A lower bound only, with room for timer granularity: a timer can fire a millisecond before the stopwatch agrees.
        Assert.IsTrue(System.Diagnostics.Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(250), "the added latency delays the answer");
        (status, body) = await aws.ControlAsync(HttpMethod.Get, "faults");
        StringAssert.Contains(body, "\"rules\": []", "rules with a count expire");
        (status, _) = await aws.ControlAsync(HttpMethod.Post, "faults", new JsonObject { ["throttleRate"] = 2.0 });
        Assert.AreEqual(HttpStatusCode.BadRequest, status);

        var before = DateTimeOffset.Parse(JsonNode.Parse((await aws.ControlAsync(HttpMethod.Get, "clock")).Body)!["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        (status, body) = await aws.ControlAsync(HttpMethod.Post, "clock/advance", new JsonObject { ["seconds"] = 3600 });
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        var after = DateTimeOffset.Parse(JsonNode.Parse(body)!["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsTrue(after - before >= TimeSpan.FromHours(1));

        await Scenario.ClusterAsync(aws, "to-forget");
        (_, body) = await aws.ControlAsync(HttpMethod.Get, "state");
        StringAssert.Contains(body, "to-forget");
        (status, _) = await aws.ControlAsync(HttpMethod.Post, "reset");
        Assert.AreEqual(HttpStatusCode.OK, status);
        Assert.AreEqual(0, (await aws.EcsAsync("ListClusters"))["clusterArns"]!.AsArray().Count);
        var baseImages = await aws.JsonAsync("ecr", "DescribeImages", new JsonObject { ["repositoryName"] = "localecs/base" });
        Assert.AreEqual(3, baseImages["imageDetails"]!.AsArray().Count, "the base image comes back after a reset");
        (status, _) = await aws.ControlAsync(HttpMethod.Get, "nothing-here");
        Assert.AreEqual(HttpStatusCode.NotFound, status);
    }

    /// <summary>Pushes a one-layer image through the registry API; returns its manifest digest.</summary>
    private static async Task<string> PushTinyImageAsync(SimulatedLocalEcs sim, string repository, string tag)
    {
        using var http = await RegistryTests.AuthorizedClientAsync(sim.Server);
        var layer = System.Text.Encoding.UTF8.GetBytes("layer");
        var config = System.Text.Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        foreach (var blob in new[] { layer, config })
        {
            using var put = await http.PostAsync($"/v2/{repository}/blobs/uploads/?digest={Digest(blob)}", new ByteArrayContent(blob));
            Assert.AreEqual(HttpStatusCode.Created, put.StatusCode);
        }

        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Digest(config), ["size"] = config.Length },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip", ["digest"] = Digest(layer), ["size"] = layer.Length }),
        }.ToJsonString();
        using var content = new StringContent(manifest);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using var pushed = await http.PutAsync($"/v2/{repository}/manifests/{tag}", content);
        Assert.AreEqual(HttpStatusCode.Created, pushed.StatusCode);
        return pushed.Headers.GetValues("Docker-Content-Digest").Single();
    }

    private static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
}
