using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.Dashboard.Tests.Support;

/// <summary>Services the dashboard tests deploy, created through the AWS APIs and run to their first steady state.</summary>
internal static class Services
{
    private const string InfrastructureRole = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers";

    /// <summary>
    /// An ECS-native traffic-shifting service of two Fargate tasks behind an ALB rule (blue/green target groups, a test
    /// rule), with <paramref name="deploymentConfiguration"/> (strategy BLUE_GREEN unless it names one), deployed once.
    /// </summary>
    public static async Task<LoadBalancerSetup> BlueGreenAsync(DashboardSession session, string cluster, string service, JsonObject deploymentConfiguration)
    {
        var aws = session.Aws;
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(aws);
        var balancer = await Scenario.LoadBalancerAsync(aws, "bg", subnets, vpc);
        await Scenario.ClusterAsync(aws, cluster);
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, service, Image(session));
        deploymentConfiguration["strategy"] ??= "BLUE_GREEN";
        await aws.EcsAsync("CreateService", new JsonObject
        {
            ["cluster"] = cluster,
            ["serviceName"] = service,
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
                    ["testListenerRule"] = balancer.TestRuleArn,
                    ["roleArn"] = InfrastructureRole,
                },
            }),
            ["deploymentConfiguration"] = deploymentConfiguration,
        });
        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync(cluster, service) == "SUCCESSFUL", TimeSpan.FromMinutes(10), "the first revision");
        return balancer;
    }

    /// <summary>A rolling Fargate service (circuit breaker with rollback), deployed once.</summary>
    public static async Task RollingAsync(DashboardSession session, string cluster, string service, int desiredCount)
    {
        var aws = session.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, cluster);
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, service, Image(session));
        await aws.EcsAsync("CreateService", new JsonObject
        {
            ["cluster"] = cluster,
            ["serviceName"] = service,
            ["taskDefinition"] = v1,
            ["desiredCount"] = desiredCount,
            ["launchType"] = "FARGATE",
            ["networkConfiguration"] = Scenario.AwsVpc(subnets, group),
            ["deploymentConfiguration"] = new JsonObject
            {
                ["minimumHealthyPercent"] = 100,
                ["maximumPercent"] = 200,
                ["deploymentCircuitBreaker"] = new JsonObject { ["enable"] = true, ["rollback"] = true },
            },
        });
        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync(cluster, service) == "SUCCESSFUL", TimeSpan.FromMinutes(10), "the first revision");
    }

    /// <summary>
    /// Versioned services in the Harness style (<c>name__1</c>, <c>name__2</c>, …), one task each, created through the
    /// ECS API as the versioned strategy would, and run to a steady state.
    /// </summary>
    public static async Task VersionedAsync(DashboardSession session, string cluster, string name, params int[] versions)
    {
        var aws = session.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, cluster);
        var definition = await Scenario.FargateTaskDefinitionAsync(aws, name, Image(session));
        foreach (var version in versions)
        {
            await aws.EcsAsync("CreateService", new JsonObject
            {
                ["cluster"] = cluster,
                ["serviceName"] = $"{name}__{version}",
                ["taskDefinition"] = definition,
                ["desiredCount"] = 1,
                ["launchType"] = "FARGATE",
                ["networkConfiguration"] = Scenario.AwsVpc(subnets, group),
            });
        }

        await session.AdvanceUntilAsync(
            async () => (await Task.WhenAll(versions.Select(v => session.DeploymentStatusAsync(cluster, $"{name}__{v}")))).All(s => s == "SUCCESSFUL"),
            TimeSpan.FromMinutes(10), "the versioned services");
    }

    /// <summary>Registers another revision of the family (same image: LocalEcs's built-in base).</summary>
    public static Task<string> NewRevisionAsync(DashboardSession session, string family) =>
        Scenario.FargateTaskDefinitionAsync(session.Aws, family, Image(session));

    private static string Image(DashboardSession session) => $"{session.Registry}/localecs/base:latest";
}
