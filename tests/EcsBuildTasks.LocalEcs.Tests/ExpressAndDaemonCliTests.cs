using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// The AWS CLI (awscli 1.45, whose botocore knows the Express and managed daemon operations and validates every
/// response against its models) driving Express services, capacity providers and managed daemons in LocalEcs.
/// </summary>
[TestClass]
[TestCategory("AwsCli")]
public sealed class ExpressAndDaemonCliTests
{
    [TestMethod]
    public async Task Express_services_are_created_described_updated_and_deleted_with_the_cli()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var created = local.Cli("ecs", "create-express-gateway-service",
            "--service-name", "web",
            "--infrastructure-role-arn", ExpressTests.InfrastructureRole,
            "--execution-role-arn", Scenario.ExecutionRole,
            "--primary-container", """{"image": "public.ecr.aws/nginx/nginx:1.27", "containerPort": 8080, "environment": [{"name": "MODE", "value": "cli"}]}""",
            "--health-check-path", "/health",
            "--scaling-target", "minTaskCount=1,maxTaskCount=3,autoScalingMetric=AVERAGE_CPU,autoScalingTargetValue=50",
            "--tags", "key=team,value=web")["service"]!;
        var serviceArn = created["serviceArn"]!.GetValue<string>();
        Assert.AreEqual("ACTIVE", created["status"]!["statusCode"]!.GetValue<string>());

