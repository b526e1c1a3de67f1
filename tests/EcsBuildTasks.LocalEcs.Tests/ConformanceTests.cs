using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// Protocol conformance against the official AWS models: a tour calls every operation LocalEcs serves (except EC2,
/// whose model is not in ../shared/aws-models; the CLI tests cover it) and every response is walked against the
/// operation's output shape — member names, types, enum values.
/// </summary>
[TestClass]
public sealed class ConformanceTests
{
    private static readonly Dictionary<string, string> ModelFolders = new(StringComparer.Ordinal)
    {
        ["ecs"] = "ecs",
        ["ecr"] = "ecr",
        ["logs"] = "logs",
        ["cloudwatch"] = "cloudwatch",
        ["monitoring"] = "cloudwatch",
        ["servicediscovery"] = "servicediscovery",
        ["application-autoscaling"] = "application-autoscaling",
        ["elasticloadbalancing"] = "elbv2",
        ["sts"] = "sts",
        ["route53"] = "route53",
        ["iam"] = "iam",
        ["secretsmanager"] = "secretsmanager",
        ["ssm"] = "ssm",
    };

    /// <summary>Served operations the tour does not call (none today; add one here with the reason).</summary>
    private static readonly HashSet<string> NotToured = [];

    [TestMethod]
    public async Task Every_served_operation_answers_with_members_types_and_enums_from_the_official_models()
    {
        Peers.RequireAwsModels(); // ends the test before LocalEcs starts when the models are absent
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var recorder = new ResponseRecorder();
        sim.Aws.Recorder = recorder;
        await Tour.RunAsync(sim);

        var problems = new List<string>();
        var checkers = ModelFolders.Values.Distinct().ToDictionary(f => f, f => AwsModel.Load(f));
        foreach (var (service, operation, response) in recorder.Json)
        {
            var checker = checkers[ModelFolders[service]];
            Assert.IsTrue(checker.HasOperation(operation), $"{service} {operation} is not in the model");
            problems.AddRange(checker.CheckResponse(operation, response).Select(p => $"{service} {p}"));
        }

        foreach (var (service, operation, response) in recorder.Xml.Where(x => x.Service != "ec2"))
        {
            var checker = checkers[ModelFolders[service]];
            Assert.IsTrue(checker.HasOperation(operation), $"{service} {operation} is not in the model");
            problems.AddRange(checker.CheckXmlResponse(operation, response).Select(p => $"{service} {p}"));
        }

        foreach (var (service, operation, response) in recorder.RestXml)
        {
            var checker = checkers[ModelFolders[service]];
            Assert.IsTrue(checker.HasOperation(operation), $"{service} {operation} is not in the model");
            problems.AddRange(checker.CheckRestXmlResponse(operation, response).Select(p => $"{service} {p}"));
        }

        Assert.AreEqual(0, problems.Count, string.Join('\n', problems.Distinct()));

        var called = recorder.Json.Select(r => r.Operation).Concat(recorder.Xml.Select(r => r.Operation)).Concat(recorder.RestXml.Select(r => r.Operation)).ToHashSet(StringComparer.Ordinal);
        var missing = sim.Server.Runtime.Apis.Where(a => a.SigningName != "ec2").SelectMany(a => a.Operations.Select(o => $"{a.SigningName} {o}"))
            .Where(o => !called.Contains(o.Split(' ')[1]) && !NotToured.Contains(o.Split(' ')[1])).ToList();
        Assert.AreEqual(0, missing.Count, "operations the tour did not call: " + string.Join(", ", missing));
        Assert.IsTrue(recorder.Json.Count > 150, $"the tour checked {recorder.Json.Count} JSON responses");
    }

    [TestMethod]
    public void The_model_checker_reports_unknown_members_wrong_types_and_values_outside_enums()
    {
        var ecs = AwsModel.Load("ecs");
        var problems = ecs.CheckResponse("DescribeClusters", JsonNode.Parse("""
            {"clusters": [{"clusterName": 5, "status": "ACTIVE", "registeredContainerInstancesCount": "2", "bogus": true}],
             "failures": [{"arn": "x", "reason": "MISSING"}]}
            """));
        Assert.AreEqual(3, problems.Count, string.Join('\n', problems));
        var services = ecs.CheckResponse("DescribeServices", JsonNode.Parse("""{"services": [{"launchType": "DOCKER", "createdAt": "2026-01-01"}]}"""));
        Assert.AreEqual(2, services.Count, string.Join('\n', services));
        var elb = AwsModel.Load("elbv2");
        var xml = System.Xml.Linq.XElement.Parse("""
            <DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions>
            <member><Target><Id>1.2.3.4</Id><Port>eighty</Port></Target><TargetHealth><State>sleepy</State></TargetHealth></member>
            </TargetHealthDescriptions></DescribeTargetHealthResult></DescribeTargetHealthResponse>
            """);
        Assert.AreEqual(2, elb.CheckXmlResponse("DescribeTargetHealth", xml).Count);
    }

