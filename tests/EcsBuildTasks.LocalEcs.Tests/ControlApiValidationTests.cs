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
            request.Headers.Add("LocalEcs-Control", "1");
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
            request.Headers.Add("LocalEcs-Control", "1");
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
}
