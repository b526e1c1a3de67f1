using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// <c>EcsDeploymentStrategy=Express</c> through <c>dotnet publish</c> of an ASP.NET Core project that references the
/// package, against LocalEcs: the MSBuild wiring of the URL (summary, result file, <c>GITHUB_OUTPUT</c>, the
/// <c>EcsServiceUrl</c> property) and of a failing revision. What the strategy does on each path (unchanged, update,
/// rollback, status, invalid settings) is tested at the engine level (Core.Tests: ExpressStrategyTests).
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ExpressDeployTests
{
    private const string Cluster = "e2e-express";

    [TestMethod]
    public async Task An_ASP_NET_Core_app_deploys_as_an_Express_service_and_the_build_prints_its_URL_and_a_crashing_revision_fails_the_build_while_the_URL_keeps_serving()
    {
        var name = LocalEcsProjects.NewName("express");
        using var project = await LocalEcsProjects.CreateAsync(Cluster, name, """
            <EcsDeploymentStrategy>Express</EcsDeploymentStrategy>
            <EcsInfrastructureRoleArn>arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices</EcsInfrastructureRoleArn>
            <EcsTimeoutMinutes>30</EcsTimeoutMinutes>
            """, targets: """
            <Target Name="PrintUrl" AfterTargets="EcsDeploy" Condition="'$(EcsServiceUrl)' != ''">
              <Message Importance="high" Text="SERVICE URL: $(EcsServiceUrl)" />
            </Target>
            """);
        var outputs = Path.Combine(project.Directory, "github-output.txt");

        var created = project.Dotnet(new Dictionary<string, string?> { ["GITHUB_OUTPUT"] = outputs }, "publish", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(created);
        var result = Result(project);
        Assert.AreEqual("succeeded", (string?)result["status"]);
        Assert.AreEqual("created", (string?)result["serviceChange"]);
        var url = (string)result["url"]!;
        StringAssert.StartsWith(url, "https://");
        StringAssert.EndsWith(url, ".ecs.us-east-1.on.aws/");
        StringAssert.Contains(created.StandardOutput, $"URL             {url}");
        StringAssert.Contains(created.StandardOutput, $"SERVICE URL: {url}");
        var output = File.ReadAllLines(outputs);
        CollectionAssert.Contains(output, $"url={url}");
        CollectionAssert.Contains(output, "outcome=succeeded");
        var ecs = await LocalEcsFixture.EcsAsync();
        var service = (await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = Cluster, Services = [name] })).Services!.Single();
        var express = (await ecs.DescribeExpressGatewayServiceAsync(new DescribeExpressGatewayServiceRequest { ServiceArn = service.ServiceArn })).Service!;
        var image = express.ActiveConfigurations!.Single().PrimaryContainer!.Image!;
        StringAssert.Contains(image, "@sha256:", "the pushed image is pinned by digest");
        Assert.AreEqual((string?)result["imageDigest"], image[(image.IndexOf('@', StringComparison.Ordinal) + 1)..]);

        var unchanged = LocalEcsProjects.Publish(project);

        LocalEcsProjects.AssertSucceeded(unchanged);
        Assert.AreEqual("up-to-date", (string?)Result(project)["status"], "an unchanged publish changes nothing");
        StringAssert.Contains(unchanged.StandardOutput, "is up to date (its configuration is the project's); not updating it");

        var changed = LocalEcsProjects.Publish(project, "-p:EcsMemory=1024");

        LocalEcsProjects.AssertSucceeded(changed);
        Assert.AreEqual("updated", (string?)Result(project)["serviceChange"]);
        CollectionAssert.Contains(Result(project)["changedMembers"]!.AsArray().Select(m => (string?)m).ToList(), "memory");
        Assert.AreEqual(url, (string?)Result(project)["url"], "an update keeps the URL");
        service = (await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = Cluster, Services = [name] })).Services!.Single();

        var invalid = LocalEcsProjects.Publish(project, "-p:EcsDesiredCount=3", "-p:EcsDryRun=true");

        Assert.AreNotEqual(0, invalid.ExitCode, invalid.ToString());
        StringAssert.Contains(invalid.StandardOutput, "error ECS6001");
        StringAssert.Contains(invalid.StandardOutput, "EcsDesiredCount");

        var crash = LocalEcsProjects.Publish(project, "-p:EcsMemory=1024", "-p:Simulate=crash");

        Assert.AreNotEqual(0, crash.ExitCode, crash.ToString());
        StringAssert.Contains(crash.StandardOutput, "error ECS3002");
        StringAssert.Contains(crash.StandardOutput, "serves the previous configuration");
        StringAssert.Contains(crash.StandardOutput, "exit code 1");
        Assert.AreEqual("rolled-back", (string?)Result(project)["status"]);
        Assert.AreEqual(url, (string?)Result(project)["url"], "the URL is the same and still serves");
        var after = (await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = Cluster, Services = [name] })).Services!.Single();
        Assert.AreEqual(service.TaskDefinition, after.TaskDefinition, "ECS rolled the service back to its last healthy configuration");
    }

    private static JsonNode Result(ConsumerProject project) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "ecs-deployment.json")))!;
}
