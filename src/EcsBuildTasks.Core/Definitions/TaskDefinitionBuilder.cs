using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Settings;
using KeyValuePair = EcsBuildTasks.Aws.ECS.Model.KeyValuePair;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// Builds the <c>RegisterTaskDefinitionRequest</c>: the template (if any) first, then every property the user set on top.
/// Defaults apply only where neither says anything.
/// </summary>
internal static class TaskDefinitionBuilder
{
    public const int FargateDefaultCpu = 256;
    public const int FargateDefaultMemory = 512;

    public static RegisterTaskDefinitionRequest Build(EcsSettings settings, RegisterTaskDefinitionRequest? template, LaunchTarget target)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(target);
        var request = template ?? new RegisterTaskDefinitionRequest();
        request.Family = settings.TaskFamily ?? request.Family ?? settings.ServiceName ?? settings.DefaultName;
        request.RequiresCompatibilities ??= target.IsFargate ? ["FARGATE"] : target.IsExternal ? ["EXTERNAL"] : ["EC2"];
        request.NetworkMode = settings.NetworkMode ?? request.NetworkMode?.Value ?? (target.IsFargate ? "awsvpc" : "bridge");
        request.Cpu = Text(settings.Cpu) ?? request.Cpu ?? (target.IsFargate ? Text(FargateDefaultCpu) : null);
        request.Memory = Text(settings.Memory) ?? request.Memory ?? (target.IsFargate ? Text(FargateDefaultMemory) : null);
        request.ExecutionRoleArn = settings.ExecutionRoleArn ?? request.ExecutionRoleArn;
        request.TaskRoleArn = settings.TaskRoleArn ?? request.TaskRoleArn;

        if (settings.CpuArchitecture is not null || settings.OperatingSystemFamily is not null)
        {
            request.RuntimePlatform ??= new RuntimePlatform();
            request.RuntimePlatform.CpuArchitecture = settings.CpuArchitecture is { } architecture ? architecture : request.RuntimePlatform.CpuArchitecture;
            request.RuntimePlatform.OperatingSystemFamily = settings.OperatingSystemFamily ?? request.RuntimePlatform.OperatingSystemFamily?.Value ?? "LINUX";
        }

        if (settings.EphemeralStorageGiB is { } storage)
        {
            request.EphemeralStorage = new EphemeralStorage { SizeInGiB = storage };
        }

        request.Tags = MergeTags(request.Tags, settings.Tags);
        request.ContainerDefinitions ??= [];
        var container = MainContainer(settings, request);
        ApplyContainerSettings(settings, request, container);
        if (request.ExecutionRoleArn is null && settings.Target == DeploymentTarget.Local && ExecutionRoleNeed.Of(request, target) is not null)
        {
            // LocalEcs provides the role in its account: EcsTarget=local needs no role setting (the plan says so).
            request.ExecutionRoleArn = ExecutionRoleNeed.LocalDefaultRoleArn;
        }

