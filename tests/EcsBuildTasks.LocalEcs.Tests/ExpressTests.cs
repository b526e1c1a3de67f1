using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>ECS Express Mode services: provisioning seen through ELBv2, EC2, Auto Scaling and CloudWatch, the URL, canary updates, rollback, deletion.</summary>
[TestClass]
public sealed class ExpressTests
{
    internal const string InfrastructureRole = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices";
    private const string Image = "public.ecr.aws/nginx/nginx:1.27";

    [TestMethod]
    public async Task Create_provisions_the_load_balancer_target_groups_security_groups_alarm_and_scaling_and_the_url_reaches_the_tasks()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        await DbParameterAsync(sim.Aws);
        var aws = sim.Aws;
        var created = (await aws.EcsAsync("CreateExpressGatewayService", Request("web", Container(Image))))["service"]!;
        var serviceArn = created["serviceArn"]!.GetValue<string>();
        Assert.AreEqual("arn:aws:ecs:us-east-1:123456789012:service/default/web", serviceArn, "an Express service is an ECS service of the default cluster");
        Assert.AreEqual("ACTIVE", created["status"]!["statusCode"]!.GetValue<string>());
        var configuration = created["activeConfigurations"]![0]!;
        Assert.AreEqual(0, configuration["ingressPaths"]!.AsArray().Count, "no URL while the load balancer is provisioning");
        Assert.AreEqual("/health", configuration["healthCheckPath"]!.GetValue<string>());
        Assert.AreEqual(8080, configuration["primaryContainer"]!["containerPort"]!.GetValue<int>());
        Assert.AreEqual("/aws/ecs/default/web", configuration["primaryContainer"]!["awsLogsConfiguration"]!["logGroup"]!.GetValue<string>());
        Assert.AreEqual("256", configuration["cpu"]!.GetValue<string>());
        Assert.AreEqual("512", configuration["memory"]!.GetValue<string>());
        var taskDefinition = configuration["taskDefinitionArn"]!.GetValue<string>();

