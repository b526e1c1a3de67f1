using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using EcsBuildTasks.Aws.ECR;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2;
using EcsBuildTasks.Aws.IdentityManagement;
using EcsBuildTasks.Aws.Tests.Fakes;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests;

/// <summary>Endpoints, enums, paginators and factory settings: the behaviour the official clients have, checked on ours.</summary>
[TestClass]
public sealed class RuntimeBehaviourTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    [DataRow("ecs", "eu-west-1", false, false, "https://ecs.eu-west-1.amazonaws.com/")]
    [DataRow("ecs", "eu-west-1", true, false, "https://ecs-fips.eu-west-1.amazonaws.com/")]
    [DataRow("ecs", "us-west-2", false, true, "https://ecs.us-west-2.api.aws/")]
    [DataRow("ecs", "cn-north-1", false, false, "https://ecs.cn-north-1.amazonaws.com.cn/")]
    [DataRow("ecr", "us-east-1", false, false, "https://api.ecr.us-east-1.amazonaws.com/")]
    [DataRow("ecr", "us-west-2", false, true, "https://ecr.us-west-2.api.aws/")]
    [DataRow("elbv2", "ap-southeast-2", false, false, "https://elasticloadbalancing.ap-southeast-2.amazonaws.com/")]
    public void Endpoints_follow_the_standard_rules(string service, string region, bool fips, bool dualStack, string expected)
    {
        ClientConfig config = service switch
        {
            "ecs" => new AmazonECSConfig(),
            "ecr" => new AmazonECRConfig(),
            _ => new AmazonElasticLoadBalancingV2Config(),
        };
        config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        config.UseFIPSEndpoint = fips;
        config.UseDualstackEndpoint = dualStack;

        var endpoint = config.DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(new ListClustersRequest()));

        Assert.AreEqual(expected, endpoint.URL);
    }

    [TestMethod]
    [DataRow("eu-west-1", false, false, "https://iam.amazonaws.com/", "us-east-1")]
    [DataRow("us-east-1", false, false, "https://iam.amazonaws.com/", "us-east-1")]
    [DataRow("ap-southeast-2", true, false, "https://iam-fips.amazonaws.com/", "us-east-1")]
    [DataRow("us-west-2", false, true, "https://iam.global.api.aws/", "us-east-1")]
    [DataRow("cn-northwest-1", false, false, "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [DataRow("us-gov-east-1", true, false, "https://iam.us-gov.amazonaws.com/", "us-gov-west-1")]
    public void IAM_is_global_one_endpoint_per_partition_signed_for_its_global_region(string region, bool fips, bool dualStack, string expected, string signingRegion)
    {
        var config = new AmazonIdentityManagementServiceConfig
        {
            RegionEndpoint = RegionEndpoint.GetBySystemName(region),
            UseFIPSEndpoint = fips,
            UseDualstackEndpoint = dualStack,
        };

        var endpoint = config.DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(new IdentityManagement.Model.GetRoleRequest()));

        Assert.AreEqual(expected, endpoint.URL);
        var scheme = (PropertyBag)((System.Collections.IList)endpoint.Attributes["authSchemes"])[0]!;
        Assert.AreEqual("sigv4", scheme["name"]);
        Assert.AreEqual(signingRegion, scheme["signingRegion"]);
    }

    [TestMethod]
    public async Task An_IAM_request_from_any_region_goes_to_iam_amazonaws_com_signed_for_us_east_1()
    {
        // Through an HTTP proxy (the fake server) over plain HTTP, so the request that would reach IAM can be read.
        await using var proxy = new FakeAwsServer((_, _) => FakeResponse.Xml("""
            <GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
              <GetRoleResult><Role><RoleName>deployer</RoleName><Arn>arn:aws:iam::123456789012:role/deployer</Arn></Role></GetRoleResult>
              <ResponseMetadata><RequestId>req-iam-1</RequestId></ResponseMetadata>
            </GetRoleResponse>
            """));
        var factory = new AwsClientFactory(new AwsConnectionSettings { Region = "eu-west-1", Credentials = new BasicAWSCredentials("AKIDGLOBALIAM0000001", "s") });
        var config = factory.Configure(new AmazonIdentityManagementServiceConfig());
        config.UseHttp = true;
        config.ProxyHost = "127.0.0.1";
        config.ProxyPort = new Uri(proxy.Endpoint).Port;
        using var iam = new AmazonIdentityManagementServiceClient(factory.Credentials, config);

        var response = await iam.GetRoleAsync(new IdentityManagement.Model.GetRoleRequest { RoleName = "deployer" }, Ct);

        Assert.AreEqual("deployer", response.Role!.RoleName);
        Assert.AreEqual("http://iam.amazonaws.com/", proxy.Requests[0].Path);
        StringAssert.Contains(proxy.Requests[0].Header("Authorization"), "/us-east-1/iam/aws4_request", StringComparison.Ordinal);
        using var ecs = factory.CreateEcs();
        Assert.AreEqual("eu-west-1", ecs.Config.AuthenticationRegion, "regional services stay pinned to the resolved region");
    }

    [TestMethod]
    public void IAM_with_an_endpoint_URL_goes_there_signed_for_the_configured_region()
    {
        var factory = new AwsClientFactory(new AwsConnectionSettings { EndpointUrl = "http://127.0.0.1:4566", Region = "eu-north-1" });
        using var iam = factory.CreateIam();

        var endpoint = ((ClientConfig)iam.Config).DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(new IdentityManagement.Model.GetRoleRequest()));

        Assert.AreEqual("http://127.0.0.1:4566/", endpoint.URL);
        Assert.AreEqual("eu-north-1", iam.Config.AuthenticationRegion);
    }

    [TestMethod]
    public void A_custom_endpoint_is_used_verbatim_and_signs_for_the_configured_region()
    {
        var factory = new AwsClientFactory(new AwsConnectionSettings { EndpointUrl = "http://127.0.0.1:4566", Region = "eu-north-1" });
        using var ecs = factory.CreateEcs();
        using var sts = factory.CreateSts();

        var endpoint = ((ClientConfig)ecs.Config).DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(new ListClustersRequest()));

        Assert.AreEqual("http://127.0.0.1:4566/", endpoint.URL);
        Assert.AreEqual("eu-north-1", ecs.Config.AuthenticationRegion);
        Assert.AreEqual("http://127.0.0.1:4566/", sts.Config.ServiceURL);
        Assert.AreEqual("eu-north-1", sts.Config.AuthenticationRegion);
        Assert.AreEqual("ECS", ((ClientConfig)ecs.Config).ServiceId, "ServiceId turns on AWS_ENDPOINT_URL_ECS and profile services sections");
        Assert.AreEqual("ecs", ecs.Config.AuthenticationServiceName);
    }

    [TestMethod]
    public void Settings_reach_every_client_config()
    {
        var factory = new AwsClientFactory(new AwsConnectionSettings
        {
            Region = "eu-west-1",
            MaxErrorRetry = 7,
            RetryMode = RequestRetryMode.Adaptive,
            Timeout = TimeSpan.FromSeconds(12),
            Credentials = new BasicAWSCredentials("AKIDSETTINGS00000001", "s"),
        });
        IDisposable[] clients = [factory.CreateEcs(), factory.CreateEcr(), factory.CreateElasticLoadBalancingV2(), factory.CreateServiceDiscovery(),
            factory.CreateApplicationAutoScaling(), factory.CreateCloudWatch(), factory.CreateCloudWatchLogs(), factory.CreateSts(), factory.CreateEc2(),
            factory.CreateIam(), factory.CreateSecretsManager(), factory.CreateSsm()];
        try
        {
            foreach (var config in clients.Select(c => ((IAmazonService)c).Config))
            {
                Assert.AreEqual(7, config.MaxErrorRetry, config.GetType().Name);
                Assert.AreEqual(RequestRetryMode.Adaptive, config.RetryMode, config.GetType().Name);
                Assert.AreEqual(TimeSpan.FromSeconds(12), config.Timeout, config.GetType().Name);
                Assert.AreEqual(RegionEndpoint.EUWest1, config.RegionEndpoint, config.GetType().Name);
                Assert.IsNull(config.ServiceURL);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [TestMethod]
    public void An_invalid_endpoint_url_is_rejected_up_front()
    {
        var exception = Assert.ThrowsExactly<ArgumentException>(() => new AwsClientFactory(new AwsConnectionSettings { EndpointUrl = "localhost:4566" }));

        StringAssert.Contains(exception.Message, "localhost:4566", StringComparison.Ordinal);
    }

    [TestMethod]
    public void Enums_behave_like_the_official_ConstantClass_enums()
    {
        Assert.AreSame(LaunchType.FARGATE, LaunchType.FindValue("FARGATE"));
        Assert.AreSame(LaunchType.FARGATE, LaunchType.FindValue("fargate"), "lookup ignores case, as in the SDK");
        LaunchType implicitValue = "EC2";
        Assert.AreSame(LaunchType.EC2, implicitValue);
        Assert.AreEqual("FUTURE_TYPE", LaunchType.FindValue("FUTURE_TYPE").Value);
        Assert.AreEqual("awsvpc", NetworkMode.Awsvpc.Value);
        Assert.AreEqual("ecs:service:DesiredCount", ApplicationAutoScaling.ScalableDimension.EcsServiceDesiredCount.Value);
        Assert.AreEqual("IN_PROGRESS", DeploymentRolloutState.IN_PROGRESS.Value);
        Assert.AreEqual("internet-facing", ElasticLoadBalancingV2.LoadBalancerSchemeEnum.InternetFacing.Value);
    }

    [TestMethod]
    public async Task A_paginator_follows_tokens_until_the_last_page_and_runs_only_once()
    {
        var pages = new[] { """{"clusterArns":["a","b"],"nextToken":"t1"}""", """{"clusterArns":["c"],"nextToken":"t2"}""", """{"clusterArns":[]}""" };
        await using var server = new FakeAwsServer((_, i) => FakeResponse.Json(pages[i]));
        using var ecs = FakeClients.Factory(server).CreateEcs();
        var paginator = ecs.Paginators.ListClusters(new ListClustersRequest { MaxResults = 2 });

        var arns = new List<string>();
        await foreach (var arn in paginator.ClusterArns.WithCancellation(Ct))
        {
            arns.Add(arn);
        }

        Assert.AreEqual("a,b,c", string.Join(",", arns));
        var tokens = server.Requests.Select(r => System.Text.Json.Nodes.JsonNode.Parse(r.BodyText)!["nextToken"]?.GetValue<string>()).ToArray();
        Assert.AreEqual(",t1,t2", string.Join(",", tokens));
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () =>
        {
            await foreach (var response in paginator.Responses.WithCancellation(Ct))
            {
                Assert.IsNotNull(response);
            }
        });
    }

    [TestMethod]
    public void Blobs_are_base64_on_the_wire_and_MemoryStreams_in_the_model()
    {
        var options = new System.Text.Json.JsonSerializerOptions { Converters = { new Serialization.Base64MemoryStreamConverter() } };
        using var blob = new MemoryStream([0, 1, 2, 250, 255]);
        blob.Position = 3;

        var json = System.Text.Json.JsonSerializer.Serialize<MemoryStream?>(blob, options);
        using var back = System.Text.Json.JsonSerializer.Deserialize<MemoryStream?>(json, options)!;
        var parameters = new Dictionary<string, string>();
        new Serialization.QueryWriter(parameters).Add("Blob", blob);

        Assert.AreEqual("\"AAEC+v8=\"", json, "the whole stream, whatever its position");
        CollectionAssert.AreEqual(blob.ToArray(), back.ToArray());
        Assert.AreEqual("AAEC+v8=", parameters["Blob"]);
        Assert.ThrowsExactly<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<MemoryStream?>("\"not base64!\"", options));
    }

    [TestMethod]
    public async Task Query_responses_tolerate_unknown_elements_and_enum_values()
    {
        const string xml = """
            <DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
              <DescribeLoadBalancersResult>
                <FutureTopLevel>1</FutureTopLevel>
                <LoadBalancers>
                  <member>
                    <LoadBalancerName>web</LoadBalancerName>
                    <Type>quantum</Type>
                    <CreatedTime>2026-01-02T03:04:05.678Z</CreatedTime>
                    <FutureMember><Nested>x</Nested></FutureMember>
                    <State><Code>active</Code></State>
                  </member>
                </LoadBalancers>
              </DescribeLoadBalancersResult>
              <ResponseMetadata><RequestId>req-x</RequestId></ResponseMetadata>
            </DescribeLoadBalancersResponse>
            """;
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml(xml).WithHeader("x-amzn-RequestId", string.Empty));
        using var elb = FakeClients.Factory(server).CreateElasticLoadBalancingV2();

        var response = await elb.DescribeLoadBalancersAsync(new ElasticLoadBalancingV2.Model.DescribeLoadBalancersRequest(), Ct);

        var loadBalancer = response.LoadBalancers!.Single();
        Assert.AreEqual("web", loadBalancer.LoadBalancerName);
        Assert.AreEqual("quantum", loadBalancer.Type!.Value);
        Assert.AreSame(ElasticLoadBalancingV2.LoadBalancerStateEnum.Active, loadBalancer.State!.Code);
        Assert.AreEqual(new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc), loadBalancer.CreatedTime);
        Assert.AreEqual(DateTimeKind.Utc, loadBalancer.CreatedTime!.Value.Kind);
        Assert.AreEqual("req-x", response.ResponseMetadata.RequestId);
    }

    [TestMethod]
    public async Task Responses_carry_the_request_id_and_status_and_the_user_agent_names_the_service()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Json("""{"clusterArns":[]}""").WithHeader("x-amzn-RequestId", "req-ua-1"));
        using var ecs = FakeClients.Factory(server).CreateEcs();

        var response = await ecs.ListClustersAsync(new ListClustersRequest(), Ct);

        Assert.AreEqual("req-ua-1", response.ResponseMetadata.RequestId);
        Assert.AreEqual(System.Net.HttpStatusCode.OK, response.HttpStatusCode);
        StringAssert.Contains(server.Requests[0].Header("User-Agent"), "api/ECS", StringComparison.Ordinal);
        Assert.AreEqual("2014-11-13", server.Requests[0].Header("x-amz-api-version"));
    }
}
