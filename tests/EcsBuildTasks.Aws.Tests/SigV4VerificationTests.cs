using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EcsBuildTasks.Aws.Tests.Fakes;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests;

/// <summary>
/// moto accepts any signature, so signing is checked here: an independent SigV4 implementation recomputes the
/// signature of requests exactly as they arrived on the wire, for a JSON and a Query service.
/// </summary>
[TestClass]
public sealed class SigV4VerificationTests
{
    private static readonly string[] RequiredSignedHeaders = ["host", "x-amz-date", "x-amz-content-sha256"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task JSON_requests_carry_a_valid_SigV4_signature()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Json("""{"clusters":[],"failures":[]}"""));
        using var ecs = FakeClients.Factory(server).CreateEcs();

        await ecs.DescribeClustersAsync(new ECS.Model.DescribeClustersRequest { Clusters = ["prod cluster/ü"] }, TestContext.CancellationToken);

        AssertSignatureValid(server.Requests.Single(), "eu-west-1", "ecs");
    }

    [TestMethod]
    public async Task Query_requests_carry_a_valid_SigV4_signature()
    {
        const string empty = """<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetGroupsResult><TargetGroups/></DescribeTargetGroupsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeTargetGroupsResponse>""";
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml(empty));
        using var elb = FakeClients.Factory(server).CreateElasticLoadBalancingV2();

        var response = await elb.DescribeTargetGroupsAsync(new ElasticLoadBalancingV2.Model.DescribeTargetGroupsRequest { Names = ["a b", "c+d"] }, TestContext.CancellationToken);

        Assert.AreEqual(0, response.TargetGroups!.Count);
        AssertSignatureValid(server.Requests.Single(), "eu-west-1", "elasticloadbalancing");
    }

    [TestMethod]
    public void The_verifier_reproduces_the_published_AWS_test_vector()
    {
        // aws-sig-v4-test-suite "get-vanilla": proves the verifier itself before it judges our requests.
        var request = new RecordedRequest(
            "GET",
            "/",
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Host"] = "example.amazonaws.com", ["X-Amz-Date"] = "20150830T123600Z" },
            [],
            DateTimeOffset.UtcNow);

        var signature = Sign(request, ["host", "x-amz-date"], "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service");

        Assert.AreEqual("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature);
    }

    private static void AssertSignatureValid(RecordedRequest request, string region, string service)
    {
        var authorization = request.Header("Authorization")!;
        var parts = authorization["AWS4-HMAC-SHA256 ".Length..].Split(", ").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var scope = parts["Credential"].Split('/');
        Assert.AreEqual(FakeClients.AccessKey, scope[0]);
        Assert.AreEqual(region, scope[2]);
        Assert.AreEqual(service, scope[3]);
        var signedHeaders = parts["SignedHeaders"].Split(';');
        CollectionAssert.IsSubsetOf(RequiredSignedHeaders, signedHeaders);
        Assert.AreEqual(Hex(SHA256.HashData(request.Body)), request.Header("x-amz-content-sha256"), "the payload hash covers the body that was sent");

        Assert.AreEqual(parts["Signature"], Sign(request, signedHeaders, FakeClients.SecretKey, scope[1], region, service), "signature of the request as received");
    }

    /// <summary>SigV4 from the specification: canonical request, string to sign, derived key.</summary>
    private static string Sign(RecordedRequest request, IReadOnlyList<string> signedHeaders, string secret, string date, string region, string service)
    {
        var path = request.Path.Split('?')[0];
        var query = request.Path.Contains('?', StringComparison.Ordinal) ? request.Path[(request.Path.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;
        var canonicalQuery = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        var canonicalHeaders = string.Concat(signedHeaders.Select(h => $"{h}:{string.Join(' ', request.Header(h)!.Split(' ', StringSplitOptions.RemoveEmptyEntries))}\n"));
        var canonicalRequest = string.Join('\n', request.Method, path, canonicalQuery, canonicalHeaders, string.Join(';', signedHeaders), Hex(SHA256.HashData(request.Body)));
        var amzDate = request.Header("X-Amz-Date")!;
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, $"{date}/{region}/{service}/aws4_request", Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { date, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLower(CultureInfo.InvariantCulture);
}
