using System.Globalization;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Turns raw MSBuild property and item values into <see cref="EcsSettings"/>, reporting every malformed value with a
/// code that names the property or item to fix: this file reads the names, sizes, network and deployment behaviour,
/// and calls the reader of each area (image, container items, traffic shifting, service discovery, Service Connect,
/// auto scaling, one-off tasks). Semantic rules (Fargate sizes, limits, combinations) are checked later on the
/// generated definitions, where template values are known too.
/// </summary>
internal static class SettingsReader
{
    private static readonly string[] LaunchTypes = ["FARGATE", "EC2", "EXTERNAL"];
    private static readonly string[] SchedulingStrategies = ["REPLICA", "DAEMON"];
    private static readonly string[] NetworkModes = ["awsvpc", "bridge", "host", "none"];
    private static readonly string[] AssignPublicIpValues = ["ENABLED", "DISABLED"];
    private static readonly string[] CpuArchitectures = ["X86_64", "ARM64"];
    private static readonly string[] PropagateTagsValues = ["SERVICE", "TASK_DEFINITION", "NONE"];
    private static readonly string[] ThresholdTypes = ["BOUNDED_PERCENT", "UNBOUNDED_PERCENT", "COUNT"];
    private static readonly string[] OsFamilies =
    [
        "LINUX", "WINDOWS_SERVER_2016_FULL", "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE", "WINDOWS_SERVER_2004_CORE",
        "WINDOWS_SERVER_20H2_CORE", "WINDOWS_SERVER_2022_FULL", "WINDOWS_SERVER_2022_CORE", "WINDOWS_SERVER_2025_FULL", "WINDOWS_SERVER_2025_CORE",
    ];

    private static readonly string[] PlacementConstraintTypes = ["distinctInstance", "memberOf"];
    private static readonly string[] Targets = ["aws", "local"];

    /// <summary>The retention values CloudWatch Logs accepts (PutRetentionPolicy).</summary>
    private static readonly int[] LogRetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
    private static readonly string[] PlacementStrategyTypes = ["random", "spread", "binpack"];

    public static EcsSettings Read(SettingsInput input, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return Read(new SettingsValues(input, diagnostics));
    }

