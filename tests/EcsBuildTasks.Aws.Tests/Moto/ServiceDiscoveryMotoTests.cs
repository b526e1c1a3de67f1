using EcsBuildTasks.Aws.ServiceDiscovery;
using EcsBuildTasks.Aws.ServiceDiscovery.Model;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;

namespace EcsBuildTasks.Aws.Tests.Moto;

[TestClass]
[TestCategory("Moto")]
public sealed class ServiceDiscoveryMotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task A_private_DNS_namespace_is_created_through_an_operation_and_listed()
    {
        var factory = Factory();
        var vpcId = await NewVpcAsync(factory);
        using var cloudMap = factory.CreateServiceDiscovery();
        var name = Unique("ns") + ".local";

        var created = await cloudMap.CreatePrivateDnsNamespaceAsync(new CreatePrivateDnsNamespaceRequest { Name = name, Vpc = vpcId, CreatorRequestId = Guid.NewGuid().ToString() }, Ct);
        var operation = await cloudMap.GetOperationAsync(new GetOperationRequest { OperationId = created.OperationId }, Ct);
        var namespaceId = operation.Operation!.Targets![OperationTargetType.NAMESPACE.Value];
        var described = await cloudMap.GetNamespaceAsync(new GetNamespaceRequest { Id = namespaceId }, Ct);
        var listed = new List<NamespaceSummary>();
        await foreach (var summary in cloudMap.Paginators.ListNamespaces(new ListNamespacesRequest { MaxResults = 1 }).Namespaces.WithCancellation(Ct))
        {
            listed.Add(summary);
        }

        Assert.AreSame(OperationStatus.SUCCESS, operation.Operation.Status);
        Assert.AreSame(NamespaceType.DNS_PRIVATE, described.Namespace!.Type);
        Assert.AreEqual(name, described.Namespace.Name);
        Assert.IsTrue(listed.Any(n => n.Id == namespaceId));
        Assert.IsTrue((await cloudMap.ListOperationsAsync(new ListOperationsRequest(), Ct)).Operations!.Any(o => o.Id == created.OperationId));
    }

    [TestMethod]
    public async Task A_service_with_A_and_SRV_records_gets_instances_and_their_health()
    {
        var factory = Factory();
        var vpcId = await NewVpcAsync(factory);
        using var cloudMap = factory.CreateServiceDiscovery();
        var created = await cloudMap.CreatePrivateDnsNamespaceAsync(new CreatePrivateDnsNamespaceRequest { Name = Unique("sd") + ".local", Vpc = vpcId }, Ct);
        var namespaceId = (await cloudMap.GetOperationAsync(new GetOperationRequest { OperationId = created.OperationId }, Ct)).Operation!.Targets!["NAMESPACE"];

        var service = (await cloudMap.CreateServiceAsync(new CreateServiceRequest
        {
            Name = "web",
            NamespaceId = namespaceId,
            DnsConfig = new DnsConfig
            {
                RoutingPolicy = RoutingPolicy.MULTIVALUE,
                DnsRecords = [new DnsRecord { Type = RecordType.A, TTL = 10 }, new DnsRecord { Type = RecordType.SRV, TTL = 10 }],
            },
            HealthCheckCustomConfig = new HealthCheckCustomConfig { FailureThreshold = 1 },
        }, Ct)).Service!;
        await cloudMap.RegisterInstanceAsync(new RegisterInstanceRequest
        {
            ServiceId = service.Id,
            InstanceId = "task-1",
            Attributes = new() { ["AWS_INSTANCE_IPV4"] = "172.31.0.10", ["AWS_INSTANCE_PORT"] = "8080" },
        }, Ct);

        var got = await cloudMap.GetServiceAsync(new GetServiceRequest { Id = service.Id }, Ct);
        var instances = await cloudMap.ListInstancesAsync(new ListInstancesRequest { ServiceId = service.Id }, Ct);
        var instance = await cloudMap.GetInstanceAsync(new GetInstanceRequest { ServiceId = service.Id, InstanceId = "task-1" }, Ct);
        var health = await cloudMap.GetInstancesHealthStatusAsync(new GetInstancesHealthStatusRequest { ServiceId = service.Id }, Ct);
        await cloudMap.DeregisterInstanceAsync(new DeregisterInstanceRequest { ServiceId = service.Id, InstanceId = "task-1" }, Ct);
        var services = await cloudMap.ListServicesAsync(new ListServicesRequest(), Ct);

        Assert.AreEqual(2, got.Service!.DnsConfig!.DnsRecords!.Count);
        Assert.AreEqual("172.31.0.10", instances.Instances!.Single().Attributes!["AWS_INSTANCE_IPV4"]);
        Assert.AreEqual("8080", instance.Instance!.Attributes!["AWS_INSTANCE_PORT"]);
        Assert.IsTrue(health.Status!.ContainsKey("task-1"));
        Assert.IsTrue(services.Services!.Any(s => s.Id == service.Id));
    }

    /// <summary>moto allows one private DNS namespace per VPC (ConflictingDomainExists), so each test makes its own.</summary>
    private async Task<string> NewVpcAsync(AwsClientFactory factory)
    {
        using var ec2 = factory.CreateEc2();
        var vpc = await ec2.CreateVpcAsync(new EC2.Model.CreateVpcRequest { CidrBlock = "10.20.0.0/16" }, Ct);
        return vpc.Vpc!.VpcId!;
    }

    [TestMethod]
    public async Task A_missing_namespace_raises_NamespaceNotFoundException()
    {
        using var cloudMap = Factory().CreateServiceDiscovery();

        var exception = await Assert.ThrowsExactlyAsync<NamespaceNotFoundException>(() => cloudMap.GetNamespaceAsync(new GetNamespaceRequest { Id = "ns-doesnotexist0000" }, Ct));

        Assert.AreEqual("NamespaceNotFound", exception.ErrorCode);
    }
}
