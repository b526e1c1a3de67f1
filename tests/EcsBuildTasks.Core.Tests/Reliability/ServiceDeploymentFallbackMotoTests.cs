using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Testing;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Reliability;

/// <summary>
/// Against an endpoint without the service deployment API (moto answers an HTML 500), the waiter follows
/// <c>deployments[]</c> and says so, with what completion means then (issue 16, item 4), instead of a silent wait.
/// </summary>
[TestClass]
[TestCategory("Moto")]
public sealed class ServiceDeploymentFallbackMotoTests
{
    [TestMethod]
    public async Task The_fallback_to_deployments_is_announced_with_what_completion_means_and_the_timeout_says_what_was_seen()
    {
        var moto = MotoServer.Instance;
        using var aws = new AwsSession(new AwsClientFactory(new AwsConnectionSettings { Region = "us-east-1", EndpointUrl = moto.Endpoint, Credentials = new BasicAWSCredentials("test", "test") }));
        var name = "fb-" + Guid.NewGuid().ToString("N")[..8];
        var vpc = (await aws.Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.44.0.0/16" })).Vpc!.VpcId!;
        var subnet = (await aws.Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.44.1.0/24" })).Subnet!.SubnetId!;
        var group = (await aws.Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = name, Description = "fallback", VpcId = vpc })).GroupId;
        await aws.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = name });
        var input = new SettingsInput { BaseDirectory = Directory.GetCurrentDirectory() }
            .Set("ContainerRepository", name).Set("UsingMicrosoftNETSdkWeb", "true").Set("EcsImage", "public.ecr.aws/nginx/nginx:1.27")
            .Set("EcsEndpointUrl", moto.Endpoint).Set("EcsRegion", "us-east-1").Set("EcsCluster", name).Set("EcsCpu", "256").Set("EcsMemory", "512")
            .Set("EcsSubnets", subnet).Set("EcsSecurityGroups", group).Set("EcsExecutionRoleArn", LocalEcsHarness.ExecutionRole)
            .Set(EcsProperties.TimeoutMinutes, "1");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new RecordingDeploymentLog();
        var deployer = new Deployer(aws, log, time);

        var running = deployer.DeployAsync(LocalEcsHarness.Generate(input), null, null, CancellationToken.None);
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(5));
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.IsTrue(time.GetUtcNow() < DateTimeOffset.UtcNow.AddHours(2), log.Text);
        }

        var report = await running;
        StringAssert.Contains(log.Text, "the endpoint does not serve ECS's service deployment API (ECS ListServiceDeployments answered HTTP 500): following the service's deployments[] instead");
        StringAssert.Contains(log.Text, $"Complete means: the deployment of {name}:1 is PRIMARY with rolloutState COMPLETED");
        StringAssert.Contains(log.Text, "followed through deployments[], where");
        Assert.IsNotNull(report.Failure, "moto never completes a rollout: the build does not claim success");
        Assert.AreEqual(0, log.Lines.Count(l => l.Contains(FaultToleranceTests.RidingOut, StringComparison.Ordinal)), "an unimplemented operation is not ridden out as a server error");
    }
}