    public static EcsSettings Read(SettingsValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var repository = values.Get(EcsProperties.SdkContainerRepository);
        ContainerRepositoryRule.Check(values, repository);
        var dryRun = values.Bool(EcsProperties.DryRun) ?? false;
        var (image, external) = ImageSettingsReader.ReadImage(values, dryRun, repository);
        var (ports, portsSource) = ImageSettingsReader.ReadPorts(values);

        return new EcsSettings
        {
            DryRun = dryRun,
            Region = InputRules.Region(values),
            Cluster = values.Get(EcsProperties.Cluster),
            ServiceName = values.Get(EcsProperties.ServiceName),
            TaskFamily = values.Get(EcsProperties.TaskFamily),
            ContainerName = values.Get(EcsProperties.ContainerName),
            DefaultName = DefaultNameFromRepository(repository),
            ContainerRepository = repository,
            ContainerRegistry = values.Get(EcsProperties.SdkContainerRegistry)?.TrimEnd('/'),
            LaunchType = values.Choice(EcsProperties.LaunchType, LaunchTypes),
            PlatformVersion = values.Get(EcsProperties.PlatformVersion),
            SchedulingStrategy = values.Choice(EcsProperties.SchedulingStrategy, SchedulingStrategies),
            DesiredCount = values.Int(EcsProperties.DesiredCount, 0, 100_000),
            Cpu = values.Int(EcsProperties.Cpu, 1, 1_000_000),
            Memory = values.Int(EcsProperties.Memory, 1, 10_000_000),
            ContainerCpu = values.Int(EcsProperties.ContainerCpu, 0, 1_000_000),
            ContainerMemory = values.Int(EcsProperties.ContainerMemory, 6, 10_000_000),
            ContainerMemoryReservation = values.Int(EcsProperties.ContainerMemoryReservation, 4, 10_000_000),
            ExecutionRoleArn = values.Get(EcsProperties.ExecutionRoleArn),
            TaskRoleArn = values.Get(EcsProperties.TaskRoleArn),
            NetworkMode = values.Choice(EcsProperties.NetworkMode, NetworkModes),
            Subnets = values.List(EcsProperties.Subnets),
            SecurityGroups = values.List(EcsProperties.SecurityGroups),
            AssignPublicIp = values.Choice(EcsProperties.AssignPublicIp, AssignPublicIpValues),
            CpuArchitecture = values.Choice(EcsProperties.RuntimePlatform, CpuArchitectures) ?? ImageSettingsReader.ArchitectureFromRuntimeIdentifier(values),
            OperatingSystemFamily = values.Choice(EcsProperties.OperatingSystemFamily, OsFamilies),
            AwsLogs = values.Bool(EcsProperties.AwsLogs),
            LogGroup = values.Get(EcsProperties.LogGroup),
            LogStreamPrefix = values.Get(EcsProperties.LogStreamPrefix),
            HealthCheckCommand = values.List(EcsProperties.HealthCheckCommand),
            HealthCheckInterval = values.Int(EcsProperties.HealthCheckInterval, int.MinValue, int.MaxValue),
            HealthCheckTimeout = values.Int(EcsProperties.HealthCheckTimeout, int.MinValue, int.MaxValue),
            HealthCheckRetries = values.Int(EcsProperties.HealthCheckRetries, int.MinValue, int.MaxValue),
            HealthCheckStartPeriod = values.Int(EcsProperties.HealthCheckStartPeriod, int.MinValue, int.MaxValue),
            StopTimeout = values.Int(EcsProperties.StopTimeout, int.MinValue, int.MaxValue),
            EphemeralStorageGiB = values.Int(EcsProperties.EphemeralStorageGiB, int.MinValue, int.MaxValue),
            MinimumHealthyPercent = values.Int(EcsProperties.MinimumHealthyPercent, int.MinValue, int.MaxValue),
            MaximumPercent = values.Int(EcsProperties.MaximumPercent, int.MinValue, int.MaxValue),
            CircuitBreaker = values.Bool(EcsProperties.CircuitBreaker),
            CircuitBreakerRollback = values.Bool(EcsProperties.CircuitBreakerRollback),
            CircuitBreakerThreshold = ReadThreshold(values),
            AlarmRollback = values.Bool(EcsProperties.AlarmRollback),
            HealthCheckGracePeriodSeconds = values.Int(EcsProperties.HealthCheckGracePeriodSeconds, int.MinValue, int.MaxValue),
            EnableExecuteCommand = values.Bool(EcsProperties.EnableExecuteCommand),
            PropagateTags = values.Choice(EcsProperties.PropagateTags, PropagateTagsValues),
            EnableEcsManagedTags = values.Bool(EcsProperties.EnableEcsManagedTags),
            TargetGroupArn = values.Get(EcsProperties.TargetGroupArn),
            LoadBalancerContainerPort = values.Int(EcsProperties.ContainerPort, 1, 65535),
            TaskDefinitionTemplate = TemplatePath(values, EcsProperties.TaskDefinitionTemplate),
            ServiceDefinitionTemplate = TemplatePath(values, EcsProperties.ServiceDefinitionTemplate),
            DeploymentStrategy = values.Get(EcsProperties.DeploymentStrategy),
            TrafficShifting = TrafficShiftingSettingsReader.Read(values),
            Image = image,
            ImageIsExternal = external,
            PushedImageDigest = values.Get(EcsProperties.SdkGeneratedContainerDigest),
            ContainerPorts = ports,
            ContainerPortsSource = portsSource,
            EnvironmentVariables = ContainerItemsReader.ReadEnvironment(values),
            Secrets = ContainerItemsReader.ReadSecrets(values),
            CapacityProviders = ContainerItemsReader.ReadCapacityProviders(values),
            Alarms = ContainerItemsReader.ReadAlarms(values),
            Tags = ContainerItemsReader.ReadTags(values),
            PlacementConstraints = ContainerItemsReader.ReadPlacement(values, EcsProperties.PlacementConstraintItem, PlacementConstraintTypes, "Expression"),
            PlacementStrategies = ContainerItemsReader.ReadPlacement(values, EcsProperties.PlacementStrategyItem, PlacementStrategyTypes, "Field"),
            Target = values.Choice(EcsProperties.Target, Targets) == "local" ? DeploymentTarget.Local : DeploymentTarget.Aws,
            EndpointUrl = ReadEndpointUrl(values),
            Profile = values.Get(EcsProperties.Profile),
            AssumeRoleArn = values.Get(EcsProperties.AssumeRoleArn),
            Wait = values.Bool(EcsProperties.Wait) ?? true,
            TimeoutMinutes = values.Int(EcsProperties.TimeoutMinutes, 1, 7 * 24 * 60) ?? 30,
            FailFastFailedTasks = values.Int(EcsProperties.FailFastFailedTasks, 1, 10_000),
            CreateEcrRepository = values.Bool(EcsProperties.CreateEcrRepository) ?? true,
            EcrScanOnPush = values.Bool(EcsProperties.EcrScanOnPush) ?? true,
            EcrTagImmutability = values.Bool(EcsProperties.EcrTagImmutability) ?? false,
            EcrKeepImages = values.Int(EcsProperties.EcrKeepImages, 1, 10_000),
            ImageTags = InputRules.ImageTags(values),
            LogRetentionDays = ReadLogRetention(values),
            ResultFile = values.Get(EcsProperties.ResultFile),
            ReuseUnchangedImage = values.Bool(EcsProperties.ReuseUnchangedImage) ?? true,
            ServiceDiscovery = ServiceDiscoverySettingsReader.Read(values),
            ServiceConnect = ServiceConnectSettingsReader.Read(values),
            AutoScaling = AutoScalingSettingsReader.Read(values),
            PreDeployTasks = OneOffTaskSettingsReader.ReadPreDeployTasks(values),
            RunTask = OneOffTaskSettingsReader.ReadRunTask(values),
            Release = ReleaseSettingsReader.Read(values),
            Plan = PlanSettings.Read(values),
            CreateExecutionRole = values.Bool(EcsProperties.CreateExecutionRole) ?? false,
            CreateCluster = values.Bool(EcsProperties.CreateCluster) ?? true,
        };
    }