        var service = await Scenario.ServiceAsync(aws, "default", "web");
        Assert.AreEqual("ECS", service["resourceManagementType"]!.GetValue<string>());
        Assert.AreEqual("CANARY", service["deploymentConfiguration"]!["strategy"]!.GetValue<string>());
        var described = await aws.EcsAsync("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = taskDefinition });
        var main = described["taskDefinition"]!["containerDefinitions"]![0]!;
        Assert.AreEqual("Main", main["name"]!.GetValue<string>());
        Assert.AreEqual(Image, main["image"]!.GetValue<string>());
        Assert.AreEqual("FEATURE", main["environment"]![0]!["name"]!.GetValue<string>());
        Assert.AreEqual("arn:aws:ssm:us-east-1:123456789012:parameter/db", main["secrets"]![0]!["valueFrom"]!.GetValue<string>());

        // What ECS provisioned, through the services' own APIs.
        var balancers = await aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancers", Scenario.ElbVersion);
        var balancer = balancers.All("member").Single(m => m.Value("LoadBalancerName")?.StartsWith("ecs-express-gateway-alb-", StringComparison.Ordinal) == true);
        Assert.AreEqual("internet-facing", balancer.Value("Scheme"));
        var balancerArn = balancer.Value("LoadBalancerArn")!;
        var listener = (await aws.QueryAsync("elasticloadbalancing", "DescribeListeners", Scenario.ElbVersion, ("LoadBalancerArn", balancerArn))).All("member").First();
        Assert.AreEqual("HTTPS", listener.Value("Protocol"));
        Assert.AreEqual("443", listener.Value("Port"));
        StringAssert.StartsWith(listener.Value("CertificateArn"), "arn:aws:acm:us-east-1:123456789012:certificate/");
        var rules = await aws.QueryAsync("elasticloadbalancing", "DescribeRules", Scenario.ElbVersion, ("ListenerArn", listener.Value("ListenerArn")!));
        var hostRule = rules.All("Rules").Single().Elements().Single(r => r.Value("IsDefault") == "false");
        var host = hostRule.All("Values").First().Elements().First().Value;
        StringAssert.Matches(host, new System.Text.RegularExpressions.Regex(@"^we-[0-9a-f]{32}\.ecs\.us-east-1\.on\.aws$"));
        var groups = await aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion, ("LoadBalancerArn", balancerArn));
        var targetGroups = groups.All("TargetGroups").Single().Elements().ToList();
        Assert.AreEqual(2, targetGroups.Count, "two target groups for canary deployments");
        Assert.IsTrue(targetGroups.All(g => g.Value("HealthCheckPath") == "/health" && g.Value("Port") == "8080" && g.Value("TargetType") == "ip"));
        var securityGroups = (await aws.QueryAsync("ec2", "DescribeSecurityGroups", "2016-11-15")).All("groupName").Select(e => e.Value).ToList();
        Assert.IsTrue(securityGroups.Any(n => n.StartsWith("ecs-express-gateway-alb-", StringComparison.Ordinal)), string.Join(", ", securityGroups));
        Assert.IsTrue(securityGroups.Any(n => n.StartsWith("ecs-express-web-", StringComparison.Ordinal)), "the tasks' own security group");
        var targets = await aws.JsonAsync("application-autoscaling", "DescribeScalableTargets", new JsonObject { ["ServiceNamespace"] = "ecs" });
        var target = targets["ScalableTargets"]!.AsArray().Single()!;
        Assert.AreEqual("service/default/web", target["ResourceId"]!.GetValue<string>());
        Assert.AreEqual(2, target["MinCapacity"]!.GetValue<int>());
        Assert.AreEqual(5, target["MaxCapacity"]!.GetValue<int>());
        var policy = (await aws.JsonAsync("application-autoscaling", "DescribeScalingPolicies", new JsonObject { ["ServiceNamespace"] = "ecs" }))["ScalingPolicies"]!.AsArray().Single()!;
        Assert.AreEqual("TargetTrackingScaling", policy["PolicyType"]!.GetValue<string>());
        Assert.AreEqual("ALBRequestCountPerTarget", policy["TargetTrackingScalingPolicyConfiguration"]!["PredefinedMetricSpecification"]!["PredefinedMetricType"]!.GetValue<string>());
        Assert.AreEqual(500, policy["TargetTrackingScalingPolicyConfiguration"]!["TargetValue"]!.GetValue<double>());
        var alarms = (await aws.JsonAsync("cloudwatch", "DescribeAlarms", new JsonObject { ["AlarmNamePrefix"] = "web-express-rollback" }))["MetricAlarms"]!.AsArray();
        Assert.AreEqual(1, alarms.Count, "the rollback alarm");
        CollectionAssert.Contains(service["deploymentConfiguration"]!["alarms"]!["alarmNames"]!.AsArray().Select(n => n!.GetValue<string>()).ToList(), alarms[0]!["AlarmName"]!.GetValue<string>());

        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "default", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL",
            TimeSpan.FromMinutes(5), "the first deployment completes");
        var ready = (await DescribeAsync(aws, serviceArn))["activeConfigurations"]![0]!["ingressPaths"]!.AsArray();
        Assert.AreEqual(1, ready.Count);
        Assert.AreEqual("PUBLIC", ready[0]!["accessType"]!.GetValue<string>());
        Assert.AreEqual(host, ready[0]!["endpoint"]!.GetValue<string>(), "the URL is the host the load balancer rule answers");

        var resolved = await ResolveAsync(aws, $"https://{host}/health");
        Assert.AreEqual("web", resolved["serviceName"]!.GetValue<string>());
        Assert.AreEqual(balancerArn, resolved["loadBalancerArn"]!.GetValue<string>());
        var serving = resolved["servingTargets"]!.AsArray();
        Assert.AreEqual(2, serving.Count, "minTaskCount tasks answer");
        Assert.IsTrue(serving.All(t => t!["taskDefinitionArn"]!.GetValue<string>() == taskDefinition));
        var (status, _) = await aws.ControlAsync(HttpMethod.Get, "express/resolve?url=" + Uri.EscapeDataString("https://nobody-0.ecs.us-east-1.on.aws/"));
        Assert.AreEqual(HttpStatusCode.NotFound, status);
    }

    [TestMethod]
    public async Task Update_deploys_a_canary_then_all_traffic_and_the_url_serves_the_new_revision()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        await DbParameterAsync(sim.Aws);
        var aws = sim.Aws;
        var (serviceArn, host) = await CreateAndWaitAsync(sim, "shop");
        var updated = (await aws.EcsAsync("UpdateExpressGatewayService", new JsonObject
        {
            ["serviceArn"] = serviceArn,
            ["primaryContainer"] = Container(Image.Replace("1.27", "1.28", StringComparison.Ordinal)),
        }))["service"]!;
        var v2 = updated["targetConfiguration"]!["taskDefinitionArn"]!.GetValue<string>();
        StringAssert.EndsWith(v2, "task-definition/express-shop:2");
        Assert.AreEqual(8080, updated["targetConfiguration"]!["primaryContainer"]!["containerPort"]!.GetValue<int>(), "the port carries over");

        var sawCanary = false;
        var sawBoth = false;
        await sim.AdvanceUntilAsync(async () =>
        {
            var resolved = await ResolveAsync(aws, $"https://{host}/");
            var percents = resolved["targetGroups"]!.AsArray().Select(g => g!["trafficPercent"]!.GetValue<double>()).ToList();
            sawCanary |= percents.Contains(5);
            sawBoth |= (await DescribeAsync(aws, serviceArn))["activeConfigurations"]!.AsArray().Count == 2;
            return (await Scenario.LatestServiceDeploymentAsync(aws, "default", "shop"))["status"]!.GetValue<string>() == "SUCCESSFUL";
        }, TimeSpan.FromMinutes(15), "the canary deployment completes", TimeSpan.FromSeconds(10));

        Assert.IsTrue(sawCanary, "5% of the traffic went to the new revision first");
        Assert.IsTrue(sawBoth, "both configurations were active during the deployment");
        var after = await DescribeAsync(aws, serviceArn);
        Assert.AreEqual(1, after["activeConfigurations"]!.AsArray().Count);
        Assert.AreEqual(v2, after["activeConfigurations"]![0]!["taskDefinitionArn"]!.GetValue<string>());
        var serving = (await ResolveAsync(aws, $"https://{host}/"))["servingTargets"]!.AsArray();
        Assert.IsTrue(serving.Count >= 2 && serving.All(t => t!["taskDefinitionArn"]!.GetValue<string>() == v2), serving.ToJsonString());

        var unchanged = (await aws.EcsAsync("UpdateExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn, ["healthCheckPath"] = "/health" }))["service"]!;
        Assert.AreEqual(v2, unchanged["targetConfiguration"]!["taskDefinitionArn"]!.GetValue<string>());
        Assert.AreEqual("SUCCESSFUL", (await Scenario.LatestServiceDeploymentAsync(aws, "default", "shop"))["status"]!.GetValue<string>(), "no change, no deployment");
    }

    [TestMethod]
    public async Task A_crashing_revision_rolls_back_and_the_previous_configuration_keeps_serving()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        await DbParameterAsync(sim.Aws);
        var aws = sim.Aws;
        var (serviceArn, host) = await CreateAndWaitAsync(sim, "api");
        var v1 = (await DescribeAsync(aws, serviceArn))["activeConfigurations"]![0]!["taskDefinitionArn"]!.GetValue<string>();
        var crashing = Container(Image);
        crashing["environment"] = new JsonArray(new JsonObject { ["name"] = "LOCALECS_SIMULATE", ["value"] = "crash" });
        await aws.EcsAsync("UpdateExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn, ["primaryContainer"] = crashing });

        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "default", "api"))["status"]!.GetValue<string>() == "ROLLBACK_SUCCESSFUL",
            TimeSpan.FromMinutes(15), "the failed canary rolls back");
        var record = await Scenario.LatestServiceDeploymentAsync(aws, "default", "api");
        Assert.AreEqual("TRIGGERED", record["deploymentCircuitBreaker"]!["status"]!.GetValue<string>());
        var after = await DescribeAsync(aws, serviceArn);
        Assert.AreEqual("ACTIVE", after["status"]!["statusCode"]!.GetValue<string>());
        Assert.AreEqual(1, after["activeConfigurations"]!.AsArray().Count);
        Assert.AreEqual(v1, after["activeConfigurations"]![0]!["taskDefinitionArn"]!.GetValue<string>(), "the previous configuration is the active one again");
        var resolved = await ResolveAsync(aws, $"https://{host}/");
        Assert.IsTrue(resolved["servingTargets"]!.AsArray().All(t => t!["taskDefinitionArn"]!.GetValue<string>() == v1));
        Assert.IsTrue(resolved["targetGroups"]!.AsArray().Any(g => g!["trafficPercent"]!.GetValue<double>() == 100), "all traffic back on one target group");
        var stopped = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "default", ["serviceName"] = "api", ["desiredStatus"] = "STOPPED" });
        var reasons = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "default", ["tasks"] = stopped["taskArns"]!.DeepClone() }))["tasks"]!.AsArray();
        Assert.IsTrue(reasons.Any(t => t!["stoppedReason"]!.GetValue<string>() == "Essential container in task exited"), "the stopped tasks say why");
    }

    [TestMethod]
    public async Task The_rollback_alarm_going_into_alarm_during_the_canary_rolls_back()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        await DbParameterAsync(sim.Aws);
        var aws = sim.Aws;
        var (serviceArn, _) = await CreateAndWaitAsync(sim, "cart");
        var alarm = (await Scenario.ServiceAsync(aws, "default", "cart"))["deploymentConfiguration"]!["alarms"]!["alarmNames"]![0]!.GetValue<string>();
        await aws.EcsAsync("UpdateExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn, ["cpu"] = "512", ["memory"] = "1024" });
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "default", "cart"))["lifecycleStage"]?.GetValue<string>() == "PRODUCTION_TRAFFIC_SHIFT",
            TimeSpan.FromMinutes(5), "the canary takes traffic");
        await aws.JsonAsync("cloudwatch", "SetAlarmState", new JsonObject { ["AlarmName"] = alarm, ["StateValue"] = "ALARM", ["StateReason"] = "5xx above 1%" });
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "default", "cart"))["status"]!.GetValue<string>() == "ROLLBACK_SUCCESSFUL",
            TimeSpan.FromMinutes(10), "the alarm rolls the deployment back");
        var after = await DescribeAsync(aws, serviceArn);
        Assert.AreEqual("256", after["activeConfigurations"]![0]!["cpu"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task Delete_drains_the_service_and_removes_what_ECS_provisioned()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        await DbParameterAsync(sim.Aws);
        var aws = sim.Aws;
        var (serviceArn, host) = await CreateAndWaitAsync(sim, "gone");
        var deleted = (await aws.EcsAsync("DeleteExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn }))["service"]!;
        Assert.AreEqual("DRAINING", deleted["status"]!["statusCode"]!.GetValue<string>());
        var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("DeleteExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn }));
        Assert.AreEqual("ServiceNotActiveException", error.Code);

        await sim.AdvanceUntilAsync(async () => (await DescribeAsync(aws, serviceArn))["status"]!["statusCode"]!.GetValue<string>() == "INACTIVE",
            TimeSpan.FromMinutes(5), "the service and its resources are gone");
        var balancers = await aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancers", Scenario.ElbVersion);
        Assert.AreEqual(0, balancers.All("LoadBalancerName").Count(), "the load balancer no other Express service uses is deleted");
        var groups = await aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion);
        Assert.AreEqual(0, groups.All("TargetGroupArn").Count());
        var securityGroups = (await aws.QueryAsync("ec2", "DescribeSecurityGroups", "2016-11-15")).All("groupName").Select(e => e.Value).ToList();
        Assert.IsFalse(securityGroups.Any(n => n.StartsWith("ecs-express", StringComparison.Ordinal)), string.Join(", ", securityGroups));
        Assert.AreEqual(0, (await aws.JsonAsync("application-autoscaling", "DescribeScalableTargets", new JsonObject { ["ServiceNamespace"] = "ecs" }))["ScalableTargets"]!.AsArray().Count);
        Assert.AreEqual(0, (await aws.JsonAsync("cloudwatch", "DescribeAlarms", new JsonObject()))["MetricAlarms"]!.AsArray().Count);
        var (status, _) = await aws.ControlAsync(HttpMethod.Get, "express/resolve?url=" + Uri.EscapeDataString($"https://{host}/"));
        Assert.AreEqual(HttpStatusCode.NotFound, status, "nothing answers on the URL any more");
    }

    [TestMethod]
    public async Task Services_of_one_VPC_share_the_load_balancer_and_deleting_one_keeps_it()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        await DbParameterAsync(sim.Aws);
        var aws = sim.Aws;
        var (first, _) = await CreateAndWaitAsync(sim, "one");
        var (_, secondHost) = await CreateAndWaitAsync(sim, "two");
        var balancers = await aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancers", Scenario.ElbVersion);
        Assert.AreEqual(1, balancers.All("LoadBalancerName").Count(), "one load balancer, one host-header rule per service");
        await aws.EcsAsync("DeleteExpressGatewayService", new JsonObject { ["serviceArn"] = first });
        await sim.AdvanceUntilAsync(async () => (await DescribeAsync(aws, first))["status"]!["statusCode"]!.GetValue<string>() == "INACTIVE", TimeSpan.FromMinutes(5), "first deleted");
        Assert.AreEqual(1, (await aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancers", Scenario.ElbVersion)).All("LoadBalancerName").Count());
        Assert.AreEqual("two", (await ResolveAsync(aws, $"https://{secondHost}/"))["serviceName"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task Invalid_requests_get_the_errors_the_model_declares()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        await DbParameterAsync(sim.Aws);
        var aws = sim.Aws;
        async Task<AwsErrorException> Fails(string operation, JsonObject body, string code)
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync(operation, body));
            Assert.AreEqual(code, error.Code, error.Body);
            return error;
        }

        var noRole = Request("x", Container(Image));
        noRole.Remove("infrastructureRoleArn");
        await Fails("CreateExpressGatewayService", noRole, "InvalidParameterException");
        var badSize = Request("x", Container(Image));
        badSize["cpu"] = "256";
        badSize["memory"] = "4096";
        StringAssert.Contains((await Fails("CreateExpressGatewayService", badSize, "InvalidParameterException")).AwsMessage, "No Fargate configuration exists");
        var both = Request("x", Container(Image));
        both["taskDefinitionArn"] = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
        await Fails("CreateExpressGatewayService", both, "InvalidParameterException");
        await Fails("CreateExpressGatewayService", new JsonObject { ["infrastructureRoleArn"] = InfrastructureRole, ["cluster"] = "nope", ["primaryContainer"] = Container(Image), ["executionRoleArn"] = Scenario.ExecutionRole }, "ClusterNotFoundException");
        var badPath = Request("x", Container(Image));
        badPath["healthCheckPath"] = "health";
        await Fails("CreateExpressGatewayService", badPath, "InvalidParameterException");

        var noMain = await Scenario.FargateTaskDefinitionAsync(aws, "sidecars", Image);
        var withTaskDefinition = new JsonObject { ["infrastructureRoleArn"] = InfrastructureRole, ["serviceName"] = "td", ["taskDefinitionArn"] = noMain };
        StringAssert.Contains((await Fails("CreateExpressGatewayService", withTaskDefinition, "InvalidParameterException")).AwsMessage, "Main");
        var ec2Only = (await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = "bridge",
            ["containerDefinitions"] = new JsonArray(new JsonObject { ["name"] = "Main", ["image"] = Image, ["memory"] = 128, ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 80, ["name"] = "http" }) }),
        }))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        withTaskDefinition["taskDefinitionArn"] = ec2Only;
        await Fails("CreateExpressGatewayService", withTaskDefinition, "PlatformTaskDefinitionIncompatibilityException");

        await Fails("DescribeExpressGatewayService", new JsonObject { ["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/default/ghost" }, "ClusterNotFoundException");
        await Scenario.ClusterAsync(aws, "default");
        await Fails("DescribeExpressGatewayService", new JsonObject { ["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/default/ghost" }, "ResourceNotFoundException");
        await Fails("UpdateExpressGatewayService", new JsonObject { ["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/default/ghost" }, "ServiceNotFoundException");
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        var customer = await Scenario.FargateTaskDefinitionAsync(aws, "customer", Image);
        await aws.EcsAsync("CreateService", new JsonObject
        {
            ["serviceName"] = "customer",
            ["taskDefinition"] = customer,
            ["desiredCount"] = 0,
            ["launchType"] = "FARGATE",
            ["networkConfiguration"] = Scenario.AwsVpc(subnets, group),
        });
        StringAssert.Contains((await Fails("UpdateExpressGatewayService", new JsonObject { ["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/default/customer", ["cpu"] = "512" }, "InvalidParameterException")).AwsMessage, "not an Express service");
        var oneZone = Request("zone", Container(Image));
        oneZone["networkConfiguration"] = new JsonObject { ["subnets"] = new JsonArray(subnets[0]) };
        await Fails("CreateExpressGatewayService", oneZone, "InvalidParameterException");
    }

    [TestMethod]
    public async Task A_given_task_definition_with_a_Main_container_runs_as_is()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        await DbParameterAsync(sim.Aws);
        var aws = sim.Aws;
        var registered = await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = "withsidecar",
            ["networkMode"] = "awsvpc",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"),
            ["cpu"] = "512",
            ["memory"] = "1024",
            ["executionRoleArn"] = Scenario.ExecutionRole,
            ["containerDefinitions"] = new JsonArray(
                new JsonObject { ["name"] = "Main", ["image"] = Image, ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 5000, ["name"] = "http" }) },
                new JsonObject { ["name"] = "otel", ["image"] = "public.ecr.aws/aws-observability/aws-otel-collector:latest", ["essential"] = false }),
        });
        var arn = registered["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        var created = (await aws.EcsAsync("CreateExpressGatewayService", new JsonObject
        {
            ["infrastructureRoleArn"] = InfrastructureRole,
            ["serviceName"] = "sidecar",
            ["taskDefinitionArn"] = arn,
        }))["service"]!;
        var configuration = created["activeConfigurations"]![0]!;
        Assert.AreEqual(arn, configuration["taskDefinitionArn"]!.GetValue<string>());
        Assert.IsNull(configuration["primaryContainer"]);
        Assert.AreEqual("512", configuration["cpu"]!.GetValue<string>());
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "default", "sidecar"))["status"]!.GetValue<string>() == "SUCCESSFUL",
            TimeSpan.FromMinutes(5), "the service runs the given task definition");
        var groups = await aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion);
        Assert.IsTrue(groups.All("Port").All(p => p.Value == "5000"), "the target groups route to the Main container's port");
    }

    /// <summary>The SSM parameter <see cref="Container"/> names: LocalEcs, like ECS, starts a task only when its secrets exist.</summary>
    internal static Task DbParameterAsync(AwsClient aws) =>
        aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "db", ["Value"] = "postgres://db", ["Type"] = "SecureString", ["Overwrite"] = true });

    internal static JsonObject Container(string image) => new()
    {
        ["image"] = image,
        ["containerPort"] = 8080,
        ["environment"] = new JsonArray(new JsonObject { ["name"] = "FEATURE", ["value"] = "on" }),
        ["secrets"] = new JsonArray(new JsonObject { ["name"] = "DB", ["valueFrom"] = "arn:aws:ssm:us-east-1:123456789012:parameter/db" }),
    };

    internal static JsonObject Request(string name, JsonObject container) => new()
    {
        ["serviceName"] = name,
        ["infrastructureRoleArn"] = InfrastructureRole,
        ["executionRoleArn"] = Scenario.ExecutionRole,
        ["healthCheckPath"] = "/health",
        ["primaryContainer"] = container,
        ["scalingTarget"] = new JsonObject { ["minTaskCount"] = 2, ["maxTaskCount"] = 5, ["autoScalingMetric"] = "REQUEST_COUNT_PER_TARGET", ["autoScalingTargetValue"] = 500 },
        ["tags"] = new JsonArray(new JsonObject { ["key"] = "team", ["value"] = "web" }),
    };

    private static async Task<(string ServiceArn, string Host)> CreateAndWaitAsync(SimulatedLocalEcs sim, string name)
    {
        var aws = sim.Aws;
        var serviceArn = (await aws.EcsAsync("CreateExpressGatewayService", Request(name, Container(Image))))["service"]!["serviceArn"]!.GetValue<string>();
        string? host = null;
        await sim.AdvanceUntilAsync(async () =>
        {
            var paths = (await DescribeAsync(aws, serviceArn))["activeConfigurations"]![0]!["ingressPaths"]!.AsArray();
            host = paths.Count > 0 ? paths[0]!["endpoint"]!.GetValue<string>() : null;
            return host is not null && (await Scenario.LatestServiceDeploymentAsync(aws, "default", name))["status"]!.GetValue<string>() == "SUCCESSFUL";
        }, TimeSpan.FromMinutes(5), $"{name} serves");
        return (serviceArn, host!);
    }

    private static async Task<JsonObject> DescribeAsync(AwsClient aws, string serviceArn) =>
        (await aws.EcsAsync("DescribeExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn }))["service"]!.AsObject();

    private static async Task<JsonObject> ResolveAsync(AwsClient aws, string url)
    {
        var (status, body) = await aws.ControlAsync(HttpMethod.Get, "express/resolve?url=" + Uri.EscapeDataString(url));
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        return JsonNode.Parse(body)!.AsObject();
    }
}
