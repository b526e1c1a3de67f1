using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>What tasks do: image pulls, LOCALECS_SIMULATE failures, health checks, log drivers, Cloud Map, auto scaling.</summary>
[TestClass]
public sealed class TaskBehaviourTests
{
    [TestMethod]
    public async Task Images_missing_from_the_registry_and_simulated_pull_errors_stop_with_CannotPullContainerError()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "jobs");
        await aws.JsonAsync("ecr", "CreateRepository", new JsonObject { ["repositoryName"] = "app" });
        var missingTag = await Scenario.FargateTaskDefinitionAsync(aws, "missing-tag", $"{sim.Registry}/app:1.2.3");
        var missingRepository = await Scenario.FargateTaskDefinitionAsync(aws, "missing-repo", $"{sim.Registry}/ghost:latest");
        var pullError = await Scenario.FargateTaskDefinitionAsync(aws, "pull-error", "public.ecr.aws/nginx/nginx:latest", simulate: "pull-error");
        var foreign = await Scenario.FargateTaskDefinitionAsync(aws, "foreign", "public.ecr.aws/nginx/nginx:latest");

        async Task<JsonNode> RunAsync(string definition)
        {
            var run = await aws.EcsAsync("RunTask", new JsonObject { ["cluster"] = "jobs", ["taskDefinition"] = definition, ["launchType"] = "FARGATE", ["networkConfiguration"] = Scenario.AwsVpc(subnets, group) });
            return run["tasks"]![0]!["taskArn"]!.DeepClone();
        }

        var tasks = new[] { await RunAsync(missingTag), await RunAsync(missingRepository), await RunAsync(pullError), await RunAsync(foreign) };
        sim.Advance(TimeSpan.FromSeconds(30));
        var described = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "jobs", ["tasks"] = new JsonArray(tasks) }))["tasks"]!.AsArray()
            .ToDictionary(t => t!["taskDefinitionArn"]!.GetValue<string>().Split('/')[^1].Split(':')[0], t => t!);
        var notFound = described["missing-tag"];
        Assert.AreEqual("STOPPED", notFound["lastStatus"]!.GetValue<string>());
        Assert.AreEqual("TaskFailedToStart", notFound["stopCode"]!.GetValue<string>());
        Assert.AreEqual($"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {sim.Registry}/app:1.2.3: {sim.Registry}/app:1.2.3: not found", notFound["stoppedReason"]!.GetValue<string>());
        Assert.IsNull(notFound["containers"]![0]!["exitCode"], "a container that never started has no exit code");
        StringAssert.StartsWith(notFound["containers"]![0]!["reason"]!.GetValue<string>(), "CannotPullContainerError");
        StringAssert.Contains(described["missing-repo"]["stoppedReason"]!.GetValue<string>(), "repository does not exist");
        StringAssert.StartsWith(described["pull-error"]["stoppedReason"]!.GetValue<string>(), "CannotPullContainerError: pull image manifest has been retried 5 time(s)");
        Assert.AreEqual("RUNNING", described["foreign"]["lastStatus"]!.GetValue<string>(), "images from other registries cannot be checked offline and are assumed to exist");
    }

    [TestMethod]
    public async Task Unhealthy_targets_and_failed_container_health_checks_replace_tasks_and_trip_the_breaker()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(aws);
        var balancer = await Scenario.LoadBalancerAsync(aws, "sick", subnets, vpc);
        await Scenario.ClusterAsync(aws, "prod");
        var unhealthy = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest", simulate: "unhealthy");
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "web", unhealthy, 1, subnets, group).LoadBalancer(balancer.BlueTargetGroupArn).CircuitBreaker(rollback: false, failureCount: 2));
        var sawUnhealthy = false;
        await sim.AdvanceUntilAsync(async () =>
        {
            sawUnhealthy |= (await Scenario.TargetHealthAsync(aws, balancer.BlueTargetGroupArn)).Any(t => t.State == "unhealthy");
            return (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "STOPPED";
        }, TimeSpan.FromMinutes(10), "the circuit breaker stops the deployment", TimeSpan.FromSeconds(2));
        Assert.IsTrue(sawUnhealthy, "the target group reported the target unhealthy");
        var record = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        Assert.AreEqual("TRIGGERED", record["deploymentCircuitBreaker"]!["status"]!.GetValue<string>());
        Assert.AreEqual(2, record["deploymentCircuitBreaker"]!["threshold"]!.GetValue<int>());
        var service = await Scenario.ServiceAsync(aws, "prod", "web");
        Assert.AreEqual("FAILED", service["deployments"]![0]!["rolloutState"]!.GetValue<string>(), "without rollback the deployment stays, FAILED");
        Assert.IsTrue(service["deployments"]![0]!["failedTasks"]!.GetValue<int>() >= 2);
        var stopped = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "prod", ["desiredStatus"] = "STOPPED" });
        var task = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "prod", ["tasks"] = new JsonArray(stopped["taskArns"]![0]!.DeepClone()) }))["tasks"]![0]!;
        Assert.AreEqual($"Task failed ELB health checks in (target-group {balancer.BlueTargetGroupArn})", task["stoppedReason"]!.GetValue<string>());

        var checkedDefinition = await Scenario.FargateTaskDefinitionAsync(aws, "checked", $"{sim.Registry}/localecs/base:latest", simulate: "unhealthy",
            healthCheck: new JsonObject { ["command"] = new JsonArray("CMD-SHELL", "curl -f http://localhost:8080/health"), ["interval"] = 10, ["retries"] = 2 });
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "checked", checkedDefinition, 1, subnets, group));
        sim.Advance(TimeSpan.FromSeconds(60));
        var checkedStopped = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "prod", ["serviceName"] = "checked", ["desiredStatus"] = "STOPPED" });
        var failed = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "prod", ["tasks"] = new JsonArray(checkedStopped["taskArns"]![0]!.DeepClone()) }))["tasks"]![0]!;
        Assert.AreEqual("Task failed container health checks", failed["stoppedReason"]!.GetValue<string>());
        Assert.AreEqual("UNHEALTHY", failed["containers"]![0]!["healthStatus"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task Awslogs_needs_its_log_group_and_cloud_map_instances_follow_running_tasks()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "prod");
        var noGroup = await Scenario.FargateTaskDefinitionAsync(aws, "nogroup", $"{sim.Registry}/localecs/base:latest", logGroup: "/ecs/absent");
        var run = await aws.EcsAsync("RunTask", new JsonObject { ["cluster"] = "prod", ["taskDefinition"] = noGroup, ["launchType"] = "FARGATE", ["networkConfiguration"] = Scenario.AwsVpc(subnets, group) });
        sim.Advance(TimeSpan.FromSeconds(20));
        var task = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "prod", ["tasks"] = new JsonArray(run["tasks"]![0]!["taskArn"]!.DeepClone()) }))["tasks"]![0]!;
        StringAssert.StartsWith(task["stoppedReason"]!.GetValue<string>(), "ResourceInitializationError: failed to validate logger args");

        var operation = await aws.JsonAsync("servicediscovery", "CreatePrivateDnsNamespace", new JsonObject { ["Name"] = "prod.local", ["Vpc"] = vpc });
        var namespaceId = (await aws.JsonAsync("servicediscovery", "GetOperation", new JsonObject { ["OperationId"] = operation["OperationId"]!.DeepClone() }))["Operation"]!["Targets"]!["NAMESPACE"]!.DeepClone();
        var registry = (await aws.JsonAsync("servicediscovery", "CreateService", new JsonObject
        {
            ["Name"] = "api",
            ["NamespaceId"] = namespaceId,
            ["DnsConfig"] = new JsonObject { ["DnsRecords"] = new JsonArray(new JsonObject { ["Type"] = "SRV", ["TTL"] = 10 }) },
        }))["Service"]!;
        var definition = await Scenario.FargateTaskDefinitionAsync(aws, "api", $"{sim.Registry}/localecs/base:latest");
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "api", definition, 3, subnets, group)
            .With("serviceRegistries", new JsonArray(new JsonObject { ["registryArn"] = registry["Arn"]!.DeepClone(), ["containerName"] = "web", ["containerPort"] = 8080 })));
        sim.Advance(TimeSpan.FromSeconds(30));
        async Task<JsonArray> InstancesAsync() => (await aws.JsonAsync("servicediscovery", "ListInstances", new JsonObject { ["ServiceId"] = registry["Id"]!.DeepClone() }))["Instances"]!.AsArray();
        var instances = await InstancesAsync();
        Assert.AreEqual(3, instances.Count);
        Assert.IsTrue(instances.All(i => i!["Attributes"]!["AWS_INSTANCE_PORT"]!.GetValue<string>() == "8080"));
        Assert.IsTrue(instances.All(i => i!["Attributes"]!["ECS_SERVICE_NAME"]!.GetValue<string>() == "api"));
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["desiredCount"] = 1 });
        sim.Advance(TimeSpan.FromSeconds(30));
        Assert.AreEqual(1, (await InstancesAsync()).Count, "stopped tasks leave Cloud Map");
    }

    [TestMethod]
    public async Task Bridge_tasks_register_as_instance_targets_on_dynamic_host_ports_and_drain_on_stop()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 2);
        var aws = sim.Aws;
        var (subnets, _, vpc) = await Scenario.DefaultNetworkAsync(aws);
        var parameters = new List<(string, string)> { ("Name", "ec2lb") };
        parameters.AddRange(subnets.Select((s, i) => ($"Subnets.member.{i + 1}", s)));
        var balancer = (await aws.QueryAsync("elasticloadbalancing", "CreateLoadBalancer", Scenario.ElbVersion, [.. parameters])).Value("LoadBalancerArn")!;
        var targetGroup = (await aws.QueryAsync("elasticloadbalancing", "CreateTargetGroup", Scenario.ElbVersion, ("Name", "instances"), ("Protocol", "HTTP"), ("Port", "80"), ("VpcId", vpc),
            ("HealthCheckIntervalSeconds", "10"), ("HealthyThresholdCount", "2"))).Value("TargetGroupArn")!;
        await aws.QueryAsync("elasticloadbalancing", "ModifyTargetGroupAttributes", Scenario.ElbVersion, ("TargetGroupArn", targetGroup),
            ("Attributes.member.1.Key", "deregistration_delay.timeout_seconds"), ("Attributes.member.1.Value", "30"));
        await aws.QueryAsync("elasticloadbalancing", "CreateListener", Scenario.ElbVersion, ("LoadBalancerArn", balancer), ("Protocol", "HTTP"), ("Port", "80"),
            ("DefaultActions.member.1.Type", "forward"), ("DefaultActions.member.1.TargetGroupArn", targetGroup));
        await Scenario.ClusterAsync(aws, "ec2");
        var definition = (await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = "site",
            ["containerDefinitions"] = new JsonArray(new JsonObject
            {
                ["name"] = "site",
                ["image"] = $"{sim.Registry}/localecs/base:latest",
                ["memoryReservation"] = 128,
                ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["hostPort"] = 0 }),
            }),
        }))["taskDefinition"]!["taskDefinitionArn"]!.DeepClone();
        await aws.EcsAsync("CreateService", ServiceRequest.Of("ec2", "site", definition).With("desiredCount", 2).With("launchType", "EC2").LoadBalancer(targetGroup, "site"));
        await sim.AdvanceUntilAsync(async () => (await Scenario.TargetHealthAsync(aws, targetGroup)).Count(t => t.State == "healthy") == 2, TimeSpan.FromMinutes(5), "two healthy instance targets");
        var health = await aws.QueryAsync("elasticloadbalancing", "DescribeTargetHealth", Scenario.ElbVersion, ("TargetGroupArn", targetGroup));
        var targets = health.All("Target").Select(t => (Id: t.Value("Id")!, Port: int.Parse(t.Value("Port")!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.IsTrue(targets.All(t => t.Id.StartsWith("i-", StringComparison.Ordinal) && t.Port >= 32768), string.Join(", ", targets));

        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "ec2", ["service"] = "site", ["desiredCount"] = 1 });
        sim.Advance(TimeSpan.FromSeconds(5));
        Assert.AreEqual(1, (await Scenario.TargetHealthAsync(aws, targetGroup)).Count(t => t.State == "draining"), "the stopped task's target drains");
        var tasks = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "ec2", ["desiredStatus"] = "STOPPED" });
        var stopping = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "ec2", ["tasks"] = tasks["taskArns"]!.DeepClone() }))["tasks"]![0]!;
        Assert.AreEqual("DEACTIVATING", stopping["lastStatus"]!.GetValue<string>(), "the task waits for the deregistration delay");
        sim.Advance(TimeSpan.FromSeconds(40));
        Assert.AreEqual(1, (await Scenario.TargetHealthAsync(aws, targetGroup)).Count);
        stopping = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "ec2", ["tasks"] = tasks["taskArns"]!.DeepClone() }))["tasks"]![0]!;
        Assert.AreEqual("STOPPED", stopping["lastStatus"]!.GetValue<string>());
        Assert.AreEqual("ServiceSchedulerInitiated", stopping["stopCode"]!.GetValue<string>());
        StringAssert.StartsWith(stopping["stoppedReason"]!.GetValue<string>(), "Scaling activity initiated by (deployment ecs-svc/");
    }

    [TestMethod]
    public async Task A_deployment_keeps_the_desired_count_auto_scaling_set()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "prod");
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest");
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "web", v1, 2, subnets, group));
        await aws.JsonAsync("application-autoscaling", "RegisterScalableTarget", new JsonObject
        {
            ["ServiceNamespace"] = "ecs",
            ["ResourceId"] = "service/prod/web",
            ["ScalableDimension"] = "ecs:service:DesiredCount",
            ["MinCapacity"] = 2,
            ["MaxCapacity"] = 5,
        });
        sim.Advance(TimeSpan.FromSeconds(30));
        var (status, body) = await aws.ControlAsync(HttpMethod.Post, "autoscaling/desired-count", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["desiredCount"] = 9 });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);
        StringAssert.Contains(body, "\"desiredCount\": 5", "clamped to MaxCapacity");

        var v2 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(10), "the deployment");
        var service = await Scenario.ServiceAsync(aws, "prod", "web");
        Assert.AreEqual(5, service["desiredCount"]!.GetValue<int>());
        Assert.AreEqual(5, service["runningCount"]!.GetValue<int>());
        Assert.AreEqual(5, (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["targetServiceRevision"]!["requestedTaskCount"]!.GetValue<int>());
    }
}
