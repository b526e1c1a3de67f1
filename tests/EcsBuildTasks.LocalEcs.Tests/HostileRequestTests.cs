using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// Requests a hostile or broken client sends, against LocalEcs as its own process: nesting deep enough to overflow a
/// recursive parser, bodies too large to hold, invalid UTF-8, absurd regions and times. Each is refused with the answer
/// AWS gives (or 400/413), before authentication, and LocalEcs answers normally afterwards. docs/reliability.md lists them.
/// </summary>
[TestClass]
public sealed class HostileRequestTests
{
    private const int Deep = 100_000;
    private static LocalEcsProcess? shared;

    private static LocalEcsProcess Local => shared ?? throw new InvalidOperationException("not started");

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        _ = context;
        shared = await LocalEcsProcess.StartAsync();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (shared is not null)
        {
            await shared.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task Deeply_nested_CBOR_is_refused_before_authentication_and_does_not_overflow_the_stack()
    {
        // {"a": [[[[…null…]]]]}: 100,000 one-item arrays, 100 KB, unsigned and signed.
        var nested = new byte[Deep + 4];
        nested[0] = 0xA1;
        nested[1] = 0x61;
        nested[2] = (byte)'a';
        nested.AsSpan(3, Deep).Fill(0x81);
        nested[^1] = 0xF6;
        var tags = new byte[Deep + 4];
        tags[0] = 0xA1;
        tags[1] = 0x61;
        tags[2] = (byte)'a';
        tags.AsSpan(3, Deep).Fill(0xC6);
        tags[^1] = 0xF6;
        foreach (var (body, signed) in new[] { (nested, false), (nested, true), (tags, false) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/service/GraniteServiceVersion20100801/operation/DescribeAlarms") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cbor");
            request.Headers.Add("smithy-protocol", "rpc-v2-cbor");
            if (signed)
            {
                request.Headers.TryAddWithoutValidation("Authorization", AwsClient.Authorization("us-east-1", "monitoring"));
            }

            using var response = await Local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, "refused whether signed or not, before authentication");
            StringAssert.Contains(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()), "SerializationException");
        }

