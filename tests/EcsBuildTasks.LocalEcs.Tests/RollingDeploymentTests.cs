using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>Rolling deployments, circuit breaker, alarms and stop requests, on simulated time.</summary>
[TestClass]
public sealed class RollingDeploymentTests
{
    [TestMethod]
    public async Task Rolling_deployment_of_four_tasks_at_50_200_completes_and_never_drops_below_minimum_healthy()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(aws);
        var balancer = await Scenario.LoadBalancerAsync(aws, "roll", subnets, vpc);
        await Scenario.ClusterAsync(aws, "prod");
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest");
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "web", v1, 4, subnets, group)
            .LoadBalancer(balancer.BlueTargetGroupArn)
            .Deployment("minimumHealthyPercent", 50).Deployment("maximumPercent", 200)

            // v2 starts slowly: its targets fail their first checks, which the grace period tolerates.
            .With("healthCheckGracePeriodSeconds", 60));
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(10), "initial deployment");

        var v2 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest", simulate: "slow-start:20");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });

        var lowestHealthy = int.MaxValue;
        var lowestRunning = int.MaxValue;
        var highestLive = 0;
        var samples = 0;
        for (var second = 0; second < 900; second += 2)
        {
            var service = await Scenario.ServiceAsync(aws, "prod", "web");
            var healthy = (await Scenario.TargetHealthAsync(aws, balancer.BlueTargetGroupArn)).Count(t => t.State == "healthy");
            lowestHealthy = Math.Min(lowestHealthy, healthy);
            lowestRunning = Math.Min(lowestRunning, service["runningCount"]!.GetValue<int>());
            lock (sim.Server.Runtime.State.Sync)
            {
                highestLive = Math.Max(highestLive, sim.Server.Runtime.State.Regions["us-east-1"].Clusters["prod"].Tasks.Values.Count(t => t.LastStatus != "STOPPED"));
            }

            samples++;
            if ((await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL")
            {
                break;
            }

            sim.Advance(TimeSpan.FromSeconds(2));
        }

        var final = await Scenario.ServiceAsync(aws, "prod", "web");
        Assert.AreEqual("SUCCESSFUL", (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>(), "the deployment completes");
        Assert.IsTrue(samples > 10, $"the deployment took several samples ({samples})");
        Assert.IsTrue(lowestHealthy >= 2, $"healthy targets never below minimumHealthyPercent 50% of 4 (lowest {lowestHealthy})");
        Assert.IsTrue(lowestRunning >= 2, $"running tasks never below 2 (lowest {lowestRunning})");
        Assert.IsTrue(highestLive <= 8, $"never more than maximumPercent 200% of 4 tasks (highest {highestLive})");
        Assert.AreEqual(4, final["runningCount"]!.GetValue<int>());
        var deployments = final["deployments"]!.AsArray();
        Assert.AreEqual(1, deployments.Count, "old deployment drained out of deployments[]");
        Assert.AreEqual(v2, deployments[0]!["taskDefinition"]!.GetValue<string>());
        Assert.AreEqual("COMPLETED", deployments[0]!["rolloutState"]!.GetValue<string>());
        var messages = final["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();
        CollectionAssert.Contains(messages, "(service web) has reached a steady state.");
        Assert.IsTrue(messages.Any(m => m.StartsWith("(service web) has started 4 tasks:", StringComparison.Ordinal) || m.StartsWith("(service web) has started ", StringComparison.Ordinal)));
        Assert.IsTrue(messages.Any(m => m.Contains("registered", StringComparison.Ordinal) && m.Contains(balancer.BlueTargetGroupArn, StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task Crashing_image_trips_the_circuit_breaker_and_rolls_back_to_the_previous_revision()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "prod");
        await aws.JsonAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = "/ecs/web" });
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest", logGroup: "/ecs/web");
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "web", v1, 2, subnets, group).CircuitBreaker());
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(5), "initial deployment");
        var firstRevision = (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["targetServiceRevision"]!["arn"]!.GetValue<string>();

        var v2 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest", simulate: "crash", logGroup: "/ecs/web");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });

        var sawFailedDeployment = false;
        await sim.AdvanceUntilAsync(async () =>
        {
            var service = await Scenario.ServiceAsync(aws, "prod", "web");
            sawFailedDeployment |= service["deployments"]!.AsArray().Any(d => d!["rolloutState"]!.GetValue<string>() == "FAILED" && d["taskDefinition"]!.GetValue<string>() == v2);
            return (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "ROLLBACK_SUCCESSFUL";
        }, TimeSpan.FromMinutes(10), "rollback completes", TimeSpan.FromSeconds(1));

        var record = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        Assert.IsTrue(sawFailedDeployment, "deployments[] showed the new deployment FAILED during the rollback");
        Assert.AreEqual("TRIGGERED", record["deploymentCircuitBreaker"]!["status"]!.GetValue<string>());
        Assert.AreEqual(3, record["deploymentCircuitBreaker"]!["threshold"]!.GetValue<int>(), "BOUNDED_PERCENT 50 of 2 is clamped up to 3");
        Assert.IsTrue(record["deploymentCircuitBreaker"]!["failureCount"]!.GetValue<int>() >= 3);
        Assert.AreEqual(firstRevision, record["rollback"]!["serviceRevisionArn"]!.GetValue<string>());
        StringAssert.Contains(record["statusReason"]!.GetValue<string>(), "tasks failed to start");
        var service = await Scenario.ServiceAsync(aws, "prod", "web");
        Assert.AreEqual(v1, service["taskDefinition"]!.GetValue<string>());
        Assert.AreEqual(2, service["runningCount"]!.GetValue<int>());
        var messages = service["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();
        Assert.IsTrue(messages.Any(m => m.StartsWith("(service web) deployment ecs-svc/", StringComparison.Ordinal) && m.EndsWith("deployment failed: tasks failed to start.", StringComparison.Ordinal)), string.Join('\n', messages));
        Assert.IsTrue(messages.Any(m => m.StartsWith("(service web) rolling back to deployment ecs-svc/", StringComparison.Ordinal)));

        var stopped = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "prod", ["serviceName"] = "web", ["desiredStatus"] = "STOPPED" });
        var tasks = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "prod", ["tasks"] = stopped["taskArns"]!.DeepClone() }))["tasks"]!.AsArray();
        var crashed = tasks.First(t => t!["taskDefinitionArn"]!.GetValue<string>() == v2)!;
        Assert.AreEqual("Essential container in task exited", crashed["stoppedReason"]!.GetValue<string>());
        Assert.AreEqual("EssentialContainerExited", crashed["stopCode"]!.GetValue<string>());
        Assert.AreEqual(1, crashed["containers"]![0]!["exitCode"]!.GetValue<int>());
        Assert.AreEqual("STOPPED", crashed["lastStatus"]!.GetValue<string>());

        var taskId = crashed["taskArn"]!.GetValue<string>().Split('/')[^1];
        var logs = await aws.JsonAsync("logs", "GetLogEvents", new JsonObject { ["logGroupName"] = "/ecs/web", ["logStreamName"] = $"app/web/{taskId}", ["startFromHead"] = true });
        var lines = logs["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();
        CollectionAssert.Contains(lines, "      Now listening on: http://[::]:8080");
        CollectionAssert.Contains(lines, "Unhandled exception. System.InvalidOperationException: LOCALECS_SIMULATE=crash");
    }

    [TestMethod]
    public async Task Alarm_in_ALARM_state_fails_the_deployment_and_rolls_back()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(aws);
        var balancer = await Scenario.LoadBalancerAsync(aws, "alarm", subnets, vpc);
        await Scenario.ClusterAsync(aws, "prod");
        await aws.JsonAsync("cloudwatch", "PutMetricAlarm", new JsonObject
        {
            ["AlarmName"] = "web-5xx",
            ["MetricName"] = "HTTPCode_Target_5XX_Count",
            ["Namespace"] = "AWS/ApplicationELB",
            ["Statistic"] = "Sum",
            ["Period"] = 60,
            ["EvaluationPeriods"] = 1,
            ["Threshold"] = 5,
            ["ComparisonOperator"] = "GreaterThanThreshold",
        });
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest");
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "web", v1, 2, subnets, group).LoadBalancer(balancer.BlueTargetGroupArn).Alarms("web-5xx"));
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(10), "initial deployment");

        var v2 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest", simulate: "slow-start:30");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        sim.Advance(TimeSpan.FromSeconds(20));
        Assert.AreEqual("IN_PROGRESS", (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>());
        await aws.JsonAsync("cloudwatch", "SetAlarmState", new JsonObject { ["AlarmName"] = "web-5xx", ["StateValue"] = "ALARM", ["StateReason"] = "rehearsal" });
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "ROLLBACK_SUCCESSFUL", TimeSpan.FromMinutes(10), "alarm rollback");

        var record = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        Assert.AreEqual("TRIGGERED", record["alarms"]!["status"]!.GetValue<string>());
        Assert.AreEqual("web-5xx", record["alarms"]!["triggeredAlarmNames"]![0]!.GetValue<string>());
        Assert.AreEqual(v1, (await Scenario.ServiceAsync(aws, "prod", "web"))["taskDefinition"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task StopServiceDeployment_rolls_back_mid_flight_and_updates_without_change_start_nothing()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "prod");
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest");
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "web", v1, 3, subnets, group));
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(5), "initial deployment");

        // No effective change: no new service deployment, and an omitted desiredCount keeps the current one.
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v1 });
        var listed = await aws.EcsAsync("ListServiceDeployments", new JsonObject { ["cluster"] = "prod", ["service"] = "web" });
        Assert.AreEqual(1, listed["serviceDeployments"]!.AsArray().Count);
        Assert.AreEqual(3, (await Scenario.ServiceAsync(aws, "prod", "web"))["desiredCount"]!.GetValue<int>());

        var v2 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest", simulate: "slow-start:120");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        listed = await aws.EcsAsync("ListServiceDeployments", new JsonObject { ["cluster"] = "prod", ["service"] = "web" });
        Assert.AreEqual(2, listed["serviceDeployments"]!.AsArray().Count, "the new service deployment is listed right after UpdateService");
        var arn = listed["serviceDeployments"]![0]!["serviceDeploymentArn"]!.GetValue<string>();
        sim.Advance(TimeSpan.FromSeconds(3));
        await aws.EcsAsync("StopServiceDeployment", new JsonObject { ["serviceDeploymentArn"] = arn, ["stopType"] = "ROLLBACK" });
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "ROLLBACK_SUCCESSFUL", TimeSpan.FromMinutes(10), "stop rollback");
        var service = await Scenario.ServiceAsync(aws, "prod", "web");
        Assert.AreEqual(v1, service["taskDefinition"]!.GetValue<string>());
        Assert.AreEqual(3, service["runningCount"]!.GetValue<int>());

        var conflict = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("StopServiceDeployment", new JsonObject { ["serviceDeploymentArn"] = arn, ["stopType"] = "ROLLBACK" }));
        Assert.AreEqual("ConflictException", conflict.Code);
    }

    [TestMethod]
    public async Task Daemon_service_runs_one_task_per_container_instance_and_follows_the_instance_count()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 3);
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "edge");
        var definition = await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = "agent",
            ["networkMode"] = "bridge",
            ["requiresCompatibilities"] = new JsonArray("EC2"),
            ["containerDefinitions"] = new JsonArray(new JsonObject
            {
                ["name"] = "agent",
                ["image"] = $"{sim.Registry}/localecs/base:latest",
                ["memory"] = 128,
                ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["hostPort"] = 0 }),
            }),
        });
        await aws.EcsAsync("CreateService", ServiceRequest.Of("edge", "agent", definition["taskDefinition"]!["taskDefinitionArn"]!).With("launchType", "EC2").With("schedulingStrategy", "DAEMON"));
        sim.Advance(TimeSpan.FromSeconds(30));

        async Task<List<JsonNode>> RunningTasks()
        {
            var arns = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "edge", ["serviceName"] = "agent" });
            if (arns["taskArns"]!.AsArray().Count == 0)
            {
                return [];
            }

            var described = await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "edge", ["tasks"] = arns["taskArns"]!.DeepClone() });
            return described["tasks"]!.AsArray().Where(t => t!["lastStatus"]!.GetValue<string>() == "RUNNING").Select(t => t!).ToList();
        }

        var tasks = await RunningTasks();
        Assert.AreEqual(3, tasks.Count);
        Assert.AreEqual(3, tasks.Select(t => t["containerInstanceArn"]!.GetValue<string>()).Distinct().Count(), "one task per container instance");
        Assert.IsTrue(tasks.All(t => t["containers"]![0]!["networkBindings"]![0]!["hostPort"]!.GetValue<int>() >= 32768), "bridge mode with hostPort 0 gets a dynamic host port");
        var service = await Scenario.ServiceAsync(aws, "edge", "agent");
        Assert.AreEqual(3, service["desiredCount"]!.GetValue<int>());
        Assert.AreEqual(100, service["deploymentConfiguration"]!["maximumPercent"]!.GetValue<int>());
        Assert.AreEqual(0, service["deploymentConfiguration"]!["minimumHealthyPercent"]!.GetValue<int>());

        var (status, body) = await aws.ControlAsync(HttpMethod.Put, "container-instances", new JsonObject { ["cluster"] = "edge", ["count"] = 4 });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);
        sim.Advance(TimeSpan.FromSeconds(30));
        Assert.AreEqual(4, (await RunningTasks()).Count);
        var instances = await aws.EcsAsync("ListContainerInstances", new JsonObject { ["cluster"] = "edge" });
        Assert.AreEqual(4, instances["containerInstanceArns"]!.AsArray().Count);
    }

    [TestMethod]
    public async Task A_held_deployment_runs_its_tasks_healthy_but_stays_in_progress_until_released_then_completes()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "prod");

        // Held before the service exists: its first deployment is held too.
        var (status, body) = await aws.ControlAsync(HttpMethod.Put, "deployments/hold", new JsonObject { ["cluster"] = "prod", ["service"] = "web" });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest");
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("prod", "web", v1, 2, subnets, group));
        sim.Advance(TimeSpan.FromMinutes(30));

        var service = await Scenario.ServiceAsync(aws, "prod", "web");
        Assert.AreEqual(2, service["runningCount"]!.GetValue<int>(), "the tasks run");
        Assert.AreEqual("IN_PROGRESS", service["deployments"]![0]!["rolloutState"]!.GetValue<string>());
        var deployment = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        Assert.AreEqual("IN_PROGRESS", deployment["status"]!.GetValue<string>(), "held half an hour after its tasks were healthy");
        var holds = JsonNode.Parse((await aws.ControlAsync(HttpMethod.Get, "deployments/hold")).Body)!["holds"]!.AsArray();
        Assert.AreEqual(1, holds.Count);
        Assert.AreEqual("web", (string?)holds[0]!["service"]);
        Assert.AreEqual(deployment["serviceDeploymentArn"]!.GetValue<string>(), (string?)holds[0]!["serviceDeployment"]!["serviceDeploymentArn"]);
        Assert.AreEqual(v1, (string?)holds[0]!["serviceDeployment"]!["taskDefinition"]);

        (status, body) = await aws.ControlAsync(HttpMethod.Delete, "deployments/hold", new JsonObject { ["cluster"] = "prod", ["service"] = "web" });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(1), "the released deployment to complete");
        Assert.AreEqual("COMPLETED", (await Scenario.ServiceAsync(aws, "prod", "web"))["deployments"]![0]!["rolloutState"]!.GetValue<string>());
        Assert.AreEqual(0, JsonNode.Parse((await aws.ControlAsync(HttpMethod.Get, "deployments/hold")).Body)!["holds"]!.AsArray().Count);

        // A newer deployment started while one is held replaces it, as on ECS; it is held in turn.
        await aws.ControlAsync(HttpMethod.Put, "deployments/hold", new JsonObject { ["cluster"] = "prod", ["service"] = "web" });
        var v2 = await Scenario.FargateTaskDefinitionAsync(aws, "web", $"{sim.Registry}/localecs/base:latest", simulate: "slow-start:5");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        sim.Advance(TimeSpan.FromMinutes(10));
        Assert.AreEqual("IN_PROGRESS", (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>());
        await aws.ControlAsync(HttpMethod.Delete, "deployments/hold", new JsonObject { ["cluster"] = "prod", ["service"] = "web" });
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(1), "the second released deployment to complete");
        Assert.AreEqual(v2, (await Scenario.ServiceAsync(aws, "prod", "web"))["taskDefinition"]!.GetValue<string>());
    }
}
