using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.Moto;

[TestClass]
[TestCategory("Moto")]
public sealed class EcsMotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task Clusters_are_created_described_listed_through_the_paginator_and_deleted()
    {
        using var ecs = Factory().CreateEcs();
        var names = new[] { Unique("c"), Unique("c"), Unique("c") };
        foreach (var name in names)
        {
            var created = await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = name, Tags = [new Tag { Key = "k", Value = "v" }] }, Ct);
            Assert.AreEqual(name, created.Cluster!.ClusterName);
            Assert.AreEqual(System.Net.HttpStatusCode.OK, created.HttpStatusCode);
            Assert.IsFalse(string.IsNullOrEmpty(created.ResponseMetadata.RequestId), "moto sends x-amzn-RequestId");
        }

        var described = await ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = [.. names] }, Ct);
        CollectionAssert.AreEquivalent(names, described.Clusters!.Select(c => c.ClusterName).ToArray());
        Assert.IsTrue(described.Clusters!.All(c => c.Status == "ACTIVE"));

        // One ARN per page: the paginator must follow nextToken to the end.
        var arns = new List<string>();
        await foreach (var arn in ecs.Paginators.ListClusters(new ListClustersRequest { MaxResults = 1 }).ClusterArns.WithCancellation(Ct))
        {
            arns.Add(arn);
        }

        foreach (var name in names)
        {
            Assert.IsTrue(arns.Any(a => a.EndsWith("/" + name, StringComparison.Ordinal)), name);
        }

        var deleted = await ecs.DeleteClusterAsync(new DeleteClusterRequest { Cluster = names[0] }, Ct);
        Assert.AreEqual("INACTIVE", deleted.Cluster!.Status);
    }

    [TestMethod]
    public async Task A_task_definition_is_registered_described_listed_and_deregistered()
    {
        using var ecs = Factory().CreateEcs();
        var family = Unique("td");
        var registered = await ecs.RegisterTaskDefinitionAsync(AwsCliCompatibilityTests.FargateTaskDefinition(family), Ct);
        Assert.AreEqual(1, registered.TaskDefinition!.Revision);

        var described = await ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = family, Include = ["TAGS"] }, Ct);
        var taskDefinition = described.TaskDefinition!;
        Assert.AreEqual(family, described.Tags!.Single(t => t.Key == "app").Value);
        Assert.AreSame(NetworkMode.Awsvpc, taskDefinition.NetworkMode);
        Assert.AreSame(CPUArchitecture.ARM64, taskDefinition.RuntimePlatform!.CpuArchitecture);
        Assert.AreEqual("DB", taskDefinition.ContainerDefinitions![0].Secrets![0].Name);
        Assert.AreSame(LogDriver.Awslogs, taskDefinition.ContainerDefinitions[0].LogConfiguration!.LogDriver);

        var second = await ecs.RegisterTaskDefinitionAsync(taskDefinition.ToRegisterTaskDefinitionRequest(described.Tags), Ct);
        Assert.AreEqual(2, second.TaskDefinition!.Revision);

        var listed = await ecs.ListTaskDefinitionsAsync(new ListTaskDefinitionsRequest { FamilyPrefix = family }, Ct);
        Assert.AreEqual(2, listed.TaskDefinitionArns!.Count);
        var families = await ecs.ListTaskDefinitionFamiliesAsync(new ListTaskDefinitionFamiliesRequest { FamilyPrefix = family }, Ct);
        CollectionAssert.Contains(families.Families, family);

        var deregistered = await ecs.DeregisterTaskDefinitionAsync(new DeregisterTaskDefinitionRequest { TaskDefinition = family + ":1" }, Ct);
        Assert.AreSame(TaskDefinitionStatus.INACTIVE, deregistered.TaskDefinition!.Status);
    }

    [TestMethod]
    public async Task A_service_is_created_updated_described_listed_and_deleted()
    {
        var factory = Factory();
        using var ecs = factory.CreateEcs();
        var (_, subnets, securityGroup) = await DefaultNetworkAsync(factory);
        var cluster = (await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Unique("svc") }, Ct)).Cluster!.ClusterName!;
        var family = Unique("svc-td");
        await ecs.RegisterTaskDefinitionAsync(AwsCliCompatibilityTests.FargateTaskDefinition(family), Ct);
        var name = Unique("web");

        var created = await ecs.CreateServiceAsync(new CreateServiceRequest
        {
            Cluster = cluster,
            ServiceName = name,
            TaskDefinition = family,
            DesiredCount = 2,
            LaunchType = LaunchType.FARGATE,
            NetworkConfiguration = new NetworkConfiguration
            {
                AwsvpcConfiguration = new AwsVpcConfiguration { Subnets = subnets, SecurityGroups = [securityGroup], AssignPublicIp = AssignPublicIp.DISABLED },
            },
        }, Ct);
        Assert.AreEqual(name, created.Service!.ServiceName);
        Assert.AreEqual(2, created.Service.DesiredCount);
        Assert.AreSame(DeploymentRolloutState.IN_PROGRESS, created.Service.Deployments!.Single().RolloutState);
        Assert.IsNotNull(created.Service.Deployments![0].CreatedAt);
        Assert.AreEqual(DateTimeKind.Utc, created.Service.Deployments![0].CreatedAt!.Value.Kind);

        var updated = await ecs.UpdateServiceAsync(new UpdateServiceRequest
        {
            Cluster = cluster,
            Service = name,
            DesiredCount = 3,
            DeploymentConfiguration = new DeploymentConfiguration
            {
                MaximumPercent = 200,
                MinimumHealthyPercent = 50,
                DeploymentCircuitBreaker = new DeploymentCircuitBreaker { Enable = true, Rollback = true },
            },
        }, Ct);
        Assert.AreEqual(3, updated.Service!.DesiredCount);
        Assert.AreEqual(true, updated.Service.DeploymentConfiguration!.DeploymentCircuitBreaker!.Rollback);

        var described = await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [name, "does-not-exist"] }, Ct);
        Assert.AreEqual(name, described.Services!.Single().ServiceName);
        Assert.AreEqual("MISSING", described.Failures!.Single().Reason);

        var listed = await ecs.ListServicesAsync(new ListServicesRequest { Cluster = cluster }, Ct);
        Assert.IsTrue(listed.ServiceArns!.Single().EndsWith("/" + name, StringComparison.Ordinal));

        var deleted = await ecs.DeleteServiceAsync(new DeleteServiceRequest { Cluster = cluster, Service = name, Force = true }, Ct);
        Assert.AreNotEqual("ACTIVE", deleted.Service!.Status);
    }

    [TestMethod]
    public async Task A_missing_cluster_raises_ClusterNotFoundException_with_the_AWS_message_and_request_id()
    {
        using var ecs = Factory().CreateEcs();

        var exception = await Assert.ThrowsExactlyAsync<ClusterNotFoundException>(
            () => ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = Unique("nope"), Services = ["web"] }, Ct));

        Assert.AreEqual("ClusterNotFoundException", exception.ErrorCode);
        Assert.AreEqual(System.Net.HttpStatusCode.BadRequest, exception.StatusCode);
        StringAssert.Contains(exception.Message, "Cluster not found", StringComparison.Ordinal);
        Assert.IsFalse(string.IsNullOrEmpty(exception.RequestId));
        Assert.IsInstanceOfType<AmazonECSException>(exception);
    }

    [TestMethod]
    public async Task Updating_a_missing_service_raises_ServiceNotFoundException()
    {
        using var ecs = Factory().CreateEcs();
        var cluster = (await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Unique("nf") }, Ct)).Cluster!.ClusterName;

        var exception = await Assert.ThrowsExactlyAsync<ServiceNotFoundException>(
            () => ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = cluster, Service = "ghost", DesiredCount = 1 }, Ct));

        Assert.AreEqual("ServiceNotFoundException", exception.ErrorCode);
    }

    [TestMethod]
    public async Task Describing_an_unknown_task_definition_raises_ClientException()
    {
        using var ecs = Factory().CreateEcs();

        var exception = await Assert.ThrowsExactlyAsync<ClientException>(
            () => ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = Unique("ghost") + ":7" }, Ct));

        StringAssert.Contains(exception.Message, "Unable to describe task definition", StringComparison.Ordinal);
    }

    [TestMethod]
    public async Task A_task_is_run_listed_described_and_stopped()
    {
        var factory = Factory();
        using var ecs = factory.CreateEcs();
        var (_, subnets, securityGroup) = await DefaultNetworkAsync(factory);
        var cluster = (await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Unique("run") }, Ct)).Cluster!.ClusterName!;
        var family = Unique("run-td");
        await ecs.RegisterTaskDefinitionAsync(AwsCliCompatibilityTests.FargateTaskDefinition(family), Ct);

        var run = await ecs.RunTaskAsync(new RunTaskRequest
        {
            Cluster = cluster,
            TaskDefinition = family,
            LaunchType = LaunchType.FARGATE,
            Count = 1,
            StartedBy = "ecs-build-tasks",
            Overrides = new TaskOverride { ContainerOverrides = [new ContainerOverride { Name = "web", Command = ["migrate"] }] },
            NetworkConfiguration = new NetworkConfiguration { AwsvpcConfiguration = new AwsVpcConfiguration { Subnets = subnets, SecurityGroups = [securityGroup] } },
        }, Ct);
        var task = run.Tasks!.Single();
        Assert.AreEqual("ecs-build-tasks", task.StartedBy);
        Assert.IsTrue(task.Attachments!.Any(a => a.Type == "ElasticNetworkInterface"));

        var listed = await ecs.ListTasksAsync(new ListTasksRequest { Cluster = cluster, DesiredStatus = DesiredStatus.RUNNING }, Ct);
        CollectionAssert.Contains(listed.TaskArns, task.TaskArn);

        var described = await ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = cluster, Tasks = [task.TaskArn!] }, Ct);
        Assert.AreEqual(task.TaskArn, described.Tasks!.Single().TaskArn);

        var stopped = await ecs.StopTaskAsync(new StopTaskRequest { Cluster = cluster, Task = task.TaskArn, Reason = "test done" }, Ct);
        Assert.AreEqual("test done", stopped.Task!.StoppedReason);
    }

    [TestMethod]
    public async Task Task_sets_of_an_external_service_are_created_updated_promoted_and_deleted()
    {
        var factory = Factory();
        using var ecs = factory.CreateEcs();
        var (_, subnets, securityGroup) = await DefaultNetworkAsync(factory);
        var cluster = (await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Unique("ts") }, Ct)).Cluster!.ClusterName!;
        var family = Unique("ts-td");
        await ecs.RegisterTaskDefinitionAsync(AwsCliCompatibilityTests.FargateTaskDefinition(family), Ct);
        var service = Unique("ext");
        await ecs.CreateServiceAsync(new CreateServiceRequest
        {
            Cluster = cluster,
            ServiceName = service,
            DesiredCount = 1,
            DeploymentController = new DeploymentController { Type = DeploymentControllerType.EXTERNAL },
        }, Ct);

        var created = await ecs.CreateTaskSetAsync(new CreateTaskSetRequest
        {
            Cluster = cluster,
            Service = service,
            TaskDefinition = family,
            LaunchType = LaunchType.FARGATE,
            ExternalId = "green",
            Scale = new Scale { Unit = ScaleUnit.PERCENT, Value = 0 },
            NetworkConfiguration = new NetworkConfiguration { AwsvpcConfiguration = new AwsVpcConfiguration { Subnets = subnets, SecurityGroups = [securityGroup] } },
        }, Ct);
        var taskSet = created.TaskSet!;
        Assert.AreEqual("green", taskSet.ExternalId);

        var updated = await ecs.UpdateTaskSetAsync(new UpdateTaskSetRequest { Cluster = cluster, Service = service, TaskSet = taskSet.Id, Scale = new Scale { Unit = ScaleUnit.PERCENT, Value = 100 } }, Ct);
        Assert.AreEqual(100d, updated.TaskSet!.Scale!.Value);

        var primary = await ecs.UpdateServicePrimaryTaskSetAsync(new UpdateServicePrimaryTaskSetRequest { Cluster = cluster, Service = service, PrimaryTaskSet = taskSet.TaskSetArn }, Ct);
        Assert.AreEqual("PRIMARY", primary.TaskSet!.Status);

        var described = await ecs.DescribeTaskSetsAsync(new DescribeTaskSetsRequest { Cluster = cluster, Service = service, TaskSets = [taskSet.TaskSetArn!] }, Ct);
        Assert.AreSame(StabilityStatus.STEADY_STATE, described.TaskSets!.Single().StabilityStatus);

        var deleted = await ecs.DeleteTaskSetAsync(new DeleteTaskSetRequest { Cluster = cluster, Service = service, TaskSet = taskSet.Id, Force = true }, Ct);
        Assert.AreEqual(taskSet.TaskSetArn, deleted.TaskSet!.TaskSetArn);
    }

    [TestMethod]
    public async Task Resources_are_tagged_listed_and_untagged()
    {
        using var ecs = Factory().CreateEcs();
        var arn = (await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Unique("tag") }, Ct)).Cluster!.ClusterArn;

        await ecs.TagResourceAsync(new TagResourceRequest { ResourceArn = arn, Tags = [new Tag { Key = "env", Value = "test" }, new Tag { Key = "team", Value = "a" }] }, Ct);
        await ecs.UntagResourceAsync(new UntagResourceRequest { ResourceArn = arn, TagKeys = ["team"] }, Ct);
        var tags = await ecs.ListTagsForResourceAsync(new ListTagsForResourceRequest { ResourceArn = arn }, Ct);

        Assert.AreEqual("env=test", string.Join(",", tags.Tags!.Select(t => $"{t.Key}={t.Value}")));
    }

    [TestMethod]
    public async Task Container_instances_are_listed_and_describing_them_in_a_missing_cluster_fails_typed()
    {
        using var ecs = Factory().CreateEcs();
        var cluster = (await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Unique("ci") }, Ct)).Cluster!.ClusterName;

        var listed = await ecs.ListContainerInstancesAsync(new ListContainerInstancesRequest { Cluster = cluster }, Ct);
        await Assert.ThrowsExactlyAsync<ClusterNotFoundException>(
            () => ecs.DescribeContainerInstancesAsync(new DescribeContainerInstancesRequest { Cluster = Unique("gone"), ContainerInstances = ["i-1"] }, Ct));

        Assert.AreEqual(0, listed.ContainerInstanceArns!.Count);
    }

    [TestMethod]
    public async Task Service_deployment_APIs_reach_the_service_and_its_server_errors_surface_typed()
    {
        // moto 5.2.1 implements none of the service-deployment APIs and answers 500 (reference §5.4); the request
        // still has to be well-formed and the 500 has to arrive as this service's exception, not a parsing failure.
        using var ecs = Factory().CreateEcs();

        var exception = await Assert.ThrowsExactlyAsync<AmazonECSException>(
            () => ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = "default", Service = "web", Status = [ServiceDeploymentStatus.IN_PROGRESS.Value] }, Ct));

        Assert.AreEqual(System.Net.HttpStatusCode.InternalServerError, exception.StatusCode);
    }
}
