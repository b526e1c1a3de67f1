using EcsBuildTasks.Aws.EC2;
using EcsBuildTasks.Aws.EC2.Model;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.Moto;

/// <summary>Our EC2 client (the ec2 protocol) against moto: what preflight looks up, and what tests create.</summary>
[TestClass]
[TestCategory("Moto")]
public sealed class Ec2MotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task The_default_VPC_its_subnets_and_security_group_are_found()
    {
        var (vpcId, subnets, securityGroup) = await DefaultNetworkAsync(Factory());
        using var ec2 = Factory().CreateEc2();

        var byId = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [vpcId] }, Ct);
        var byLegacyFilterName = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("isDefault", ["true"])] }, Ct);

        var vpc = byId.Vpcs!.Single();
        Assert.AreEqual("172.31.0.0/16", vpc.CidrBlock);
        Assert.IsTrue(vpc.IsDefault);
        Assert.AreSame(VpcState.Available, vpc.State);
        Assert.AreEqual(vpcId, byLegacyFilterName.Vpcs!.Single().VpcId, "isDefault is the filter name preflight uses");
        Assert.AreEqual(2, subnets.Count);
        Assert.IsTrue(securityGroup.StartsWith("sg-", StringComparison.Ordinal));
        Assert.IsFalse(string.IsNullOrEmpty(byId.ResponseMetadata.RequestId), "the request id comes from the body's requestId");
    }

    [TestMethod]
    public async Task A_VPC_subnet_and_tagged_security_group_are_created_and_found_by_filters_with_several_values()
    {
        using var ec2 = Factory().CreateEc2();
        var zones = await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest(), Ct);
        var zone = zones.AvailabilityZones!.OrderBy(z => z.ZoneName, StringComparer.Ordinal).First();

        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest("10.31.0.0/16"), Ct)).Vpc!;
        var first = (await ec2.CreateSubnetAsync(new CreateSubnetRequest(vpc.VpcId!, "10.31.1.0/24") { AvailabilityZone = zone.ZoneName }, Ct)).Subnet!;
        var second = (await ec2.CreateSubnetAsync(new CreateSubnetRequest(vpc.VpcId!, "10.31.2.0/24"), Ct)).Subnet!;
        var name = Unique("web");
        var created = await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest(name, "web tasks")
        {
            VpcId = vpc.VpcId,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.SecurityGroup, Tags = [new Tag { Key = "team", Value = "orders" }, new Tag { Key = "env", Value = "test" }] }],
        }, Ct);

        var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("subnet-id", [first.SubnetId!, second.SubnetId!])] }, Ct);
        var groups = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId!]), new Filter("group-name", [name])] }, Ct);

        Assert.AreEqual("10.31.0.0/16", vpc.CidrBlock);
        Assert.AreEqual(zone.ZoneName, first.AvailabilityZone);
        Assert.AreEqual(zone.ZoneId, first.AvailabilityZoneId);
        CollectionAssert.AreEquivalent(new[] { first.SubnetId, second.SubnetId }, subnets.Subnets!.Select(s => s.SubnetId).ToList());
        Assert.IsTrue(subnets.Subnets!.All(s => s.VpcId == vpc.VpcId && s.DefaultForAz == false));
        var group = groups.SecurityGroups!.Single();
        Assert.AreEqual(created.GroupId, group.GroupId);
        Assert.AreEqual("web tasks", group.Description);
        CollectionAssert.AreEquivalent(new[] { "team=orders", "env=test" }, group.Tags!.Select(t => $"{t.Key}={t.Value}").ToList());
        Assert.AreEqual("0.0.0.0/0", group.IpPermissionsEgress!.Single().Ipv4Ranges!.Single().CidrIp, "a new group allows all egress");
    }

    [TestMethod]
    public async Task An_unknown_VPC_raises_the_EC2_error_with_its_code_message_and_request_id()
    {
        using var ec2 = Factory().CreateEc2();

        var error = await Assert.ThrowsExactlyAsync<AmazonEC2Exception>(() => ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = ["vpc-0123456789abcdef0"] }, Ct));

        Assert.AreEqual("InvalidVpcID.NotFound", error.ErrorCode);
        StringAssert.Contains(error.Message, "vpc-0123456789abcdef0", StringComparison.Ordinal);
        Assert.AreEqual(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.IsFalse(string.IsNullOrEmpty(error.RequestId));
    }
}
