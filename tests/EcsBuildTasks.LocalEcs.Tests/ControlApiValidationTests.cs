using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>Every control API input is checked (members, types, ranges) and refused with 400 and the reason; nothing half-applies.</summary>
[TestClass]
public sealed class ControlApiValidationTests
{
    [TestMethod]
    public async Task Faults_with_wrong_types_or_values_out_of_range_are_refused_with_every_reason()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        var (status, body) = await aws.ControlAsync(HttpMethod.Post, "faults", JsonNode.Parse("""{"count":"abc","latencyMs":1e40}""")!.AsObject());
        Assert.AreEqual(HttpStatusCode.BadRequest, status, body);
        StringAssert.Contains(body, "'count' must be a finite number, not the string \\\"abc\\\"");
        StringAssert.Contains(body, "'latencyMs' must be a whole number from 0 to 300000");

        var refused = new[]
        {
            """{"throttleRate": 1.5}""",
            """{"throttleRate": 0.6, "errorRate": 0.6}""",
            """{"errorRate": -0.1}""",
            """{"errorRate": "0.5"}""",
            """{"errorRate": null}""",
            """{"errorRate": 1, "count": 0}""",
            """{"errorRate": 1, "count": 2.5}""",
            """{"errorRate": 1, "seed": 1e12}""",
            """{"errorRate": 1, "service": "ecz"}""",
            """{"errorRate": 1, "service": "ecs", "operation": "PutLogEvents"}""",
            """{"errorRate": 1, "operations": "ListClusters"}""",
            """{"latencyMs": 0}""",
            """{}""",
            """[1, 2]""",
        };
        foreach (var json in refused)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/_localecs/faults") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add(LocalEcsServer.ControlHeader, "1");
            using var response = await aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, json + " → " + await response.Content.ReadAsStringAsync());
        }

        (status, body) = await aws.ControlAsync(HttpMethod.Get, "faults");
        StringAssert.Contains(body, "\"rules\": []", "nothing was added by a refused request");
        await aws.EcsAsync("ListClusters");

        (status, body) = await aws.ControlAsync(HttpMethod.Post, "faults", new JsonObject { ["service"] = "ecs", ["operation"] = "ListClusters", ["errorRate"] = 1.0, ["latencyMs"] = 10, ["count"] = 1, ["seed"] = 7 });
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("ListClusters"));
        await aws.EcsAsync("ListClusters");
    }

    [TestMethod]
    public async Task Clock_instances_desired_count_and_hook_inputs_are_checked()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var refused = new (HttpMethod Method, string Path, string Json)[]
        {
            (HttpMethod.Post, "clock/advance", """{"seconds": -1}"""),
            (HttpMethod.Post, "clock/advance", """{"seconds": "600"}"""),
            (HttpMethod.Post, "clock/advance", """{"seconds": 1e12}"""),
            (HttpMethod.Post, "clock/advance", """{}"""),
            (HttpMethod.Post, "clock/advance", """{"seconds": 60, "minutes": 1}"""),
            (HttpMethod.Put, "container-instances", """{"cluster": "prod", "count": 101}"""),
            (HttpMethod.Put, "container-instances", """{"cluster": "prod", "count": "3"}"""),
            (HttpMethod.Put, "container-instances", """{"count": 3}"""),
            (HttpMethod.Put, "container-instances", """{"cluster": "prod", "count": 3, "region": "Mars"}"""),
            (HttpMethod.Post, "autoscaling/desired-count", """{"cluster": "prod", "service": "web", "desiredCount": -1}"""),
            (HttpMethod.Post, "autoscaling/desired-count", """{"cluster": "prod", "desiredCount": 2}"""),
            (HttpMethod.Post, "autoscaling/desired-count", """{"cluster": 5, "service": "web", "desiredCount": 2}"""),
            (HttpMethod.Post, "hooks", """{"hookId": "h", "status": "succeeded"}"""),
            (HttpMethod.Post, "hooks", """{"status": "SUCCEEDED"}"""),
            (HttpMethod.Put, "lambda-hook-results", """{"functionArn": "my-function", "status": "FAILED"}"""),
            (HttpMethod.Post, "reset", """{"everything": true}"""),
        };
        foreach (var (method, path, json) in refused)
        {
            using var request = new HttpRequestMessage(method, "/_localecs/" + path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add(LocalEcsServer.ControlHeader, "1");
            using var response = await aws.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, $"{method} {path} {json} → {text}");
            StringAssert.Contains(text, "\"error\"");
        }

        Assert.AreEqual(1, (await aws.EcsAsync("ListClusters"))["clusterArns"]!.AsArray().Count, "the refused reset did nothing");
        var (status, body) = await aws.ControlAsync(HttpMethod.Put, "container-instances", new JsonObject { ["cluster"] = "prod", ["count"] = 3, ["region"] = "us-east-1" });
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        (status, body) = await aws.ControlAsync(HttpMethod.Post, "clock/advance", new JsonObject { ["seconds"] = 60 });
        Assert.AreEqual(HttpStatusCode.OK, status, body);
    }

    [TestMethod]
    public async Task Lease_IAM_capacity_provider_Express_and_Route_53_endpoints_check_their_inputs_and_need_the_header()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}""";
        var refused = new (HttpMethod Method, string Path, string? Json)[]
        {
            (HttpMethod.Post, "leases", """{"id": "build-1", "processId": "12", "holder": "project Orders"}"""),
            (HttpMethod.Post, "leases", """{"id": "build-1", "processId": 0, "holder": "project Orders"}"""),
            (HttpMethod.Post, "leases", """{"id": "build-1", "processId": 2147483648, "holder": "project Orders"}"""),
            (HttpMethod.Post, "leases", """{"id": "build-1", "holder": "project Orders"}"""),
            (HttpMethod.Post, "leases", """{"id": " ", "processId": 12, "holder": "project Orders"}"""),
            (HttpMethod.Post, "leases", """{"id": "build-1", "processId": 12, "holder": "project Orders", "ttl": 60}"""),
            (HttpMethod.Delete, "leases/" + new string('x', 300), null),
            (HttpMethod.Post, "iam/policies", """{}"""),
            (HttpMethod.Post, "iam/policies", """{"policy": 5}"""),
            (HttpMethod.Post, "iam/policies", "{\"accessKeyId\": 7, \"policy\": " + Policy + "}"),
            (HttpMethod.Post, "iam/policies", "{\"principalArn\": \"user/ci\", \"policy\": " + Policy + "}"),
            (HttpMethod.Post, "iam/policies", "{\"role\": \"ci\", \"policy\": " + Policy + "}"),
            (HttpMethod.Post, "iam/policies", """{"policy": {"Statement": "everything"}}"""),
            (HttpMethod.Delete, "iam/policies", """{"key": "AKIA"}"""),
            (HttpMethod.Get, "iam/usage?accessKeyId=a&accessKeyId=b", null),
            (HttpMethod.Get, "iam/usage?since=yesterday", null),
            (HttpMethod.Put, "capacity-providers/instances", """{"capacityProvider": "workers", "count": 101}"""),
            (HttpMethod.Put, "capacity-providers/instances", """{"capacityProvider": "workers", "count": "3"}"""),
            (HttpMethod.Put, "capacity-providers/instances", """{"count": 3}"""),
            (HttpMethod.Put, "capacity-providers/instances", """{"capacityProvider": "workers", "count": 3, "region": "Mars"}"""),
            (HttpMethod.Delete, "container-instances", """{"cluster": "prod"}"""),
            (HttpMethod.Delete, "container-instances", """{"cluster": "prod", "containerInstance": "i-1", "replace": "no"}"""),
            (HttpMethod.Get, "express/resolve", null),
            (HttpMethod.Get, "express/resolve?url=http://[bad", null),
            (HttpMethod.Get, "express/resolve?url=https://a.example&path=/", null),
            (HttpMethod.Put, "express/url-delay", """{}"""),
            (HttpMethod.Put, "express/url-delay", """{"seconds": -1}"""),
            (HttpMethod.Put, "express/url-delay", """{"seconds": "60"}"""),
            (HttpMethod.Put, "express/url-delay", """{"seconds": 60, "service": "web"}"""),
            (HttpMethod.Put, "deployments/hold", """{}"""),
            (HttpMethod.Put, "deployments/hold", """{"service": 7}"""),
            (HttpMethod.Put, "deployments/hold", """{"service": "web", "seconds": 60}"""),
            (HttpMethod.Put, "deployments/hold", """{"cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod", "service": "web"}"""),
            (HttpMethod.Delete, "deployments/hold", """{"cluster": "prod"}"""),
            (HttpMethod.Get, "route53/resolve", null),
            (HttpMethod.Get, "route53/resolve?name=api.example.com&roll=1", null),
            (HttpMethod.Get, "route53/resolve?name=api.example.com&roll=half", null),
            (HttpMethod.Get, "route53/resolve?name=api.example.com&samples=-1", null),
            (HttpMethod.Get, "route53/resolve?name=api.example.com&samples=1e9", null),
            (HttpMethod.Get, "route53/resolve?name=api.example.com&seed=1.5", null),
            (HttpMethod.Get, "route53/resolve?name=api.example.com&type=BOGUS", null),
            (HttpMethod.Get, "route53/resolve?name=api.example.com&weights=1", null),
        };
        foreach (var (method, path, json) in refused)
        {
            using var request = new HttpRequestMessage(method, "/_localecs/" + path);
            if (json is not null)
            {
                request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            }

            request.Headers.Add(LocalEcsServer.ControlHeader, "1");
            using var response = await aws.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, $"{method} {path} {json} → {text}");
            StringAssert.Contains(text, "\"error\"");
        }

        var (status, body) = await aws.ControlAsync(HttpMethod.Get, "leases");
        StringAssert.Contains(body, "\"leases\": []", "no refused lease was taken");
        (status, body) = await aws.ControlAsync(HttpMethod.Get, "iam/policies");
        StringAssert.Contains(body, "\"enforcing\": false", "no refused policy is in force");
        StringAssert.Contains(body, "\"accessKeys\": []");
        await aws.EcsAsync("ListClusters");

        // The same endpoints, correctly used, answer; without the header a web page's request is refused before any of them.
        (status, body) = await aws.ControlAsync(HttpMethod.Post, "leases", new JsonObject { ["id"] = "build-1", ["processId"] = Environment.ProcessId, ["holder"] = "project Orders" });
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        (status, body) = await aws.ControlAsync(HttpMethod.Delete, "leases/build-1");
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        (status, body) = await aws.ControlAsync(HttpMethod.Get, "route53/resolve?name=api.example.com&samples=10&seed=3");
        Assert.AreEqual(HttpStatusCode.NotFound, status, "a valid question about a name no zone holds: " + body);
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Post, "leases"), (HttpMethod.Post, "iam/policies"), (HttpMethod.Get, "iam/usage"), (HttpMethod.Put, "capacity-providers/instances"),
            (HttpMethod.Delete, "container-instances"), (HttpMethod.Get, "express/resolve?url=https://a.example"), (HttpMethod.Put, "express/url-delay"), (HttpMethod.Get, "route53/resolve?name=a.example"),
            (HttpMethod.Put, "deployments/hold"), (HttpMethod.Get, "deployments/hold"),
        })
        {
            using var request = new HttpRequestMessage(method, "/_localecs/" + path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain") };
            using var response = await aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode, $"{method} {path} without {LocalEcsServer.ControlHeader}");
        }
    }
}
