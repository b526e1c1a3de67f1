using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using EcsBuildTasks.Aws.Route53;
using EcsBuildTasks.Aws.Route53.Model;
using EcsBuildTasks.Aws.Tests.Fakes;

namespace EcsBuildTasks.Aws.Tests;

/// <summary>
/// What the Route 53 client adds to the generated rest-xml code: ids passed back as the service returns them, each of
/// the error forms Route 53 answers with, and its one endpoint per partition signed for the partition's global region.
/// </summary>
[TestClass]
public sealed class Route53ClientTests
{
    private const string Namespace = "https://route53.amazonaws.com/doc/2013-04-01/";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task Ids_as_Route53_returns_them_are_sent_as_their_last_segment()
    {
        await using var server = new FakeAwsServer((request, _) => request.Path.Contains("/change/", StringComparison.Ordinal)
            ? FakeResponse.Xml($"""<GetChangeResponse xmlns="{Namespace}"><ChangeInfo><Id>/change/C2682N5HXP0BZ4</Id><Status>INSYNC</Status><SubmittedAt>2026-01-02T03:04:05.678Z</SubmittedAt></ChangeInfo></GetChangeResponse>""")
            : FakeResponse.Xml($"""<ListHostedZonesByNameResponse xmlns="{Namespace}"><HostedZones/><IsTruncated>false</IsTruncated><MaxItems>1</MaxItems></ListHostedZonesByNameResponse>"""));
        using var route53 = FakeClients.Factory(server, maxErrorRetry: 0).CreateRoute53();

        var change = await route53.GetChangeAsync(new GetChangeRequest { Id = "/change/C2682N5HXP0BZ4" }, Ct);
        await route53.ListHostedZonesByNameAsync(new ListHostedZonesByNameRequest { DNSName = "example.com", HostedZoneId = "/hostedzone/Z1D633PJN98FT9", MaxItems = "1" }, Ct);

        Assert.AreEqual("GET", server.Requests[0].Method);
        Assert.AreEqual("/2013-04-01/change/C2682N5HXP0BZ4", server.Requests[0].Path);
        Assert.AreSame(ChangeStatus.INSYNC, change.ChangeInfo!.Status);
        Assert.AreEqual(new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc), change.ChangeInfo.SubmittedAt);
        Assert.AreEqual("/2013-04-01/hostedzonesbyname?dnsname=example.com&hostedzoneid=Z1D633PJN98FT9&maxitems=1", server.Requests[1].Path);
        Assert.AreEqual(0, server.Requests[1].Body.Length, "GET requests carry no document");
    }

    [TestMethod]
    public async Task A_change_batch_is_one_XML_document_in_Route53s_namespace()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml(
            $"""<?xml version="1.0"?><ChangeResourceRecordSetsResponse xmlns="{Namespace}"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-01-02T03:04:05Z</SubmittedAt><Comment>a &amp; b</Comment></ChangeInfo></ChangeResourceRecordSetsResponse>"""));
        using var route53 = FakeClients.Factory(server, maxErrorRetry: 0).CreateRoute53();

        var response = await route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
        {
            HostedZoneId = "/hostedzone/Z1",
            ChangeBatch = new ChangeBatch
            {
                Comment = "a & b",
                Changes =
                [
                    new Change { Action = ChangeAction.UPSERT, ResourceRecordSet = Weighted("blue", 90, "blue.internal.") },
                    new Change { Action = ChangeAction.UPSERT, ResourceRecordSet = Weighted("green", 10, "green.internal.") },
                ],
            },
        }, Ct);

        var sent = server.Requests.Single();
        Assert.AreEqual("POST", sent.Method);
        Assert.AreEqual("/2013-04-01/hostedzone/Z1/rrset/", sent.Path);
        Assert.AreEqual("application/xml", sent.Header("Content-Type"));
        Assert.AreEqual(
            $"<ChangeResourceRecordSetsRequest xmlns=\"{Namespace}\"><ChangeBatch><Comment>a &amp; b</Comment><Changes>"
            + "<Change><Action>UPSERT</Action><ResourceRecordSet><Name>api.example.com</Name><Type>CNAME</Type><SetIdentifier>blue</SetIdentifier><Weight>90</Weight><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>blue.internal.</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
            + "<Change><Action>UPSERT</Action><ResourceRecordSet><Name>api.example.com</Name><Type>CNAME</Type><SetIdentifier>green</SetIdentifier><Weight>10</Weight><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>green.internal.</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
            + "</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>",
            sent.BodyText);
        Assert.AreEqual("/change/C1", response.ChangeInfo!.Id);
        Assert.AreSame(ChangeStatus.PENDING, response.ChangeInfo.Status);
        Assert.AreEqual("a & b", response.ChangeInfo.Comment);
        StringAssert.Contains(sent.Header("Authorization"), "/route53/aws4_request", "signed for Route 53 (its region: see the endpoint tests)");
    }

    [TestMethod]
    public async Task A_missing_zone_is_NoSuchHostedZoneException_with_the_status_code_and_request_id()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml(
            $"""<ErrorResponse xmlns="{Namespace}"><Error><Type>Sender</Type><Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: Z404</Message></Error><RequestId>req-1</RequestId></ErrorResponse>""",
            404));
        using var route53 = FakeClients.Factory(server, maxErrorRetry: 0).CreateRoute53();

        var error = await Assert.ThrowsExactlyAsync<NoSuchHostedZoneException>(() => route53.GetHostedZoneAsync(new GetHostedZoneRequest { Id = "Z404" }, Ct));

        Assert.AreEqual("NoSuchHostedZone", error.ErrorCode);
        Assert.AreEqual("No hosted zone found with ID: Z404", error.Message);
        Assert.AreEqual("req-1", error.RequestId);
        Assert.AreEqual(HttpStatusCode.NotFound, error.StatusCode);
        Assert.AreEqual(ErrorType.Sender, error.ErrorType);
        Assert.IsInstanceOfType<AmazonRoute53Exception>(error);
    }

    [TestMethod]
    public async Task InvalidChangeBatch_carries_its_messages_in_either_form_Route53_sends()
    {
        var bodies = new[]
        {
            // The usual form: Route 53 writes the messages as a list in Message; the model's messages member may follow.
            $"""<ErrorResponse xmlns="{Namespace}"><Error><Type>Sender</Type><Code>InvalidChangeBatch</Code><Message>[Tried to create resource record set [name='api.example.com.', type='CNAME', set-identifier='blue'] but it already exists, RRSet of type CNAME with DNS name api.example.com. is not permitted because a conflicting RRSet of type A with the same DNS name already exists in zone example.com.]</Message><messages><Message>Tried to create resource record set [name='api.example.com.', type='CNAME', set-identifier='blue'] but it already exists</Message><Message>RRSet of type CNAME with DNS name api.example.com. is not permitted because a conflicting RRSet of type A with the same DNS name already exists in zone example.com.</Message></messages></Error><RequestId>req-2</RequestId></ErrorResponse>""",

            // The older form other SDKs handle specially: the root is the error, with its messages.
            $"""<?xml version="1.0"?><InvalidChangeBatch xmlns="{Namespace}"><Messages><Message>Tried to create resource record set [name='api.example.com.', type='CNAME', set-identifier='blue'] but it already exists</Message><Message>RRSet of type CNAME with DNS name api.example.com. is not permitted because a conflicting RRSet of type A with the same DNS name already exists in zone example.com.</Message></Messages><RequestId>req-2</RequestId></InvalidChangeBatch>""",
        };

        foreach (var body in bodies)
        {
            await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml(body, 400));
            using var route53 = FakeClients.Factory(server, maxErrorRetry: 0).CreateRoute53();

            var error = await Assert.ThrowsExactlyAsync<InvalidChangeBatchException>(() => route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
            {
                HostedZoneId = "Z1",
                ChangeBatch = new ChangeBatch { Changes = [new Change { Action = ChangeAction.CREATE, ResourceRecordSet = Weighted("blue", 1, "blue.internal.") }] },
            }, Ct));

            Assert.AreEqual("InvalidChangeBatch", error.ErrorCode);
            Assert.AreEqual("req-2", error.RequestId);
            Assert.AreEqual(2, error.Messages!.Count, body);
            StringAssert.StartsWith(error.Messages[0], "Tried to create resource record set [name='api.example.com.'");
            StringAssert.StartsWith(error.Message, "[Tried to create resource record set");
            StringAssert.EndsWith(error.Message, "already exists in zone example.com.]");
        }
    }

    [TestMethod]
    public async Task Throttling_is_retried_and_an_error_without_a_body_still_reports_its_status()
    {
        await using var server = new FakeAwsServer((_, index) => index switch
        {
            0 => FakeResponse.Xml($"""<ErrorResponse xmlns="{Namespace}"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>t</RequestId></ErrorResponse>""", 400),
            1 => FakeResponse.Xml($"""<GetHostedZoneResponse xmlns="{Namespace}"><HostedZone><Id>/hostedzone/Z1</Id><Name>example.com.</Name><CallerReference>r</CallerReference><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone></GetHostedZoneResponse>"""),
            _ => new FakeResponse(503, string.Empty),
        });
        using var route53 = FakeClients.Factory(server, maxErrorRetry: 1).CreateRoute53();

        var zone = await route53.GetHostedZoneAsync(new GetHostedZoneRequest { Id = "Z1" }, Ct);
        Assert.AreEqual(2, server.Requests.Count, "Throttling is retried");
        Assert.AreEqual(2L, zone.HostedZone!.ResourceRecordSetCount);

        var error = await Assert.ThrowsExactlyAsync<AmazonRoute53Exception>(() => route53.GetHostedZoneAsync(new GetHostedZoneRequest { Id = "Z1" }, Ct));
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        StringAssert.Contains(error.Message, "HTTP 503");
        Assert.AreEqual(4, server.Requests.Count, "a 503 is retried too");
    }

    [TestMethod]
    public async Task PriorRequestNotComplete_is_retried_like_throttling()
    {
        await using var server = new FakeAwsServer((_, index) => index == 0
            ? FakeResponse.Xml($"""<ErrorResponse xmlns="{Namespace}"><Error><Type>Sender</Type><Code>PriorRequestNotComplete</Code><Message>The request was rejected because Route 53 was still processing a prior request.</Message></Error><RequestId>p</RequestId></ErrorResponse>""", 400)
            : FakeResponse.Xml($"""<ChangeResourceRecordSetsResponse xmlns="{Namespace}"><ChangeInfo><Id>/change/C2</Id><Status>PENDING</Status><SubmittedAt>2026-01-02T03:04:05Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>"""));
        using var route53 = FakeClients.Factory(server, maxErrorRetry: 1).CreateRoute53();

        var response = await route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
        {
            HostedZoneId = "Z1",
            ChangeBatch = new ChangeBatch { Changes = [new Change { Action = ChangeAction.UPSERT, ResourceRecordSet = Weighted("blue", 1, "b.") }] },
        }, Ct);

        Assert.AreEqual("/change/C2", response.ChangeInfo!.Id);
        Assert.AreEqual(2, server.Requests.Count);
        Assert.AreEqual(server.Requests[0].BodyText, server.Requests[1].BodyText, "the same document is sent again");
    }

    [TestMethod]
    public async Task A_request_without_its_URI_label_fails_before_sending()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml("<x/>"));
        using var route53 = FakeClients.Factory(server, maxErrorRetry: 0).CreateRoute53();

        var error = await Assert.ThrowsExactlyAsync<AmazonClientException>(() => route53.ListResourceRecordSetsAsync(new ListResourceRecordSetsRequest(), Ct));

        StringAssert.Contains(error.Message, "HostedZoneId is required");
        Assert.AreEqual(0, server.Requests.Count);
    }

    [TestMethod]
    [DataRow("eu-west-1", false, false, "https://route53.amazonaws.com", "us-east-1")]
    [DataRow("ap-southeast-2", true, false, "https://route53-fips.amazonaws.com", "us-east-1")]
    [DataRow("us-east-1", false, true, "https://route53.global.api.aws", "us-east-1")]
    [DataRow("cn-north-1", false, false, "https://route53.amazonaws.com.cn", "cn-northwest-1")]
    [DataRow("us-gov-east-1", true, false, "https://route53.us-gov.amazonaws.com", "us-gov-west-1")]
    public void Route53_has_one_endpoint_per_partition_signed_for_its_global_region(string region, bool fips, bool dualStack, string url, string signingRegion)
    {
        var config = new AmazonRoute53Config
        {
            RegionEndpoint = RegionEndpoint.GetBySystemName(region),
            UseFIPSEndpoint = fips,
            UseDualstackEndpoint = dualStack,
        };

        var endpoint = config.DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(new GetChangeRequest { Id = "C1" }));

        Assert.AreEqual(url, endpoint.URL.TrimEnd('/'));
        var scheme = (PropertyBag)((System.Collections.IList)endpoint.Attributes["authSchemes"]).Cast<object>().Single();
        Assert.AreEqual("sigv4", scheme["name"]);
        Assert.AreEqual(signingRegion, scheme["signingRegion"]);
        Assert.AreEqual("route53", scheme["signingName"]);
    }

    [TestMethod]
    public async Task Through_the_factory_Route53_from_any_region_goes_to_route53_amazonaws_com_signed_for_us_east_1()
    {
        // Through an HTTP proxy (the fake server) over plain HTTP, so the request that would reach Route 53 can be read.
        await using var proxy = new FakeAwsServer((_, _) => FakeResponse.Xml(
            $"""<GetChangeResponse xmlns="{Namespace}"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-01-02T03:04:05Z</SubmittedAt></ChangeInfo></GetChangeResponse>"""));
        var factory = new AwsClientFactory(new AwsConnectionSettings { Region = "eu-central-1", Credentials = new BasicAWSCredentials("AKIDGLOBALROUTE53001", "s") });
        var config = factory.Configure(new AmazonRoute53Config());
        config.UseHttp = true;
        config.ProxyHost = "127.0.0.1";
        config.ProxyPort = new Uri(proxy.Endpoint).Port;
        using var route53 = new AmazonRoute53Client(factory.Credentials, config);

        var change = await route53.GetChangeAsync(new GetChangeRequest { Id = "/change/C1" }, Ct);

        Assert.AreSame(ChangeStatus.PENDING, change.ChangeInfo!.Status);
        Assert.AreEqual("http://route53.amazonaws.com/2013-04-01/change/C1", proxy.Requests[0].Path);
        StringAssert.Contains(proxy.Requests[0].Header("Authorization"), "/us-east-1/route53/aws4_request", StringComparison.Ordinal);
        Assert.AreEqual("Route 53", ((ClientConfig)route53.Config).ServiceId, "ServiceId turns on AWS_ENDPOINT_URL_ROUTE_53");
    }

    [TestMethod]
    public async Task Route53_with_an_endpoint_URL_goes_there_signed_for_the_configured_region()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml(
            $"""<GetChangeResponse xmlns="{Namespace}"><ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status><SubmittedAt>2026-01-02T03:04:05Z</SubmittedAt></ChangeInfo></GetChangeResponse>"""));
        var factory = new AwsClientFactory(new AwsConnectionSettings { EndpointUrl = server.Endpoint, Region = "eu-north-1", Credentials = new BasicAWSCredentials("AKIDROUTE53ENDPOINT1", "s") });
        using var route53 = factory.CreateRoute53();

        await route53.GetChangeAsync(new GetChangeRequest { Id = "C1" }, Ct);

        Assert.AreEqual("/2013-04-01/change/C1", server.Requests[0].Path);
        StringAssert.Contains(server.Requests[0].Header("Authorization"), "/eu-north-1/route53/aws4_request", StringComparison.Ordinal);
    }

    internal static ResourceRecordSet Weighted(string setIdentifier, long weight, string target) => new()
    {
        Name = "api.example.com",
        Type = RRType.CNAME,
        SetIdentifier = setIdentifier,
        Weight = weight,
        TTL = 60,
        ResourceRecords = [new ResourceRecord { Value = target }],
    };
}
