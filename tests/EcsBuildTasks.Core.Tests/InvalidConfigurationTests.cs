using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// Every invalid configuration must be stopped before anything is built or changed, with the code the README lists and
/// a message that names what to fix.
/// </summary>
[TestClass]
public sealed class InvalidConfigurationTests
{
    public static IEnumerable<object[]> Cases()
    {
        // Reading properties and items (ECS00xx).
        yield return Case("cpu is not a number", "ECS0001", "EcsCpu", i => i.Set("EcsCpu", "half"));
        yield return Case("desired count negative text", "ECS0001", "EcsDesiredCount", i => i.Set("EcsDesiredCount", "-1"));
        yield return Case("boolean misspelled", "ECS0002", "EcsCircuitBreaker", i => i.Set("EcsCircuitBreaker", "yes"));
        yield return Case("unknown launch type", "ECS0003", "EcsLaunchType", i => i.Set("EcsLaunchType", "LAMBDA"));
        yield return Case("unknown scheduling strategy", "ECS0003", "EcsSchedulingStrategy", i => i.Set("EcsSchedulingStrategy", "SINGLETON"));
        yield return Case("unknown network mode", "ECS0003", "EcsNetworkMode", i => i.Set("EcsNetworkMode", "overlay"));
        yield return Case("unknown deployment strategy", "ECS0003", "EcsDeploymentStrategy", i => i.Set("EcsDeploymentStrategy", "Recreate"));
        yield return Case("unknown architecture", "ECS0003", "EcsRuntimePlatform", i => i.Set("EcsRuntimePlatform", "RISCV"));
        yield return Case("missing task template", "ECS0004", "EcsTaskDefinitionTemplate", i => i.Set("EcsTaskDefinitionTemplate", "does-not-exist.json"));
        yield return Case("template is not json", "ECS0005", "EcsTaskDefinitionTemplate", i => Template(i, "EcsTaskDefinitionTemplate", "{ not json"));
        yield return Case("template member of wrong type", "ECS0005", "EcsTaskDefinitionTemplate", i => Template(i, "EcsTaskDefinitionTemplate", """{"family":"x","containerDefinitions":"none"}"""));
        yield return Case("template with a typo", "ECS0006", "EcsTaskDefinitionTemplate", i => Template(i, "EcsTaskDefinitionTemplate", """{"family":"x","containerDefinitions":[{"name":"x","memmory":128}]}"""));
        yield return Case("service template with two services", "ECS0005", "EcsServiceDefinitionTemplate", i => Template(i, "EcsServiceDefinitionTemplate", """{"services":[{"serviceName":"a"},{"serviceName":"b"}]}"""));
        yield return Case("secret without ValueFrom", "ECS0007", "EcsSecret 'API_KEY'", i => i.Add("EcsSecret", "API_KEY"));
        yield return Case("environment variable twice", "ECS0008", "EcsEnvironmentVariable 'FEATURE_X'", i => i.Add("EcsEnvironmentVariable", "FEATURE_X", ("Value", "off")));
        yield return Case("circuit breaker threshold malformed", "ECS0163", "EcsCircuitBreakerThreshold", i => i.Set("EcsCircuitBreakerThreshold", "SOME:3"));
        yield return Case("capacity provider weight out of range", "ECS0001", "EcsCapacityProvider 'FARGATE'", i => i.Set("EcsLaunchType", null).Add("EcsCapacityProvider", "FARGATE", ("Weight", "5000")));
        yield return Case("endpoint URL without scheme", "ECS0012", "EcsEndpointUrl", i => i.Set("EcsEndpointUrl", "localhost:4599"));
        yield return Case("endpoint URL with ftp scheme", "ECS0012", "EcsEndpointUrl", i => i.Set("EcsEndpointUrl", "ftp://localhost:4599"));
        yield return Case("log retention not a CloudWatch value", "ECS0003", "EcsLogRetentionDays", i => i.Set("EcsLogRetentionDays", "10"));
        yield return Case("unknown target", "ECS0003", "EcsTarget", i => i.Set("EcsTarget", "azure"));
        yield return Case("timeout of zero minutes", "ECS0001", "EcsTimeoutMinutes", i => i.Set("EcsTimeoutMinutes", "0"));
        yield return Case("image configuration not json", "ECS0010", "GeneratedContainerConfiguration", i => i.Set("GeneratedContainerConfiguration", "{oops"));
        yield return Case("container port not a number", "ECS0129", "ContainerPort 'http'", i => i.Add("ContainerPort", "http"));

        // Names (ECS010x).
        yield return Case("family with a dot", "ECS0100", "EcsTaskFamily", i => i.Set("EcsTaskFamily", "hello.api"));
        yield return Case("family longer than 255", "ECS0100", "EcsTaskFamily", i => i.Set("EcsTaskFamily", new string('a', 256)));
        yield return Case("no repository and no names", "ECS0100", "EcsTaskFamily", i => i.Set("ContainerRepository", null).Set("EcsImage", "public.ecr.aws/nginx/nginx:1"));
        yield return Case("service name with space", "ECS0101", "EcsServiceName", i => i.Set("EcsServiceName", "hello world"));
        yield return Case("container name with slash", "ECS0102", "EcsContainerName", i => i.Set("EcsContainerName", "web/app"));
        yield return Case("template repeats a container name", "ECS0102", "containerDefinitions[].name", i => Template(i, "EcsTaskDefinitionTemplate", """{"family":"hello-ecs","containerDefinitions":[{"name":"hello-ecs","image":"a"},{"name":"side","image":"b","memory":64},{"name":"side","image":"c","memory":64}]}"""));
        yield return Case("cluster name with colon", "ECS0103", "EcsCluster", i => i.Set("EcsCluster", "prod:blue"));

        // Fargate sizes (ECS011x).
        yield return Case("fargate cpu 300", "ECS0110", "EcsCpu", i => i.Set("EcsCpu", "300"));
        yield return Case("fargate 256 with 4096 MiB", "ECS0111", "EcsMemory", i => i.Set("EcsCpu", "256").Set("EcsMemory", "4096"));
        yield return Case("fargate 512 with 512 MiB", "ECS0111", "EcsMemory", i => i.Set("EcsMemory", "512"));
        yield return Case("fargate 4096 with 31744 MiB", "ECS0111", "EcsMemory", i => i.Set("EcsCpu", "4096").Set("EcsMemory", "31744"));
        yield return Case("fargate 8 vCPU with 17408 MiB (4 GiB steps)", "ECS0111", "EcsMemory", i => i.Set("EcsCpu", "8192").Set("EcsMemory", "17408"));
        yield return Case("fargate 16 vCPU with 36864 MiB (8 GiB steps)", "ECS0111", "EcsMemory", i => i.Set("EcsCpu", "16384").Set("EcsMemory", "36864"));
        yield return Case("fargate 8 vCPU on platform 1.3.0", "ECS0112", "EcsPlatformVersion", i => i.Set("EcsCpu", "8192").Set("EcsMemory", "16384").Set("EcsPlatformVersion", "1.3.0"));
        yield return Case("fargate-compatible template without task size", "ECS0113", "cpu in EcsTaskDefinitionTemplate", i => i.Set("EcsCpu", null).Set("EcsMemory", null).Set("EcsLaunchType", "EC2")
            .Also(x => Template(x, "EcsTaskDefinitionTemplate", """{"family":"hello-ecs","networkMode":"awsvpc","requiresCompatibilities":["EC2","FARGATE"],"containerDefinitions":[{"name":"hello-ecs","image":"x","memory":256}]}""")));
        yield return Case("fargate with bridge", "ECS0114", "EcsNetworkMode", i => i.Set("EcsNetworkMode", "bridge").Set("EcsSubnets", null).Set("EcsSecurityGroups", null));

        // Containers (ECS011x–ECS013x).
        yield return Case("container memory above task memory", "ECS0115", "EcsContainerMemory", i => i.Set("EcsContainerMemory", "2048"));
        yield return Case("memory reservation above hard limit", "ECS0116", "EcsContainerMemoryReservation", i => i.Set("EcsContainerMemory", "512").Set("EcsContainerMemoryReservation", "768"));
        yield return Case("containers reserve more than the task", "ECS0116", "EcsContainerMemoryReservation", i => i.Set("EcsContainerMemoryReservation", "900")
            .Also(x => Template(x, "EcsTaskDefinitionTemplate", """{"family":"hello-ecs","containerDefinitions":[{"name":"hello-ecs"},{"name":"sidecar","image":"envoy","memoryReservation":256}]}""")));
        yield return Case("container cpu above task cpu", "ECS0117", "EcsContainerCpu", i => i.Set("EcsContainerCpu", "1024"));
        yield return Case("eleven containers", "ECS0118", "containerDefinitions", i => Template(i, "EcsTaskDefinitionTemplate",
            "{\"family\":\"hello-ecs\",\"containerDefinitions\":[" + string.Join(",", Enumerable.Range(1, 11).Select(n => $"{{\"name\":\"c{n}\",\"image\":\"x\",\"memory\":32}}")) + "]}"));
        yield return Case("ec2 container without memory", "ECS0119", "EcsContainerMemory", i => i.Set("EcsLaunchType", "EC2").Set("EcsCpu", null).Set("EcsMemory", null).Set("EcsSubnets", null).Set("EcsSecurityGroups", null));
        yield return Case("ec2 task cpu too large", "ECS0120", "EcsCpu", i => i.Set("EcsLaunchType", "EC2").Set("EcsCpu", "500000").Set("EcsNetworkMode", "awsvpc"));
        yield return Case("no essential container", "ECS0121", "essential", i => Template(i, "EcsTaskDefinitionTemplate", """{"family":"hello-ecs","containerDefinitions":[{"name":"hello-ecs","essential":false}]}"""));
        yield return Case("ephemeral storage 20 GiB", "ECS0122", "EcsEphemeralStorageGiB", i => i.Set("EcsEphemeralStorageGiB", "20"));
        yield return Case("ephemeral storage 201 GiB", "ECS0122", "EcsEphemeralStorageGiB", i => i.Set("EcsEphemeralStorageGiB", "201"));
        yield return Case("ephemeral storage on EC2", "ECS0122", "EcsEphemeralStorageGiB", i => i.Set("EcsLaunchType", "EC2").Set("EcsEphemeralStorageGiB", "30").Set("EcsNetworkMode", "awsvpc"));
        yield return Case("stop timeout 121 s", "ECS0123", "EcsStopTimeout", i => i.Set("EcsStopTimeout", "121"));
        yield return Case("health check without CMD", "ECS0124", "EcsHealthCheckCommand", i => i.Set("EcsHealthCheckCommand", "curl -f http://localhost:8080/"));
        yield return Case("health check interval 4 s", "ECS0124", "EcsHealthCheckIntervalSeconds", i => i.Set("EcsHealthCheckCommand", "CMD-SHELL;true").Set("EcsHealthCheckIntervalSeconds", "4"));
        yield return Case("health check retries 11", "ECS0124", "EcsHealthCheckRetries", i => i.Set("EcsHealthCheckCommand", "CMD-SHELL;true").Set("EcsHealthCheckRetries", "11"));
        yield return Case("health check timeout not below interval", "ECS0124", "EcsHealthCheckTimeoutSeconds", i => i.Set("EcsHealthCheckCommand", "CMD-SHELL;true").Set("EcsHealthCheckIntervalSeconds", "10").Set("EcsHealthCheckTimeoutSeconds", "10"));
        yield return Case("secret from an S3 ARN", "ECS0125", "EcsSecret 'TOKEN'", i => i.Add("EcsSecret", "TOKEN", ("ValueFrom", "arn:aws:s3:::bucket/token")));
        yield return Case("secret from a truncated secrets manager ARN", "ECS0125", "EcsSecret 'TOKEN'", i => i.Add("EcsSecret", "TOKEN", ("ValueFrom", "arn:aws:secretsmanager:us-east-1:123:secret:db")));
        yield return Case("environment variable with a dash", "ECS0126", "EcsEnvironmentVariable 'FEATURE-Y'", i => i.Add("EcsEnvironmentVariable", "FEATURE-Y", ("Value", "1")));
        yield return Case("execution role is a user", "ECS0127", "EcsExecutionRoleArn", i => i.Set("EcsExecutionRoleArn", "arn:aws:iam::123456789012:user/deployer"));
        yield return Case("task role without account", "ECS0127", "EcsTaskRoleArn", i => i.Set("EcsTaskRoleArn", "arn:aws:iam:::role/app"));
        yield return Case("secrets without execution role", "ECS0128", "EcsExecutionRoleArn", i => i.Set("EcsExecutionRoleArn", null));
        yield return Case("awsvpc host port differs", "ECS0129", "portMappings", i => Template(i, "EcsTaskDefinitionTemplate", """{"family":"hello-ecs","containerDefinitions":[{"name":"hello-ecs","portMappings":[{"containerPort":8080,"hostPort":80}]}]}"""));
        yield return Case("awslogs without group in template", "ECS0131", "logConfiguration", i => i.Set("EcsAwsLogs", null)
            .Also(x => Template(x, "EcsTaskDefinitionTemplate", """{"family":"hello-ecs","containerDefinitions":[{"name":"hello-ecs"},{"name":"side","image":"x","memory":64,"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-region":"us-east-1"}}}]}""")));
        yield return Case("ARM64 with Windows", "ECS0130", "EcsRuntimePlatform", i => i.Set("EcsRuntimePlatform", "ARM64").Set("EcsOperatingSystemFamily", "WINDOWS_SERVER_2022_CORE").Set("EcsCpu", "1024").Set("EcsMemory", "2048"));
        yield return Case("awsvpc on EXTERNAL", "ECS0132", "EcsNetworkMode", i => i.Set("EcsLaunchType", "EXTERNAL").Set("EcsNetworkMode", "awsvpc").Set("EcsCpu", null).Set("EcsMemory", null).Set("EcsContainerMemory", "256"));

        // Network (ECS014x).
        yield return Case("seventeen subnets", "ECS0140", "EcsSubnets", i => i.Set("EcsSubnets", string.Join(";", Enumerable.Range(0, 17).Select(n => $"subnet-{n:x8}"))));
        yield return Case("subnet id malformed", "ECS0141", "EcsSubnets", i => i.Set("EcsSubnets", "subnet-a;subnet-b"));
        yield return Case("six security groups", "ECS0142", "EcsSecurityGroups", i => i.Set("EcsSecurityGroups", string.Join(";", Enumerable.Range(0, 6).Select(n => $"sg-{n:x8}"))));
        yield return Case("security group id malformed", "ECS0143", "EcsSecurityGroups", i => i.Set("EcsSecurityGroups", "sg-1"));
        yield return Case("subnets with bridge mode", "ECS0144", "EcsSubnets", i => i.Set("EcsLaunchType", "EC2").Set("EcsNetworkMode", "bridge").Set("EcsContainerMemory", "256"));
        yield return Case("public IP on EC2", "ECS0145", "EcsAssignPublicIp", i => i.Set("EcsLaunchType", "EC2").Set("EcsNetworkMode", "awsvpc").Set("EcsAssignPublicIp", "ENABLED"));

        // Scheduling (ECS015x).
        yield return Case("daemon on fargate", "ECS0150", "EcsSchedulingStrategy", i => i.Set("EcsSchedulingStrategy", "DAEMON"));
        yield return Case("daemon with desired count", "ECS0151", "EcsDesiredCount", i => i.Set("EcsLaunchType", "EC2").Set("EcsSchedulingStrategy", "DAEMON").Set("EcsDesiredCount", "2").Set("EcsNetworkMode", "awsvpc"));
        yield return Case("daemon with maximum percent 200", "ECS0152", "EcsMaximumPercent", i => i.Set("EcsLaunchType", "EC2").Set("EcsSchedulingStrategy", "DAEMON").Set("EcsMaximumPercent", "200").Set("EcsNetworkMode", "awsvpc"));
        yield return Case("launch type and capacity providers", "ECS0153", "EcsLaunchType", i => i.Set("EcsLaunchType", "FARGATE").Add("EcsCapacityProvider", "FARGATE_SPOT", ("Weight", "1")));
        yield return Case("desired count -1 in a template", "ECS0155", "desiredCount in EcsServiceDefinitionTemplate", i => Template(i, "EcsServiceDefinitionTemplate", """{"serviceName":"hello-ecs","desiredCount":-1}"""));
        yield return Case("two capacity providers with base", "ECS0154", "EcsCapacityProvider", i => i.Set("EcsLaunchType", null).Add("EcsCapacityProvider", "FARGATE", ("Weight", "1"), ("Base", "1")).Add("EcsCapacityProvider", "FARGATE_SPOT", ("Weight", "1"), ("Base", "1")));
        yield return Case("capacity providers all weight 0", "ECS0154", "EcsCapacityProvider", i => i.Set("EcsLaunchType", null).Add("EcsCapacityProvider", "FARGATE", ("Weight", "0")));
        yield return Case("platform version on EC2", "ECS0156", "EcsPlatformVersion", i => i.Set("EcsLaunchType", "EC2").Set("EcsNetworkMode", "awsvpc").Set("EcsPlatformVersion", "1.4.0"));
        yield return Case("platform version malformed", "ECS0156", "EcsPlatformVersion", i => i.Set("EcsPlatformVersion", "latest-ish"));
        yield return Case("placement constraint unknown type", "ECS0157", "EcsPlacementConstraint 'sameHost'", i => i.Add("EcsPlacementConstraint", "sameHost"));
        yield return Case("memberOf without expression", "ECS0157", "EcsPlacementConstraint", i => i.Set("EcsLaunchType", "EC2").Set("EcsNetworkMode", "awsvpc").Add("EcsPlacementConstraint", "memberOf"));
        yield return Case("spread without field", "ECS0157", "EcsPlacementStrategy", i => i.Set("EcsLaunchType", "EC2").Set("EcsNetworkMode", "awsvpc").Add("EcsPlacementStrategy", "spread"));
        yield return Case("placement on fargate", "ECS0157", "EcsPlacementStrategy", i => i.Add("EcsPlacementStrategy", "random"));

        // Deployment configuration (ECS016x).
        yield return Case("minimum healthy 101", "ECS0160", "EcsMinimumHealthyPercent", i => i.Set("EcsMinimumHealthyPercent", "101"));
        yield return Case("maximum percent 90", "ECS0161", "EcsMaximumPercent", i => i.Set("EcsMaximumPercent", "90"));
        yield return Case("maximum below minimum", "ECS0161", "EcsMaximumPercent", i => i.Set("EcsMinimumHealthyPercent", "100").Set("EcsMaximumPercent", "99"));
        yield return Case("100/100 cannot progress", "ECS0162", "EcsMaximumPercent", i => i.Set("EcsMinimumHealthyPercent", "100").Set("EcsMaximumPercent", "100"));
        yield return Case("negative grace period", "ECS0165", "EcsHealthCheckGracePeriodSeconds", i => i.Set("EcsHealthCheckGracePeriodSeconds", "-5"));
        yield return Case("alarm name with a control character", "ECS0164", "EcsAlarm", i => i.Add("EcsAlarm", "errors\u0001high"));

        // Load balancers, registries, tags (ECS017x) and strategies.
        yield return Case("target group ARN malformed", "ECS0170", "EcsTargetGroupArn", i => i.Set("EcsTargetGroupArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1"));
        yield return Case("target group port not mapped", "ECS0171", "EcsContainerPort", i => i.Set("EcsTargetGroupArn", TestInputs.TargetGroup).Set("EcsContainerPort", "9090"));
        yield return Case("target group with no ports", "ECS0171", "EcsContainerPort", i => i.Set("EcsTargetGroupArn", TestInputs.TargetGroup).Set("UsingMicrosoftNETSdkWeb", "false"));
        yield return Case("registry with port and container", "ECS0172", "serviceRegistries", i => Template(i, "EcsServiceDefinitionTemplate",
            """{"serviceName":"hello-ecs","serviceRegistries":[{"registryArn":"arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1","port":8080,"containerName":"hello-ecs","containerPort":8080}]}"""));
        yield return Case("registry container port only", "ECS0172", "serviceRegistries", i => Template(i, "EcsServiceDefinitionTemplate",
            """{"serviceName":"hello-ecs","serviceRegistries":[{"registryArn":"arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1","containerPort":8080}]}"""));
        yield return Case("registry names an unknown container", "ECS0172", "serviceRegistries", i => Template(i, "EcsServiceDefinitionTemplate",
            """{"serviceName":"hello-ecs","serviceRegistries":[{"registryArn":"arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1","containerName":"nope","containerPort":8080}]}"""));
        yield return Case("tag with reserved prefix", "ECS0173", "EcsTag 'aws:owner'", i => i.Add("EcsTag", "aws:owner", ("Value", "me")));
        yield return Case("tag value too long", "ECS0173", "EcsTag 'team'", i => i.Add("EcsTag", "team", ("Value", new string('x', 257))));
        yield return Case("region that is no region", "ECS0013", "EcsRegion", i => i.Set("EcsRegion", "nowhere-1"));
        yield return Case("log group name with a space", "ECS0014", "EcsLogGroup", i => i.Set("EcsLogGroup", "my logs"));
        yield return Case("image tag with a space", "ECS0015", "EcsImageTags", i => i.Set("EcsImageTags", "v1;not a tag"));
        yield return Case("blue/green on a daemon", "ECS0181", "EcsDeploymentStrategy", i => i.Set("EcsLaunchType", "EC2").Set("EcsNetworkMode", "awsvpc").Set("EcsSchedulingStrategy", "DAEMON").Set("EcsDeploymentStrategy", "BlueGreen"));
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Invalid_configuration_is_reported_with_its_code(string description, string code, string subject, ProjectChange change)
    {
        using var directory = new TempDirectory();
        var input = TestInputs.ValidFargate(directory.Path);
        change.ApplyTo(input);

        TestInputs.AssertRejected(input, description, code, subject);
    }

    [TestMethod]
    public void The_table_covers_at_least_forty_configurations_and_every_validation_code()
    {
        var cases = Cases().ToList();
        Assert.IsGreaterThanOrEqualTo(40, cases.Count);
        var covered = cases.Select(c => (string)c[1]).ToHashSet(StringComparer.Ordinal);
        var validationCodes = DiagnosticCodes.All
            .Select(d => d.Code)
            .Where(c => string.CompareOrdinal(c, "ECS0300") < 0)
            .Except(["ECS0011"], StringComparer.Ordinal); // No image at all is covered by its own test below.
        var missing = validationCodes.Where(c => !covered.Contains(c)).ToList();
        Assert.AreEqual(0, missing.Count, "Codes without an invalid configuration in the table: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void A_container_without_an_image_is_reported()
    {
        // The application's container always has one (without a repository the project stops at ECS1150); a template's may not.
        var input = TestInputs.ValidFargate();
        Template(input, "EcsTaskDefinitionTemplate", """{"family":"hello-ecs","containerDefinitions":[{"name":"hello-ecs"},{"name":"side","memory":64}]}""");
        var diagnostics = new DiagnosticCollection();

        Assert.IsNull(Project.Generate(input, diagnostics));

        Assert.IsTrue(diagnostics.Any(d => d.Code == "ECS0011" && d.Subject == "containerDefinitions[side].image in EcsTaskDefinitionTemplate"), string.Join("\n", diagnostics));
    }

    [TestMethod]
    public void The_valid_starting_point_has_no_diagnostics()
    {
        var diagnostics = new DiagnosticCollection();

        var result = Project.Generate(TestInputs.ValidFargate(), diagnostics);

        Assert.IsNotNull(result, string.Join("\n", diagnostics));
        Assert.AreEqual(0, diagnostics.Count, string.Join("\n", diagnostics));
    }

    private static object[] Case(string description, string code, string subject, Action<SettingsInput> change) => [description, code, subject, new ProjectChange(change)];

    private static void Template(SettingsInput input, string property, string json)
    {
        var path = Path.Combine(input.BaseDirectory, property + ".json");
        File.WriteAllText(path, json);
        input.Set(property, property + ".json");
    }
}

internal static class SettingsInputExtensions
{
    public static SettingsInput Also(this SettingsInput input, Action<SettingsInput> action)
    {
        action(input);
        return input;
    }
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("ecs-tests-").FullName;

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
