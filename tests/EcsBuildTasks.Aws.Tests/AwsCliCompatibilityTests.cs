using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests;

/// <summary>What Core writes with <see cref="EcsJson"/> must be accepted by <c>aws ... --cli-input-json</c>, and what the CLI prints must read back.</summary>
[TestClass]
public sealed class AwsCliCompatibilityTests
{
    internal static RegisterTaskDefinitionRequest FargateTaskDefinition(string family) => new()
    {
        Family = family,
        NetworkMode = NetworkMode.Awsvpc,
        RequiresCompatibilities = ["FARGATE"],
        Cpu = "256",
        Memory = "512",
        ExecutionRoleArn = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        RuntimePlatform = new RuntimePlatform { CpuArchitecture = CPUArchitecture.ARM64, OperatingSystemFamily = OSFamily.LINUX },
        ContainerDefinitions =
        [
            new ContainerDefinition
            {
                Name = "web",
                Image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0",
                Essential = true,

                // moto's run-task crashes without container-level memory (reference §5.4); real ECS does not need it.
                MemoryReservation = 256,
                PortMappings = [new PortMapping { ContainerPort = 8080, Protocol = TransportProtocol.Tcp, Name = "http", AppProtocol = ApplicationProtocol.Http }],
                Environment = [new ECS.Model.KeyValuePair { Name = "ASPNETCORE_URLS", Value = "http://+:8080" }],
                Secrets = [new Secret { Name = "DB", ValueFrom = "arn:aws:ssm:us-east-1:123456789012:parameter/db" }],
                HealthCheck = new HealthCheck { Command = ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], Interval = 10, Retries = 3, StartPeriod = 5, Timeout = 2 },
                LogConfiguration = new LogConfiguration
                {
                    LogDriver = LogDriver.Awslogs,
                    Options = new() { ["awslogs-group"] = "/ecs/" + family, ["awslogs-region"] = "us-east-1", ["awslogs-stream-prefix"] = "web" },
                },
            },
        ],
        Tags = [new Tag { Key = "app", Value = family }],
    };

    [TestMethod]
    [TestCategory("Moto")]
    [TestCategory("AwsCli")]
    public void The_AWS_CLI_registers_our_serialized_task_definition_and_its_output_reads_back()
    {
        var moto = MotoServer.Instance;
        var family = "cli-td-" + Guid.NewGuid().ToString("N")[..8];
        var request = FargateTaskDefinition(family);
        var file = WriteInput(EcsJson.Serialize(request, indented: true));

        var registered = AwsCli.Json(moto.Endpoint, "ecs", "register-task-definition", "--cli-input-json", "file://" + file)!;
        Assert.AreEqual(1, registered["taskDefinition"]!["revision"]!.GetValue<int>());

        var describedJson = AwsCli.Json(moto.Endpoint, "ecs", "describe-task-definition", "--task-definition", family, "--include", "TAGS")!.ToJsonString();
        var described = EcsJson.Deserialize<DescribeTaskDefinitionResponse>(describedJson);
        Assert.AreEqual(family, described.TaskDefinition!.Family);
        Assert.AreEqual("web", described.TaskDefinition.ContainerDefinitions![0].Name);
        Assert.AreEqual(8080, described.TaskDefinition.ContainerDefinitions[0].PortMappings![0].ContainerPort);

        // The template path Core uses: describe output → TaskDefinition → a new revision through the CLI.
        var again = described.TaskDefinition.ToRegisterTaskDefinitionRequest(described.Tags);
        var second = AwsCli.Json(moto.Endpoint, "ecs", "register-task-definition", "--cli-input-json", "file://" + WriteInput(EcsJson.Serialize(again)))!;
        Assert.AreEqual(2, second["taskDefinition"]!["revision"]!.GetValue<int>());

        // ECS fills defaults on registration (cpu 0, empty mountPoints); revision 2 must equal revision 1 exactly.
        EcsJsonTests.AssertJsonEqual(
            JsonNode.Parse(describedJson)!["taskDefinition"]!["containerDefinitions"]!,
            second["taskDefinition"]!["containerDefinitions"]!,
            "container definitions after a CLI round trip");
    }

    [TestMethod]
    [TestCategory("Moto")]
    [TestCategory("AwsCli")]
    public void The_AWS_CLI_creates_a_service_from_our_serialized_request_and_its_output_reads_back()
    {
        var moto = MotoServer.Instance;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var cluster = "cli-cluster-" + suffix;
        AwsCli.Json(moto.Endpoint, "ecs", "create-cluster", "--cluster-name", cluster);
        AwsCli.Json(moto.Endpoint, "ecs", "register-task-definition", "--cli-input-json", "file://" + WriteInput(EcsJson.Serialize(FargateTaskDefinition("cli-svc-" + suffix))));
        var request = new CreateServiceRequest
        {
            Cluster = cluster,
            ServiceName = "web-" + suffix,
            TaskDefinition = "cli-svc-" + suffix,
            DesiredCount = 2,
            LaunchType = LaunchType.FARGATE,
            SchedulingStrategy = SchedulingStrategy.REPLICA,
            DeploymentController = new DeploymentController { Type = DeploymentControllerType.ECS },
            DeploymentConfiguration = new DeploymentConfiguration
            {
                MaximumPercent = 200,
                MinimumHealthyPercent = 100,
                DeploymentCircuitBreaker = new DeploymentCircuitBreaker { Enable = true, Rollback = true },
            },
            Tags = [new Tag { Key = "app", Value = "web" }],
            PropagateTags = PropagateTags.SERVICE,
        };

        var created = AwsCli.Json(moto.Endpoint, "ecs", "create-service", "--cli-input-json", "file://" + WriteInput(EcsJson.Serialize(request)))!;
        Assert.AreEqual(request.ServiceName, created["service"]!["serviceName"]!.GetValue<string>());

        var described = EcsJson.Deserialize<DescribeServicesResponse>(
            AwsCli.Json(moto.Endpoint, "ecs", "describe-services", "--cluster", cluster, "--services", request.ServiceName)!.ToJsonString());
        var service = described.Services!.Single();
        Assert.AreEqual(2, service.DesiredCount);
        Assert.AreEqual("ACTIVE", service.Status);
        Assert.AreSame(LaunchType.FARGATE, service.LaunchType);
        Assert.AreEqual(DeploymentRolloutState.IN_PROGRESS, service.Deployments![0].RolloutState);
    }

    /// <summary>The CLI reads file:// input; each file goes to a temp folder that the test run removes.</summary>
    private static string WriteInput(string json)
    {
        var path = Path.Combine(InputDirectory.Value, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private static readonly Lazy<string> InputDirectory = new(() => Directory.CreateTempSubdirectory("aws-cli-input-").FullName);

    [ClassCleanup]
    public static void RemoveInputs()
    {
        if (InputDirectory.IsValueCreated)
        {
            Directory.Delete(InputDirectory.Value, recursive: true);
        }
    }
}
