using System.Text;
using Amazon.Runtime;
using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Aws.Tests.Fakes;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests;

/// <summary>
/// Failure behaviour through the real SDK pipeline against a scripted loopback server. Faults are injected at the
/// socket rather than through a custom HttpClientFactory, because a custom factory bypasses the SDK's Timeout.
/// </summary>
[TestClass]
public sealed class FaultTests
{
    private const string EmptyClusters = """{"clusters":[],"failures":[]}""";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task Throttling_is_retried_and_every_attempt_is_signed_afresh_and_numbered()
    {
        await using var server = new FakeAwsServer((_, i) => i < 2 ? FakeResponse.JsonError(400, "ThrottlingException", "Rate exceeded") : FakeResponse.Json(EmptyClusters));
        using var ecs = FakeClients.Factory(server).CreateEcs();

        var response = await ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["c"] }, Ct);

        Assert.AreEqual(0, response.Clusters!.Count);
        var requests = server.Requests;
        Assert.AreEqual(3, requests.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.AreEqual($"attempt={i + 1}; max=3", requests[i].Header("amz-sdk-request"));
            Assert.AreEqual("AmazonEC2ContainerServiceV20141113.DescribeClusters", requests[i].Header("X-Amz-Target"));
            StringAssert.StartsWith(requests[i].Header("Authorization"), $"AWS4-HMAC-SHA256 Credential={FakeClients.AccessKey}/", StringComparison.Ordinal);
            StringAssert.Contains(requests[i].Header("Authorization"), "/eu-west-1/ecs/aws4_request", StringComparison.Ordinal);
            Assert.AreEqual(FakeClients.SessionToken, requests[i].Header("X-Amz-Security-Token"));
        }

        Assert.AreEqual(1, requests.Select(r => r.Header("amz-sdk-invocation-id")).Distinct().Count(), "one invocation, three attempts");
    }

    [TestMethod]
    public async Task Persistent_throttling_ends_in_a_typed_ThrottlingException_with_the_message_and_request_id()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.JsonError(400, "ThrottlingException", "Rate exceeded").WithHeader("x-amzn-RequestId", "req-throttle-1"));
        using var ecs = FakeClients.Factory(server, maxErrorRetry: 1).CreateEcs();

        var exception = await Assert.ThrowsExactlyAsync<ECS.Model.ThrottlingException>(() => ecs.ListClustersAsync(new ListClustersRequest(), Ct));

        Assert.AreEqual(2, server.Requests.Count);
        Assert.AreEqual("Rate exceeded", exception.Message);
        Assert.AreEqual("req-throttle-1", exception.RequestId);
        Assert.AreEqual("ThrottlingException", exception.ErrorCode);
        AssertNoSecrets(exception);
    }

    [TestMethod]
    public async Task Server_errors_are_retried_until_success()
    {
        await using var server = new FakeAwsServer((_, i) => i switch
        {
            0 => FakeResponse.JsonError(500, "ServerException", "internal"),
            1 => new FakeResponse(503, "<html>Service Unavailable</html>") { Headers = { ["Content-Type"] = "text/html" } },
            _ => FakeResponse.Json(EmptyClusters),
        });
        using var ecs = FakeClients.Factory(server).CreateEcs();

        await ecs.DescribeClustersAsync(new DescribeClustersRequest(), Ct);

        Assert.AreEqual(3, server.Requests.Count);
    }

    [TestMethod]
    public async Task The_retry_waits_at_least_as_long_as_the_service_asks()
    {
        // Standard mode: full-jitter exponential backoff, stretched to honour x-amz-retry-after. Only the lower bound
        // is deterministic, so only the lower bound is asserted.
        await using var server = new FakeAwsServer((_, i) => i == 0
            ? FakeResponse.JsonError(503, "ServiceUnavailableException", "busy").WithHeader("x-amz-retry-after", "400")
            : FakeResponse.Json(EmptyClusters));
        using var ecs = FakeClients.Factory(server).CreateEcs();

        await ecs.DescribeClustersAsync(new DescribeClustersRequest(), Ct);

        var requests = server.Requests;
        Assert.AreEqual(2, requests.Count);
        Assert.IsTrue(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(350), $"gap {requests[1].ReceivedAt - requests[0].ReceivedAt}");
    }

    [TestMethod]
    public async Task Client_errors_are_not_retried_and_map_to_their_types()
    {
        await using var server = new FakeAwsServer((request, _) => request.Header("X-Amz-Target")!.EndsWith("UpdateService", StringComparison.Ordinal)
            ? FakeResponse.JsonError(400, "InvalidParameterException", "desiredCount must be >= 0")
            : FakeResponse.JsonError(400, "AccessDeniedException", "User is not authorized to perform: ecs:ListServiceDeployments"));
        using var ecs = FakeClients.Factory(server).CreateEcs();

        var invalid = await Assert.ThrowsExactlyAsync<ECS.Model.InvalidParameterException>(() => ecs.UpdateServiceAsync(new UpdateServiceRequest { Service = "web", DesiredCount = -1 }, Ct));
        var denied = await Assert.ThrowsExactlyAsync<ECS.Model.AccessDeniedException>(() => ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Service = "web" }, Ct));

        Assert.AreEqual(2, server.Requests.Count, "4xx other than throttling are final");
        Assert.AreEqual("desiredCount must be >= 0", invalid.Message);
        Assert.AreEqual(System.Net.HttpStatusCode.BadRequest, denied.StatusCode);
        Assert.IsInstanceOfType<AmazonServiceException>(denied);
    }

    [TestMethod]
    public async Task A_dropped_connection_is_retried_for_a_read()
    {
        await using var server = new FakeAwsServer((_, i) => i == 0 ? new FakeResponse(0, string.Empty, FaultKind.DropConnection) : FakeResponse.Json(EmptyClusters));
        using var ecs = FakeClients.Factory(server).CreateEcs();

        await ecs.DescribeClustersAsync(new DescribeClustersRequest(), Ct);

        Assert.AreEqual(2, server.Requests.Count);
    }

    [TestMethod]
    public async Task Malformed_JSON_gives_a_clear_error_naming_the_operation()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Json("""{"clusters":[{"clusterName":"a", """));
        using var ecs = FakeClients.Factory(server).CreateEcs();

        var exception = await Assert.ThrowsExactlyAsync<AmazonUnmarshallingException>(() => ecs.DescribeClustersAsync(new DescribeClustersRequest(), Ct));

        StringAssert.Contains(exception.Message, "The ECS DescribeClusters response is not valid JSON", StringComparison.Ordinal);
        Assert.AreEqual(System.Net.HttpStatusCode.OK, exception.StatusCode);

        // The SDK treats a body it cannot read as possibly damaged in transit and retries it (as it does for the
        // official clients), then reports the last failure.
        Assert.AreEqual(3, server.Requests.Count);
    }

    [TestMethod]
    public async Task A_member_of_the_wrong_type_is_reported_with_its_path()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Json("""{"clusters":[{"clusterName":"a","registeredContainerInstancesCount":"many"}]}"""));
        using var ecs = FakeClients.Factory(server).CreateEcs();

        var exception = await Assert.ThrowsExactlyAsync<AmazonUnmarshallingException>(() => ecs.DescribeClustersAsync(new DescribeClustersRequest(), Ct));

        StringAssert.Contains(exception.Message, "$.clusters[0].registeredContainerInstancesCount", StringComparison.Ordinal);
        Assert.AreEqual("$.clusters[0].registeredContainerInstancesCount", exception.LastKnownLocation);
    }

    [TestMethod]
    public async Task A_truncated_body_fails_clearly_after_the_retries()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Json(EmptyClusters) with { Fault = FaultKind.TruncateBody });
        using var ecs = FakeClients.Factory(server, maxErrorRetry: 1).CreateEcs();

        var exception = await Assert.ThrowsAsync<Exception>(() => ecs.DescribeClustersAsync(new DescribeClustersRequest(), Ct));

        // HttpClient detects the short body ("The response ended prematurely"). The SDK retries it as a network error;
        // it also treats a connection closed mid-response as stale and retries those without charging an attempt,
        // so the number of requests is the SDK's business, not a fixed 1 + MaxErrorRetry.
        Assert.IsInstanceOfType<IOException>(exception, exception.ToString());
        Assert.IsTrue(server.Requests.Count >= 2, $"{server.Requests.Count} requests");
        AssertNoSecrets(exception);
    }

    [TestMethod]
    public async Task Cancellation_is_honoured_while_the_request_is_in_flight()
    {
        await using var server = new FakeAwsServer((_, _) => new FakeResponse(0, string.Empty, FaultKind.Hang));
        using var ecs = FakeClients.Factory(server).CreateEcs();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = "c", Services = ["web"] }, cancellation.Token);
        await server.WaitForRequestsAsync(1, Ct);
        await cancellation.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => call);
        Assert.AreEqual(1, server.Requests.Count, "a cancelled call is not retried");
    }

    [TestMethod]
    public async Task The_timeout_applies_to_each_attempt_and_timed_out_attempts_are_retried()
    {
        await using var server = new FakeAwsServer((_, _) => new FakeResponse(0, string.Empty, FaultKind.Hang));
        using var ecs = FakeClients.Factory(server, maxErrorRetry: 1, timeout: TimeSpan.FromMilliseconds(300)).CreateEcs();

        var exception = await Assert.ThrowsAsync<Exception>(() => ecs.DescribeClustersAsync(new DescribeClustersRequest(), Ct));

        Assert.IsInstanceOfType<TimeoutException>(exception, exception.ToString());

        // Exactly two SDK attempts (MaxErrorRetry = 1), told apart by the header the SDK numbers them with. The HTTP
        // handler may send an attempt a second time when it took a pooled connection the timed-out attempt left for a
        // live one (a loaded machine makes that more likely), so the server can see up to two requests per attempt.
        var attempts = server.Requests.Select(r => r.Header("amz-sdk-request")).Distinct().Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(new[] { "attempt=1; max=2", "attempt=2; max=2" }, attempts, string.Join(", ", attempts));
        Assert.IsTrue(server.Requests.Count is >= 2 and <= 4, $"requests: {server.Requests.Count}");
    }

    [TestMethod]
    public async Task Adaptive_mode_retries_throttling_too()
    {
        await using var server = new FakeAwsServer((_, i) => i == 0 ? FakeResponse.JsonError(400, "ThrottlingException", "slow down") : FakeResponse.Json(EmptyClusters));
        using var ecs = FakeClients.Factory(server, retryMode: RequestRetryMode.Adaptive).CreateEcs();

        await ecs.DescribeClustersAsync(new DescribeClustersRequest(), Ct);

        Assert.AreEqual(2, server.Requests.Count);
        Assert.AreEqual(RequestRetryMode.Adaptive, ecs.Config.RetryMode);
    }

    [TestMethod]
    public async Task Query_protocol_throttling_and_errors_map_from_the_XML_envelope()
    {
        const string throttled = """<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>req-q-1</RequestId></ErrorResponse>""";
        const string missing = """<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Sender</Type><Code>TargetGroupNotFound</Code><Message>One or more target groups not found</Message></Error><RequestId>req-q-2</RequestId></ErrorResponse>""";
        await using var server = new FakeAwsServer((_, i) => i < 2 ? FakeResponse.Xml(throttled, 400) : FakeResponse.Xml(missing, 400));
        using var elb = FakeClients.Factory(server, maxErrorRetry: 1).CreateElasticLoadBalancingV2();

        var throttling = await Assert.ThrowsExactlyAsync<ElasticLoadBalancingV2.Model.ThrottlingException>(() => elb.DescribeTargetGroupsAsync(new DescribeTargetGroupsRequest(), Ct));
        var notFound = await Assert.ThrowsExactlyAsync<TargetGroupNotFoundException>(() => elb.DescribeTargetGroupsAsync(new DescribeTargetGroupsRequest { Names = ["x"] }, Ct));

        Assert.AreEqual(3, server.Requests.Count, "throttling retried once, not-found not retried");
        Assert.AreEqual("Throttling", throttling.ErrorCode);
        Assert.AreEqual("req-q-2", notFound.RequestId);
        Assert.AreEqual(ErrorType.Sender, notFound.ErrorType);
        StringAssert.Contains(server.Requests[2].BodyText, "Action=DescribeTargetGroups&Names.member.1=x&Version=2015-12-01", StringComparison.Ordinal);
    }

    [TestMethod]
    public async Task The_ECR_token_and_the_credentials_never_appear_in_exceptions()
    {
        const string token = "QVdTOnN1cGVyLXNlY3JldC1yZWdpc3RyeS1wYXNzd29yZA==";
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Json($$"""{"authorizationData":[{"authorizationToken":"{{token}}","expiresAt":"soon","proxyEndpoint":"https://x"}]}"""));
        using var ecr = FakeClients.Factory(server).CreateEcr();

        var exception = await Assert.ThrowsExactlyAsync<AmazonUnmarshallingException>(() => ecr.GetAuthorizationTokenAsync(new GetAuthorizationTokenRequest(), Ct));

        var text = exception.ToString();
        Assert.IsFalse(text.Contains(token, StringComparison.Ordinal), text);
        Assert.IsFalse(text.Contains(Encoding.UTF8.GetString(Convert.FromBase64String(token)), StringComparison.Ordinal), text);
        StringAssert.Contains(text, "$.authorizationData[0].expiresAt", StringComparison.Ordinal);
        AssertNoSecrets(exception);
    }

    [TestMethod]
    public void The_SDK_never_logs_ECR_or_SSM_response_bodies_even_when_response_logging_is_on()
    {
        var factory = new AwsClientFactory(new AwsConnectionSettings { Region = "eu-west-1", Credentials = new BasicAWSCredentials("AKIDLOGGING000000001", "s") });
        using var ecr = (Runtime.AwsServiceClient)factory.CreateEcr();
        using var ssm = (Runtime.AwsServiceClient)factory.CreateSsm();
        using var ecs = (Runtime.AwsServiceClient)factory.CreateEcs();

        Assert.IsFalse(ecr.ResponseBodiesMayBeLogged, "GetAuthorizationToken returns registry passwords");
        Assert.IsFalse(ssm.ResponseBodiesMayBeLogged, "GetParameters returns parameter values");
        Assert.IsTrue(ecs.ResponseBodiesMayBeLogged);
        Assert.IsFalse(((ClientConfig)ecr.Config).LogResponse, "the factory never turns response logging on");
    }

    private static void AssertNoSecrets(Exception exception)
    {
        var text = exception.ToString();
        Assert.IsFalse(text.Contains(FakeClients.SecretKey, StringComparison.Ordinal), "secret key leaked");
        Assert.IsFalse(text.Contains(FakeClients.SessionToken, StringComparison.Ordinal), "session token leaked");
    }
}