    /// <summary>
    /// Makes a valid ECS name (letters, digits, '-' and '_', at most 255) from a container repository name such as
    /// <c>team/hello.api</c>.
    /// </summary>
    public static string? DefaultNameFromRepository(string? repository)
    {
        if (string.IsNullOrWhiteSpace(repository))
        {
            return null;
        }

        var chars = repository.Trim().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray();
        var name = new string(chars).Trim('-');
        return name.Length == 0 ? null : name.Length > 255 ? name[..255] : name;
    }

    private static CircuitBreakerThreshold? ReadThreshold(SettingsValues values)
    {
        var text = values.Get(EcsProperties.CircuitBreakerThreshold);
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        var type = parts.Length == 2 ? Array.Find(ThresholdTypes, t => string.Equals(t, parts[0], StringComparison.OrdinalIgnoreCase)) : null;
        if (type is null || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            values.Diagnostics.Error(
                DiagnosticCodes.CircuitBreakerThresholdInvalid,
                EcsProperties.CircuitBreakerThreshold,
                $"{EcsProperties.CircuitBreakerThreshold}='{text}' must be TYPE:VALUE with TYPE one of {string.Join(", ", ThresholdTypes)} and a positive whole VALUE (e.g. COUNT:3).");
            return null;
        }

        return new CircuitBreakerThreshold(type, value);
    }

    private static string? ReadEndpointUrl(SettingsValues values)
    {
        var text = values.Get(EcsProperties.EndpointUrl);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            values.Diagnostics.Error(DiagnosticCodes.EndpointUrlInvalid, EcsProperties.EndpointUrl, $"{EcsProperties.EndpointUrl}='{text}' is not an absolute http or https URL (e.g. http://localhost:4599).");
            return null;
        }

        return text;
    }

    private static int? ReadLogRetention(SettingsValues values)
    {
        var days = values.Int(EcsProperties.LogRetentionDays, 1, int.MaxValue);
        if (days is { } value && Array.IndexOf(LogRetentionValues, value) < 0)
        {
            values.Diagnostics.Error(DiagnosticCodes.InvalidChoice, EcsProperties.LogRetentionDays, $"{EcsProperties.LogRetentionDays}={value} is not a CloudWatch Logs retention; use one of {string.Join(", ", LogRetentionValues)}.");
            return null;
        }

        return days;
    }

    private static string? TemplatePath(SettingsValues values, string name)
    {
        var text = values.Get(name);
        if (text is null)
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(values.BaseDirectory, text));
        if (!File.Exists(path))
        {
            values.Diagnostics.Error(DiagnosticCodes.TemplateNotFound, name, $"{name}='{text}' does not exist (looked for {path}).");
            return null;
        }

        return path;
    }
}
