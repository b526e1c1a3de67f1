using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests;

[TestClass]
public sealed class PeerFixtureTests
{
    [TestMethod]
    [TestCategory("Moto")]
    [TestCategory("AwsCli")]
    public void Moto_answers_the_aws_cli()
    {
        var moto = MotoServer.Instance;
        var clusterName = "fixture-" + Guid.NewGuid().ToString("N")[..8];
        AwsCli.Json(moto.Endpoint, "ecs", "create-cluster", "--cluster-name", clusterName);
        var clusters = AwsCli.Json(moto.Endpoint, "ecs", "list-clusters")!["clusterArns"]!.AsArray();
        Assert.IsTrue(clusters.Any(arn => arn!.GetValue<string>().EndsWith("/" + clusterName, StringComparison.Ordinal)));
    }

    [TestMethod]
    [TestCategory("Registry")]
    public void Docker_registry_requires_the_configured_basic_credentials()
    {
        using var registry = DockerRegistryServer.Start("AWS", "token-123");
        using var http = new HttpClient();
        using var anonymous = http.GetAsync(registry.Url + "/v2/").GetAwaiter().GetResult();
        Assert.AreEqual(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, registry.Url + "/v2/");
        request.Headers.Authorization = new("Basic", Convert.ToBase64String("AWS:token-123"u8.ToArray()));
        using var authorized = http.Send(request);
        Assert.AreEqual(System.Net.HttpStatusCode.OK, authorized.StatusCode);
    }
}
