using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// A real deployment against moto (an independent implementation of the AWS APIs) with the image pushed to a real
/// registry with Basic authentication, as ECR does it: the deploy's requests are checked by another implementation
/// than ours, and what it created is read back with the AWS CLI.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("Moto")]
[TestCategory("AwsCli")]
[TestCategory("Registry")]
public sealed class MotoDeployTests
{
    [TestMethod]
    public async Task Deploying_against_moto_pushes_with_the_ecr_token_and_creates_the_resources_awscli_reads_back()
    {
        var moto = MotoServer.Instance;
        var password = "ecr-token-" + Guid.NewGuid().ToString("N");
        using var registry = DockerRegistryServer.Start("AWS", password);
        using var ecr = new FakeEcrApi(registry.Registry, password);
        var localEcs = await LocalEcsFixture.GetAsync();
        var name = "moto-" + Guid.NewGuid().ToString("N")[..8];
        var cluster = "moto-" + Guid.NewGuid().ToString("N")[..6];
        AwsCli.Json(moto.Endpoint, "ecs", "create-cluster", "--cluster-name", cluster);
        using var project = PackageFixture.Instance.CreateConsumer($"""
            <ContainerRepository>{name}</ContainerRepository>
            <EcsCluster>{cluster}</EcsCluster>
            <EcsRegion>us-east-1</EcsRegion>
            <EcsCpu>256</EcsCpu>
            <EcsMemory>512</EcsMemory>
            <EcsContainerMemoryReservation>128</EcsContainerMemoryReservation>
            <EcsExecutionRoleArn>arn:aws:iam::123456789012:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
            <!-- moto holds no IAM roles: the secrets and roles preflight (tested against LocalEcs and moto in Core.Tests) would stop the deploy. -->
            <EcsCheckSecrets>false</EcsCheckSecrets>
            <EcsWait>false</EcsWait>
            <!-- No internet here: build on LocalEcs's public base image, another registry than the push target. -->
            <ContainerBaseImage>{localEcs.RegistryHost}/localecs/base:latest</ContainerBaseImage>
            """, name: name);
        var environment = new Dictionary<string, string?>(AwsCli.Environment())
        {
            // moto for every service; ECR's API for the registry under test. The SDK's standard endpoint variables.
            ["AWS_ENDPOINT_URL"] = moto.Endpoint,
            ["AWS_ENDPOINT_URL_ECR"] = ecr.Endpoint,
        };

        var publish = project.Dotnet(environment, "publish", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false");

        Assert.AreEqual(0, publish.ExitCode, publish.ToString());
        StringAssert.Contains(publish.StandardOutput, $"Pushed image '{name}:1.0.0' to registry '{registry.Registry}'");
        // The early start (EcsPrefetch) asks for the repository while the project compiles and ends before creating it;
        // a "not found" is never kept, so the preparation asks again, creates it and gets the push token.
        CollectionAssert.AreEqual(new[] { "DescribeRepositories", "DescribeRepositories", "CreateRepository", "GetAuthorizationToken" }, ecr.Calls.ToArray());
        Assert.IsFalse(publish.Output.Contains(password, StringComparison.Ordinal), "the ECR token must never be printed");

        var service = AwsCli.Json(moto.Endpoint, "ecs", "describe-services", "--cluster", cluster, "--services", name)!["services"]![0]!;
        Assert.AreEqual("ACTIVE", (string?)service["status"]);
        var taskDefinitionArn = (string)service["taskDefinition"]!;
        var taskDefinition = AwsCli.Json(moto.Endpoint, "ecs", "describe-task-definition", "--task-definition", taskDefinitionArn, "--include", "TAGS")!;
        var image = (string)taskDefinition["taskDefinition"]!["containerDefinitions"]![0]!["image"]!;
        StringAssert.StartsWith(image, $"{registry.Registry}/{name}@sha256:");
        Assert.IsTrue(taskDefinition["tags"]!.AsArray().Any(t => (string?)t!["key"] == "ecsbuildtasks:content-hash"));
        var groups = AwsCli.Json(moto.Endpoint, "logs", "describe-log-groups", "--log-group-name-prefix", $"/ecs/{name}")!["logGroups"]!.AsArray();
        Assert.AreEqual(1, groups.Count);

        // The registry holds the pushed manifest under the digest the task definition pins.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"{registry.Url}/v2/{name}/manifests/1.0.0");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password)));
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        using var manifest = await http.SendAsync(request);
        Assert.AreEqual(System.Net.HttpStatusCode.OK, manifest.StatusCode);
        Assert.AreEqual(image[(image.IndexOf('@', StringComparison.Ordinal) + 1)..], manifest.Headers.GetValues("Docker-Content-Digest").Single());

        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "ecs-deployment.json")))!;
        Assert.AreEqual("not-waited", (string?)result["status"]);
        Assert.AreEqual(taskDefinitionArn, (string?)result["taskDefinitionArn"]);
    }
}
