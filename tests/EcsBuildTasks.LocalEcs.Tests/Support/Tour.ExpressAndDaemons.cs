using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>The tour through capacity providers, managed daemons and Express services.</summary>
internal static partial class Tour
{
    private static async Task ExpressAndDaemonsAsync(SimulatedLocalEcs sim)
    {
        var aws = sim.Aws;
        await Scenario.ClusterAsync(aws, "daemons");
        var provider = await DaemonTests.CapacityProviderAsync(sim, "daemons", "tour-workers", instances: 1);
        await aws.EcsAsync("DescribeCapacityProviders", new JsonObject { ["cluster"] = "daemons", ["include"] = new JsonArray("TAGS") });
        var v1 = await DaemonTests.DaemonTaskDefinitionAsync(aws, "tour-agent");
        await aws.EcsAsync("DescribeDaemonTaskDefinition", new JsonObject { ["daemonTaskDefinition"] = "tour-agent" });
        await aws.EcsAsync("ListDaemonTaskDefinitions", new JsonObject { ["status"] = "ALL", ["sort"] = "DESC" });
        var created = await aws.EcsAsync("CreateDaemon", new JsonObject
        {
            ["daemonName"] = "tour-agent",
            ["clusterArn"] = "daemons",
            ["daemonTaskDefinitionArn"] = v1,
            ["capacityProviderArns"] = new JsonArray(provider),
            ["deploymentConfiguration"] = new JsonObject { ["drainPercent"] = 50.0, ["bakeTimeInMinutes"] = 1, ["alarms"] = new JsonObject { ["alarmNames"] = new JsonArray("tour-agent-errors"), ["enable"] = true } },
            ["propagateTags"] = "DAEMON",
            ["tags"] = new JsonArray(new JsonObject { ["key"] = "team", ["value"] = "platform" }),
        });
        var daemonArn = created["daemonArn"]!.DeepClone();
        await sim.AdvanceUntilAsync(async () => (await DaemonTests.DeploymentAsync(aws, created["deploymentArn"]!.GetValue<string>()))["status"]!.GetValue<string>() == "SUCCESSFUL",
            TimeSpan.FromMinutes(10), "the tour's daemon runs");
        await aws.EcsAsync("ListDaemons", new JsonObject { ["clusterArn"] = "daemons", ["capacityProviderArns"] = new JsonArray(provider) });
        var instances = await aws.EcsAsync("ListContainerInstances", new JsonObject { ["cluster"] = "daemons" });
        await aws.EcsAsync("DescribeContainerInstances", new JsonObject { ["cluster"] = "daemons", ["containerInstances"] = instances["containerInstanceArns"]!.DeepClone() });
        var tasks = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "daemons", ["daemonName"] = "tour-agent" });
        await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "daemons", ["tasks"] = tasks["taskArns"]!.DeepClone(), ["include"] = new JsonArray("TAGS") });
        var updated = await aws.EcsAsync("UpdateDaemon", new JsonObject
        {
            ["daemonArn"] = daemonArn.DeepClone(),
            ["daemonTaskDefinitionArn"] = await DaemonTests.DaemonTaskDefinitionAsync(aws, "tour-agent"),
            ["capacityProviderArns"] = new JsonArray(provider),
            ["enableExecuteCommand"] = true,
        });
        sim.Advance(TimeSpan.FromSeconds(5));
        await aws.EcsAsync("DescribeDaemon", new JsonObject { ["daemonArn"] = daemonArn.DeepClone() });
        var deployments = await aws.EcsAsync("ListDaemonDeployments", new JsonObject { ["daemonArn"] = daemonArn.DeepClone(), ["status"] = new JsonArray("IN_PROGRESS", "SUCCESSFUL") });
        var described = await aws.EcsAsync("DescribeDaemonDeployments", new JsonObject
        {
            ["daemonDeploymentArns"] = new JsonArray(updated["deploymentArn"]!.DeepClone(), deployments["daemonDeployments"]!.AsArray().Last()!["daemonDeploymentArn"]!.DeepClone()),
        });
        await aws.EcsAsync("DescribeDaemonRevisions", new JsonObject
        {
            ["daemonRevisionArns"] = new JsonArray(described["daemonDeployments"]![0]!["targetDaemonRevision"]!["arn"]!.DeepClone(), "arn:aws:ecs:us-east-1:123456789012:daemon-revision/daemons/tour-agent/1"),
        });
        sim.Advance(TimeSpan.FromMinutes(5));
        var deleted = await aws.EcsAsync("DeleteDaemon", new JsonObject { ["daemonArn"] = daemonArn.DeepClone() });
        await sim.AdvanceUntilAsync(async () => (await DaemonTests.DeploymentAsync(aws, deleted["deploymentArn"]!.GetValue<string>()))["status"]!.GetValue<string>() == "SUCCESSFUL",
            TimeSpan.FromMinutes(10), "the tour's daemon is deleted");
        await aws.EcsAsync("DeleteDaemonTaskDefinition", new JsonObject { ["daemonTaskDefinition"] = v1 });
        await aws.EcsAsync("DeleteCapacityProvider", new JsonObject { ["capacityProvider"] = provider, ["cluster"] = "daemons" });

        await ExpressTests.DbParameterAsync(aws);
        var express = (await aws.EcsAsync("CreateExpressGatewayService", ExpressTests.Request("tour-express", ExpressTests.Container("public.ecr.aws/nginx/nginx:1.27"))))["service"]!;
        var serviceArn = express["serviceArn"]!.DeepClone();
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "default", "tour-express"))["status"]!.GetValue<string>() == "SUCCESSFUL",
            TimeSpan.FromMinutes(10), "the tour's Express service runs");
        await aws.EcsAsync("DescribeExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn.DeepClone(), ["include"] = new JsonArray("TAGS") });
        await aws.EcsAsync("UpdateExpressGatewayService", new JsonObject
        {
            ["serviceArn"] = serviceArn.DeepClone(),
            ["cpu"] = "512",
            ["memory"] = "1024",
            ["scalingTarget"] = new JsonObject { ["autoScalingMetric"] = "AVERAGE_MEMORY", ["autoScalingTargetValue"] = 70 },
        });
        sim.Advance(TimeSpan.FromSeconds(30));
        await aws.EcsAsync("DescribeExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn.DeepClone() });
        await aws.EcsAsync("DescribeServices", new JsonObject { ["cluster"] = "default", ["services"] = new JsonArray("tour-express") });
        await aws.EcsAsync("ListServices", new JsonObject { ["cluster"] = "default", ["resourceManagementType"] = "ECS" });
        await aws.JsonAsync("cloudwatch", "DescribeAlarms", new JsonObject { ["AlarmNamePrefix"] = "tour-express" });
        await aws.JsonAsync("application-autoscaling", "DescribeScalingPolicies", new JsonObject { ["ServiceNamespace"] = "ecs" });
        await aws.QueryAsync("elasticloadbalancing", "DescribeListeners", Scenario.ElbVersion, ("LoadBalancerArn", (await aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancers", Scenario.ElbVersion)).Value("LoadBalancerArn")!));
        await aws.EcsAsync("DeleteExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn.DeepClone() });
    }
}
