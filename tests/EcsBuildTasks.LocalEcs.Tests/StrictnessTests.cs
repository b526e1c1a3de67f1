using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// Strictness clients rely on: pages of the documented default size (a client that forgets to paginate sees what it
/// would see on AWS), page sizes out of range and tokens that are not this request's refused, malformed ARNs answered
/// with AWS's error for a malformed ARN. ModelTablesTests checks the page sizes of every operation against the models.
/// </summary>
[TestClass]
public sealed class StrictnessTests
{
    [TestMethod]
    public async Task List_operations_answer_the_documented_default_page_and_follow_their_tokens()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var definition = (await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = "app",
            ["containerDefinitions"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx", ["memory"] = 64 }),
        }))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        for (var i = 0; i < 12; i++)
        {
            await aws.EcsAsync("CreateService", new JsonObject { ["cluster"] = "prod", ["serviceName"] = $"s{i:D2}", ["taskDefinition"] = definition, ["desiredCount"] = 0, ["launchType"] = "EC2" });
        }

        // ListServices: 10 by default (the model says so), then the rest.
        var first = await aws.EcsAsync("ListServices", new JsonObject { ["cluster"] = "prod" });
        Assert.AreEqual(10, first["serviceArns"]!.AsArray().Count);
        var token = first["nextToken"]!.GetValue<string>();
        var second = await aws.EcsAsync("ListServices", new JsonObject { ["cluster"] = "prod", ["nextToken"] = token });
        Assert.AreEqual(2, second["serviceArns"]!.AsArray().Count);
        Assert.IsNull(second["nextToken"]);
        var all = first["serviceArns"]!.AsArray().Concat(second["serviceArns"]!.AsArray()).Select(a => a!.GetValue<string>()).ToList();
        Assert.AreEqual(12, all.Distinct().Count(), "no item twice, none left out");
        Assert.AreEqual(5, (await aws.EcsAsync("ListServices", new JsonObject { ["cluster"] = "prod", ["maxResults"] = 5 }))["serviceArns"]!.AsArray().Count);

        foreach (var (body, what) in new (JsonObject, string)[]
        {
            (new JsonObject { ["cluster"] = "prod", ["maxResults"] = 101 }, "maxResults above the model's 100"),
            (new JsonObject { ["cluster"] = "prod", ["maxResults"] = 0 }, "maxResults below 1"),
            (new JsonObject { ["cluster"] = "prod", ["maxResults"] = "5" }, "maxResults as a string in JSON"),
            (new JsonObject { ["cluster"] = "prod", ["nextToken"] = "10" }, "a token LocalEcs did not hand out"),
            (new JsonObject { ["cluster"] = "prod", ["nextToken"] = "garbage" }, "garbage"),
            (new JsonObject { ["cluster"] = "default", ["nextToken"] = token }, "a token of another cluster's listing"),
        })
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("ListServices", body), what);
            Assert.AreEqual("InvalidParameterException", error.Code, what);
        }

        var foreign = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("ListTaskDefinitions", new JsonObject { ["nextToken"] = token }));
        Assert.AreEqual("InvalidParameterException", foreign.Code, "a ListServices token is no ListTaskDefinitions token");
        await aws.EcsAsync("ListClusters");
    }

    [TestMethod]
    public async Task ELBv2_pages_with_PageSize_and_Marker_and_EC2_and_Auto_Scaling_with_their_own_tokens()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        var (_, _, vpc) = await Scenario.DefaultNetworkAsync(aws);
        for (var i = 0; i < 3; i++)
        {
            await aws.QueryAsync("elasticloadbalancing", "CreateTargetGroup", Scenario.ElbVersion, ("Name", $"tg{i}"), ("Protocol", "HTTP"), ("Port", "80"), ("VpcId", vpc), ("TargetType", "ip"));
        }

        var page = await aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion, ("PageSize", "2"));
        Assert.AreEqual(2, page.All("TargetGroupName").Count());
        var marker = page.Value("NextMarker")!;
        var rest = await aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion, ("PageSize", "2"), ("Marker", marker));
        Assert.AreEqual(1, rest.All("TargetGroupName").Count());
        Assert.IsNull(rest.Value("NextMarker"));
        foreach (var parameters in new[] { new[] { ("PageSize", "401") }, [("PageSize", "0")], [("PageSize", "two")], [("Marker", "lecs1.0000000000000000.1")] })
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion, parameters));
            Assert.AreEqual("ValidationError", error.Code);
        }

        var groups = await aws.QueryAsync("ec2", "DescribeSecurityGroups", "2016-11-15", ("MaxResults", "5"));
        Assert.IsTrue(groups.All("groupId").Any());
        var tooSmall = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.QueryAsync("ec2", "DescribeSecurityGroups", "2016-11-15", ("MaxResults", "4")));
        Assert.AreEqual("InvalidParameterValue", tooSmall.Code, "EC2's MaxResults starts at 5");
        var badToken = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.QueryAsync("ec2", "DescribeSubnets", "2016-11-15", ("NextToken", "abc")));
        Assert.AreEqual("InvalidPaginationToken", badToken.Code);

        var scaling = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("application-autoscaling", "DescribeScalingPolicies", new JsonObject { ["ServiceNamespace"] = "ecs", ["MaxResults"] = 11 }));
        Assert.AreEqual("ValidationException", scaling.Code, "DescribeScalingPolicies pages by at most 10");
        var scalingToken = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("application-autoscaling", "DescribeScalableTargets", new JsonObject { ["ServiceNamespace"] = "ecs", ["NextToken"] = "x" }));
        Assert.AreEqual("InvalidNextTokenException", scalingToken.Code, "the error the model declares");
        var alarms = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("cloudwatch", "DescribeAlarms", new JsonObject { ["NextToken"] = "x" }));
        Assert.AreEqual("InvalidNextToken", alarms.Code, "the error the model declares");
        var logs = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("logs", "GetLogEvents", new JsonObject { ["logGroupName"] = "g", ["logStreamName"] = "s", ["nextToken"] = "f/1" }));
        Assert.AreEqual("InvalidParameterException", logs.Code);
        await aws.EcsAsync("ListClusters");
    }

    [TestMethod]
    public async Task IAM_and_Route_53_page_with_MaxItems_Marker_and_IsTruncated_and_Secrets_Manager_and_SSM_refuse_foreign_tokens()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
        for (var i = 0; i < 3; i++)
        {
            await aws.QueryAsync("iam", "CreateRole", "2010-05-08", ("RoleName", $"app-{i}"), ("Path", "/app/"), ("AssumeRolePolicyDocument", Trust));
        }

        // IAM: MaxItems, an opaque Marker carried back in Marker, IsTruncated true or false on every page.
        var first = await aws.QueryAsync("iam", "ListRoles", "2010-05-08", ("PathPrefix", "/app/"), ("MaxItems", "2"));
        Assert.AreEqual(2, first.All("RoleName").Count());
        Assert.AreEqual("true", first.Value("IsTruncated"));
        var marker = first.Value("Marker")!;
        var last = await aws.QueryAsync("iam", "ListRoles", "2010-05-08", ("PathPrefix", "/app/"), ("MaxItems", "2"), ("Marker", marker));
        Assert.AreEqual("app-2", last.All("RoleName").Single().Value);
        Assert.AreEqual("false", last.Value("IsTruncated"));
        Assert.IsNull(last.Value("Marker"));
        foreach (var (parameters, what) in new[]
        {
            (new[] { ("MaxItems", "1001") }, "MaxItems above IAM's 1000"),
            ([("MaxItems", "0")], "MaxItems below 1"),
            ([("Marker", "2")], "a marker IAM did not hand out"),
            ([("PathPrefix", "/other/"), ("Marker", marker)], "a marker of another listing"),
        })
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.QueryAsync("iam", "ListRoles", "2010-05-08", parameters), what);
            Assert.AreEqual("ValidationError", error.Code, what);
        }

        // Route 53: maxitems above 100 is lowered, not refused; the marker is the id of the next page's first zone.
        for (var i = 0; i < 3; i++)
        {
            await Route53Scenario.ZoneAsync(aws, $"zone{i}.example.com");
        }

        var zones = (await aws.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone")).Document.All("Id").Select(e => e.Value["/hostedzone/".Length..]).ToList();
        Assert.AreEqual(3, zones.Count);

        var page = (await aws.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone?maxitems=2")).Document;
        Assert.AreEqual("true", page.Value("IsTruncated"));
        Assert.AreEqual("2", page.Value("MaxItems"));
        Assert.AreEqual(zones[2], page.Value("NextMarker"), "Route 53's marker is a hosted zone id, as documented");
        var rest = (await aws.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone?maxitems=2&marker=" + zones[2])).Document;
        Assert.AreEqual(zones[2], rest.Value("Marker"), "the marker is echoed");
        Assert.AreEqual("false", rest.Value("IsTruncated"));
        Assert.IsNull(rest.Value("NextMarker"));
        Assert.AreEqual("100", (await aws.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone?maxitems=5000")).Document.Value("MaxItems"));
        foreach (var (query, what) in new[] { ("maxitems=0", "maxitems below 1"), ("maxitems=two", "maxitems not a number"), ("marker=ZNOSUCHZONE", "a marker that names no zone") })
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone?" + query), what);
            Assert.AreEqual("InvalidInput", error.Code, what);
        }

        // Secrets Manager and SSM: opaque NextTokens bound to the request, refused with each service's token error.
        for (var i = 0; i < 3; i++)
        {
            await aws.JsonAsync("secretsmanager", "CreateSecret", new JsonObject { ["Name"] = $"db-{i}", ["SecretString"] = "x" });
            await aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = $"/app/p{i}", ["Value"] = "v", ["Type"] = "String" });
        }

        var secrets = await aws.JsonAsync("secretsmanager", "ListSecrets", new JsonObject { ["MaxResults"] = 2 });
        Assert.AreEqual(2, secrets["SecretList"]!.AsArray().Count);
        Assert.AreEqual(1, (await aws.JsonAsync("secretsmanager", "ListSecrets", new JsonObject { ["MaxResults"] = 2, ["NextToken"] = secrets["NextToken"]!.GetValue<string>() }))["SecretList"]!.AsArray().Count);
        Assert.AreEqual("InvalidNextTokenException", (await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("secretsmanager", "ListSecrets", new JsonObject { ["NextToken"] = "2" }))).Code);
        Assert.AreEqual("ValidationException", (await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("secretsmanager", "ListSecrets", new JsonObject { ["MaxResults"] = 101 }))).Code);
        var byPath = await aws.JsonAsync("ssm", "GetParametersByPath", new JsonObject { ["Path"] = "/app", ["MaxResults"] = 2 });
        Assert.AreEqual(2, byPath["Parameters"]!.AsArray().Count);
        Assert.AreEqual("InvalidNextToken", (await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("ssm", "DescribeParameters", new JsonObject { ["NextToken"] = byPath["NextToken"]!.GetValue<string>() }))).Code, "a GetParametersByPath token is no DescribeParameters token");
        Assert.AreEqual("ValidationException", (await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("ssm", "GetParametersByPath", new JsonObject { ["Path"] = "/app", ["MaxResults"] = 11 }))).Code);
    }

    [TestMethod]
    public async Task Logs_describe_50_log_groups_a_page_by_default()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        for (var i = 0; i < 51; i++)
        {
            await local.Aws.JsonAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = $"/page/{i:D2}" });
        }

        var first = await local.Aws.JsonAsync("logs", "DescribeLogGroups");
        Assert.AreEqual(50, first["logGroups"]!.AsArray().Count);
        var second = await local.Aws.JsonAsync("logs", "DescribeLogGroups", new JsonObject { ["nextToken"] = first["nextToken"]!.GetValue<string>() });
        Assert.AreEqual(1, second["logGroups"]!.AsArray().Count);
    }

    [TestMethod]
    public async Task Malformed_ARNs_get_each_services_malformed_ARN_error_not_not_found()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        var cases = new (Func<Task> Call, string Code, string What)[]
        {
            (() => aws.EcsAsync("DescribeServices", new JsonObject { ["cluster"] = "arn:aws:ecs:us-east-1:123456789012", ["services"] = new JsonArray("web") }), "InvalidParameterException", "ECS cluster ARN without a resource"),
            (() => aws.EcsAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = "cluster/prod" }), "InvalidParameterException", "ECS resourceArn that is no ARN"),
            (() => aws.EcsAsync("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = "arn:aws:ecs:US-EAST-1:123456789012:task-definition/web:1" }), "InvalidParameterException", "ECS ARN with a malformed region"),
            (() => aws.JsonAsync("ecr", "ListTagsForResource", new JsonObject { ["resourceArn"] = "arn:aws:ecr:us-east-1:12345:repository/app" }), "InvalidParameterException", "ECR ARN with a short account"),
            (() => aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion, ("TargetGroupArns.member.1", "my-target-group")), "ValidationError", "ELBv2 target group name where an ARN belongs"),
            (() => aws.QueryAsync("elasticloadbalancing", "DeleteLoadBalancer", Scenario.ElbVersion, ("LoadBalancerArn", "arn:aws:elasticloadbalancing")), "ValidationError", "ELBv2 truncated ARN"),
            (() => aws.JsonAsync("logs", "ListTagsForResource", new JsonObject { ["resourceArn"] = "log-group:/ecs/web" }), "InvalidParameterException", "Logs"),
            (() => aws.JsonAsync("servicediscovery", "ListTagsForResource", new JsonObject { ["ResourceARN"] = "ns-123" }), "InvalidInput", "Cloud Map"),
            (() => aws.JsonAsync("application-autoscaling", "ListTagsForResource", new JsonObject { ["ResourceARN"] = "arn:aws:" }), "ValidationException", "Application Auto Scaling"),
            (() => aws.QueryAsync("sts", "AssumeRole", "2011-06-15", ("RoleArn", "deploy-role"), ("RoleSessionName", "s")), "ValidationError", "STS"),
        };
        foreach (var (call, code, what) in cases)
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(call, what);
            Assert.AreEqual(code, error.Code, $"{what}: {error.Body}");
            Assert.AreEqual(HttpStatusCode.BadRequest, error.Status, what);
        }

        var missing = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("DescribeServices", new JsonObject { ["cluster"] = "arn:aws:ecs:us-east-1:123456789012:cluster/ghost", ["services"] = new JsonArray("web") }));
        Assert.AreEqual("ClusterNotFoundException", missing.Code, "a well-formed ARN of nothing is still not found");
        await aws.EcsAsync("ListClusters");
    }
}
