using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Tests;

/// <summary>Project configurations for tests: a valid Fargate web service to start from, changed per test.</summary>
internal static class TestInputs
{
    public const string ExecutionRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
    public const string TargetGroup = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hello/0123456789abcdef";

    /// <summary>A copy of the project whose tasks crash at start (LocalEcs's <c>LOCALECS_SIMULATE=crash</c>).</summary>
    public static SettingsInput Crashing(SettingsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Copy().Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash"));
    }

    /// <summary>What the issue's quick start configures: Fargate, 512/1024, two subnets, one security group.</summary>
    public static SettingsInput ValidFargate(string? directory = null)
    {
        var input = new SettingsInput { BaseDirectory = directory ?? Directory.GetCurrentDirectory() }
            .Set("ContainerRepository", "hello-ecs")
            .Set("ContainerRegistry", "123456789012.dkr.ecr.us-east-1.amazonaws.com")
            .Set("ContainerImageTag", "1.0.0")
            .Set("UsingMicrosoftNETSdkWeb", "true")
            .Set("EcsDryRun", "true")
            .Set("EcsRegion", "us-east-1")
            .Set("EcsCluster", "prod")
            .Set("EcsCpu", "512")
            .Set("EcsMemory", "1024")
            .Set("EcsSubnets", "subnet-0123456789abcdef0;subnet-0fedcba9876543210")
            .Set("EcsSecurityGroups", "sg-0123456789abcdef0")
            .Set("EcsExecutionRoleArn", ExecutionRole);
        input.Add("EcsEnvironmentVariable", "FEATURE_X", ("Value", "on"));
        input.Add("EcsSecret", "DB_PASSWORD", ("ValueFrom", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"));
        return input;
    }

    /// <summary>An EC2 DAEMON service in bridge mode.</summary>
    public static SettingsInput ValidDaemon() => new SettingsInput()
        .Add("ContainerPort", "8080")
        .Set("ContainerRepository", "agent")
        .Set("ContainerRegistry", "123456789012.dkr.ecr.us-east-1.amazonaws.com")
        .Set("EcsDryRun", "true")
        .Set("EcsRegion", "us-east-1")
        .Set("EcsLaunchType", "EC2")
        .Set("EcsSchedulingStrategy", "DAEMON")
        .Set("EcsContainerMemory", "256");

    /// <summary>
    /// Asserts what a user sees for an invalid configuration: no definitions, and an error with <paramref name="code"/>
    /// that names <paramref name="subject"/> (the property or item to fix) in its subject and its message.
    /// </summary>
    public static EcsDiagnostic AssertRejected(SettingsInput input, string description, string code, string subject)
    {
        var diagnostics = new DiagnosticCollection();

        var result = Project.Generate(input, diagnostics);

        Assert.IsNull(result, $"{description}: expected no definitions");
        var errors = diagnostics.Where(d => d.IsError).ToList();
        var match = errors.Find(d => d.Code == code);
        Assert.IsNotNull(match, $"{description}: expected {code}, got:\n{string.Join("\n", errors)}");
        StringAssert.Contains(match.Subject, subject, $"{description}: the diagnostic must name '{subject}': {match}");
        StringAssert.Contains(match.Message, subject.Split(' ')[0].Split('[')[0], $"{description}: the message must name what to fix: {match}");
        return match;
    }
}
