using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>ECS managed daemons on Managed Instances capacity providers: placement, instances joining and leaving, deployments per provider, rollback.</summary>
[TestClass]
public sealed class DaemonTests
{
    internal const string InfrastructureRole = "arn:aws:iam::123456789012:role/ecsInfrastructureRole";
    private const string Agent = "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest";

    [TestMethod]
    public async Task A_daemon_runs_one_task_per_instance_and_follows_instances_joining_and_leaving()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 0);
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var provider = await CapacityProviderAsync(sim, "prod", "workers", instances: 2);
        var before = await InstancesAsync(aws, "prod");
        Assert.AreEqual(2, before.Count);

        var definition = await DaemonTaskDefinitionAsync(aws, "agent");
        var created = await aws.EcsAsync("CreateDaemon", new JsonObject
        {
            ["daemonName"] = "agent",
            ["clusterArn"] = "prod",
            ["daemonTaskDefinitionArn"] = definition,
            ["capacityProviderArns"] = new JsonArray(provider),
            ["deploymentConfiguration"] = new JsonObject { ["drainPercent"] = 50.0 },
        });
        var daemonArn = created["daemonArn"]!.GetValue<string>();
        Assert.AreEqual("arn:aws:ecs:us-east-1:123456789012:daemon/prod/agent", daemonArn);
        Assert.AreEqual("ACTIVE", created["status"]!.GetValue<string>());
        await WaitForDeploymentAsync(sim, created["deploymentArn"]!.GetValue<string>(), "SUCCESSFUL");

        var instances = await InstancesAsync(aws, "prod");
        Assert.AreEqual(2, instances.Count);
        Assert.AreEqual(0, instances.Intersect(before).Count(), "the instances that ran before the daemon were drained and replaced");
        var tasks = await DaemonTasksAsync(aws, "prod", "agent");
        Assert.AreEqual(2, tasks.Count);
        CollectionAssert.AreEquivalent(instances, tasks.Select(t => t["containerInstanceArn"]!.GetValue<string>()).ToList(), "one daemon task per instance");
        Assert.IsTrue(tasks.All(t => t["taskDefinitionArn"]!.GetValue<string>() == definition && t["launchType"]!.GetValue<string>() == "MANAGED_INSTANCES"));
        var daemon = (await aws.EcsAsync("DescribeDaemon", new JsonObject { ["daemonArn"] = daemonArn }))["daemon"]!;
        Assert.AreEqual(2, daemon["currentRevisions"]![0]!["totalRunningCount"]!.GetValue<int>());
        Assert.AreEqual(provider, daemon["currentRevisions"]![0]!["capacityProviders"]![0]!["arn"]!.GetValue<string>());
        var health = await aws.EcsAsync("DescribeContainerInstances", new JsonObject { ["cluster"] = "prod", ["containerInstances"] = new JsonArray(instances[0]) });
        Assert.AreEqual("workers", health["containerInstances"]![0]!["capacityProviderName"]!.GetValue<string>());
        Assert.AreEqual("OK", health["containerInstances"]![0]!["healthStatus"]!["overallStatus"]!.GetValue<string>());

        await sim.Aws.ControlAsync(HttpMethod.Put, "capacity-providers/instances", new JsonObject { ["capacityProvider"] = "workers", ["count"] = 3 });
        await sim.AdvanceUntilAsync(async () => (await DaemonTasksAsync(aws, "prod", "agent")).Count(t => t["lastStatus"]!.GetValue<string>() == "RUNNING") == 3,
            TimeSpan.FromMinutes(2), "the instance that joined runs the daemon");

        var leaving = instances[0];
        var (status, body) = await aws.ControlAsync(HttpMethod.Delete, "container-instances", new JsonObject { ["cluster"] = "prod", ["containerInstance"] = leaving });
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        await sim.AdvanceUntilAsync(async () =>
        {
            var running = (await DaemonTasksAsync(aws, "prod", "agent")).Where(t => t["lastStatus"]!.GetValue<string>() == "RUNNING").ToList();
            return running.Count == 3 && running.All(t => t["containerInstanceArn"]!.GetValue<string>() != leaving);
        }, TimeSpan.FromMinutes(2), "the instance that replaced the terminated one runs the daemon");

        (status, _) = await aws.ControlAsync(HttpMethod.Delete, "container-instances", new JsonObject { ["cluster"] = "prod", ["containerInstance"] = (await InstancesAsync(aws, "prod"))[0], ["replace"] = false });
        Assert.AreEqual(HttpStatusCode.OK, status);
        sim.Advance(TimeSpan.FromMinutes(1));
        Assert.AreEqual(2, (await InstancesAsync(aws, "prod")).Count, "an instance that leaves for good is not replaced");
        Assert.AreEqual(2, (await DaemonTasksAsync(aws, "prod", "agent")).Count(t => t["lastStatus"]!.GetValue<string>() == "RUNNING"));
    }

    [TestMethod]
    public async Task On_a_new_instance_the_daemon_task_runs_before_the_applications_tasks()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 0);
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var provider = await CapacityProviderAsync(sim, "prod", "workers", instances: 0);
        var created = await aws.EcsAsync("CreateDaemon", new JsonObject
        {
            ["daemonName"] = "agent",
            ["clusterArn"] = "prod",
            ["daemonTaskDefinitionArn"] = await DaemonTaskDefinitionAsync(aws, "agent", simulate: "slow-start:30"),
            ["capacityProviderArns"] = new JsonArray(provider),
        });
        await WaitForDeploymentAsync(sim, created["deploymentArn"]!.GetValue<string>(), "SUCCESSFUL");

        var app = (await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = "app",
            ["containerDefinitions"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = Agent, ["memory"] = 256 }),
        }))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        await aws.EcsAsync("CreateService", new JsonObject { ["cluster"] = "prod", ["serviceName"] = "app", ["taskDefinition"] = app, ["desiredCount"] = 1, ["launchType"] = "EC2" });
        await aws.ControlAsync(HttpMethod.Put, "capacity-providers/instances", new JsonObject { ["capacityProvider"] = "workers", ["count"] = 1 });
        await sim.AdvanceUntilAsync(async () => (await Scenario.ServiceAsync(aws, "prod", "app"))["runningCount"]!.GetValue<int>() == 1,
            TimeSpan.FromMinutes(3), "the application task runs on the new instance");

        var appTask = (await aws.EcsAsync("DescribeTasks", new JsonObject
        {
            ["cluster"] = "prod",
            ["tasks"] = (await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "prod", ["serviceName"] = "app" }))["taskArns"]!.DeepClone(),
        }))["tasks"]![0]!;
        var daemonTask = (await DaemonTasksAsync(aws, "prod", "agent")).Single();
        Assert.AreEqual(daemonTask["containerInstanceArn"]!.GetValue<string>(), appTask["containerInstanceArn"]!.GetValue<string>());
        Assert.IsTrue(daemonTask["startedAt"]!.GetValue<double>() <= appTask["startedAt"]!.GetValue<double>(), "the daemon task started first");
        Assert.IsTrue(appTask["pullStoppedAt"]!.GetValue<double>() >= daemonTask["startedAt"]!.GetValue<double>(), "the application waited in PENDING until the daemon ran");
    }

    [TestMethod]
    public async Task An_update_drains_and_replaces_instances_in_batches_per_capacity_provider_and_reports_progress()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 0);
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var blue = await CapacityProviderAsync(sim, "prod", "pool-a", instances: 4);
        var green = await CapacityProviderAsync(sim, "prod", "pool-b", instances: 2);
        var v1 = await DaemonTaskDefinitionAsync(aws, "agent");
        var created = await aws.EcsAsync("CreateDaemon", new JsonObject
        {
            ["daemonName"] = "agent",
            ["clusterArn"] = "prod",
            ["daemonTaskDefinitionArn"] = v1,
            ["capacityProviderArns"] = new JsonArray(blue, green),
            ["deploymentConfiguration"] = new JsonObject { ["drainPercent"] = 25.0, ["bakeTimeInMinutes"] = 2 },
        });
        await WaitForDeploymentAsync(sim, created["deploymentArn"]!.GetValue<string>(), "SUCCESSFUL");
        var daemonArn = created["daemonArn"]!.GetValue<string>();

        var v2 = await DaemonTaskDefinitionAsync(aws, "agent", image: Agent.Replace("latest", "2.0", StringComparison.Ordinal));
        var updated = await aws.EcsAsync("UpdateDaemon", new JsonObject
        {
            ["daemonArn"] = daemonArn,
            ["daemonTaskDefinitionArn"] = v2,
            ["capacityProviderArns"] = new JsonArray(blue, green),
        });
        var deploymentArn = updated["deploymentArn"]!.GetValue<string>();
        Assert.AreNotEqual(created["deploymentArn"]!.GetValue<string>(), deploymentArn);

        var maxDraining = new Dictionary<string, int>(StringComparer.Ordinal);
        var sawBake = false;
        JsonNode? final = null;
        await sim.AdvanceUntilAsync(async () =>
        {
            var deployment = await DeploymentAsync(aws, deploymentArn);
            foreach (var source in deployment["sourceDaemonRevisions"]!.AsArray())
            {
                foreach (var provider in source!["capacityProviders"]!.AsArray())
                {
                    var arn = provider!["arn"]!.GetValue<string>();
                    maxDraining[arn] = Math.Max(maxDraining.GetValueOrDefault(arn), provider["drainingInstanceCount"]!.GetValue<int>());
                }
            }

            var target = deployment["targetDaemonRevision"]!;
            sawBake |= deployment["status"]!.GetValue<string>() == "IN_PROGRESS" && target["totalRunningInstanceCount"]!.GetValue<int>() == 6;
            final = deployment;
            return deployment["status"]!.GetValue<string>() == "SUCCESSFUL";
        }, TimeSpan.FromMinutes(20), "the update completes", TimeSpan.FromSeconds(2));

        Assert.AreEqual(1, maxDraining[blue], "25% of 4 instances drain at a time");
        Assert.AreEqual(1, maxDraining[green], "at least one instance of a small provider drains at a time");
        Assert.IsTrue(sawBake, "the deployment baked once every instance ran the new revision");
        var target = final!["targetDaemonRevision"]!;
        Assert.AreEqual(6, target["totalRunningInstanceCount"]!.GetValue<int>());
        var perProvider = target["capacityProviders"]!.AsArray().ToDictionary(p => p!["arn"]!.GetValue<string>(), p => p!["runningInstanceCount"]!.GetValue<int>());
        Assert.AreEqual(4, perProvider[blue]);
        Assert.AreEqual(2, perProvider[green]);
        Assert.AreEqual(25.0, final["deploymentConfiguration"]!["drainPercent"]!.GetValue<double>());
        Assert.AreEqual("MONITORING_COMPLETE", final["circuitBreaker"]!["status"]!.GetValue<string>());
        Assert.AreEqual(0, final["circuitBreaker"]!["failureCount"]!.GetValue<int>());
        var tasks = (await DaemonTasksAsync(aws, "prod", "agent")).Where(t => t["lastStatus"]!.GetValue<string>() == "RUNNING").ToList();
        Assert.AreEqual(6, tasks.Count);
        Assert.IsTrue(tasks.All(t => t["taskDefinitionArn"]!.GetValue<string>() == v2));

        var listed = await aws.EcsAsync("ListDaemonDeployments", new JsonObject { ["daemonArn"] = daemonArn });
        Assert.AreEqual(2, listed["daemonDeployments"]!.AsArray().Count);
        Assert.AreEqual(deploymentArn, listed["daemonDeployments"]![0]!["daemonDeploymentArn"]!.GetValue<string>(), "newest first");
        var revision = await aws.EcsAsync("DescribeDaemonRevisions", new JsonObject { ["daemonRevisionArns"] = new JsonArray(target["arn"]!.DeepClone()) });
        Assert.AreEqual(v2, revision["daemonRevisions"]![0]!["daemonTaskDefinitionArn"]!.GetValue<string>());
        Assert.AreEqual(Agent.Replace("latest", "2.0", StringComparison.Ordinal), revision["daemonRevisions"]![0]!["containerImages"]![0]!["image"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task A_crashing_revision_trips_the_circuit_breaker_and_rolls_back_to_the_last_good_revision()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 0);
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var provider = await CapacityProviderAsync(sim, "prod", "workers", instances: 3);
        var v1 = await DaemonTaskDefinitionAsync(aws, "agent");
        var created = await aws.EcsAsync("CreateDaemon", new JsonObject
        {
            ["daemonName"] = "agent",
            ["clusterArn"] = "prod",
            ["daemonTaskDefinitionArn"] = v1,
            ["capacityProviderArns"] = new JsonArray(provider),
        });
        await WaitForDeploymentAsync(sim, created["deploymentArn"]!.GetValue<string>(), "SUCCESSFUL");
        var good = (await DeploymentAsync(aws, created["deploymentArn"]!.GetValue<string>()))["targetDaemonRevision"]!["arn"]!.GetValue<string>();

        var crashing = await DaemonTaskDefinitionAsync(aws, "agent", simulate: "crash");
        var updated = await aws.EcsAsync("UpdateDaemon", new JsonObject
        {
            ["daemonArn"] = created["daemonArn"]!.DeepClone(),
            ["daemonTaskDefinitionArn"] = crashing,
            ["capacityProviderArns"] = new JsonArray(provider),
        });
        var deploymentArn = updated["deploymentArn"]!.GetValue<string>();
        await WaitForDeploymentAsync(sim, deploymentArn, "ROLLBACK_SUCCESSFUL", minutes: 30);

        var deployment = await DeploymentAsync(aws, deploymentArn);
        Assert.AreEqual("TRIGGERED", deployment["circuitBreaker"]!["status"]!.GetValue<string>());
        Assert.AreEqual(10, deployment["circuitBreaker"]!["threshold"]!.GetValue<int>());
        Assert.IsTrue(deployment["circuitBreaker"]!["failureCount"]!.GetValue<int>() >= 10);
        Assert.AreEqual(good, deployment["rollback"]!["rollbackTargetDaemonRevisionArn"]!.GetValue<string>());
        CollectionAssert.AreEqual(new[] { provider }, deployment["rollback"]!["rollbackCapacityProviders"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray());
        StringAssert.Contains(deployment["rollback"]!["reason"]!.GetValue<string>(), "circuit breaker");
        var tasks = (await DaemonTasksAsync(aws, "prod", "agent")).Where(t => t["lastStatus"]!.GetValue<string>() == "RUNNING").ToList();
        Assert.AreEqual(3, tasks.Count);
        Assert.IsTrue(tasks.All(t => t["taskDefinitionArn"]!.GetValue<string>() == v1), "every instance runs the last good revision again");
        var stopped = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "prod", ["daemonName"] = "agent", ["desiredStatus"] = "STOPPED" });
        var failed = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "prod", ["tasks"] = new JsonArray(stopped["taskArns"]![0]!.DeepClone()) }))["tasks"]![0]!;
        Assert.IsNotNull(failed["stoppedReason"]);
    }

    [TestMethod]
    public async Task A_first_revision_that_crashes_stops_the_deployment_with_nothing_to_roll_back_to()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 0);
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var provider = await CapacityProviderAsync(sim, "prod", "workers", instances: 2);
        var created = await aws.EcsAsync("CreateDaemon", new JsonObject
        {
            ["daemonName"] = "agent",
            ["clusterArn"] = "prod",
            ["daemonTaskDefinitionArn"] = await DaemonTaskDefinitionAsync(aws, "agent", simulate: "crash"),
            ["capacityProviderArns"] = new JsonArray(provider),
        });
        await WaitForDeploymentAsync(sim, created["deploymentArn"]!.GetValue<string>(), "STOPPED", minutes: 30);
        var deployment = await DeploymentAsync(aws, created["deploymentArn"]!.GetValue<string>());
        StringAssert.Contains(deployment["statusReason"]!.GetValue<string>(), "nothing to roll back to");
        Assert.IsNull(deployment["rollback"]);
    }

    [TestMethod]
    public async Task A_deployment_alarm_in_alarm_rolls_back_but_one_already_in_alarm_is_ignored()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 0);
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var provider = await CapacityProviderAsync(sim, "prod", "workers", instances: 2);
        foreach (var name in new[] { "agent-errors", "already-firing" })
        {
            await aws.JsonAsync("cloudwatch", "PutMetricAlarm", new JsonObject
            {
                ["AlarmName"] = name, ["MetricName"] = "Errors", ["Namespace"] = "Agent", ["Statistic"] = "Sum", ["Period"] = 60,
                ["EvaluationPeriods"] = 1, ["Threshold"] = 1.0, ["ComparisonOperator"] = "GreaterThanThreshold",
            });
        }

        await aws.JsonAsync("cloudwatch", "SetAlarmState", new JsonObject { ["AlarmName"] = "already-firing", ["StateValue"] = "ALARM", ["StateReason"] = "before" });
        var configuration = new JsonObject
        {
            ["bakeTimeInMinutes"] = 10,
            ["alarms"] = new JsonObject { ["alarmNames"] = new JsonArray("agent-errors", "already-firing"), ["enable"] = true },
        };
        var created = await aws.EcsAsync("CreateDaemon", new JsonObject
        {
            ["daemonName"] = "agent",
            ["clusterArn"] = "prod",
            ["daemonTaskDefinitionArn"] = await DaemonTaskDefinitionAsync(aws, "agent"),
            ["capacityProviderArns"] = new JsonArray(provider),
            ["deploymentConfiguration"] = configuration,
        });
        await WaitForDeploymentAsync(sim, created["deploymentArn"]!.GetValue<string>(), "SUCCESSFUL", minutes: 30);

        var updated = await aws.EcsAsync("UpdateDaemon", new JsonObject
        {
            ["daemonArn"] = created["daemonArn"]!.DeepClone(),
            ["daemonTaskDefinitionArn"] = await DaemonTaskDefinitionAsync(aws, "agent", image: Agent.Replace("latest", "2.0", StringComparison.Ordinal)),
            ["capacityProviderArns"] = new JsonArray(provider),
        });
        var deploymentArn = updated["deploymentArn"]!.GetValue<string>();
        sim.Advance(TimeSpan.FromSeconds(30));
        Assert.AreEqual("MONITORING", (await DeploymentAsync(aws, deploymentArn))["alarms"]!["status"]!.GetValue<string>());
        await aws.JsonAsync("cloudwatch", "SetAlarmState", new JsonObject { ["AlarmName"] = "agent-errors", ["StateValue"] = "ALARM", ["StateReason"] = "errors" });
        await WaitForDeploymentAsync(sim, deploymentArn, "ROLLBACK_SUCCESSFUL", minutes: 30);
        var deployment = await DeploymentAsync(aws, deploymentArn);
        Assert.AreEqual("TRIGGERED", deployment["alarms"]!["status"]!.GetValue<string>());
        CollectionAssert.AreEqual(new[] { "agent-errors" }, deployment["alarms"]!["triggeredAlarmNames"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray());
    }

    [TestMethod]
    public async Task Delete_removes_the_daemon_tasks_and_the_daemon()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 0);
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var provider = await CapacityProviderAsync(sim, "prod", "workers", instances: 2);
        var definition = await DaemonTaskDefinitionAsync(aws, "agent");
        var created = await aws.EcsAsync("CreateDaemon", new JsonObject
        {
            ["daemonName"] = "agent",
            ["clusterArn"] = "prod",
            ["daemonTaskDefinitionArn"] = definition,
            ["capacityProviderArns"] = new JsonArray(provider),
            ["deploymentConfiguration"] = new JsonObject { ["drainPercent"] = 100.0 },
        });
        await WaitForDeploymentAsync(sim, created["deploymentArn"]!.GetValue<string>(), "SUCCESSFUL");
        var daemonArn = created["daemonArn"]!.GetValue<string>();
        var deleted = await aws.EcsAsync("DeleteDaemon", new JsonObject { ["daemonArn"] = daemonArn });
        Assert.AreEqual("DELETE_IN_PROGRESS", deleted["status"]!.GetValue<string>());
        var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("UpdateDaemon", new JsonObject
        {
            ["daemonArn"] = daemonArn,
            ["daemonTaskDefinitionArn"] = definition, // an ARN, as the model says: a bare name is a malformed ARN
            ["capacityProviderArns"] = new JsonArray(provider),
        }));
        Assert.AreEqual("DaemonNotActiveException", error.Code);
        await WaitForDeploymentAsync(sim, deleted["deploymentArn"]!.GetValue<string>(), "SUCCESSFUL");
        sim.Advance(TimeSpan.FromSeconds(5));
        Assert.AreEqual(0, (await DaemonTasksAsync(aws, "prod", "agent")).Count(t => t["desiredStatus"]!.GetValue<string>() == "RUNNING"));
        Assert.AreEqual(2, (await InstancesAsync(aws, "prod")).Count, "the provider kept its instance count");
        error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("DescribeDaemon", new JsonObject { ["daemonArn"] = daemonArn }));
        Assert.AreEqual("DaemonNotFoundException", error.Code);
        Assert.AreEqual(0, (await aws.EcsAsync("ListDaemons", new JsonObject { ["clusterArn"] = "prod" }))["daemonSummariesList"]!.AsArray().Count);
    }

    [TestMethod]
    public async Task Daemon_task_definitions_and_invalid_requests()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 0);
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "prod");
        var v1 = await DaemonTaskDefinitionAsync(aws, "agent");
        var v2 = await DaemonTaskDefinitionAsync(aws, "agent");
        StringAssert.EndsWith(v2, ":daemon-task-definition/agent:2");
        var latest = (await aws.EcsAsync("DescribeDaemonTaskDefinition", new JsonObject { ["daemonTaskDefinition"] = "agent" }))["daemonTaskDefinition"]!;
        Assert.AreEqual(2, latest["revision"]!.GetValue<int>());
        Assert.AreEqual("ACTIVE", latest["status"]!.GetValue<string>());
        Assert.AreEqual("shared", latest["pidMode"]!.GetValue<string>());
        await aws.EcsAsync("DeleteDaemonTaskDefinition", new JsonObject { ["daemonTaskDefinition"] = "agent:2" });
        Assert.AreEqual("DELETED", (await aws.EcsAsync("DescribeDaemonTaskDefinition", new JsonObject { ["daemonTaskDefinition"] = v2 }))["daemonTaskDefinition"]!["status"]!.GetValue<string>(), "unused, so deleted at once");
        var listed = await aws.EcsAsync("ListDaemonTaskDefinitions", new JsonObject { ["familyPrefix"] = "age" });
        CollectionAssert.AreEqual(new[] { v1 }, listed["daemonTaskDefinitions"]!.AsArray().Select(d => d!["arn"]!.GetValue<string>()).ToArray(), "ACTIVE ones by default");

        async Task Fails(string operation, JsonObject body, string code)
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync(operation, body));
            Assert.AreEqual(code, error.Code, error.Body);
        }

        await Fails("RegisterDaemonTaskDefinition", new JsonObject { ["family"] = "bad", ["containerDefinitions"] = new JsonArray(new JsonObject { ["name"] = "a", ["memory"] = 64 }) }, "ClientException");
        await Fails("DescribeDaemonTaskDefinition", new JsonObject { ["daemonTaskDefinition"] = "ghost" }, "ClientException");
        await aws.EcsAsync("CreateCapacityProvider", new JsonObject
        {
            ["name"] = "asg",
            ["autoScalingGroupProvider"] = new JsonObject { ["autoScalingGroupArn"] = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/asg" },
        });
        var daemon = new JsonObject { ["daemonName"] = "agent", ["clusterArn"] = "prod", ["daemonTaskDefinitionArn"] = v1, ["capacityProviderArns"] = new JsonArray("asg") };
        await Fails("CreateDaemon", daemon, "InvalidParameterException");
        daemon["capacityProviderArns"] = new JsonArray("arn:aws:ecs:us-east-1:123456789012:capacity-provider/ghost");
        await Fails("CreateDaemon", daemon, "InvalidParameterException");
        daemon["clusterArn"] = "nope";
        await Fails("CreateDaemon", daemon, "ClusterNotFoundException");
        await Fails("CreateCapacityProvider", new JsonObject { ["name"] = "ecs-reserved", ["autoScalingGroupProvider"] = new JsonObject { ["autoScalingGroupArn"] = "arn:aws:autoscaling:x" } }, "InvalidParameterException");
        await Fails("DescribeDaemon", new JsonObject { ["daemonArn"] = "arn:aws:ecs:us-east-1:123456789012:daemon/prod/ghost" }, "DaemonNotFoundException");
        var missing = await aws.EcsAsync("DescribeDaemonDeployments", new JsonObject { ["daemonDeploymentArns"] = new JsonArray("arn:aws:ecs:us-east-1:123456789012:daemon-deployment/prod/ghost/x") });
        Assert.AreEqual("MISSING", missing["failures"]![0]!["reason"]!.GetValue<string>());
        var providers = await aws.EcsAsync("DescribeCapacityProviders", new JsonObject { ["capacityProviders"] = new JsonArray("FARGATE", "asg", "ghost") });
        Assert.AreEqual(2, providers["capacityProviders"]!.AsArray().Count);
        Assert.AreEqual("EC2_AUTOSCALING", providers["capacityProviders"]![1]!["type"]!.GetValue<string>());
        Assert.AreEqual("MISSING", providers["failures"]![0]!["reason"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task A_daemon_deployment_in_progress_and_an_Express_service_survive_a_restart_from_the_state_file()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-daemon-state-").FullName;
        var stateFile = Path.Combine(folder, "state.json");
        try
        {
            string deploymentArn;
            string serviceArn;
            await using (var sim = await SimulatedLocalEcs.StartAsync(containerInstances: 0, stateFile: stateFile))
            {
                var aws = sim.Aws;
                await Scenario.ClusterAsync(aws, "prod");
                var provider = await CapacityProviderAsync(sim, "prod", "workers", instances: 2);
                var created = await aws.EcsAsync("CreateDaemon", new JsonObject
                {
                    ["daemonName"] = "agent",
                    ["clusterArn"] = "prod",
                    ["daemonTaskDefinitionArn"] = await DaemonTaskDefinitionAsync(aws, "agent"),
                    ["capacityProviderArns"] = new JsonArray(provider),
                });
                await WaitForDeploymentAsync(sim, created["deploymentArn"]!.GetValue<string>(), "SUCCESSFUL");
                var updated = await aws.EcsAsync("UpdateDaemon", new JsonObject
                {
                    ["daemonArn"] = created["daemonArn"]!.DeepClone(),
                    ["daemonTaskDefinitionArn"] = await DaemonTaskDefinitionAsync(aws, "agent", image: Agent.Replace("latest", "2.0", StringComparison.Ordinal)),
                    ["capacityProviderArns"] = new JsonArray(provider),
                });
                deploymentArn = updated["deploymentArn"]!.GetValue<string>();
                sim.Advance(TimeSpan.FromSeconds(5));
                Assert.AreEqual("IN_PROGRESS", (await DeploymentAsync(aws, deploymentArn))["status"]!.GetValue<string>());
                serviceArn = (await aws.EcsAsync("CreateExpressGatewayService", ExpressTests.Request("web", ExpressTests.Container("public.ecr.aws/nginx/nginx:1.27"))))["service"]!["serviceArn"]!.GetValue<string>();
            }

            await using (var restarted = await SimulatedLocalEcs.StartAsync(containerInstances: 0, stateFile: stateFile))
            {
                await WaitForDeploymentAsync(restarted, deploymentArn, "SUCCESSFUL");
                Assert.AreEqual(2, (await DaemonTasksAsync(restarted.Aws, "prod", "agent")).Count(t => t["lastStatus"]!.GetValue<string>() == "RUNNING"));
                await restarted.AdvanceUntilAsync(async () => (await restarted.Aws.EcsAsync("DescribeExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn }))["service"]!["activeConfigurations"]![0]!["ingressPaths"]!.AsArray().Count == 1,
                    TimeSpan.FromMinutes(2), "the Express service comes back with its URL");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Creates a Managed Instances capacity provider of the cluster with <paramref name="instances"/> registered instances; returns its ARN.</summary>
    internal static async Task<string> CapacityProviderAsync(SimulatedLocalEcs sim, string cluster, string name, int instances)
    {
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        var created = await aws.EcsAsync("CreateCapacityProvider", new JsonObject
        {
            ["name"] = name,
            ["cluster"] = cluster,
            ["managedInstancesProvider"] = new JsonObject
            {
                ["infrastructureRoleArn"] = InfrastructureRole,
                ["instanceLaunchTemplate"] = new JsonObject
                {
                    ["ec2InstanceProfileArn"] = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole",
                    ["networkConfiguration"] = new JsonObject { ["subnets"] = new JsonArray(subnets.Select(s => (JsonNode?)s).ToArray()), ["securityGroups"] = new JsonArray(group) },
                },
            },
        });
        var arn = created["capacityProvider"]!["capacityProviderArn"]!.GetValue<string>();
        if (instances > 0)
        {
            var (status, body) = await aws.ControlAsync(HttpMethod.Put, "capacity-providers/instances", new JsonObject { ["capacityProvider"] = name, ["count"] = instances });
            Assert.AreEqual(HttpStatusCode.OK, status, body);
            sim.Advance(TimeSpan.FromSeconds(25));
        }

        return arn;
    }

    internal static async Task<string> DaemonTaskDefinitionAsync(AwsClient aws, string family, string image = Agent, string? simulate = null)
    {
        var container = new JsonObject
        {
            ["name"] = "agent",
            ["image"] = image,
            ["memory"] = 128,
            ["environment"] = simulate is null ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = "LOCALECS_SIMULATE", ["value"] = simulate }),
        };
        var registered = await aws.EcsAsync("RegisterDaemonTaskDefinition", new JsonObject
        {
            ["family"] = family,
            ["containerDefinitions"] = new JsonArray(container),
            ["cpu"] = "256",
            ["memory"] = "256",
            ["pidMode"] = "shared",
        });
        return registered["daemonTaskDefinitionArn"]!.GetValue<string>();
    }

    internal static async Task<JsonObject> DeploymentAsync(AwsClient aws, string arn) =>
        (await aws.EcsAsync("DescribeDaemonDeployments", new JsonObject { ["daemonDeploymentArns"] = new JsonArray(arn) }))["daemonDeployments"]![0]!.AsObject();

    private static async Task WaitForDeploymentAsync(SimulatedLocalEcs sim, string arn, string status, int minutes = 15) =>
        await sim.AdvanceUntilAsync(async () => (await DeploymentAsync(sim.Aws, arn))["status"]!.GetValue<string>() == status,
            TimeSpan.FromMinutes(minutes), $"daemon deployment {status}");

    private static async Task<List<string>> InstancesAsync(AwsClient aws, string cluster) =>
        (await aws.EcsAsync("ListContainerInstances", new JsonObject { ["cluster"] = cluster }))["containerInstanceArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();

    private static async Task<List<JsonNode>> DaemonTasksAsync(AwsClient aws, string cluster, string daemon)
    {
        var arns = new JsonArray();
        foreach (var desired in new[] { "RUNNING", "STOPPED" })
        {
            foreach (var arn in (await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = cluster, ["daemonName"] = daemon, ["desiredStatus"] = desired }))["taskArns"]!.AsArray())
            {
                arns.Add(arn!.DeepClone());
            }
        }

        if (arns.Count == 0)
        {
            return [];
        }

        return (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = cluster, ["tasks"] = arns }))["tasks"]!.AsArray().Select(t => t!).Where(t => t["desiredStatus"]!.GetValue<string>() == "RUNNING").ToList();
    }
}
