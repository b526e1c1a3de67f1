using System.Globalization;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;

namespace EcsBuildTasks.Benchmarks;

/// <summary>A large but realistic task definition: 10 containers, each with 60 environment variables and 20 secrets.</summary>
internal static class LargeTaskDefinition
{
    public static RegisterTaskDefinitionRequest Create()
    {
        var containers = new List<ContainerDefinition>();
        for (var c = 0; c < 10; c++)
        {
            var name = "container-" + c.ToString(CultureInfo.InvariantCulture);
            containers.Add(new ContainerDefinition
            {
                Name = name,
                Image = $"123456789012.dkr.ecr.eu-west-1.amazonaws.com/{name}@sha256:{new string('a', 64)}",
                Essential = c == 0,
                Cpu = 128,
                MemoryReservation = 256,
                PortMappings = [new PortMapping { ContainerPort = 8080 + c, Protocol = TransportProtocol.Tcp, Name = name + "-http", AppProtocol = ApplicationProtocol.Http }],
                Environment = [.. Enumerable.Range(0, 60).Select(i => new EcsBuildTasks.Aws.ECS.Model.KeyValuePair { Name = $"SETTING_{i}", Value = $"value-{i}-{new string('x', 40)}" })],
                Secrets = [.. Enumerable.Range(0, 20).Select(i => new Secret { Name = $"SECRET_{i}", ValueFrom = $"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/{name}/{i}" })],
                HealthCheck = new HealthCheck { Command = ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], Interval = 10, Timeout = 5, Retries = 3, StartPeriod = 30 },
                LogConfiguration = new LogConfiguration
                {
                    LogDriver = LogDriver.Awslogs,
                    Options = new() { ["awslogs-group"] = "/ecs/app", ["awslogs-region"] = "eu-west-1", ["awslogs-stream-prefix"] = name },
                },
                DependsOn = c == 0 ? null : [new ContainerDependency { ContainerName = "container-0", Condition = ContainerCondition.HEALTHY }],
                Ulimits = [new Ulimit { Name = UlimitName.Nofile, SoftLimit = 65536, HardLimit = 65536 }],
                MountPoints = [new MountPoint { SourceVolume = "data", ContainerPath = "/data", ReadOnly = c != 0 }],
            });
        }

        return new RegisterTaskDefinitionRequest
        {
            Family = "large-app",
            TaskRoleArn = "arn:aws:iam::123456789012:role/app",
            ExecutionRoleArn = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            NetworkMode = NetworkMode.Awsvpc,
            RequiresCompatibilities = ["FARGATE"],
            Cpu = "4096",
            Memory = "16384",
            RuntimePlatform = new RuntimePlatform { CpuArchitecture = CPUArchitecture.ARM64, OperatingSystemFamily = OSFamily.LINUX },
            EphemeralStorage = new EphemeralStorage { SizeInGiB = 50 },
            Volumes = [new Volume { Name = "data", EfsVolumeConfiguration = new EFSVolumeConfiguration { FileSystemId = "fs-12345678", TransitEncryption = EFSTransitEncryption.ENABLED } }],
            ContainerDefinitions = containers,
            Tags = [.. Enumerable.Range(0, 20).Select(i => new Tag { Key = $"tag-{i}", Value = $"value-{i}" })],
        };
    }

    /// <summary>What DescribeTaskDefinition returns for it, as the wire JSON.</summary>
    public static string DescribeResponseJson()
    {
        var request = Create();
        var described = EcsJson.Deserialize<TaskDefinition>(EcsJson.Serialize(request));
        described.TaskDefinitionArn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/large-app:42";
        described.Revision = 42;
        described.Status = TaskDefinitionStatus.ACTIVE;
        described.Compatibilities = ["EC2", "FARGATE"];
        described.RegisteredAt = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        return EcsJson.Serialize(new DescribeTaskDefinitionResponse { TaskDefinition = described, Tags = request.Tags });
    }
}
