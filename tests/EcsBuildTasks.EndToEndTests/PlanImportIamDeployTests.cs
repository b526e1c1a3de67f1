using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// <c>-t:EcsIamPolicy</c> and <c>-t:EcsImport</c> through MSBuild: the policy the target writes is put in force in
/// LocalEcs for the build's access key, and a publish (image pushed through LocalEcs's registry, service created)
/// succeeds under it; a service made with the AWS CLI is imported, and the importing project's live dry run plans only
/// the new image.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class PlanImportIamDeployTests
{
    private const string Account = "123456789012";

    [TestMethod]
    public async Task The_policy_EcsIamPolicy_writes_lets_the_publish_push_through_the_registry_and_deploy_with_IAM_enforced()
    {
        var localEcs = await LocalEcsFixture.GetAsync();
        var endpoint = await LocalEcsFixture.EndpointAsync();
        var name = LocalEcsProjects.NewName("iam");
        var accessKey = ("AKIA" + Guid.NewGuid().ToString("N").ToUpperInvariant())[..20];
        await (await LocalEcsFixture.EcsAsync()).CreateClusterAsync(new CreateClusterRequest { ClusterName = name });
        using var project = PackageFixture.Instance.CreateConsumer($"""
            <ContainerRepository>{name}</ContainerRepository>
            <EcsTarget>aws</EcsTarget>
            <EcsEndpointUrl>{endpoint}</EcsEndpointUrl>
            <EcsRegion>us-east-1</EcsRegion>
            <EcsCluster>{name}</EcsCluster>
            <EcsCpu>256</EcsCpu>
            <EcsMemory>512</EcsMemory>
            <EcsExecutionRoleArn>arn:aws:iam::{Account}:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
            <EcsTimeoutMinutes>10</EcsTimeoutMinutes>
            <ContainerBaseImage>{localEcs.RegistryHost}/localecs/base:latest</ContainerBaseImage>
            """, name: name);
        var environment = new Dictionary<string, string?>
        {
            // The CI principal: every request of the build, and the registry push, is authorised against its policy.
            ["AWS_ACCESS_KEY_ID"] = accessKey,
            ["AWS_SECRET_ACCESS_KEY"] = "enforced",
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };

        var written = project.Dotnet(environment, "msbuild", "-restore", "-t:EcsIamPolicy", "-nodeReuse:false");

        Assert.AreEqual(0, written.ExitCode, written.ToString());
        var policy = JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "ecs-iam-policy.json")))!;
        var push = policy["Statement"]!.AsArray().Single(s => (string?)s!["Sid"] == "PushTheImageToTheProjectsRepository")!;
        Assert.AreEqual($"arn:aws:ecr:us-east-1:{Account}:repository/{name}", (string?)push["Resource"]);
        using var control = LocalEcsFixture.ControlClient();
        using (var set = await control.PostAsJsonAsync(new Uri($"{endpoint}/_localecs/iam/policies"), new JsonObject { ["accessKeyId"] = accessKey, ["principalArn"] = $"arn:aws:iam::{Account}:user/{name}", ["policy"] = policy.DeepClone() }))
        {
            Assert.IsTrue(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        }

        try
        {
            var publish = project.Dotnet(environment, "publish", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false");

            LocalEcsProjects.AssertSucceeded(publish);
            var usage = JsonNode.Parse(await control.GetStringAsync(new Uri($"{endpoint}/_localecs/iam/usage?accessKeyId={accessKey}")))!;
            var requests = usage["requests"]!.AsArray();
            var denied = requests.Where(r => (int)r!["denied"]! > 0).Select(r => $"{r!["action"]} on {r["resource"]}").ToList();
            Assert.AreEqual(0, denied.Count, string.Join("\n", denied));
            var allowed = requests.Where(r => (int)r!["allowed"]! > 0).Select(r => (string)r!["action"]!).ToHashSet(StringComparer.Ordinal);
            foreach (var action in new[] { "ecr:GetAuthorizationToken", "ecr:InitiateLayerUpload", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecs:RegisterTaskDefinition", "ecs:CreateService", "iam:PassRole" })
            {
                Assert.IsTrue(allowed.Contains(action), $"{action} was not used under the policy: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}");
            }

            var service = (await (await LocalEcsFixture.EcsAsync()).DescribeServicesAsync(new DescribeServicesRequest { Cluster = name, Services = [name] })).Services!.Single();
            Assert.AreEqual(service.DesiredCount, service.RunningCount, "the service runs what the enforced build deployed");
        }
        finally
        {
            using var removed = await control.SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri($"{endpoint}/_localecs/iam/policies")) { Content = JsonContent.Create(new JsonObject { ["accessKeyId"] = accessKey }) });
        }
    }

    [TestMethod]
    [TestCategory("AwsCli")]
    public async Task A_service_made_with_the_AWS_CLI_with_a_load_balancer_Cloud_Map_and_scaling_is_imported_and_the_importing_projects_live_plan_shows_only_the_new_image()
    {
        var localEcs = await LocalEcsFixture.GetAsync();
        var endpoint = await LocalEcsFixture.EndpointAsync();
        var name = LocalEcsProjects.NewName("imp");
        var image = $"{localEcs.RegistryHost}/localecs/base:latest";
        var ecs = await LocalEcsFixture.EcsAsync();
        await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = name });
        var subnets = AwsCli.Json(endpoint, "ec2", "describe-subnets")!["Subnets"]!.AsArray().Select(s => (string)s!["SubnetId"]!).Take(2).ToList();
        AwsCli.Json(endpoint, "logs", "create-log-group", "--log-group-name", $"/ecs/{name}");
        var secret = AwsCli.Json(endpoint, "secretsmanager", "create-secret", "--name", $"{name}/db", "--secret-string", "never-printed")!["ARN"]!.GetValue<string>();
        var containers = new JsonArray(
            new JsonObject
            {
                ["name"] = "app",
                ["image"] = image,
                ["essential"] = true,
                ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "tcp" }),
                ["environment"] = new JsonArray(new JsonObject { ["name"] = "FEATURE_X", ["value"] = "on" }),
                ["secrets"] = new JsonArray(new JsonObject { ["name"] = "DB", ["valueFrom"] = secret }),
                ["healthCheck"] = new JsonObject { ["command"] = new JsonArray("CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"), ["interval"] = 15, ["retries"] = 3 },
                ["logConfiguration"] = new JsonObject { ["logDriver"] = "awslogs", ["options"] = new JsonObject { ["awslogs-group"] = $"/ecs/{name}", ["awslogs-stream-prefix"] = "ecs", ["awslogs-region"] = "us-east-1" } },
            },
            new JsonObject { ["name"] = "sidecar", ["image"] = image, ["essential"] = false });
        var taskDefinition = AwsCli.Json(endpoint, "ecs", "register-task-definition", "--family", name, "--requires-compatibilities", "FARGATE", "--network-mode", "awsvpc",
            "--cpu", "256", "--memory", "512", "--execution-role-arn", $"arn:aws:iam::{Account}:role/ecsTaskExecutionRole", "--container-definitions", containers.ToJsonString())!["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        // A load balancer in front and a Cloud Map service behind, made the way a team makes them by hand.
        var vpc = AwsCli.Json(endpoint, "ec2", "describe-vpcs")!["Vpcs"]!.AsArray().Select(v => (string)v!["VpcId"]!).First();
        var balancer = AwsCli.Json(endpoint, "elbv2", "create-load-balancer", "--name", name, "--type", "application", "--subnets", subnets[0], subnets[1])!["LoadBalancers"]![0]!["LoadBalancerArn"]!.GetValue<string>();
        var targetGroup = AwsCli.Json(endpoint, "elbv2", "create-target-group", "--name", name, "--protocol", "HTTP", "--port", "8080", "--vpc-id", vpc, "--target-type", "ip")!["TargetGroups"]![0]!["TargetGroupArn"]!.GetValue<string>();
        AwsCli.Json(endpoint, "elbv2", "create-listener", "--load-balancer-arn", balancer, "--protocol", "HTTP", "--port", "80", "--default-actions", $"Type=forward,TargetGroupArn={targetGroup}");
        var operation = AwsCli.Json(endpoint, "servicediscovery", "create-private-dns-namespace", "--name", $"{name}.local", "--vpc", vpc)!["OperationId"]!.GetValue<string>();
        var namespaceId = AwsCli.Json(endpoint, "servicediscovery", "get-operation", "--operation-id", operation)!["Operation"]!["Targets"]!["NAMESPACE"]!.GetValue<string>();
        var registry = AwsCli.Json(endpoint, "servicediscovery", "create-service", "--name", name, "--namespace-id", namespaceId, "--dns-config", "DnsRecords=[{Type=A,TTL=60}]")!["Service"]!["Arn"]!.GetValue<string>();
        AwsCli.Json(endpoint, "ecs", "create-service", "--cluster", name, "--service-name", name, "--task-definition", taskDefinition, "--desired-count", "2", "--launch-type", "FARGATE",
            "--network-configuration", $"awsvpcConfiguration={{subnets=[{string.Join(',', subnets)}]}}",
            "--load-balancers", $"targetGroupArn={targetGroup},containerName=app,containerPort=8080", "--health-check-grace-period-seconds", "30",
            "--service-registries", $"registryArn={registry}");
        AwsCli.Json(endpoint, "application-autoscaling", "register-scalable-target", "--service-namespace", "ecs", "--resource-id", $"service/{name}/{name}",
            "--scalable-dimension", "ecs:service:DesiredCount", "--min-capacity", "1", "--max-capacity", "4");
        AwsCli.Json(endpoint, "application-autoscaling", "put-scaling-policy", "--service-namespace", "ecs", "--resource-id", $"service/{name}/{name}",
            "--scalable-dimension", "ecs:service:DesiredCount", "--policy-name", "cpu50", "--policy-type", "TargetTrackingScaling",
            "--target-tracking-scaling-policy-configuration", """{"TargetValue": 50, "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}""");
        using var project = PackageFixture.Instance.CreateConsumer($"""
            <ContainerRepository>localecs/base</ContainerRepository>
            <EcsTarget>local</EcsTarget>
            <EcsEndpointUrl>{endpoint}</EcsEndpointUrl>
            <EcsRegion>us-east-1</EcsRegion>
            """, name: name, targets: """<Import Project="ecs.props" Condition="Exists('ecs.props')" />""");

        var imported = project.Dotnet("msbuild", "-restore", "-t:EcsImport", $"-p:EcsCluster={name}", $"-p:EcsServiceName={name}", "-nodeReuse:false");

        Assert.AreEqual(0, imported.ExitCode, imported.ToString());
        var props = File.ReadAllText(Path.Combine(project.Directory, "ecs.props"));
        StringAssert.Contains(props, $"<EcsCluster>{name}</EcsCluster>");
        StringAssert.Contains(props, "<EcsDesiredCount>2</EcsDesiredCount>");
        StringAssert.Contains(props, "FEATURE_X");
        StringAssert.Contains(props, $"<EcsSecret Include=\"DB\" ValueFrom=\"{secret}\" />");
        StringAssert.Contains(props, "<EcsAutoScalingMaxCapacity>4</EcsAutoScalingMaxCapacity>");
        StringAssert.Contains(props, "<EcsScalingPolicy Include=\"cpu50\"");
        StringAssert.Contains(File.ReadAllText(Path.Combine(project.Directory, "ecs.task-definition.json")), "\"sidecar\"", "the sidecar goes to the template");
        var imports = props + string.Join("\n", Directory.GetFiles(project.Directory, "ecs.*.json").Select(File.ReadAllText));
        StringAssert.Contains(imports, targetGroup, "the load balancer comes along");
        StringAssert.Contains(imports, registry, "the Cloud Map service comes along");
        var plan = project.Dotnet("publish", "-c", "Release", "-p:EcsDeploy=true", "-p:EcsDryRun=true", "-p:EcsPlanLive=true", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(plan);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "ecs-plan.json")))!;
        Assert.AreEqual("image-only", (string?)written["verdict"], plan.StandardOutput);
        var changes = written["resources"]!.AsArray().SelectMany(r => r!["changes"]!.AsArray()).ToList();
        Assert.AreEqual("containerDefinitions[app].image", (string?)changes.Single()!["path"], plan.StandardOutput);
        StringAssert.Contains(plan.StandardOutput, "new image");
        Assert.IsFalse(plan.Output.Contains("never-printed", StringComparison.Ordinal), "secret values are never read");
    }
}