    [TestMethod]
    public async Task Errors_use_codes_the_models_declare_and_the_protocol_envelopes()
    {
        Peers.RequireAwsModels(); // ends the test before LocalEcs starts when the models are absent
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        var ecs = AwsModel.Load("ecs");
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(aws);

        async Task<AwsErrorException> EcsError(string operation, JsonObject body, string code, string? message = null)
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync(operation, body));
            Assert.AreEqual(code, error.Code, error.Body);
            Assert.AreEqual(System.Net.HttpStatusCode.BadRequest, error.Status);
            Assert.IsTrue(ecs.DeclaresError(operation, code), $"the model declares {code} for {operation}");
            if (message is not null)
            {
                StringAssert.StartsWith(error.AwsMessage, message);
            }

            return error;
        }

        await EcsError("DescribeServices", new JsonObject { ["cluster"] = "nope", ["services"] = new JsonArray("web") }, "ClusterNotFoundException", "Cluster not found.");
        await Scenario.ClusterAsync(aws, "prod");
        await EcsError("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "nope" }, "ServiceNotFoundException", "Service not found.");
        await EcsError("RegisterTaskDefinition", Fargate("256", "4096"), "ClientException", "No Fargate configuration exists for given values: 256 CPU, 4096 memory.");
        var bridge = Fargate("256", "512");
        bridge["networkMode"] = "bridge";
        await EcsError("RegisterTaskDefinition", bridge, "ClientException", "Fargate only supports network mode \u2018awsvpc\u2019.");
        var crowded = Fargate("1024", "2048");
        crowded["containerDefinitions"] = new JsonArray(Enumerable.Range(0, 11).Select(i => (JsonNode?)new JsonObject { ["name"] = $"c{i}", ["image"] = "nginx" }).ToArray());
        await EcsError("RegisterTaskDefinition", crowded, "ClientException");
        var badCheck = Fargate("256", "512");
        badCheck["containerDefinitions"]![0]!["healthCheck"] = new JsonObject { ["command"] = new JsonArray("CMD", "true"), ["interval"] = 1 };
        await EcsError("RegisterTaskDefinition", badCheck, "ClientException");
        var definition = (await aws.EcsAsync("RegisterTaskDefinition", Fargate("256", "512")))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        var bridgeDefinition = (await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = "agent",
            ["containerDefinitions"] = new JsonArray(new JsonObject { ["name"] = "agent", ["image"] = "nginx", ["memory"] = 64 }),
        }))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        JsonObject Service(string name) => ServiceRequest.Fargate("prod", name, definition, 1, subnets, group);

        var fargateBridge = Service("bridge");
        fargateBridge["taskDefinition"] = bridgeDefinition;
        fargateBridge.Remove("networkConfiguration");
        await EcsError("CreateService", fargateBridge, "InvalidParameterException", "Task definition does not support launch_type FARGATE.");
        var daemon = Service("daemon");
        daemon["schedulingStrategy"] = "DAEMON";
        daemon.Remove("desiredCount");
        await EcsError("CreateService", daemon, "InvalidParameterException");
        var noNetwork = Service("nonet");
        noNetwork.Remove("networkConfiguration");
        await EcsError("CreateService", noNetwork, "InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        var badSubnet = Service("badsubnet");
        badSubnet["networkConfiguration"] = Scenario.AwsVpc(["subnet-0123456789abcdef0"], group);
        await EcsError("CreateService", badSubnet, "InvalidParameterException", "Error retrieving subnet information for [subnet-0123456789abcdef0]");
        var unknownGroup = Service("tg");
        unknownGroup["loadBalancers"] = new JsonArray(new JsonObject { ["targetGroupArn"] = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef", ["containerName"] = "web", ["containerPort"] = 8080 });
        await EcsError("CreateService", unknownGroup, "InvalidParameterException", "The target group with targetGroupArn arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef does not exist.");
        var balancer = await Scenario.LoadBalancerAsync(aws, "errors", subnets, vpc);
        var badRole = Service("role");
        badRole["taskDefinition"] = bridgeDefinition;
        badRole["launchType"] = "EC2";
        badRole.Remove("networkConfiguration");
        badRole["role"] = "not a role";
        badRole["loadBalancers"] = new JsonArray(new JsonObject { ["targetGroupArn"] = balancer.BlueTargetGroupArn, ["containerName"] = "agent", ["containerPort"] = 8080 });
        await EcsError("CreateService", badRole, "InvalidParameterException", "Unable to assume role");

        await aws.EcsAsync("CreateService", Service("web"));
        await EcsError("CreateService", Service("web"), "InvalidParameterException", "Creation of service was not idempotent.");
        var missing = await aws.EcsAsync("DescribeServices", new JsonObject { ["cluster"] = "prod", ["services"] = new JsonArray("web", "ghost") });
        Assert.AreEqual("MISSING", missing["failures"]![0]!["reason"]!.GetValue<string>());
        StringAssert.EndsWith(missing["failures"]![0]!["arn"]!.GetValue<string>(), ":service/prod/ghost");
        await EcsError("DeleteService", new JsonObject { ["cluster"] = "prod", ["service"] = "web" }, "InvalidParameterException", "The service cannot be stopped while it is scaled above 0.");
        await aws.EcsAsync("DeleteService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["force"] = true });
        await EcsError("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["desiredCount"] = 2 }, "ServiceNotActiveException", "Service was not ACTIVE.");

        var query = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion, ("TargetGroupArns.member.1", balancer.BlueTargetGroupArn + "x")));
        Assert.AreEqual("TargetGroupNotFound", query.Code);
        Assert.IsTrue(AwsModel.Load("elbv2").DeclaresError("DescribeTargetGroups", query.Code));
        StringAssert.Contains(query.Body, "<ErrorResponse");
        StringAssert.Contains(query.Body, "<Type>Sender</Type>");
        StringAssert.Contains(query.Body, "<RequestId>");

        var ecr = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("ecr", "DescribeRepositories", new JsonObject { ["repositoryNames"] = new JsonArray("ghost") }));
        Assert.IsTrue(AwsModel.Load("ecr").DeclaresError("DescribeRepositories", ecr.Code), ecr.Code);
        var logs = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("logs", "PutRetentionPolicy", new JsonObject { ["logGroupName"] = "ghost", ["retentionInDays"] = 7 }));
        Assert.IsTrue(AwsModel.Load("logs").DeclaresError("PutRetentionPolicy", logs.Code), logs.Code);
        var alarm = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("cloudwatch", "SetAlarmState", new JsonObject { ["AlarmName"] = "ghost", ["StateValue"] = "OK", ["StateReason"] = "x" }));
        Assert.IsTrue(AwsModel.Load("cloudwatch").DeclaresError("SetAlarmState", alarm.Code), alarm.Code);
        var map = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("servicediscovery", "GetNamespace", new JsonObject { ["Id"] = "ns-ghost" }));
        Assert.IsTrue(AwsModel.Load("servicediscovery").DeclaresError("GetNamespace", map.Code), map.Code);
        var scaling = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("application-autoscaling", "DeleteScalingPolicy", new JsonObject
        {
            ["PolicyName"] = "ghost",
            ["ServiceNamespace"] = "ecs",
            ["ResourceId"] = "service/prod/web",
            ["ScalableDimension"] = "ecs:service:DesiredCount",
        }));
        Assert.IsTrue(AwsModel.Load("application-autoscaling").DeclaresError("DeleteScalingPolicy", scaling.Code), scaling.Code);
        var ec2 = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.QueryAsync("ec2", "DescribeVpcs", "2016-11-15", ("VpcId.1", "vpc-ghost")));
        Assert.AreEqual("InvalidVpcID.NotFound", ec2.Code);
        StringAssert.Contains(ec2.Body, "<Response><Errors><Error>");
        StringAssert.Contains(ec2.Body, "<RequestID>");

        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}") };
        unsigned.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters");
        using var response = await aws.Http.SendAsync(unsigned);
        Assert.AreEqual(System.Net.HttpStatusCode.Forbidden, response.StatusCode, "requests must be SigV4-signed");
    }

    private static JsonObject Fargate(string cpu, string memory) => new()
    {
        ["family"] = "web",
        ["networkMode"] = "awsvpc",
        ["requiresCompatibilities"] = new JsonArray("FARGATE"),
        ["cpu"] = cpu,
        ["memory"] = memory,
        ["containerDefinitions"] = new JsonArray(new JsonObject
        {
            ["name"] = "web",
            ["image"] = "nginx",
            ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 }),
        }),
    };
}
