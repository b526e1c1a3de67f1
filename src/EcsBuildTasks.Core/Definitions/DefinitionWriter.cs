using System.Globalization;
using System.Text;
using EcsBuildTasks.Aws.ECS;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>The files <see cref="DefinitionWriter"/> wrote.</summary>
public sealed record DefinitionFiles(string TaskDefinitionFile, string ServiceDefinitionFile, string PlanFile);

/// <summary>
/// Writes <c>task-definition.json</c> and <c>service-definition.json</c> (exactly what <c>aws ecs register-task-definition</c>
/// and <c>aws ecs create-service</c> take as <c>--cli-input-json</c>) and <c>plan.txt</c>, the human summary.
/// </summary>
public static class DefinitionWriter
{
    public const string TaskDefinitionFileName = "task-definition.json";
    public const string ServiceDefinitionFileName = "service-definition.json";
    public const string PlanFileName = "plan.txt";

    public static DefinitionFiles Write(GeneratedDefinitions definitions, string directory)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        Directory.CreateDirectory(directory);
        var files = new DefinitionFiles(
            Path.Combine(directory, TaskDefinitionFileName),
            Path.Combine(directory, ServiceDefinitionFileName),
            Path.Combine(directory, PlanFileName));
        WriteIfChanged(files.TaskDefinitionFile, EcsJson.Serialize(definitions.TaskDefinition, indented: true) + "\n");
        WriteIfChanged(files.ServiceDefinitionFile, EcsJson.Serialize(definitions.Service, indented: true) + "\n");
        WriteIfChanged(files.PlanFile, string.Join("\n", PlanSummary.Lines(definitions, files)) + "\n");
        return files;
    }

    /// <summary>Leaves the file (and its timestamp) alone when the content is the same, so later incremental steps stay quiet.</summary>
    private static void WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && string.Equals(File.ReadAllText(path), content, StringComparison.Ordinal))
        {
            // Touch it so MSBuild's Inputs/Outputs check sees the outputs as newer than the inputs that triggered this run.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return;
        }

        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}

/// <summary>The short human summary a build prints before (or instead of, in a dry run) deploying.</summary>
public static class PlanSummary
{
    public static IReadOnlyList<string> Lines(GeneratedDefinitions definitions, DefinitionFiles files)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(files);
        var settings = definitions.Settings;
        var task = definitions.TaskDefinition;
        var service = definitions.Service;
        var container = definitions.MainContainer;
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            settings.DryRun
                ? "EcsBuildTasks: plan (dry run: no image is built, nothing in AWS is read or changed)"
                : "EcsBuildTasks: plan",
        };

        var count = service.SchedulingStrategy?.Value == "DAEMON"
            ? "one task per container instance"
            : settings.DesiredCount is { } desired ? string.Create(inv, $"desired count {desired}") : string.Create(inv, $"desired count {service.DesiredCount} when created, unchanged on update");
        lines.Add($"  Service     {service.ServiceName} in cluster {service.Cluster}: {service.SchedulingStrategy?.Value}, {definitions.Target.Describe()}, {count}");

        var size = task.Cpu is null && task.Memory is null ? "no task-level size" : $"{task.Cpu ?? "-"} CPU units, {task.Memory ?? "-"} MiB";
        var platform = task.RuntimePlatform?.CpuArchitecture?.Value is { } arch ? $", {arch}" : string.Empty;
        lines.Add($"  Task        family {task.Family}: {size}, {task.NetworkMode?.Value}{platform}, {task.ContainerDefinitions?.Count ?? 0} container(s)");

        var ports = container.PortMappings is { Count: > 0 } mappings
            ? string.Join(", ", mappings.Select(m => $"{m.ContainerPort}/{m.Protocol?.Value ?? "tcp"}")) + (settings.ContainerPortsSource is { } source ? $" (from {source})" : string.Empty)
            : "no ports";
        // Every line carries its label: MSBuild's ReadLinesFromFile, which prints the plan on up-to-date runs, trims lines.
        var image = settings.DryRun || settings.ImageIsExternal || settings.Image?.Contains('@', StringComparison.Ordinal) == true
            ? container.Image
            : "the image PublishContainer builds, pinned by digest";
        lines.Add($"  Container   {container.Name}: {image}");
        lines.Add(string.Create(inv, $"  Ports       {ports}; {container.Environment?.Count ?? 0} environment variable(s), {container.Secrets?.Count ?? 0} secret(s)"));
        if (container.LogConfiguration?.LogDriver?.Value == "awslogs" && container.LogConfiguration.Options is { } options)
        {
            lines.Add($"  Logs        CloudWatch Logs group {options.GetValueOrDefault("awslogs-group")}");
        }

        if (task.NetworkMode?.Value == "awsvpc")
        {
            var awsvpc = service.NetworkConfiguration?.AwsvpcConfiguration;
            lines.Add(awsvpc?.Subnets is { Count: > 0 } subnets
                ? $"  Network     subnets {string.Join(", ", subnets)}; security groups {(awsvpc.SecurityGroups is { Count: > 0 } groups ? string.Join(", ", groups) : "the VPC's default")}; public IP {awsvpc.AssignPublicIp?.Value ?? "DISABLED"}"
                : "  Network     no subnets or security groups given: the deployment uses the default VPC's subnets and default security group (and a public IP on Fargate)");
        }

        foreach (var balancer in service.LoadBalancers ?? [])
        {
            lines.Add(string.Create(inv, $"  Traffic     target group {balancer.TargetGroupArn} → {balancer.ContainerName}:{balancer.ContainerPort}"));
        }

        var deployment = service.DeploymentConfiguration;
        var breaker = deployment?.DeploymentCircuitBreaker is { Enable: true } b
            ? $"circuit breaker{(b.Rollback == true ? " with rollback" : " without rollback")}{(b.ThresholdConfiguration is { } t ? string.Create(inv, $" ({t.Type?.Value} {t.Value})") : string.Empty)}"
            : "no circuit breaker";
        var alarms = deployment?.Alarms is { AlarmNames.Count: > 0 } a ? $", alarms {string.Join(", ", a.AlarmNames)}{(a.Rollback == true ? " with rollback" : string.Empty)}" : string.Empty;
        var isDaemon = service.SchedulingStrategy?.Value == "DAEMON";
        var min = deployment?.MinimumHealthyPercent ?? (isDaemon ? 0 : 100);
        var max = deployment?.MaximumPercent ?? (isDaemon ? 100 : 200);
        var defaults = deployment?.MinimumHealthyPercent is null && deployment?.MaximumPercent is null ? " (ECS defaults)" : string.Empty;
        var percents = string.Create(inv, $"min {min}% / max {max}%{defaults}");
        lines.Add($"  Deployment  {settings.DeploymentStrategy}: {percents}, {breaker}{alarms}");
        lines.AddRange(TrafficShiftingPlan.Lines(definitions));
        lines.AddRange(PlatformPlan.Lines(definitions));
        lines.Add($"  Files       {files.TaskDefinitionFile}");
        lines.Add($"  Files       {files.ServiceDefinitionFile}");
        return lines;
    }
}