        await Local.AssertStillAnswersAsync("deeply nested CBOR");
    }

    [TestMethod]
    public async Task Deeply_nested_JSON_XML_and_Query_names_are_refused_before_authentication()
    {
        var json = Encoding.ASCII.GetBytes("{\"a\":" + new string('[', Deep) + new string(']', Deep) + "}");
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(json) })
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters");
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
            using var response = await Local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
            StringAssert.Contains(await response.Content.ReadAsStringAsync(), "SerializationException");
        }

        foreach (var xml in new[]
        {
            string.Concat(Enumerable.Repeat("<a>", Deep)) + string.Concat(Enumerable.Repeat("</a>", Deep)),
            """<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>""",
        })
        {
            // Route 53 (rest-xml) reads XML through the same checked reader, and answers in its own error document.
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/2013-04-01/hostedzone") { Content = new StringContent(xml, Encoding.UTF8, "application/xml") })
            {
                using var response = await Local.Aws.Http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, "deep XML and DTDs (entity expansion) are refused: " + text);
                StringAssert.Contains(text, "<Code>InvalidInput</Code>");
                StringAssert.Contains(text, "Invalid XML ; ");
                StringAssert.Contains(text, "<ErrorResponse");
            }

            // XML sent to a Query endpoint: checked before anything reads it.
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(xml, Encoding.UTF8, "application/xml") })
            {
                using var response = await Local.Aws.Http.SendAsync(request);
                Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, "deep XML and DTDs (entity expansion) are refused");
                StringAssert.Contains(await response.Content.ReadAsStringAsync(), "SerializationException");
            }
        }

        var name = string.Join('.', Enumerable.Repeat("A", 1000)) + "=1";
        using (var form = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("Action=DescribeLoadBalancers&Version=2015-12-01&" + name, Encoding.ASCII, "application/x-www-form-urlencoded") })
        {
            using var response = await Local.Aws.Http.SendAsync(form);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
            StringAssert.Contains(await response.Content.ReadAsStringAsync(), "MalformedQueryString");
        }

        await Local.AssertStillAnswersAsync("deep JSON, XML and Query names");
    }

    [TestMethod]
    public async Task Bodies_larger_than_each_protocol_takes_are_refused_from_their_announced_length_without_reading_them()
    {
        var port = Local.Port;
        var json = await RawHttp.SendAsync(port, $"""
            POST / HTTP/1.1
            Host: localhost:{port}
            X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters
            Content-Type: application/x-amz-json-1.1
            Content-Length: 10000000000
            """);
        Assert.AreEqual(413, json.Status, json.Text);
        StringAssert.Contains(json.Text, "RequestEntityTooLarge");
        StringAssert.Contains(json.Text, "4194304 bytes");

        var query = await RawHttp.SendAsync(port, $"""
            POST / HTTP/1.1
            Host: localhost:{port}
            Content-Type: application/x-www-form-urlencoded
            Content-Length: {2 * 1024 * 1024}
            """);
        Assert.AreEqual(413, query.Status, query.Text);
        StringAssert.Contains(query.Text, "<Code>RequestEntityTooLarge</Code>");

        var route53 = await RawHttp.SendAsync(port, $"""
            POST /2013-04-01/hostedzone/Z1EXAMPLE/rrset HTTP/1.1
            Host: localhost:{port}
            Content-Type: application/xml
            Content-Length: {2 * 1024 * 1024}
            """);
        Assert.AreEqual(413, route53.Status, route53.Text);
        StringAssert.Contains(route53.Text, "<ErrorResponse");
        StringAssert.Contains(route53.Text, "<Code>RequestEntityTooLarge</Code>");

        var control = await RawHttp.SendAsync(port, $"""
            POST /_localecs/faults HTTP/1.1
            Host: localhost:{port}
            {LocalEcsServer.ControlHeader}: 1
            Content-Type: application/json
            Content-Length: {1024 * 1024}
            """);
        Assert.AreEqual(413, control.Status, control.Text);

        await Local.Aws.JsonAsync("ecr", "CreateRepository", new JsonObject { ["repositoryName"] = "limits" });
        var basic = await RegistryBasicAsync(Local.Aws);
        var manifest = await RawHttp.SendAsync(port, $"""
            PUT /v2/limits/manifests/v1 HTTP/1.1
            Host: localhost:{port}
            Authorization: {basic}
            Content-Type: application/vnd.oci.image.manifest.v1+json
            Content-Length: {5 * 1024 * 1024}
            """);
        Assert.AreEqual(413, manifest.Status, manifest.Text);
        StringAssert.Contains(manifest.Text, "SIZE_INVALID");

        var blob = await RawHttp.SendAsync(port, $"""
            POST /v2/limits/blobs/uploads/?digest=sha256:{new string('0', 64)} HTTP/1.1
            Host: localhost:{port}
            Authorization: {basic}
            Content-Length: {60_000L * 1024 * 1024}
            """);
        Assert.AreEqual(413, blob.Status, blob.Text);
        StringAssert.Contains(blob.Text, "52000", "ECR's layer size limit, 52,000 MiB");

        await Local.AssertStillAnswersAsync("bodies over the limits");
    }

    [TestMethod]
    public async Task Invalid_UTF8_is_answered_400_in_every_protocol()
    {
        var invalid = new byte[] { 0xC3, 0x28, 0xFF, 0xFE };
        var json = Encoding.UTF8.GetBytes("{\"clusterName\":\"").Concat(invalid).Concat("\"}"u8.ToArray()).ToArray();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(json) })
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.CreateCluster");
            request.Headers.TryAddWithoutValidation("Authorization", AwsClient.Authorization("us-east-1", "ecs"));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
            using var response = await Local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        foreach (var form in new[] { "Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=%C3%28", "Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=%FF" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded") };
            request.Headers.TryAddWithoutValidation("Authorization", AwsClient.Authorization("us-east-1", "elasticloadbalancing"));
            using var response = await Local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
            StringAssert.Contains(await response.Content.ReadAsStringAsync(), "MalformedQueryString");
        }

        // CBOR text string (major type 3) of 2 bytes that are not UTF-8.
        var cbor = new byte[] { 0xA1, 0x69 }.Concat("AlarmName"u8.ToArray()).Concat(new byte[] { 0x62, 0xC3, 0x28 }).ToArray();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/service/GraniteServiceVersion20100801/operation/DescribeAlarms") { Content = new ByteArrayContent(cbor) })
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cbor");
            request.Headers.TryAddWithoutValidation("Authorization", AwsClient.Authorization("us-east-1", "monitoring"));
            using var response = await Local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/_localecs/faults") { Content = new ByteArrayContent(invalid) })
        {
            request.Headers.Add(LocalEcsServer.ControlHeader, "1");
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await Local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        }

        await Local.AssertStillAnswersAsync("invalid UTF-8");
    }

    [TestMethod]
    public async Task Absurd_regions_and_times_are_answered_as_client_errors_not_500()
    {
        foreach (var region in new[] { "US-EAST-1", "nowhere", "us-east-1..", new string('a', 300) + "-east-1", "-1", "us_east_1" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}") };
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters");
            request.Headers.TryAddWithoutValidation("Authorization", AwsClient.Authorization(region, "ecs"));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
            using var response = await Local.Aws.Http.SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode, $"{region}: {answer}");
            StringAssert.Contains(answer, "InvalidSignatureException");
            StringAssert.Contains(answer, "Credential should be scoped to a valid region");
        }

        var aws = Local.Aws;
        await aws.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "times" });
        var absurd = new (string Service, string Operation, JsonObject Body)[]
        {
            ("ecs", "ListServiceDeployments", new JsonObject { ["cluster"] = "times", ["service"] = "web", ["createdAt"] = new JsonObject { ["after"] = 1e300 } }),
            ("application-autoscaling", "PutScheduledAction", new JsonObject { ["ServiceNamespace"] = "ecs", ["ScheduledActionName"] = "x", ["ResourceId"] = "service/times/web", ["ScalableDimension"] = "ecs:service:DesiredCount", ["StartTime"] = -5 }),
            ("logs", "GetLogEvents", new JsonObject { ["logGroupName"] = "g", ["logStreamName"] = "s", ["startTime"] = 1.5e300 }),
            ("logs", "FilterLogEvents", new JsonObject { ["logGroupName"] = "g", ["startTime"] = "yesterday" }),
            ("logs", "PutLogEvents", new JsonObject { ["logGroupName"] = "g", ["logStreamName"] = "s", ["logEvents"] = new JsonArray(new JsonObject { ["timestamp"] = 1e300, ["message"] = "m" }) }),
        };
        await aws.JsonAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = "g" });
        await aws.JsonAsync("logs", "CreateLogStream", new JsonObject { ["logGroupName"] = "g", ["logStreamName"] = "s" });
        foreach (var (service, operation, body) in absurd)
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync(service, operation, body), $"{service} {operation}");
            Assert.AreEqual(HttpStatusCode.BadRequest, error.Status, $"{service} {operation}: {error.Body}");
        }

        // RPC v2 CBOR timestamp (tag 1) a million years out.
        var cbor = new byte[] { 0xA1, 0x69 }.Concat("StartDate"u8.ToArray()).Concat(new byte[] { 0xC1, 0xFB }).Concat(BitConverter.GetBytes(3e13).Reverse()).ToArray();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/service/GraniteServiceVersion20100801/operation/DescribeAlarms") { Content = new ByteArrayContent(cbor) })
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cbor");
            request.Headers.TryAddWithoutValidation("Authorization", AwsClient.Authorization("us-east-1", "monitoring"));
            using var response = await Local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var (status, text) = await aws.ControlAsync(HttpMethod.Post, "clock/advance", new JsonObject { ["seconds"] = 1e308 });
        Assert.AreEqual(HttpStatusCode.BadRequest, status, text);

        // A credential scope that is not even five parts (a region with slashes): not signed as AWS signs.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}") })
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters");
            request.Headers.TryAddWithoutValidation("Authorization", AwsClient.Authorization("us-east-1/../../etc", "ecs"));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
            using var response = await Local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
        }

        await Local.AssertStillAnswersAsync("absurd regions and times");
    }

    /// <summary>Basic credentials for the registry, from GetAuthorizationToken.</summary>
    internal static async Task<string> RegistryBasicAsync(AwsClient aws)
    {
        var token = await aws.JsonAsync("ecr", "GetAuthorizationToken");
        return "Basic " + token["authorizationData"]![0]!["authorizationToken"]!.GetValue<string>();
    }
}
