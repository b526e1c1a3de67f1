using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies.Express;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// Express and managed daemon settings: each combination ECS cannot honour is stopped with its code and the property
/// or item to fix before anything is built or changed (ECS6000–ECS6039); valid ones give the Express request and the
/// daemon task definition ECS expects.
/// </summary>
[TestClass]
public sealed class ExpressAndDaemonConfigurationTests
{
    private const string Role = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices";

    /// <summary>
    /// Codes raised by the preflight or the deployment, tested against LocalEcs (ExpressStrategyTests,
    /// ManagedDaemonStrategyTests) instead of here: the service that is not an Express one (ECS6006), no URL within the
    /// timeout (ECS6008), an Express service under another strategy (ECS6009), capacity providers (ECS6023), a daemon
    /// being deleted (ECS6025); ECS6024 is a warning (tested below).
    /// </summary>
    private static readonly string[] CheckedElsewhere = ["ECS6006", "ECS6008", "ECS6009", "ECS6023", "ECS6024", "ECS6025"];

    public static IEnumerable<object[]> Cases()
    {
        // Express (ECS600x).
        yield return Case("Express without an infrastructure role", "ECS6000", "EcsInfrastructureRoleArn", i => Express(i).Set("EcsInfrastructureRoleArn", null));
        yield return Case("Express with a malformed infrastructure role", "ECS6000", "EcsInfrastructureRoleArn", i => Express(i).Set("EcsInfrastructureRoleArn", "ecsInfrastructureRole"));
        yield return Case("Express with a target group", "ECS6001", "EcsTargetGroupArn", i => Express(i).Set("EcsTargetGroupArn", TestInputs.TargetGroup));
        yield return Case("Express as a DAEMON", "ECS6001", "EcsSchedulingStrategy", i => Express(i).Set("EcsSchedulingStrategy", "DAEMON"));
        yield return Case("Express with Cloud Map", "ECS6001", "EcsServiceDiscoveryNamespace", i => Express(i).Set("EcsServiceDiscoveryNamespace", "prod.local"));
        yield return Case("Express on EC2", "ECS6001", "EcsLaunchType", i => Express(i).Set("EcsLaunchType", "EC2").Set("EcsNetworkMode", "awsvpc"));
        yield return Case("Express with a desired count", "ECS6001", "EcsDesiredCount", i => Express(i).Set("EcsDesiredCount", "3"));
        yield return Case("Express health check path without a slash", "ECS6003", "EcsExpressHealthCheckPath", i => Express(i).Set("EcsExpressHealthCheckPath", "health"));
        yield return Case("Express with two scaling policies", "ECS6004", "EcsScalingPolicy", i => Express(i).Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "4")
            .Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "60")).Add("EcsScalingPolicy", "memory", ("Metric", "Memory"), ("TargetValue", "70")));
        yield return Case("Express with scheduled scaling", "ECS6004", "EcsScheduledScaling", i => Express(i).Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "4")
            .Add("EcsScheduledScaling", "night", ("Schedule", "cron(0 22 * * ? *)"), ("MinCapacity", "1"), ("MaxCapacity", "1")));
        yield return Case("Express with a fractional CPU target", "ECS6004", "EcsScalingPolicy 'cpu'", i => Express(i).Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "4")
            .Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "60.5")));
        yield return Case("Express for a worker without a port", "ECS6005", "EcsContainerPort", i => Express(i).Set("UsingMicrosoftNETSdkWeb", "false"));
        yield return Case("Express with a sidecar and another container name", "ECS6007", "EcsContainerName", i =>
            Template(Express(i), """{"containerDefinitions": [{"name": "hello-ecs"}, {"name": "otel", "image": "public.ecr.aws/aws-observability/aws-otel-collector:latest", "essential": false}]}"""));

        // Managed daemons (ECS602x).
        yield return Case("daemon without capacity providers", "ECS6020", "EcsCapacityProvider", i => Daemon(i, provider: false));
        yield return Case("daemon behind a load balancer", "ECS6021", "EcsTargetGroupArn", i => Daemon(i).Set("EcsTargetGroupArn", TestInputs.TargetGroup));
        yield return Case("daemon with a desired count", "ECS6021", "EcsDesiredCount", i => Daemon(i).Set("EcsDesiredCount", "2"));
        yield return Case("daemon with subnets", "ECS6021", "EcsSubnets", i => Daemon(i).Set("EcsSubnets", "subnet-0123456789abcdef0"));
        yield return Case("daemon with auto scaling", "ECS6021", "EcsAutoScalingMinCapacity", i => Daemon(i).Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "2"));
        yield return Case("daemon drain percent above 100", "ECS6022", "EcsDaemonDrainPercent", i => Daemon(i).Set("EcsDaemonDrainPercent", "150"));
        yield return Case("daemon drain percent not a number", "ECS6022", "EcsDaemonDrainPercent", i => Daemon(i).Set("EcsDaemonDrainPercent", "half"));
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Invalid_Express_or_daemon_configuration_is_reported_with_its_code(string description, string code, string subject, ProjectChange change)
    {
        using var directory = new TempDirectory();
        var input = TestInputs.ValidFargate(directory.Path);
        change.ApplyTo(input);

        TestInputs.AssertRejected(input, description, code, subject);
    }

    [TestMethod]
    public void The_table_covers_every_Express_and_daemon_settings_code()
    {
        var covered = Cases().Select(c => (string)c[1]).Concat(CheckedElsewhere).ToHashSet(StringComparer.Ordinal);
        var missing = DiagnosticCodes.All.Select(d => d.Code)
            .Where(c => string.CompareOrdinal(c, "ECS6000") >= 0 && string.CompareOrdinal(c, "ECS6100") < 0 && !covered.Contains(c))
            .ToList();

        Assert.AreEqual(0, missing.Count, "Express and daemon codes without a test: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void A_Fargate_size_Express_cannot_run_gets_the_Fargate_size_code()
    {
        using var directory = new TempDirectory();
        var input = Express(TestInputs.ValidFargate(directory.Path)).Set("EcsCpu", "256").Set("EcsMemory", "4096");

        TestInputs.AssertRejected(input, "Express with 256 CPU and 4 GiB", DiagnosticCodes.FargateMemoryInvalid.Code, "EcsMemory");
    }

    [TestMethod]
    public void A_web_project_is_described_inline_with_its_digest_port_environment_secrets_and_logs()
    {
        using var directory = new TempDirectory();
        var input = Express(TestInputs.ValidFargate(directory.Path)).Set("EcsAutoScalingMinCapacity", "2").Set("EcsAutoScalingMaxCapacity", "6")
            .Add("EcsScalingPolicy", "memory", ("Metric", "Memory"), ("TargetValue", "70"));
        var definitions = LocalEcsHarness.Generate(input);

        var configuration = ExpressConfiguration.Of(definitions, "/health", null);

        Assert.IsFalse(ExpressConfiguration.NeedsTaskDefinition(definitions), string.Join(", ", ExpressConfiguration.BeyondPrimaryContainer(definitions)));
        var container = configuration.PrimaryContainer!;
        Assert.AreEqual(definitions.MainContainer.Image, container.Image);
        Assert.AreEqual(8080, container.ContainerPort);
        Assert.AreEqual("FEATURE_X", container.Environment!.Single(e => e.Name == "FEATURE_X").Name);
        Assert.AreEqual("DB_PASSWORD", container.Secrets![0].Name);
        Assert.AreEqual("/ecs/hello-ecs", container.AwsLogsConfiguration!.LogGroup);
        Assert.AreEqual("512/1024", $"{configuration.Cpu}/{configuration.Memory}");
        Assert.AreEqual(TestInputs.ExecutionRole, configuration.ExecutionRoleArn);
        var scaling = configuration.ScalingTarget!;
        Assert.AreEqual("2-6 AVERAGE_MEMORY 70", $"{scaling.MinTaskCount}-{scaling.MaxTaskCount} {scaling.AutoScalingMetric!.Value} {scaling.AutoScalingTargetValue}");
        CollectionAssert.AreEqual(new[] { "subnet-0123456789abcdef0", "subnet-0fedcba9876543210" }, configuration.Network!.Subnets);
    }

    [TestMethod]
    public void A_daemon_task_definition_carries_what_daemons_take_and_names_what_it_leaves_out()
    {
        using var directory = new TempDirectory();
        var input = Daemon(TestInputs.ValidFargate(directory.Path)).Set("UsingMicrosoftNETSdkWeb", "true");
        var diagnostics = new DiagnosticCollection();

        var definitions = Project.Generate(input, diagnostics);

        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        var warning = diagnostics.Single(d => d.Code == "ECS6024");
        StringAssert.Contains(warning.Message, "hello-ecs.portMappings");
        var (daemon, dropped) = Strategies.ManagedDaemon.DaemonTaskDefinitions.Convert(definitions.TaskDefinition);
        Assert.AreEqual("hello-ecs", daemon.Family);
        Assert.AreEqual("512/1024", $"{daemon.Cpu}/{daemon.Memory}");
        var container = daemon.ContainerDefinitions!.Single();
        Assert.AreEqual(definitions.MainContainer.Image, container.Image);
        Assert.AreEqual("FEATURE_X", container.Environment!.Single(e => e.Name == "FEATURE_X").Name);
        Assert.AreEqual("awslogs", container.LogConfiguration!.LogDriver!.Value);
        CollectionAssert.Contains(dropped.ToList(), "hello-ecs.portMappings");
        CollectionAssert.DoesNotContain(dropped.ToList(), "networkMode", "what the generator writes for every task is left out silently");
    }

    private static object[] Case(string description, string code, string subject, Action<SettingsInput> change) => [description, code, subject, new ProjectChange(change)];

    private static SettingsInput Express(SettingsInput input) => input.Set("EcsDeploymentStrategy", "Express").Set("EcsInfrastructureRoleArn", Role);

    private static SettingsInput Daemon(SettingsInput input, bool provider = true)
    {
        input.Set("EcsDeploymentStrategy", "ManagedDaemon").Set("EcsSubnets", null).Set("EcsSecurityGroups", null).Set("UsingMicrosoftNETSdkWeb", "false");
        return provider ? input.Add("EcsCapacityProvider", "workers") : input;
    }

    private static SettingsInput Template(SettingsInput input, string json)
    {
        var path = Path.Combine(input.BaseDirectory, "task-template.json");
        File.WriteAllText(path, json);
        return input.Set("EcsTaskDefinitionTemplate", "task-template.json");
    }
}
