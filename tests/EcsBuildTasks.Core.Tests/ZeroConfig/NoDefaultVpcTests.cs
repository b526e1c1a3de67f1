using System.Net.Http.Headers;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;
using EcsBuildTasks.Testing;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.ZeroConfig;

/// <summary>
/// A newcomer whose account has no default VPC in the region (deleted, or an account made before 2013) and who sets no
/// <c>EcsSubnets</c>: the preflight stops with ECS1010, naming the property and the command that creates the default
/// VPC, before anything is created. Against moto, whose EC2 can delete a default VPC (LocalEcs's always has one), in a
/// region of this test's own so the other moto tests keep theirs.
/// </summary>
[TestClass]
[TestCategory("Moto")]
public sealed class NoDefaultVpcTests
{
    private const string Region = "ap-southeast-2";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Without_a_default_VPC_and_EcsSubnets_the_preflight_is_ECS1010_naming_EcsSubnets_and_the_command_that_creates_one()
    {
        var moto = MotoServer.Instance;
        using var aws = new AwsSession(new AwsClientFactory(new AwsConnectionSettings
        {
            Region = Region,
            EndpointUrl = moto.Endpoint,
            Credentials = new Amazon.Runtime.BasicAWSCredentials("test", "test"),
        }));
        await DeleteDefaultVpcAsync(aws, moto.Endpoint);
        var input = TestInputs.ValidFargate()
            .Set(EcsProperties.Subnets, null)
            .Set(EcsProperties.SecurityGroups, null)
            .Set(EcsProperties.Region, Region)
            .Set(EcsProperties.Cluster, "zero-" + Guid.NewGuid().ToString("N")[..8]);
        var definitions = LocalEcsHarness.Generate(input);
        using var readOnly = new AwsSession(aws.Factory) { ReadOnly = true };

        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(
            () => new DeploymentPreflight(readOnly, new RecordingDeploymentLog()).RunAsync(definitions, DeploymentStrategies.Of(definitions), null, TestContext.CancellationToken));

        var error = failure.Diagnostics.SingleOrDefault(d => d.Code == "ECS1010");
        Assert.IsNotNull(error, string.Join("\n", failure.Diagnostics));
        Assert.AreEqual(EcsProperties.Subnets, error.Subject);
        StringAssert.Contains(error.Message, $"the account has no default VPC in {Region}");
        StringAssert.Contains(error.Message, $"aws ec2 create-default-vpc --region {Region}");
        StringAssert.Contains(error.Message, "set EcsSubnets and EcsSecurityGroups");
        Assert.AreEqual(1, failure.Diagnostics.Count(d => d.Subject is EcsProperties.Subnets or EcsProperties.SecurityGroups), "one error for the network, no follow-on errors: " + string.Join("\n", failure.Diagnostics));
        var clusters = await aws.Ecs.DescribeClustersAsync(new Aws.ECS.Model.DescribeClustersRequest { Clusters = [definitions.Service.Cluster!] }, TestContext.CancellationToken);
        Assert.IsFalse(clusters.Clusters?.Any(c => c.Status == "ACTIVE") ?? false, "nothing was created");
    }

    /// <summary>Deletes the region's default subnets, then the default VPC (our EC2 client has no Delete* operations: the build never deletes networks).</summary>
    private async Task DeleteDefaultVpcAsync(AwsSession aws, string endpoint)
    {
        var vpcs = await aws.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("isDefault", ["true"])] }, TestContext.CancellationToken);
        foreach (var vpc in vpcs.Vpcs ?? [])
        {
            var subnets = await aws.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId!])] }, TestContext.CancellationToken);
            foreach (var subnet in subnets.Subnets ?? [])
            {
                await Ec2Async(endpoint, $"Action=DeleteSubnet&Version=2016-11-15&SubnetId={subnet.SubnetId}");
            }

            await Ec2Async(endpoint, $"Action=DeleteVpc&Version=2016-11-15&VpcId={vpc.VpcId}");
        }

        var left = await aws.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("isDefault", ["true"])] }, TestContext.CancellationToken);
        Assert.AreEqual(0, left.Vpcs?.Count ?? 0, "moto deleted the default VPC");
    }

    private async Task Ec2Async(string endpoint, string form)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint + "/") { Content = new StringContent(form) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=test/20260101/{Region}/ec2/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request, TestContext.CancellationToken);
        Assert.IsTrue(response.IsSuccessStatusCode, $"{form}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.CancellationToken)}");
    }
}
