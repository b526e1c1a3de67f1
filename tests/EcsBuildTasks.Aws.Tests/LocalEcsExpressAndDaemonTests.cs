using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;
using DescribeSubnetsRequest = EcsBuildTasks.Aws.EC2.Model.DescribeSubnetsRequest;
using Amazon.Runtime;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.LocalEcs;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests;

/// <summary>
/// Our generated ECS client's Express and managed daemon operations against LocalEcs (instant mode): requests LocalEcs
/// accepts, and responses (typed members, enums, timestamps, modelled errors) that come back whole.
/// </summary>
[TestClass]
public sealed class LocalEcsExpressAndDaemonTests
{
    private const string InfrastructureRole = "arn:aws:iam::123456789012:role/ecsInfrastructureRole";
    private const string ExecutionRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Express_services_are_created_followed_updated_and_deleted_through_our_client()
    {
        await using var local = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 });
        using var ecs = Factory(local).CreateEcs();
        var ct = TestContext.CancellationToken;

        // LocalEcs starts a task only when its secrets exist, as ECS does.
        await LocalEcs.LocalEcsSeed.JsonAsync(local, "us-east-1", "ssm", "AmazonSSM.PutParameter", new JsonObject { ["Name"] = "db", ["Value"] = "s3cret", ["Type"] = "SecureString" }, ct);
        var created = (await ecs.CreateExpressGatewayServiceAsync(new CreateExpressGatewayServiceRequest
        {
            ServiceName = "web",
            InfrastructureRoleArn = InfrastructureRole,
            ExecutionRoleArn = ExecutionRole,
            HealthCheckPath = "/health",
            Cpu = "512",
            Memory = "1024",
            PrimaryContainer = new ExpressGatewayContainer
            {
                Image = "public.ecr.aws/nginx/nginx:1.27",
                ContainerPort = 8080,
                Environment = [new ECS.Model.KeyValuePair { Name = "MODE", Value = "sdk" }],
                Secrets = [new Secret { Name = "DB", ValueFrom = "arn:aws:ssm:us-east-1:123456789012:parameter/db" }],
            },
            ScalingTarget = new ExpressGatewayScalingTarget { MinTaskCount = 2, MaxTaskCount = 4, AutoScalingMetric = ExpressGatewayServiceScalingMetric.AVERAGE_MEMORY, AutoScalingTargetValue = 70 },
            Tags = [new Tag { Key = "team", Value = "web" }],
        }, ct)).Service!;
        Assert.AreEqual(ExpressGatewayServiceStatusCode.ACTIVE, created.Status!.StatusCode);
        Assert.AreEqual("arn:aws:ecs:us-east-1:123456789012:service/default/web", created.ServiceArn);
        Assert.AreEqual(ExpressGatewayServiceScalingMetric.AVERAGE_MEMORY, created.ActiveConfigurations![0].ScalingTarget!.AutoScalingMetric);

        var serving = await UntilAsync(async () =>
        {
            var service = (await ecs.DescribeExpressGatewayServiceAsync(new DescribeExpressGatewayServiceRequest { ServiceArn = created.ServiceArn, Include = [ExpressGatewayServiceInclude.TAGS] }, ct)).Service!;
            var deployments = await ecs.DescribeServiceDeploymentsAsync(new DescribeServiceDeploymentsRequest { ServiceDeploymentArns = [service.CurrentDeployment!] }, ct);
            return service.ActiveConfigurations![0].IngressPaths is { Count: > 0 } && deployments.ServiceDeployments![0].Status == ServiceDeploymentStatus.SUCCESSFUL ? service : null;
        });
        var ingress = serving.ActiveConfigurations![0].IngressPaths![0];
        Assert.AreEqual(AccessType.PUBLIC, ingress.AccessType);
        StringAssert.EndsWith(ingress.Endpoint, ".ecs.us-east-1.on.aws");
        Assert.AreEqual("web", serving.Tags![0].Value);
        Assert.IsTrue(serving.CreatedAt > DateTime.UnixEpoch);

        using var http = new HttpClient { BaseAddress = local.BaseUrl, DefaultRequestHeaders = { { LocalEcsServer.ControlHeader, "1" } } };
        var resolved = await http.GetFromJsonAsync<JsonObject>("/_localecs/express/resolve?url=" + Uri.EscapeDataString($"https://{ingress.Endpoint}/health"), ct);
        Assert.AreEqual(2, resolved!["servingTargets"]!.AsArray().Count, "the URL reaches the service's two tasks");

        var updated = (await ecs.UpdateExpressGatewayServiceAsync(new UpdateExpressGatewayServiceRequest
        {
            ServiceArn = created.ServiceArn,
            PrimaryContainer = new ExpressGatewayContainer { Image = "public.ecr.aws/nginx/nginx:1.28", ContainerPort = 8080 },
        }, ct)).Service!;
        StringAssert.EndsWith(updated.TargetConfiguration!.TaskDefinitionArn, ":2");
        await UntilAsync(async () =>
        {
            var service = (await ecs.DescribeExpressGatewayServiceAsync(new DescribeExpressGatewayServiceRequest { ServiceArn = created.ServiceArn }, ct)).Service!;
            var deployment = (await ecs.DescribeServiceDeploymentsAsync(new DescribeServiceDeploymentsRequest { ServiceDeploymentArns = [service.CurrentDeployment!] }, ct)).ServiceDeployments![0];
            return deployment.Status == ServiceDeploymentStatus.SUCCESSFUL && service.ActiveConfigurations!.Count == 1 ? service : null;
        });

        var deleted = (await ecs.DeleteExpressGatewayServiceAsync(new DeleteExpressGatewayServiceRequest { ServiceArn = created.ServiceArn }, ct)).Service!;
        Assert.AreEqual(ExpressGatewayServiceStatusCode.DRAINING, deleted.Status!.StatusCode);
        await Assert.ThrowsExactlyAsync<ServiceNotActiveException>(() => ecs.DeleteExpressGatewayServiceAsync(new DeleteExpressGatewayServiceRequest { ServiceArn = created.ServiceArn }, ct));
        await Assert.ThrowsExactlyAsync<ResourceNotFoundException>(() =>
            ecs.DescribeExpressGatewayServiceAsync(new DescribeExpressGatewayServiceRequest { ServiceArn = "arn:aws:ecs:us-east-1:123456789012:service/default/ghost" }, ct));
        var invalid = await Assert.ThrowsExactlyAsync<InvalidParameterException>(() => ecs.CreateExpressGatewayServiceAsync(new CreateExpressGatewayServiceRequest
        {
            InfrastructureRoleArn = InfrastructureRole,
            ExecutionRoleArn = ExecutionRole,
            PrimaryContainer = new ExpressGatewayContainer { Image = "nginx" },
            Cpu = "256",
            Memory = "4096",
        }, ct));
        StringAssert.Contains(invalid.Message, "No Fargate configuration exists");
    }

    [TestMethod]
    public async Task Capacity_providers_and_managed_daemons_work_through_our_client()
    {
        await using var local = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0, ContainerInstancesPerCluster = 0 });
        var factory = Factory(local);
        using var ecs = factory.CreateEcs();
        using var ec2 = factory.CreateEc2();
        var ct = TestContext.CancellationToken;
        await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "prod" }, ct);
        var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("default-for-az", ["true"])] }, ct)).Subnets!.Select(s => s.SubnetId!).ToList();
        var provider = (await ecs.CreateCapacityProviderAsync(new CreateCapacityProviderRequest
        {
            Name = "workers",
            Cluster = "prod",
            ManagedInstancesProvider = new CreateManagedInstancesProviderConfiguration
            {
                InfrastructureRoleArn = InfrastructureRole,
                InstanceLaunchTemplate = new InstanceLaunchTemplate
                {
                    Ec2InstanceProfileArn = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole",
                    NetworkConfiguration = new ManagedInstancesNetworkConfiguration { Subnets = subnets },
                },
            },
        }, ct)).CapacityProvider!;
        Assert.AreEqual(CapacityProviderType.MANAGED_INSTANCES, provider.Type);
        using var http = new HttpClient { BaseAddress = local.BaseUrl, DefaultRequestHeaders = { { LocalEcsServer.ControlHeader, "1" } } };
        using (var response = await http.PutAsJsonAsync("/_localecs/capacity-providers/instances", new { capacityProvider = "workers", count = 3 }, ct))
        {
            response.EnsureSuccessStatusCode();
        }

        var definition = (await ecs.RegisterDaemonTaskDefinitionAsync(new RegisterDaemonTaskDefinitionRequest
        {
            Family = "agent",
            Cpu = "256",
            Memory = "256",
            PidMode = DaemonPidMode.Shared,
            ContainerDefinitions = [new DaemonContainerDefinition { Name = "agent", Image = "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest", Memory = 128 }],
        }, ct)).DaemonTaskDefinitionArn!;
        var described = (await ecs.DescribeDaemonTaskDefinitionAsync(new DescribeDaemonTaskDefinitionRequest { DaemonTaskDefinition = "agent" }, ct)).DaemonTaskDefinition!;
        Assert.AreEqual(DaemonTaskDefinitionStatus.ACTIVE, described.Status);
        Assert.AreEqual(DaemonPidMode.Shared, described.PidMode);

        var created = await ecs.CreateDaemonAsync(new CreateDaemonRequest
        {
            DaemonName = "agent",
            ClusterArn = "prod",
            DaemonTaskDefinitionArn = definition,
            CapacityProviderArns = [provider.CapacityProviderArn!],
            DeploymentConfiguration = new DaemonDeploymentConfiguration { DrainPercent = 50.0, BakeTimeInMinutes = 1 },
            PropagateTags = DaemonPropagateTags.DAEMON,
            Tags = [new Tag { Key = "team", Value = "platform" }],
        }, ct);
        Assert.AreEqual(DaemonStatus.ACTIVE, created.Status);
        var deployment = await UntilAsync(async () =>
        {
            var found = (await ecs.DescribeDaemonDeploymentsAsync(new DescribeDaemonDeploymentsRequest { DaemonDeploymentArns = [created.DeploymentArn!] }, ct)).DaemonDeployments![0];
            return found.Status == DaemonDeploymentStatus.SUCCESSFUL ? found : null;
        });
        Assert.AreEqual(3, deployment.TargetDaemonRevision!.TotalRunningInstanceCount);
        Assert.AreEqual(3, deployment.TargetDaemonRevision.CapacityProviders![0].RunningInstanceCount);
        Assert.AreEqual(50.0, deployment.DeploymentConfiguration!.DrainPercent);
        Assert.AreEqual(DaemonDeploymentRollbackMonitorsStatus.MONITORING_COMPLETE, deployment.CircuitBreaker!.Status);
        Assert.AreEqual(DaemonDeploymentRollbackMonitorsStatus.DISABLED, deployment.Alarms!.Status);
        Assert.IsNotNull(deployment.FinishedAt);

        var daemon = (await ecs.DescribeDaemonAsync(new DescribeDaemonRequest { DaemonArn = created.DaemonArn }, ct)).Daemon!;
        Assert.AreEqual(3, daemon.CurrentRevisions![0].TotalRunningCount);
        Assert.AreEqual(created.DeploymentArn, daemon.DeploymentArn);
        Assert.AreEqual(1, (await ecs.ListDaemonsAsync(new ListDaemonsRequest { ClusterArn = "prod" }, ct)).DaemonSummariesList!.Count);
        var revision = (await ecs.DescribeDaemonRevisionsAsync(new DescribeDaemonRevisionsRequest { DaemonRevisionArns = [daemon.CurrentRevisions[0].Arn!] }, ct)).DaemonRevisions![0];
        Assert.AreEqual(DaemonPropagateTags.DAEMON, revision.PropagateTags);
        var tasks = await ecs.ListTasksAsync(new ListTasksRequest { Cluster = "prod", DaemonName = "agent" }, ct);
        var running = (await ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = "prod", Tasks = tasks.TaskArns, Include = [TaskField.TAGS] }, ct)).Tasks!;
        Assert.AreEqual(3, running.Count);
        Assert.IsTrue(running.All(t => t.LaunchType == LaunchType.MANAGED_INSTANCES && t.Tags!.Any(tag => tag.Key == "team")), "daemon tasks carry the daemon's tags");

        var updated = await ecs.UpdateDaemonAsync(new UpdateDaemonRequest
        {
            DaemonArn = created.DaemonArn,
            DaemonTaskDefinitionArn = definition,
            CapacityProviderArns = [provider.CapacityProviderArn!],
            EnableExecuteCommand = true,
        }, ct);
        await UntilAsync(async () =>
        {
            var listed = await ecs.ListDaemonDeploymentsAsync(new ListDaemonDeploymentsRequest { DaemonArn = created.DaemonArn, Status = [DaemonDeploymentStatus.SUCCESSFUL] }, ct);
            return listed.DaemonDeployments!.Any(d => d.DaemonDeploymentArn == updated.DeploymentArn) ? listed : null;
        });
        var providers = await ecs.DescribeCapacityProvidersAsync(new DescribeCapacityProvidersRequest { CapacityProviders = ["workers", "ghost"] }, ct);
        Assert.AreEqual("workers", providers.CapacityProviders![0].Name);
        Assert.AreEqual("MISSING", providers.Failures![0].Reason);
        await Assert.ThrowsExactlyAsync<DaemonNotFoundException>(() => ecs.DescribeDaemonAsync(new DescribeDaemonRequest { DaemonArn = "arn:aws:ecs:us-east-1:123456789012:daemon/prod/ghost" }, ct));

        var deleted = await ecs.DeleteDaemonAsync(new DeleteDaemonRequest { DaemonArn = created.DaemonArn }, ct);
        Assert.AreEqual(DaemonStatus.DELETE_IN_PROGRESS, deleted.Status);
        await Assert.ThrowsExactlyAsync<DaemonNotActiveException>(() => ecs.UpdateDaemonAsync(new UpdateDaemonRequest
        {
            DaemonArn = created.DaemonArn,
            DaemonTaskDefinitionArn = definition,
            CapacityProviderArns = [provider.CapacityProviderArn!],
        }, ct));
        await ecs.DeleteDaemonTaskDefinitionAsync(new DeleteDaemonTaskDefinitionRequest { DaemonTaskDefinition = definition }, ct);
        var definitions = await ecs.ListDaemonTaskDefinitionsAsync(new ListDaemonTaskDefinitionsRequest { Status = DaemonTaskDefinitionStatusFilter.ALL }, ct);
        Assert.AreEqual(1, definitions.DaemonTaskDefinitions!.Count);
    }

    private static AwsClientFactory Factory(LocalEcsServer local) => new(new AwsConnectionSettings
    {
        Region = "us-east-1",
        EndpointUrl = local.BaseUrl.ToString(),
        Credentials = new BasicAWSCredentials("test", "test"),
        MaxErrorRetry = 0,
    });

    /// <summary>Polls until <paramref name="probe"/> returns a value (LocalEcs runs instantly; this bounds real time).</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.IsTrue(DateTime.UtcNow < deadline, "LocalEcs did not get there within 60 s");
            await Task.Delay(100);
        }
    }
}