        return request;
    }

    /// <summary>
    /// The application's container: the one <c>EcsContainerName</c> names, else the template's only container, else a new
    /// container named after the family, placed first.
    /// </summary>
    public static ContainerDefinition MainContainer(EcsSettings settings, RegisterTaskDefinitionRequest request)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(request);
        var containers = request.ContainerDefinitions ??= [];
        var name = settings.ContainerName;
        if (name is null && containers.Count == 1)
        {
            return containers[0];
        }

        name ??= request.Family;
        var existing = containers.Find(c => string.Equals(c.Name, name, StringComparison.Ordinal));
        if (existing is not null)
        {
            return existing;
        }

        var created = new ContainerDefinition { Name = name };
        containers.Insert(0, created);
        return created;
    }

    /// <summary>The port an endpoint uses when the project names none: <c>EcsContainerPort</c>, else the first port mapping.</summary>
    public static int? DefaultContainerPort(EcsSettings settings, ContainerDefinition container)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(container);
        return settings.LoadBalancerContainerPort ?? container.PortMappings?.FirstOrDefault(m => m.ContainerPort is not null)?.ContainerPort;
    }

    /// <summary>The name of the container <see cref="MainContainer"/> picks, without changing the request.</summary>
    public static string? MainContainerName(EcsSettings settings, RegisterTaskDefinitionRequest request)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(request);
        var containers = request.ContainerDefinitions ?? [];
        return settings.ContainerName ?? (containers.Count == 1 ? containers[0].Name : request.Family);
    }

    private static void ApplyContainerSettings(EcsSettings settings, RegisterTaskDefinitionRequest request, ContainerDefinition container)
    {
        container.Image = settings.Image ?? container.Image;
        container.Essential ??= true;
        container.Cpu = settings.ContainerCpu ?? container.Cpu;
        container.Memory = settings.ContainerMemory ?? container.Memory;
        container.MemoryReservation = settings.ContainerMemoryReservation ?? container.MemoryReservation;
        container.StopTimeout = settings.StopTimeout ?? container.StopTimeout;
        container.PortMappings = MergePorts(container.PortMappings, settings.ContainerPorts, request.NetworkMode?.Value);
        container.Environment = MergeEnvironment(container.Environment, settings.EnvironmentVariables);
        container.Secrets = MergeSecrets(container.Secrets, settings.Secrets);
        ApplyHealthCheck(settings, container);
        ApplyLogging(settings, request, container);
    }

    private static void ApplyHealthCheck(EcsSettings settings, ContainerDefinition container)
    {
        var anySetting = settings.HealthCheckCommand.Count > 0 || settings.HealthCheckInterval is not null
            || settings.HealthCheckTimeout is not null || settings.HealthCheckRetries is not null || settings.HealthCheckStartPeriod is not null;
        if (!anySetting)
        {
            return;
        }

        var check = container.HealthCheck ?? new HealthCheck();
        if (settings.HealthCheckCommand.Count > 0)
        {
            check.Command = [.. settings.HealthCheckCommand];
        }

        check.Interval = settings.HealthCheckInterval ?? check.Interval;
        check.Timeout = settings.HealthCheckTimeout ?? check.Timeout;
        check.Retries = settings.HealthCheckRetries ?? check.Retries;
        check.StartPeriod = settings.HealthCheckStartPeriod ?? check.StartPeriod;
        container.HealthCheck = check;
    }

    private static void ApplyLogging(EcsSettings settings, RegisterTaskDefinitionRequest request, ContainerDefinition container)
    {
        if (settings.AwsLogs == false)
        {
            if (container.LogConfiguration?.LogDriver?.Value == "awslogs")
            {
                container.LogConfiguration = null;
            }

            return;
        }

        // A template's own log configuration (firelens, splunk, ...) stays unless awslogs is asked for explicitly.
        var explicitAwsLogs = settings.AwsLogs == true || settings.LogGroup is not null || settings.LogStreamPrefix is not null;
        if (container.LogConfiguration is not null && container.LogConfiguration.LogDriver?.Value != "awslogs" && !explicitAwsLogs)
        {
            return;
        }

        var options = container.LogConfiguration?.LogDriver?.Value == "awslogs" && container.LogConfiguration.Options is not null
            ? new Dictionary<string, string>(container.LogConfiguration.Options, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        options["awslogs-group"] = settings.LogGroup ?? (options.TryGetValue("awslogs-group", out var group) ? group : DefaultLogGroup(request.Family));
        options["awslogs-stream-prefix"] = settings.LogStreamPrefix ?? (options.TryGetValue("awslogs-stream-prefix", out var prefix) ? prefix : "ecs");
        if (settings.Region is not null || !options.ContainsKey("awslogs-region"))
        {
            options["awslogs-region"] = settings.Region ?? RegionPlaceholder;
        }

        container.LogConfiguration = new LogConfiguration
        {
            LogDriver = "awslogs",
            Options = options,
            SecretOptions = container.LogConfiguration?.SecretOptions,
        };
    }

    /// <summary>Stands for the region until the deployment resolves it (the dry run may run without AWS configuration).</summary>
    public const string RegionPlaceholder = "<region>";

    public static string DefaultLogGroup(string? family) => $"/ecs/{family}";

    private static List<PortMapping>? MergePorts(List<PortMapping>? existing, IReadOnlyList<PortSetting> ports, string? networkMode)
    {
        if (ports.Count == 0)
        {
            return existing;
        }

        var result = existing ?? [];
        foreach (var port in ports)
        {
            if (result.Exists(m => m.ContainerPort == port.Port && (m.Protocol?.Value ?? "tcp") == port.Protocol))
            {
                continue;
            }

            result.Add(new PortMapping
            {
                ContainerPort = port.Port,
                // awsvpc and host require hostPort == containerPort; bridge leaves it out for a dynamic host port.
                HostPort = networkMode is "awsvpc" or "host" ? port.Port : null,
                Protocol = port.Protocol,
            });
        }

        return result;
    }

    private static List<KeyValuePair>? MergeEnvironment(List<KeyValuePair>? existing, IReadOnlyList<EnvironmentVariableSetting> variables) =>
        MergeByKey(existing, variables, e => e.Name, v => v.Name, v => new KeyValuePair { Name = v.Name, Value = v.Value });

    private static List<Secret>? MergeSecrets(List<Secret>? existing, IReadOnlyList<SecretSetting> secrets) =>
        MergeByKey(existing, secrets, e => e.Name, s => s.Name, s => new Secret { Name = s.Name, ValueFrom = s.ValueFrom });

    internal static List<Tag>? MergeTags(List<Tag>? existing, IReadOnlyList<TagSetting> tags) =>
        MergeByKey(existing, tags, t => t.Key, t => t.Key, t => new Tag { Key = t.Key, Value = t.Value });

    /// <summary>
    /// The template's entries with the project's added: a project entry replaces the template's entry of the same key
    /// (keys compare ordinally, as ECS does); with no project entries the template's list is kept as it is (even null).
    /// </summary>
    private static List<TEntry>? MergeByKey<TEntry, TSetting>(
        List<TEntry>? existing, IReadOnlyList<TSetting> settings, Func<TEntry, string?> entryKey, Func<TSetting, string> settingKey, Func<TSetting, TEntry> create)
    {
        if (settings.Count == 0)
        {
            return existing;
        }

        var result = existing ?? [];
        foreach (var setting in settings)
        {
            var key = settingKey(setting);
            result.RemoveAll(e => string.Equals(entryKey(e), key, StringComparison.Ordinal));
            result.Add(create(setting));
        }

        return result;
    }

    private static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}
