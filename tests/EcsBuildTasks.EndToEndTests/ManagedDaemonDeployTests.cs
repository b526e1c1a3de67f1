using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// <c>EcsDeploymentStrategy=ManagedDaemon</c> through <c>dotnet publish</c> and <c>-t:EcsStatus</c> against LocalEcs:
/// the MSBuild wiring of the <c>EcsCapacityProvider</c> items, the per-provider summary and the status target. Updates,
/// new instances, ECS's rollback and <c>-t:EcsRollback</c> are tested at the engine level (Core.Tests:
/// ManagedDaemonStrategyTests).
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ManagedDaemonDeployTests
{
    private const string Cluster = "e2e-daemons";

    [TestMethod]
    public async Task A_project_deploys_as_a_managed_daemon_on_every_instance_of_its_capacity_provider_and_EcsStatus_shows_it()
    {
        var name = LocalEcsProjects.NewName("agent");
        var provider = $"{name}-workers";
        await CapacityProviderAsync(provider, instances: 2);
        using var project = await LocalEcsProjects.CreateAsync(Cluster, name, """
            <EcsDeploymentStrategy>ManagedDaemon</EcsDeploymentStrategy>
            <EcsDaemonDrainPercent>50</EcsDaemonDrainPercent>
            """, $"""
            <EcsCapacityProvider Include="{provider}" />
            """);

        var published = LocalEcsProjects.Publish(project);

        LocalEcsProjects.AssertSucceeded(published);
        StringAssert.Contains(published.StandardOutput, $"creating managed daemon {name} in {Cluster}");
        StringAssert.Contains(published.StandardOutput, $"Provider        {provider}: 2/2 instance(s) on the new revision");
        StringAssert.Contains(published.StandardOutput, "warning ECS6024", "the web project's port mapping is left out, and said so");
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "ecs-deployment.json")))!;
        Assert.AreEqual("succeeded", (string?)result["status"]);
        StringAssert.EndsWith((string?)result["taskDefinitionArn"], $"daemon-task-definition/{name}:1");
        var ecs = await LocalEcsFixture.EcsAsync();
        var tasks = await ecs.ListTasksAsync(new ListTasksRequest { Cluster = Cluster, DaemonName = name, DesiredStatus = "RUNNING" });
        Assert.AreEqual(2, tasks.TaskArns!.Count, "one daemon task per container instance");

        var status = project.Dotnet("msbuild", "-t:EcsStatus", "-p:Configuration=Release", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(status);
        StringAssert.Contains(status.StandardOutput, $"managed daemon {name} in {Cluster}: ACTIVE");
        StringAssert.Contains(status.StandardOutput, $"{provider}: 2 task(s)");
    }

    private static async Task CapacityProviderAsync(string name, int instances)
    {
        var clients = await LocalEcsFixture.ClientsAsync();
        var ecs = clients.CreateEcs();
        await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Cluster });
        var subnets = await clients.CreateEc2().DescribeSubnetsAsync(new Aws.EC2.Model.DescribeSubnetsRequest { Filters = [new Aws.EC2.Model.Filter("default-for-az", ["true"])] });
        await ecs.CreateCapacityProviderAsync(new CreateCapacityProviderRequest
        {
            Name = name,
            Cluster = Cluster,
            ManagedInstancesProvider = new CreateManagedInstancesProviderConfiguration
            {
                InfrastructureRoleArn = "arn:aws:iam::123456789012:role/ecsInfrastructureRole",
                InstanceLaunchTemplate = new InstanceLaunchTemplate
                {
                    Ec2InstanceProfileArn = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole",
                    NetworkConfiguration = new ManagedInstancesNetworkConfiguration { Subnets = [.. subnets.Subnets!.Select(s => s.SubnetId!)] },
                },
            },
        });
        using var http = LocalEcsFixture.ControlClient();
        using var response = await http.PutAsJsonAsync(new Uri($"{await LocalEcsFixture.EndpointAsync()}/_localecs/capacity-providers/instances"), new { capacityProvider = name, count = instances });
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