        await LiveLocalEcs.WaitUntilAsync(async () =>
            (await Scenario.LatestServiceDeploymentAsync(local.Aws, "default", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", "the Express service deploys");
        var described = local.Cli("ecs", "describe-express-gateway-service", "--service-arn", serviceArn, "--include", "TAGS")["service"]!;
        var endpoint = described["activeConfigurations"]![0]!["ingressPaths"]![0]!["endpoint"]!.GetValue<string>();
        StringAssert.EndsWith(endpoint, ".ecs.us-east-1.on.aws");
        Assert.AreEqual("team", described["tags"]![0]!["key"]!.GetValue<string>());
        Assert.AreEqual("ECS", local.Cli("ecs", "describe-services", "--cluster", "default", "--services", "web")["services"]![0]!["resourceManagementType"]!.GetValue<string>());
        Assert.AreEqual(1, local.Cli("ecs", "list-services", "--cluster", "default", "--resource-management-type", "ECS")["serviceArns"]!.AsArray().Count);

        var updated = local.Cli("ecs", "update-express-gateway-service", "--service-arn", serviceArn, "--cpu", "512", "--memory", "1024")["service"]!;
        Assert.AreEqual("512", updated["targetConfiguration"]!["cpu"]!.GetValue<string>());
        var balancers = local.Cli("elbv2", "describe-load-balancers")["LoadBalancers"]!.AsArray();
        Assert.AreEqual(1, balancers.Count);
        var listeners = local.Cli("elbv2", "describe-listeners", "--load-balancer-arn", balancers[0]!["LoadBalancerArn"]!.GetValue<string>())["Listeners"]!.AsArray();
        Assert.AreEqual("HTTPS", listeners[0]!["Protocol"]!.GetValue<string>());
        var rules = local.Cli("elbv2", "describe-rules", "--listener-arn", listeners[0]!["ListenerArn"]!.GetValue<string>())["Rules"]!.AsArray();
        Assert.IsTrue(rules.Any(r => r!["Conditions"]!.AsArray().Any(c => c!["Values"]![0]!.GetValue<string>() == endpoint)), "a host-header rule for the URL");
        Assert.AreEqual(3, local.Cli("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs")["ScalableTargets"]![0]!["MaxCapacity"]!.GetValue<int>());
        var alarms = local.Cli("cloudwatch", "describe-alarms", "--alarm-name-prefix", "web-express-rollback")["MetricAlarms"]!.AsArray();
        Assert.AreEqual(4, alarms[0]!["Metrics"]!.AsArray().Count, "the rollback alarm computes the 4xx and 5xx share of requests");
        var tasks = local.Cli("ecs", "list-tasks", "--cluster", "default", "--service-name", "web")["taskArns"]!.AsArray();
        Assert.IsTrue(tasks.Count >= 1);

        Assert.AreEqual("DRAINING", local.Cli("ecs", "delete-express-gateway-service", "--service-arn", serviceArn)["service"]!["status"]!["statusCode"]!.GetValue<string>());
        StringAssert.Contains(local.CliError("ecs", "describe-express-gateway-service", "--service-arn", "arn:aws:ecs:us-east-1:123456789012:service/default/ghost"), "ResourceNotFoundException");
        StringAssert.Contains(local.CliError("ecs", "update-express-gateway-service", "--service-arn", serviceArn, "--cpu", "1024"), "ServiceNotActiveException");
        await LiveLocalEcs.WaitUntilAsync(async () =>
            (await local.Aws.EcsAsync("DescribeExpressGatewayService", new JsonObject { ["serviceArn"] = serviceArn }))["service"]!["status"]!["statusCode"]!.GetValue<string>() == "INACTIVE",
            "the Express service is deleted");
        Assert.AreEqual(0, local.Cli("elbv2", "describe-load-balancers")["LoadBalancers"]!.AsArray().Count);
    }

    [TestMethod]
    public async Task Capacity_providers_daemon_task_definitions_and_daemons_work_with_the_cli()
    {
        await using var local = await LiveLocalEcs.StartAsync(containerInstances: 0);
        local.Cli("ecs", "create-cluster", "--cluster-name", "prod");
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(local.Aws);
        var provider = local.Cli("ecs", "create-capacity-provider", "--name", "workers", "--cluster", "prod",
            "--managed-instances-provider", new JsonObject
            {
                ["infrastructureRoleArn"] = DaemonTests.InfrastructureRole,
                ["instanceLaunchTemplate"] = new JsonObject
                {
                    ["ec2InstanceProfileArn"] = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole",
                    ["networkConfiguration"] = new JsonObject { ["subnets"] = new JsonArray(subnets.Select(s => (JsonNode?)s).ToArray()), ["securityGroups"] = new JsonArray(group) },
                },
            }.ToJsonString())["capacityProvider"]!;
        var providerArn = provider["capacityProviderArn"]!.GetValue<string>();
        Assert.AreEqual("MANAGED_INSTANCES", provider["type"]!.GetValue<string>());
        var (status, body) = await local.Aws.ControlAsync(HttpMethod.Put, "capacity-providers/instances", new JsonObject { ["capacityProvider"] = "workers", ["count"] = 2 });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);

        var definition = local.Cli("ecs", "register-daemon-task-definition", "--family", "agent", "--cpu", "256", "--memory", "256",
            "--container-definitions", """[{"name": "agent", "image": "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest", "memory": 128, "essential": true}]""")["daemonTaskDefinitionArn"]!.GetValue<string>();
        Assert.AreEqual(1, local.Cli("ecs", "describe-daemon-task-definition", "--daemon-task-definition", "agent")["daemonTaskDefinition"]!["revision"]!.GetValue<int>());
        Assert.AreEqual(1, local.Cli("ecs", "list-daemon-task-definitions", "--family", "agent")["daemonTaskDefinitions"]!.AsArray().Count);

        var created = local.Cli("ecs", "create-daemon", "--cluster-arn", "prod", "--daemon-name", "agent", "--daemon-task-definition-arn", definition,
            "--capacity-provider-arns", providerArn, "--deployment-configuration", "drainPercent=50,bakeTimeInMinutes=0");
        var daemonArn = created["daemonArn"]!.GetValue<string>();
        var deploymentArn = created["deploymentArn"]!.GetValue<string>();
        await LiveLocalEcs.WaitUntilAsync(async () => (await DaemonTests.DeploymentAsync(local.Aws, deploymentArn))["status"]!.GetValue<string>() == "SUCCESSFUL", "the daemon deploys");
        local.Cli("ecs", "wait", "daemon-deployment-successful", "--daemon-deployment-arns", deploymentArn);

        var daemon = local.Cli("ecs", "describe-daemon", "--daemon-arn", daemonArn)["daemon"]!;
        Assert.AreEqual(2, daemon["currentRevisions"]![0]!["totalRunningCount"]!.GetValue<int>());
        Assert.AreEqual(1, local.Cli("ecs", "list-daemons", "--cluster-arn", "prod")["daemonSummariesList"]!.AsArray().Count);
        Assert.AreEqual(deploymentArn, local.Cli("ecs", "list-daemon-deployments", "--daemon-arn", daemonArn)["daemonDeployments"]![0]!["daemonDeploymentArn"]!.GetValue<string>());
        var deployment = local.Cli("ecs", "describe-daemon-deployments", "--daemon-deployment-arns", deploymentArn)["daemonDeployments"]![0]!;
        Assert.AreEqual(2, deployment["targetDaemonRevision"]!["totalRunningInstanceCount"]!.GetValue<int>());
        var revision = local.Cli("ecs", "describe-daemon-revisions", "--daemon-revision-arns", deployment["targetDaemonRevision"]!["arn"]!.GetValue<string>())["daemonRevisions"]![0]!;
        Assert.AreEqual(definition, revision["daemonTaskDefinitionArn"]!.GetValue<string>());
        var tasks = local.Cli("ecs", "list-tasks", "--cluster", "prod", "--daemon-name", "agent")["taskArns"]!.AsArray();
        Assert.AreEqual(2, tasks.Count);
        var instances = local.Cli("ecs", "list-container-instances", "--cluster", "prod")["containerInstanceArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        var described = local.Cli("ecs", "describe-container-instances", "--cluster", "prod", "--container-instances", instances[0])["containerInstances"]![0]!;
        Assert.AreEqual("workers", described["capacityProviderName"]!.GetValue<string>());

        var update = local.Cli("ecs", "update-daemon", "--daemon-arn", daemonArn, "--daemon-task-definition-arn", definition, "--capacity-provider-arns", providerArn, "--enable-execute-command");
        Assert.AreNotEqual(deploymentArn, update["deploymentArn"]!.GetValue<string>());
        await LiveLocalEcs.WaitUntilAsync(async () => (await DaemonTests.DeploymentAsync(local.Aws, update["deploymentArn"]!.GetValue<string>()))["status"]!.GetValue<string>() == "SUCCESSFUL", "the update deploys");
        Assert.AreEqual(3, local.Cli("ecs", "describe-capacity-providers", "--cluster", "prod")["capacityProviders"]!.AsArray().Count, "FARGATE, FARGATE_SPOT and the cluster's provider");
        StringAssert.Contains(local.CliError("ecs", "describe-daemon", "--daemon-arn", "arn:aws:ecs:us-east-1:123456789012:daemon/prod/ghost"), "DaemonNotFoundException");
        StringAssert.Contains(local.CliError("ecs", "delete-capacity-provider", "--capacity-provider", "workers", "--cluster", "prod"), "InvalidParameterException");

        var deleted = local.Cli("ecs", "delete-daemon", "--daemon-arn", daemonArn);
        Assert.AreEqual("DELETE_IN_PROGRESS", deleted["status"]!.GetValue<string>());
        await LiveLocalEcs.WaitUntilAsync(async () => (await DaemonTests.DeploymentAsync(local.Aws, deleted["deploymentArn"]!.GetValue<string>()))["status"]!.GetValue<string>() == "SUCCESSFUL", "the daemon is deleted");
        Assert.AreEqual(definition, local.Cli("ecs", "delete-daemon-task-definition", "--daemon-task-definition", definition)["daemonTaskDefinitionArn"]!.GetValue<string>());
        Assert.AreEqual("DELETED", local.Cli("ecs", "describe-daemon-task-definition", "--daemon-task-definition", definition)["daemonTaskDefinition"]!["status"]!.GetValue<string>());
        Assert.AreEqual("INACTIVE", local.Cli("ecs", "delete-capacity-provider", "--capacity-provider", "workers", "--cluster", "prod")["capacityProvider"]!["status"]!.GetValue<string>());
    }
}
