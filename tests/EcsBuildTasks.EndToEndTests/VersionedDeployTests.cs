using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Testing;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// Versioned and VersionedBlueGreen through `dotnet publish -p:EcsDeploy=true` against LocalEcs, one publish each: a
/// service that already runs (created through the API, as another tool would have) is adopted as version 0 and phased
/// down, or swapped out and back in with <c>-t:EcsRollback</c>. The strategies' other paths are tested at the engine
/// level (VersionedStrategyTests, VersionedBlueGreenStrategyTests).
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class VersionedDeployTests
{
    private const string Cluster = "e2e";

    [TestMethod]
    public async Task Versioned_adopts_the_running_service_and_moves_it_in_three_phases_that_EcsStatus_then_lists()
    {
        using var project = await LocalEcsProjects.CreateAsync(Cluster, LocalEcsProjects.NewName("ver"),
            "<EcsDeploymentStrategy>Versioned</EcsDeploymentStrategy><EcsDesiredCount>4</EcsDesiredCount>",
            """
            <EcsPhase Include="quarter" Percent="25" />
            <EcsPhase Include="half" Percent="50" />
            <EcsPhase Include="all" Percent="100" />
            """);
        await RunningServiceAsync(project.Name, count: 4, targetGroupArn: null);

        var publish = LocalEcsProjects.Publish(project);

        LocalEcsProjects.AssertSucceeded(publish);
        StringAssert.Contains(publish.StandardOutput, $"adopting the service {project.Name} as version 0");
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "ecs-deployment.json")))!;
        Assert.AreEqual("succeeded", (string?)result["status"]);
        Assert.AreEqual($"{project.Name}__1", (string?)result["service"]);
        CollectionAssert.AreEqual(
            new[] { $"phase quarter: {project.Name}__1=1,{project.Name}=3", $"phase half: {project.Name}__1=2,{project.Name}=2", $"phase all: {project.Name}__1=4,{project.Name}=0" },
            result["changedMembers"]!.AsArray().Take(3).Select(n => (string?)n).ToArray());

        var status = project.Dotnet("msbuild", "-t:EcsStatus", "-p:Configuration=Release", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(status);
        StringAssert.Contains(status.StandardOutput, $"versioned service {project.Name} in {Cluster} (Versioned): 2 version(s), {project.Name}__1 serves");
        StringAssert.Contains(status.StandardOutput, "adopted as version 0");
    }

    [TestMethod]
    public async Task VersionedBlueGreen_swaps_production_to_the_new_version_and_EcsRollback_swaps_back()
    {
        var clients = await LocalEcsFixture.ClientsAsync();
        var wiring = await TrafficWiring.CreateAsync(clients, "vb-" + Guid.NewGuid().ToString("N")[..8]);
        using var project = await LocalEcsProjects.CreateAsync(Cluster, LocalEcsProjects.NewName("vbg"), $"""
            <EcsDeploymentStrategy>VersionedBlueGreen</EcsDeploymentStrategy>
            <EcsTargetGroupArn>{wiring.BlueTargetGroupArn}</EcsTargetGroupArn>
            <EcsAlternateTargetGroupArn>{wiring.GreenTargetGroupArn}</EcsAlternateTargetGroupArn>
            <EcsProductionListenerRuleArn>{wiring.ProductionRuleArn}</EcsProductionListenerRuleArn>
            <EcsTestListenerRuleArn>{wiring.TestRuleArn}</EcsTestListenerRuleArn>
            <EcsDesiredCount>2</EcsDesiredCount>
            """);
        await RunningServiceAsync(project.Name, count: 2, targetGroupArn: wiring.BlueTargetGroupArn);
        var elb = clients.CreateElasticLoadBalancingV2();

        var publish = LocalEcsProjects.Publish(project);

        LocalEcsProjects.AssertSucceeded(publish);
        StringAssert.Contains(publish.StandardOutput, $"swapped target groups: production → {wiring.GreenTargetGroupArn.Split('/')[1]}");
        Assert.AreEqual(1, (await TrafficWiring.WeightsAsync(elb, wiring.ProductionRuleArn)).GetValueOrDefault(wiring.GreenTargetGroupArn), "production forwards to the new version");
        Assert.AreEqual(1, (await TrafficWiring.WeightsAsync(elb, wiring.TestRuleArn)).GetValueOrDefault(wiring.BlueTargetGroupArn), "stage forwards to the old one");

        var rollback = project.Dotnet("msbuild", "-t:EcsRollback", "-p:Configuration=Release", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(rollback);
        Assert.AreEqual(1, (await TrafficWiring.WeightsAsync(elb, wiring.ProductionRuleArn)).GetValueOrDefault(wiring.BlueTargetGroupArn), "production is back on the old version");
        Assert.AreEqual(1, (await TrafficWiring.WeightsAsync(elb, wiring.TestRuleArn)).GetValueOrDefault(wiring.GreenTargetGroupArn));
        using var ecs = await LocalEcsFixture.EcsAsync();
        var services = (await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = Cluster, Services = [project.Name, project.Name + "__1"] })).Services!;
        Assert.AreEqual(2, services.Single(s => s.ServiceName == project.Name).DesiredCount);
        Assert.AreEqual(0, services.Single(s => s.ServiceName == project.Name + "__1").DesiredCount);
        (elb as IDisposable)?.Dispose();
    }

    /// <summary>A service that runs before the project's first versioned publish, made through the API.</summary>
    private static async Task RunningServiceAsync(string name, int count, string? targetGroupArn)
    {
        var clients = await LocalEcsFixture.ClientsAsync();
        using var ec2 = clients.CreateEc2();
        var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("default-for-az", ["true"])] })).Subnets!.Select(s => s.SubnetId!).ToList();
        using var ecs = await LocalEcsFixture.EcsAsync();
        await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Cluster });
        var definition = await ecs.RegisterTaskDefinitionAsync(new RegisterTaskDefinitionRequest
        {
            Family = name + "-before", NetworkMode = "awsvpc", RequiresCompatibilities = ["FARGATE"], Cpu = "256", Memory = "512",
            ExecutionRoleArn = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            ContainerDefinitions = [new ContainerDefinition { Name = name, Image = "public.ecr.aws/docker/library/nginx:1.27", Essential = true, PortMappings = [new PortMapping { ContainerPort = 8080 }] }],
        });
        await ecs.CreateServiceAsync(new CreateServiceRequest
        {
            Cluster = Cluster, ServiceName = name, TaskDefinition = definition.TaskDefinition!.TaskDefinitionArn, DesiredCount = count, LaunchType = "FARGATE",
            NetworkConfiguration = new NetworkConfiguration { AwsvpcConfiguration = new AwsVpcConfiguration { Subnets = subnets } },
            LoadBalancers = targetGroupArn is null ? null : [new LoadBalancer { TargetGroupArn = targetGroupArn, ContainerName = name, ContainerPort = 8080 }],
        });
    }
}
