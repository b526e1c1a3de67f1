using EcsBuildTasks.Aws.EC2;
using EcsBuildTasks.Aws.EC2.Model;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.LocalEcs;

/// <summary>Our EC2 client against LocalEcs's EC2, in-process: the lookups preflight makes and what tests create.</summary>
[TestClass]
public sealed class Ec2LocalEcsTests
{

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    private static Task<AwsClientFactory> ClientsAsync() => InProcessLocalEcs.ClientsAsync("eu-central-1", "AKIDLOCALECS00000001");

    [TestMethod]
    public async Task The_default_VPC_its_default_subnets_and_default_security_group_are_found_as_preflight_looks_them_up()
    {
        using var ec2 = (await ClientsAsync()).CreateEc2();

        var vpcs = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("isDefault", ["true"])] }, Ct);
        var vpc = vpcs.Vpcs!.Single();
        var notDefault = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("isDefault", ["false"])] }, Ct);
        var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId!]), new Filter("default-for-az", ["true"])] }, Ct);
        var groups = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId!]), new Filter("group-name", ["default"])] }, Ct);

        Assert.IsTrue(vpc.IsDefault);
        Assert.AreEqual(0, notDefault.Vpcs?.Count ?? 0, "isDefault is a filter, not ignored");
        Assert.IsTrue(subnets.Subnets!.Count >= 2);
        Assert.IsTrue(subnets.Subnets.All(s => s.VpcId == vpc.VpcId && s.DefaultForAz == true && s.AvailabilityZone!.StartsWith("eu-central-1", StringComparison.Ordinal)));
        Assert.AreEqual("default", groups.SecurityGroups!.Single().GroupName);
        Assert.AreEqual("0.0.0.0/0", groups.SecurityGroups!.Single().IpPermissionsEgress!.Single().Ipv4Ranges!.Single().CidrIp);
        Assert.IsFalse(string.IsNullOrEmpty(vpcs.ResponseMetadata.RequestId));
    }

    [TestMethod]
    public async Task A_subnet_and_a_security_group_are_created_in_the_default_VPC_and_found_by_id()
    {
        using var ec2 = (await ClientsAsync()).CreateEc2();
        var vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("is-default", ["true"])] }, Ct)).Vpcs!.Single();
        var zones = await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest(), Ct);
        var zone = zones.AvailabilityZones!.Last();

        var subnet = (await ec2.CreateSubnetAsync(new CreateSubnetRequest(vpc.VpcId!, "172.31.96.0/20") { AvailabilityZone = zone.ZoneName }, Ct)).Subnet!;
        var group = await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest("web-" + Guid.NewGuid().ToString("N")[..8], "web tasks") { VpcId = vpc.VpcId }, Ct);
        var foundSubnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [subnet.SubnetId!] }, Ct);
        var foundGroups = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [group.GroupId!] }, Ct);

        Assert.AreEqual(zone.ZoneName, subnet.AvailabilityZone);
        Assert.AreEqual(zone.ZoneId, subnet.AvailabilityZoneId);
        Assert.AreEqual("172.31.96.0/20", foundSubnets.Subnets!.Single().CidrBlock);
        Assert.AreEqual("web tasks", foundGroups.SecurityGroups!.Single().Description);
        Assert.AreEqual(vpc.VpcId, foundGroups.SecurityGroups!.Single().VpcId);
    }

    [TestMethod]
    public async Task A_missing_subnet_raises_the_EC2_error_with_its_request_id()
    {
        using var ec2 = (await ClientsAsync()).CreateEc2();

        var error = await Assert.ThrowsExactlyAsync<AmazonEC2Exception>(() => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = ["subnet-0ghost"] }, Ct));

        Assert.AreEqual("InvalidSubnetID.NotFound", error.ErrorCode);
        StringAssert.Contains(error.Message, "subnet-0ghost", StringComparison.Ordinal);
        Assert.IsFalse(string.IsNullOrEmpty(error.RequestId));
    }
}
