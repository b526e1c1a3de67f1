using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// The AWS CLI (awscli 1.x, which validates every response against its models) against LocalEcs, for each operation
/// the deployment engine uses.
/// </summary>
[TestClass]
[TestCategory("AwsCli")]
public sealed class CliTests
{
    [TestMethod]
    public async Task Sts_and_ec2_describe_the_account_and_default_network()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var identity = local.Cli("sts", "get-caller-identity");
        Assert.AreEqual("123456789012", identity["Account"]!.GetValue<string>());
        Assert.AreEqual("arn:aws:iam::123456789012:user/localecs", identity["Arn"]!.GetValue<string>());
        var role = local.Cli("sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/deployer", "--role-session-name", "ci");
        Assert.AreEqual("arn:aws:sts::123456789012:assumed-role/deployer/ci", role["AssumedRoleUser"]!["Arn"]!.GetValue<string>());

        var vpcs = local.Cli("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true");
        var vpcId = vpcs["Vpcs"]![0]!["VpcId"]!.GetValue<string>();
        Assert.IsTrue(vpcs["Vpcs"]![0]!["IsDefault"]!.GetValue<bool>());
        var subnets = local.Cli("ec2", "describe-subnets", "--filters", $"Name=vpc-id,Values={vpcId}", "Name=default-for-az,Values=true");
        Assert.AreEqual(2, subnets["Subnets"]!.AsArray().Count);
        Assert.AreEqual(2, subnets["Subnets"]!.AsArray().Select(s => s!["AvailabilityZone"]!.GetValue<string>()).Distinct().Count(), "two zones");
        var one = subnets["Subnets"]![1]!["SubnetId"]!.GetValue<string>();
        Assert.AreEqual(1, local.Cli("ec2", "describe-subnets", "--filters", $"Name=subnet-id,Values={one}")["Subnets"]!.AsArray().Count);
        var groups = local.Cli("ec2", "describe-security-groups", "--filters", $"Name=vpc-id,Values={vpcId}", "Name=group-name,Values=default");
        var groupId = groups["SecurityGroups"]![0]!["GroupId"]!.GetValue<string>();
        Assert.AreEqual(1, local.Cli("ec2", "describe-security-groups", "--filters", $"Name=group-id,Values={groupId}")["SecurityGroups"]!.AsArray().Count);
        var created = local.Cli("ec2", "create-security-group", "--group-name", "web", "--description", "web tasks", "--vpc-id", vpcId);
        StringAssert.StartsWith(created["GroupId"]!.GetValue<string>(), "sg-");
        StringAssert.Contains(local.CliError("ec2", "describe-subnets", "--subnet-ids", "subnet-0000000000000000"), "InvalidSubnetID.NotFound");
    }

    [TestMethod]
    public async Task Ecr_repositories_token_and_images_work_through_the_cli_and_the_registry_checks_the_token()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var repository = local.Cli("ecr", "create-repository", "--repository-name", "team/app", "--image-tag-mutability", "IMMUTABLE")["repository"]!;
        Assert.AreEqual($"{local.Registry}/team/app", repository["repositoryUri"]!.GetValue<string>());
        StringAssert.Contains(local.CliError("ecr", "create-repository", "--repository-name", "team/app"), "RepositoryAlreadyExistsException");
        Assert.AreEqual(1, local.Cli("ecr", "describe-repositories", "--repository-names", "team/app")["repositories"]!.AsArray().Count);
        StringAssert.Contains(local.CliError("ecr", "describe-repositories", "--repository-names", "missing"), "RepositoryNotFoundException");

        var authorization = local.Cli("ecr", "get-authorization-token")["authorizationData"]![0]!;
        Assert.AreEqual($"http://{local.Registry}", authorization["proxyEndpoint"]!.GetValue<string>());
        var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["authorizationToken"]!.GetValue<string>()));
        StringAssert.StartsWith(credentials, "AWS:");

        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        using (var response = await local.Aws.Http.SendAsync(anonymous))
        {
            Assert.AreEqual(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
            StringAssert.StartsWith(response.Headers.WwwAuthenticate.ToString(), "Basic realm=");
        }

        using var authorized = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        authorized.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", authorization["authorizationToken"]!.GetValue<string>());
        using (var response = await local.Aws.Http.SendAsync(authorized))
        {
            Assert.AreEqual(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        var images = local.Cli("ecr", "describe-images", "--repository-name", "localecs/base");
        var index = images["imageDetails"]!.AsArray().Single(i => i!["imageTags"]!.AsArray().Count > 0)!;
        Assert.AreEqual("latest", index["imageTags"]![0]!.GetValue<string>());
        Assert.AreEqual("application/vnd.oci.image.index.v1+json", index["imageManifestMediaType"]!.GetValue<string>());
        Assert.AreEqual(3, images["imageDetails"]!.AsArray().Count, "the index and one image per architecture");
        var batch = local.Cli("ecr", "batch-get-image", "--repository-name", "localecs/base", "--image-ids", "imageTag=latest");
        StringAssert.Contains(batch["images"]![0]!["imageManifest"]!.GetValue<string>(), "\"arm64\"");
        const string policy = "{\"rules\":[{\"rulePriority\":1,\"description\":\"keep ten\",\"selection\":{\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":10},\"action\":{\"type\":\"expire\"}}]}";
        local.Cli("ecr", "put-lifecycle-policy", "--repository-name", "team/app", "--lifecycle-policy-text", policy);
        Assert.AreEqual(policy, local.Cli("ecr", "get-lifecycle-policy", "--repository-name", "team/app")["lifecyclePolicyText"]!.GetValue<string>());
        local.Cli("ecr", "delete-repository", "--repository-name", "team/app");
    }

    [TestMethod]
    public async Task Ecs_rolling_deployment_tasks_logs_and_one_off_tasks_through_the_cli()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(local.Aws);
        local.Cli("ecs", "create-cluster", "--cluster-name", "prod");
        local.Cli("logs", "create-log-group", "--log-group-name", "/ecs/web");
        local.Cli("logs", "put-retention-policy", "--log-group-name", "/ecs/web", "--retention-in-days", "7");
        Assert.AreEqual(7, local.Cli("logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/")["logGroups"]![0]!["retentionInDays"]!.GetValue<int>());
        string Register(string? simulate) => local.Cli("ecs", "register-task-definition", "--cli-input-json", TaskDefinitionJson(local.Registry, simulate))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        var v1 = Register(null);
        StringAssert.EndsWith(v1, "task-definition/web:1");
        var network = $"awsvpcConfiguration={{subnets=[{string.Join(',', subnets)}],securityGroups=[{group}],assignPublicIp=DISABLED}}";
        var created = local.Cli("ecs", "create-service", "--cluster", "prod", "--service-name", "web", "--task-definition", "web", "--desired-count", "2",
            "--launch-type", "FARGATE", "--network-configuration", network,
            "--deployment-configuration", "maximumPercent=200,minimumHealthyPercent=100,deploymentCircuitBreaker={enable=true,rollback=true}");
        Assert.AreEqual("ACTIVE", created["service"]!["status"]!.GetValue<string>());
        local.Cli("ecs", "wait", "services-stable", "--cluster", "prod", "--services", "web");
        Assert.IsTrue(Stable(local), "the CLI's services-stable waiter agrees");

        var v2 = Register("slow-start:5");
        var updated = local.Cli("ecs", "update-service", "--cluster", "prod", "--service", "web", "--task-definition", v2);
        Assert.AreEqual(2, updated["service"]!["deployments"]!.AsArray().Count);
        var deployments = local.Cli("ecs", "list-service-deployments", "--cluster", "prod", "--service", "web")["serviceDeployments"]!.AsArray();
        Assert.AreEqual(2, deployments.Count);
        var arn = deployments[0]!["serviceDeploymentArn"]!.GetValue<string>();
        await LiveLocalEcs.WaitUntilAsync(() => Task.FromResult(
            local.Cli("ecs", "describe-service-deployments", "--service-deployment-arns", arn)["serviceDeployments"]![0]!["status"]!.GetValue<string>() == "SUCCESSFUL"), "the second deployment");
        var record = local.Cli("ecs", "describe-service-deployments", "--service-deployment-arns", arn)["serviceDeployments"]![0]!;
        Assert.AreEqual("MONITORING_COMPLETE", record["deploymentCircuitBreaker"]!["status"]!.GetValue<string>());
        var revisions = local.Cli("ecs", "describe-service-revisions", "--service-revision-arns", record["targetServiceRevision"]!["arn"]!.GetValue<string>());
        Assert.AreEqual(v2, revisions["serviceRevisions"]![0]!["taskDefinition"]!.GetValue<string>());
        StringAssert.StartsWith(revisions["serviceRevisions"]![0]!["containerImages"]![0]!["imageDigest"]!.GetValue<string>(), "sha256:");

        var tasks = local.Cli("ecs", "list-tasks", "--cluster", "prod", "--service-name", "web")["taskArns"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.AreEqual(2, tasks.Count);
        var described = local.Cli(["ecs", "describe-tasks", "--cluster", "prod", "--tasks", .. tasks])["tasks"]!.AsArray();
        Assert.IsTrue(described.All(t => t!["lastStatus"]!.GetValue<string>() == "RUNNING" && t["taskDefinitionArn"]!.GetValue<string>() == v2));
        var taskId = tasks[0].Split('/')[^1];
        var events = local.Cli("logs", "get-log-events", "--log-group-name", "/ecs/web", "--log-stream-name", $"app/web/{taskId}", "--start-from-head")["events"]!.AsArray();
        Assert.IsTrue(events.Any(e => e!["message"]!.GetValue<string>().Contains("Now listening on: http://[::]:8080", StringComparison.Ordinal)));
        var filtered = local.Cli("logs", "filter-log-events", "--log-group-name", "/ecs/web", "--filter-pattern", "\"Now listening\"")["events"]!.AsArray();
        Assert.IsTrue(filtered.Count >= 4, "one line per task started so far");

        var run = local.Cli("ecs", "run-task", "--cluster", "prod", "--task-definition", v1, "--launch-type", "FARGATE", "--network-configuration", network,
            "--overrides", "{\"containerOverrides\":[{\"name\":\"web\",\"environment\":[{\"name\":\"LOCALECS_SIMULATE\",\"value\":\"crash\"}]}]}");
        var oneOff = run["tasks"]![0]!["taskArn"]!.GetValue<string>();
        await LiveLocalEcs.WaitUntilAsync(() => Task.FromResult(local.Cli("ecs", "describe-tasks", "--cluster", "prod", "--tasks", oneOff)["tasks"]![0]!["lastStatus"]!.GetValue<string>() == "STOPPED"), "the one-off task stops");
        var stopped = local.Cli("ecs", "describe-tasks", "--cluster", "prod", "--tasks", oneOff)["tasks"]![0]!;
        Assert.AreEqual("EssentialContainerExited", stopped["stopCode"]!.GetValue<string>());
        Assert.AreEqual(1, stopped["containers"]![0]!["exitCode"]!.GetValue<int>());

        var stoppedByUser = local.Cli("ecs", "stop-task", "--cluster", "prod", "--task", tasks[1], "--reason", "rehearsal")["task"]!;
        Assert.AreEqual("STOPPED", stoppedByUser["desiredStatus"]!.GetValue<string>());
        Assert.AreEqual("rehearsal", stoppedByUser["stoppedReason"]!.GetValue<string>());
        Assert.AreEqual("UserInitiated", stoppedByUser["stopCode"]!.GetValue<string>());
        Assert.AreEqual(1, local.Cli("ecs", "list-services", "--cluster", "prod")["serviceArns"]!.AsArray().Count);
        Assert.AreEqual(1, local.Cli("ecs", "list-task-definitions", "--family-prefix", "web", "--sort", "DESC")["taskDefinitionArns"]!.AsArray().Count(a => a!.GetValue<string>() == v2));
        Assert.AreEqual("INACTIVE", local.Cli("ecs", "deregister-task-definition", "--task-definition", "web:1")["taskDefinition"]!["status"]!.GetValue<string>());
        var clusters = local.Cli("ecs", "describe-clusters", "--clusters", "prod", "missing");
        Assert.AreEqual("MISSING", clusters["failures"]![0]!["reason"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task Elbv2_load_balancers_target_groups_listeners_and_weighted_rules_through_the_cli()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var (subnets, _, vpc) = await Scenario.DefaultNetworkAsync(local.Aws);
        var created = local.Cli(["elbv2", "create-load-balancer", "--name", "web", "--subnets", .. subnets])["LoadBalancers"]![0]!;
        Assert.AreEqual("provisioning", created["State"]!["Code"]!.GetValue<string>());
        var balancer = created["LoadBalancerArn"]!.GetValue<string>();
        local.Cli("elbv2", "wait", "load-balancer-available", "--load-balancer-arns", balancer);
        string Group(string name) => local.Cli("elbv2", "create-target-group", "--name", name, "--protocol", "HTTP", "--port", "8080", "--vpc-id", vpc, "--target-type", "ip")["TargetGroups"]![0]!["TargetGroupArn"]!.GetValue<string>();
        var blue = Group("blue");
        var green = Group("green");
        var attributes = local.Cli("elbv2", "modify-target-group-attributes", "--target-group-arn", blue, "--attributes", "Key=deregistration_delay.timeout_seconds,Value=30")["Attributes"]!.AsArray();
        Assert.AreEqual("30", attributes.Single(a => a!["Key"]!.GetValue<string>() == "deregistration_delay.timeout_seconds")!["Value"]!.GetValue<string>());
        var listener = local.Cli("elbv2", "create-listener", "--load-balancer-arn", balancer, "--protocol", "HTTP", "--port", "80", "--default-actions", $"Type=forward,TargetGroupArn={blue}")["Listeners"]![0]!["ListenerArn"]!.GetValue<string>();
        var forward = $"[{{\"Type\":\"forward\",\"ForwardConfig\":{{\"TargetGroups\":[{{\"TargetGroupArn\":\"{blue}\",\"Weight\":90}},{{\"TargetGroupArn\":\"{green}\",\"Weight\":10}}]}}}}]";
        var rule = local.Cli("elbv2", "create-rule", "--listener-arn", listener, "--priority", "10", "--conditions", "Field=path-pattern,Values=/api/*", "--actions", forward)["Rules"]![0]!;
        Assert.AreEqual("10", rule["Priority"]!.GetValue<string>());
        var weights = rule["Actions"]![0]!["ForwardConfig"]!["TargetGroups"]!.AsArray().Select(g => g!["Weight"]!.GetValue<int>()).ToList();
        CollectionAssert.AreEqual(new List<int> { 90, 10 }, weights);
        var rules = local.Cli("elbv2", "describe-rules", "--listener-arn", listener)["Rules"]!.AsArray();
        Assert.AreEqual(2, rules.Count);
        Assert.IsTrue(rules[1]!["IsDefault"]!.GetValue<bool>());
        local.Cli("elbv2", "modify-rule", "--rule-arn", rule["RuleArn"]!.GetValue<string>(), "--actions", $"Type=forward,TargetGroupArn={green}");
        Assert.AreEqual(2, local.Cli("elbv2", "describe-target-groups", "--load-balancer-arn", balancer)["TargetGroups"]!.AsArray().Count);
        local.Cli("elbv2", "register-targets", "--target-group-arn", blue, "--targets", "Id=172.31.0.99,Port=8080");
        var health = local.Cli("elbv2", "describe-target-health", "--target-group-arn", blue)["TargetHealthDescriptions"]!.AsArray();
        Assert.AreEqual("172.31.0.99", health[0]!["Target"]!["Id"]!.GetValue<string>());
        await LiveLocalEcs.WaitUntilAsync(() => Task.FromResult(local.Cli("elbv2", "describe-target-health", "--target-group-arn", blue)["TargetHealthDescriptions"]![0]!["TargetHealth"]!["State"]!.GetValue<string>() == "healthy"), "the target passes its health checks");
        local.Cli("elbv2", "deregister-targets", "--target-group-arn", blue, "--targets", "Id=172.31.0.99,Port=8080");
        local.Cli("elbv2", "add-tags", "--resource-arns", balancer, "--tags", "Key=team,Value=web");
        Assert.AreEqual("web", local.Cli("elbv2", "describe-tags", "--resource-arns", balancer)["TagDescriptions"]![0]!["Tags"]![0]!["Value"]!.GetValue<string>());
        Assert.AreEqual(1, local.Cli("elbv2", "describe-listeners", "--load-balancer-arn", balancer)["Listeners"]!.AsArray().Count);
        StringAssert.Contains(local.CliError("elbv2", "describe-target-groups", "--target-group-arns", blue + "0"), "TargetGroupNotFound");
        StringAssert.Contains(local.CliError("elbv2", "delete-target-group", "--target-group-arn", blue), "ResourceInUse");
    }

    [TestMethod]
    public async Task Blue_green_with_pause_hook_is_continued_through_the_cli_and_alarms_use_cloudwatch_cbor()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(local.Aws);
        var balancer = await Scenario.LoadBalancerAsync(local.Aws, "bg", subnets, vpc);
        local.Cli("cloudwatch", "put-metric-alarm", "--alarm-name", "web-errors", "--metric-name", "HTTPCode_Target_5XX_Count", "--namespace", "AWS/ApplicationELB",
            "--statistic", "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "1", "--comparison-operator", "GreaterThanOrEqualToThreshold");
        local.Cli("cloudwatch", "set-alarm-state", "--alarm-name", "web-errors", "--state-value", "OK", "--state-reason", "quiet");
        Assert.AreEqual("OK", local.Cli("cloudwatch", "describe-alarms", "--alarm-names", "web-errors")["MetricAlarms"]![0]!["StateValue"]!.GetValue<string>());
        local.Cli("ecs", "create-cluster", "--cluster-name", "prod");
        var v1 = local.Cli("ecs", "register-task-definition", "--cli-input-json", TaskDefinitionJson(local.Registry, null))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        var service = new JsonObject
        {
            ["cluster"] = "prod",
            ["serviceName"] = "web",
            ["taskDefinition"] = v1,
            ["desiredCount"] = 2,
            ["launchType"] = "FARGATE",
            ["networkConfiguration"] = Scenario.AwsVpc(subnets, group),
            ["loadBalancers"] = new JsonArray(new JsonObject
            {
                ["targetGroupArn"] = balancer.BlueTargetGroupArn,
                ["containerName"] = "web",
                ["containerPort"] = 8080,
                ["advancedConfiguration"] = new JsonObject
                {
                    ["alternateTargetGroupArn"] = balancer.GreenTargetGroupArn,
                    ["productionListenerRule"] = balancer.RuleArn,
                    ["roleArn"] = "arn:aws:iam::123456789012:role/ecsInfrastructure",
                },
            }),
            ["deploymentConfiguration"] = new JsonObject
            {
                ["strategy"] = "BLUE_GREEN",
                ["bakeTimeInMinutes"] = 1,
                ["alarms"] = new JsonObject { ["alarmNames"] = new JsonArray("web-errors"), ["enable"] = true, ["rollback"] = true },
                ["lifecycleHooks"] = new JsonArray(new JsonObject { ["targetType"] = "PAUSE", ["lifecycleStages"] = new JsonArray("POST_TEST_TRAFFIC_SHIFT") }),
            },
        };
        local.Cli("ecs", "create-service", "--cli-input-json", service.ToJsonString());
        await LiveLocalEcs.WaitUntilAsync(() => Task.FromResult(Stable(local)), "the first deployment");
        var v2 = local.Cli("ecs", "register-task-definition", "--cli-input-json", TaskDefinitionJson(local.Registry, null))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        local.Cli("ecs", "update-service", "--cluster", "prod", "--service", "web", "--task-definition", v2);
        var arn = local.Cli("ecs", "list-service-deployments", "--cluster", "prod", "--service", "web", "--status", "IN_PROGRESS", "PENDING")["serviceDeployments"]![0]!["serviceDeploymentArn"]!.GetValue<string>();
        JsonNode Record() => local.Cli("ecs", "describe-service-deployments", "--service-deployment-arns", arn)["serviceDeployments"]![0]!;
        await LiveLocalEcs.WaitUntilAsync(() => Task.FromResult(Record()["lifecycleHookDetails"]?.AsArray().Any(h => h!["status"]!.GetValue<string>() == "AWAITING_ACTION") == true), "the PAUSE hook");
        var hookId = Record()["lifecycleHookDetails"]![0]!["hookId"]!.GetValue<string>();
        local.Cli("ecs", "continue-service-deployment", "--service-deployment-arn", arn, "--hook-id", hookId, "--action", "CONTINUE");
        await LiveLocalEcs.WaitUntilAsync(() => Task.FromResult(Record()["status"]!.GetValue<string>() == "SUCCESSFUL"), "blue/green completes");
        Assert.AreEqual("MONITORING_COMPLETE", Record()["alarms"]!["status"]!.GetValue<string>());
        var rule = local.Cli("elbv2", "describe-rules", "--rule-arns", balancer.RuleArn)["Rules"]![0]!;
        var green = rule["Actions"]![0]!["ForwardConfig"]!["TargetGroups"]!.AsArray().Single(g => g!["TargetGroupArn"]!.GetValue<string>() == balancer.GreenTargetGroupArn)!;
        Assert.AreEqual(100, green["Weight"]!.GetValue<int>());
        local.Cli("cloudwatch", "delete-alarms", "--alarm-names", "web-errors");
    }

    [TestMethod]
    public async Task Cloud_map_auto_scaling_and_task_sets_through_the_cli()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(local.Aws);
        var operation = local.Cli("servicediscovery", "create-private-dns-namespace", "--name", "internal.local", "--vpc", vpc)["OperationId"]!.GetValue<string>();
        var completed = local.Cli("servicediscovery", "get-operation", "--operation-id", operation)["Operation"]!;
        Assert.AreEqual("SUCCESS", completed["Status"]!.GetValue<string>());
        var namespaceId = completed["Targets"]!["NAMESPACE"]!.GetValue<string>();
        Assert.AreEqual("DNS_PRIVATE", local.Cli("servicediscovery", "get-namespace", "--id", namespaceId)["Namespace"]!["Type"]!.GetValue<string>());
        var registry = local.Cli("servicediscovery", "create-service", "--name", "web", "--namespace-id", namespaceId,
            "--dns-config", "RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=10}]", "--health-check-custom-config", "FailureThreshold=1")["Service"]!;
        local.Cli("ecs", "create-cluster", "--cluster-name", "prod");
        var v1 = local.Cli("ecs", "register-task-definition", "--cli-input-json", TaskDefinitionJson(local.Registry, null))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        var network = $"awsvpcConfiguration={{subnets=[{subnets[0]}],securityGroups=[{group}]}}";
        local.Cli("ecs", "create-service", "--cluster", "prod", "--service-name", "web", "--task-definition", v1, "--desired-count", "2", "--launch-type", "FARGATE",
            "--network-configuration", network, "--service-registries", $"registryArn={registry["Arn"]!.GetValue<string>()}");
        await LiveLocalEcs.WaitUntilAsync(() => Task.FromResult(Stable(local)), "the deployment");
        var instances = local.Cli("servicediscovery", "list-instances", "--service-id", registry["Id"]!.GetValue<string>())["Instances"]!.AsArray();
        Assert.AreEqual(2, instances.Count);
        Assert.IsTrue(instances.All(i => i!["Attributes"]!["AWS_INSTANCE_IPV4"]!.GetValue<string>().StartsWith("172.31.", StringComparison.Ordinal)));
        Assert.AreEqual("prod", instances[0]!["Attributes"]!["ECS_CLUSTER_NAME"]!.GetValue<string>());

        local.Cli("application-autoscaling", "register-scalable-target", "--service-namespace", "ecs", "--resource-id", "service/prod/web",
            "--scalable-dimension", "ecs:service:DesiredCount", "--min-capacity", "2", "--max-capacity", "6",
            "--suspended-state", "DynamicScalingInSuspended=true,DynamicScalingOutSuspended=false,ScheduledScalingSuspended=true");
        var target = local.Cli("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs", "--resource-ids", "service/prod/web")["ScalableTargets"]![0]!;
        Assert.IsTrue(target["SuspendedState"]!["DynamicScalingInSuspended"]!.GetValue<bool>());
        var policy = local.Cli("application-autoscaling", "put-scaling-policy", "--service-namespace", "ecs", "--resource-id", "service/prod/web",
            "--scalable-dimension", "ecs:service:DesiredCount", "--policy-name", "cpu", "--policy-type", "TargetTrackingScaling",
            "--target-tracking-scaling-policy-configuration", "{\"TargetValue\":60,\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":\"ECSServiceAverageCPUUtilization\"}}");
        Assert.AreEqual(2, policy["Alarms"]!.AsArray().Count);
        Assert.AreEqual(1, local.Cli("application-autoscaling", "describe-scaling-policies", "--service-namespace", "ecs", "--resource-id", "service/prod/web")["ScalingPolicies"]!.AsArray().Count);
        local.Cli("application-autoscaling", "put-scheduled-action", "--service-namespace", "ecs", "--resource-id", "service/prod/web", "--scalable-dimension", "ecs:service:DesiredCount",
            "--scheduled-action-name", "night", "--schedule", "cron(0 22 * * ? *)", "--scalable-target-action", "MinCapacity=1,MaxCapacity=2");
        Assert.AreEqual("cron(0 22 * * ? *)", local.Cli("application-autoscaling", "describe-scheduled-actions", "--service-namespace", "ecs")["ScheduledActions"]![0]!["Schedule"]!.GetValue<string>());
        StringAssert.Contains(local.CliError("application-autoscaling", "register-scalable-target", "--service-namespace", "ecs", "--resource-id", "service/prod/missing",
            "--scalable-dimension", "ecs:service:DesiredCount", "--min-capacity", "1", "--max-capacity", "2"), "ValidationException");
        var (status, _) = await local.Aws.ControlAsync(HttpMethod.Post, "autoscaling/desired-count", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["desiredCount"] = 4 });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status);
        Assert.AreEqual(4, local.Cli("ecs", "describe-services", "--cluster", "prod", "--services", "web")["services"]![0]!["desiredCount"]!.GetValue<int>());
        (status, _) = await local.Aws.ControlAsync(HttpMethod.Post, "autoscaling/desired-count", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["desiredCount"] = 2 });
        Assert.AreEqual(System.Net.HttpStatusCode.Conflict, status, "scale-in is suspended");
        Assert.AreEqual(2, local.Cli("application-autoscaling", "describe-scaling-activities", "--service-namespace", "ecs", "--resource-id", "service/prod/web")["ScalingActivities"]!.AsArray().Count);

        local.Cli("ecs", "create-service", "--cluster", "prod", "--service-name", "ext", "--desired-count", "2", "--deployment-controller", "type=EXTERNAL");
        var taskSet = local.Cli("ecs", "create-task-set", "--cluster", "prod", "--service", "ext", "--task-definition", v1, "--launch-type", "FARGATE",
            "--network-configuration", network, "--scale", "unit=PERCENT,value=50", "--external-id", "canary")["taskSet"]!;
        Assert.AreEqual(1, taskSet["computedDesiredCount"]!.GetValue<int>());
        var id = taskSet["id"]!.GetValue<string>();
        local.Cli("ecs", "update-task-set", "--cluster", "prod", "--service", "ext", "--task-set", id, "--scale", "unit=PERCENT,value=100");
        local.Cli("ecs", "update-service-primary-task-set", "--cluster", "prod", "--service", "ext", "--primary-task-set", id);
        await LiveLocalEcs.WaitUntilAsync(() => Task.FromResult(
            local.Cli("ecs", "describe-task-sets", "--cluster", "prod", "--service", "ext")["taskSets"]![0]!["stabilityStatus"]!.GetValue<string>() == "STEADY_STATE"), "the task set stabilizes");
        var described = local.Cli("ecs", "describe-task-sets", "--cluster", "prod", "--service", "ext", "--task-sets", id)["taskSets"]![0]!;
        Assert.AreEqual("PRIMARY", described["status"]!.GetValue<string>());
        Assert.AreEqual(2, described["runningCount"]!.GetValue<int>());
        StringAssert.Contains(local.CliError("ecs", "delete-task-set", "--cluster", "prod", "--service", "ext", "--task-set", id), "InvalidParameterException");
        Assert.AreEqual("DRAINING", local.Cli("ecs", "delete-task-set", "--cluster", "prod", "--service", "ext", "--task-set", id, "--force")["taskSet"]!["status"]!.GetValue<string>());
        StringAssert.Contains(local.CliError("ecs", "create-task-set", "--cluster", "prod", "--service", "web", "--task-definition", v1), "InvalidParameterException");
    }

    private static bool Stable(LiveLocalEcs local)
    {
        var service = local.Cli("ecs", "describe-services", "--cluster", "prod", "--services", "web")["services"]![0]!;
        var deployments = service["deployments"]!.AsArray();
        return deployments.Count == 1 && deployments[0]!["rolloutState"]!.GetValue<string>() == "COMPLETED" && service["runningCount"]!.GetValue<int>() == service["desiredCount"]!.GetValue<int>();
    }

    internal static string TaskDefinitionJson(string registry, string? simulate) => new JsonObject
    {
        ["family"] = "web",
        ["networkMode"] = "awsvpc",
        ["requiresCompatibilities"] = new JsonArray("FARGATE"),
        ["cpu"] = "256",
        ["memory"] = "512",
        ["executionRoleArn"] = Scenario.ExecutionRole,
        ["containerDefinitions"] = new JsonArray(new JsonObject
        {
            ["name"] = "web",
            ["image"] = $"{registry}/localecs/base:latest",
            ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 }),
            ["environment"] = simulate is null ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = "LOCALECS_SIMULATE", ["value"] = simulate }),
            ["logConfiguration"] = new JsonObject
            {
                ["logDriver"] = "awslogs",
                ["options"] = new JsonObject { ["awslogs-group"] = "/ecs/web", ["awslogs-region"] = "us-east-1", ["awslogs-stream-prefix"] = "app", ["awslogs-create-group"] = "true" },
            },
        }),
    }.ToJsonString();
}
