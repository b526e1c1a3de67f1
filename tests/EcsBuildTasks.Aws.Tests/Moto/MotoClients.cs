using Amazon.Runtime;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests.Moto;

/// <summary>Clients for the shared moto server. moto answers unimplemented APIs with 500, so these clients do not retry.</summary>
internal static class MotoClients
{
    public static AwsClientFactory Factory(int maxErrorRetry = 0) => new(new AwsConnectionSettings
    {
        EndpointUrl = MotoServer.Instance.Endpoint,
        Region = "us-east-1",
        Credentials = new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        MaxErrorRetry = maxErrorRetry,
    });

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Two default subnets and the default security group of moto's default VPC, found through our EC2 client.</summary>
    public static async Task<(string VpcId, List<string> Subnets, string SecurityGroup)> DefaultNetworkAsync(AwsClientFactory factory)
    {
        using var ec2 = factory.CreateEc2();
        var vpcs = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("is-default", ["true"])] });
        var vpcId = vpcs.Vpcs!.Single().VpcId!;
        var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpcId]), new Filter("default-for-az", ["true"])] });
        var groups = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", [vpcId]), new Filter("group-name", ["default"])] });
        return (vpcId, subnets.Subnets!.OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal).Take(2).Select(s => s.SubnetId!).ToList(), groups.SecurityGroups!.Single().GroupId!);
    }
}
