using EcsBuildTasks.Aws.EC2.Model;
using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// The versioned strategy's AWS calls checked by another implementation of the APIs (moto, which runs no tasks:
/// <c>EcsWait=false</c> goes straight to the last phase's counts): versions found by ListServices and tags, created,
/// resized, tagged, and the auto scaling moved from the old version to the new one.
/// </summary>
[TestClass]
[TestCategory("Moto")]
public sealed class VersionedMotoTests
{
    [TestMethod]
    public async Task Against_moto_a_second_version_takes_the_count_and_the_auto_scaling_of_the_first()
    {
        var moto = MotoServer.Instance;
        using var aws = new AwsSession(new AwsClientFactory(new AwsConnectionSettings { Region = "us-east-1", EndpointUrl = moto.Endpoint, Credentials = new BasicAWSCredentials("test", "test") }));
        var name = "mv-" + Guid.NewGuid().ToString("N")[..8];
        var vpc = (await aws.Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.43.0.0/16" })).Vpc!.VpcId!;
        var subnet = (await aws.Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.43.1.0/24" })).Subnet!.SubnetId!;
        var group = (await aws.Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = name, Description = "versioned", VpcId = vpc })).GroupId;
        await aws.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = name });
        var input = new SettingsInput { BaseDirectory = Directory.GetCurrentDirectory() }
            .Set("ContainerRepository", name).Set("UsingMicrosoftNETSdkWeb", "true").Set("EcsImage", "public.ecr.aws/nginx/nginx:1.27")
            .Set("EcsEndpointUrl", moto.Endpoint).Set("EcsRegion", "us-east-1").Set("EcsCluster", name).Set("EcsCpu", "256").Set("EcsMemory", "512")
            .Set("EcsSubnets", subnet).Set("EcsSecurityGroups", group).Set("EcsExecutionRoleArn", LocalEcsHarness.ExecutionRole)
            .Set("EcsDeploymentStrategy", "Versioned").Set("EcsWait", "false").Set("EcsDesiredCount", "2");
        var deployer = new Deployer(aws, new RecordingDeploymentLog(), TimeProvider.System);

        var first = await deployer.DeployAsync(LocalEcsHarness.Generate(input), null, null, CancellationToken.None);
        Assert.IsNull(first.Failure, first.Failure?.Message);
        Assert.AreEqual("not-waited", first.Result.Status);
        await aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = "ecs", ResourceId = $"service/{name}/{name}__1", ScalableDimension = "ecs:service:DesiredCount", MinCapacity = 2, MaxCapacity = 4,
        });

        var second = await deployer.DeployAsync(LocalEcsHarness.Generate(input.Set("EcsMemory", "1024")), null, null, CancellationToken.None);

        Assert.IsNull(second.Failure, second.Failure?.Message);
        Assert.AreEqual($"{name}__2", second.Result.Service);
        var services = (await aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = name, Services = [$"{name}__1", $"{name}__2"], Include = ["TAGS"] })).Services!;
        Assert.AreEqual(0, services.Single(s => s.ServiceName == $"{name}__1").DesiredCount);
        var current = services.Single(s => s.ServiceName == $"{name}__2");
        Assert.AreEqual(2, current.DesiredCount);
        CollectionAssert.IsSubsetOf(
            new[] { "ecsbuildtasks:version=2", "ecsbuildtasks:state=serving", $"ecsbuildtasks:rollback-to={name}__1=2" },
            current.Tags!.Select(t => $"{t.Key}={t.Value}").ToList());
        var targets = (await aws.ApplicationAutoScaling.DescribeScalableTargetsAsync(new DescribeScalableTargetsRequest { ServiceNamespace = "ecs" })).ScalableTargets!
            .Where(t => t.ResourceId!.StartsWith($"service/{name}/", StringComparison.Ordinal)).ToList();
        Assert.AreEqual($"service/{name}/{name}__2", targets.Single().ResourceId);
        Assert.AreEqual((2, 4), (targets[0].MinCapacity, targets[0].MaxCapacity));
    }
}
