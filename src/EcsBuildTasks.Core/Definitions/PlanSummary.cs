using System.Globalization;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>The short human summary a build prints before (or instead of, in a dry run) deploying.</summary>
internal static class PlanSummary
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
        if (settings.Release.Environment is { } environment)
        {
            lines.Add($"  Environment {environment} (publish profile Properties/PublishProfiles/{environment}.pubxml)");
        }

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
        lines.Add($"  Deployment  {definitions.Strategy.Name}: {percents}, {breaker}{alarms}");
        foreach (var contributor in definitions.Contributors)
        {
            lines.AddRange(contributor.PlanLines(definitions));
        }

        lines.Add($"  Files       {files.TaskDefinitionFile}");
        lines.Add($"  Files       {files.ServiceDefinitionFile}");
        return lines;
    }
}
