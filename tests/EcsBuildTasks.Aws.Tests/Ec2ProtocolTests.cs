using System.Net;
using Amazon.Runtime;
using EcsBuildTasks.Aws.EC2;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Aws.Tests.Conformance;
using EcsBuildTasks.Aws.Tests.Fakes;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests;

/// <summary>What the ec2 protocol does beyond the model's names: its error document, request ids, empty lists.</summary>
[TestClass]
public sealed class Ec2ProtocolTests
{
    private const string VpcsXml = """
        <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
          <requestId>ec2-req-1</requestId>
          <vpcSet>
            <item><vpcId>vpc-1</vpcId><isDefault>true</isDefault><state>available</state><futureMember><x>1</x></futureMember></item>
          </vpcSet>
          <futureTopLevel>1</futureTopLevel>
        </DescribeVpcsResponse>
        """;

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task An_EC2_error_document_becomes_an_AmazonEC2Exception_with_its_code_message_and_request_id()
    {
        const string error = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Response><Errors><Error><Code>InvalidSubnetID.NotFound</Code><Message>The subnet ID 'subnet-9' does not exist</Message></Error></Errors><RequestID>ec2-err-7</RequestID></Response>
            """;
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml(error, 400));
        using var ec2 = FakeClients.Factory(server, maxErrorRetry: 0).CreateEc2();

        var exception = await Assert.ThrowsExactlyAsync<AmazonEC2Exception>(() => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = ["subnet-9"] }, Ct));

        Assert.AreEqual("InvalidSubnetID.NotFound", exception.ErrorCode);
        Assert.AreEqual("The subnet ID 'subnet-9' does not exist", exception.Message);
        Assert.AreEqual("ec2-err-7", exception.RequestId);
        Assert.AreEqual(HttpStatusCode.BadRequest, exception.StatusCode);
    }

    [TestMethod]
    public async Task EC2_throttling_is_retried_and_a_body_that_is_no_error_document_is_not_echoed()
    {
        const string throttled = "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>t-1</RequestID></Response>";
        const string page = "<html><body>secret-looking proxy page</body></html>";
        await using var server = new FakeAwsServer((_, i) => i == 0 ? FakeResponse.Xml(throttled, 400) : new FakeResponse(502, page));
        using var ec2 = FakeClients.Factory(server, maxErrorRetry: 1).CreateEc2();

        var exception = await Assert.ThrowsExactlyAsync<AmazonEC2Exception>(() => ec2.DescribeVpcsAsync(new DescribeVpcsRequest(), Ct));

        Assert.AreEqual(2, server.Requests.Count, "RequestLimitExceeded is EC2's throttling code: the SDK retries it");
        Assert.AreEqual(HttpStatusCode.BadGateway, exception.StatusCode);
        Assert.IsNull(exception.ErrorCode);
        StringAssert.Contains(exception.Message, "HTTP 502", StringComparison.Ordinal);
        Assert.IsFalse(exception.ToString().Contains("secret-looking", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task Responses_ignore_unknown_elements_and_take_the_request_id_from_the_body_when_no_header_has_it()
    {
        // AWSSDK.Core prefers an x-amzn-RequestId header when there is one (for every XML service); EC2 sends the body's.
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml(VpcsXml).WithHeader("x-amzn-RequestId", string.Empty));
        using var ec2 = FakeClients.Factory(server).CreateEc2();

        var response = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest(), Ct);

        var vpc = response.Vpcs!.Single();
        Assert.AreEqual("vpc-1", vpc.VpcId);
        Assert.IsTrue(vpc.IsDefault);
        Assert.AreSame(VpcState.Available, vpc.State);
        Assert.AreEqual("ec2-req-1", response.ResponseMetadata.RequestId);
    }

    [TestMethod]
    public async Task Lists_are_numbered_without_member_and_an_empty_list_sends_nothing()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml(VpcsXml));
        using var ec2 = FakeClients.Factory(server).CreateEc2();

        await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("vpc-id", ["vpc-1", "vpc-2"]), new Filter("state")], VpcIds = [] }, Ct);

        var sent = QueryModel.ParseForm(server.Requests[0].BodyText);
        CollectionAssert.AreEquivalent(
            new[] { "Action=DescribeVpcs", "Version=2016-11-15", "Filter.1.Name=vpc-id", "Filter.1.Value.1=vpc-1", "Filter.1.Value.2=vpc-2", "Filter.2.Name=state" },
            sent.Select(p => $"{p.Key}={p.Value}").ToList());
    }
}
