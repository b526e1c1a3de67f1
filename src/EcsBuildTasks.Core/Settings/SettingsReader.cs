using System.Globalization;
using System.Text.Json;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Turns raw MSBuild property and item values into <see cref="EcsSettings"/>, reporting every malformed value with a
/// code that names the property or item to fix. Semantic rules (Fargate sizes, limits, combinations) are checked later
/// on the generated definitions, where template values are known too.
/// </summary>
public static class SettingsReader
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
        var reader = new Reader(input, diagnostics);
        return reader.Read();
    }

    /// <summary>Splits an MSBuild list (<c>a;b; c</c>) into trimmed, non-empty entries.</summary>
    public static IReadOnlyList<string> SplitList(string? value) =>
        value is null ? [] : value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>An integer property in [<paramref name="min"/>, <paramref name="max"/>]; null when unset or invalid (reported, naming it).</summary>
    internal static int? Int(SettingsInput input, DiagnosticCollection diagnostics, string name, int min, int max)
    {
        var text = input.Get(name);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            var range = min == int.MinValue ? string.Empty : $" between {min} and {max}";
            diagnostics.Error(DiagnosticCodes.InvalidInteger, name, $"{name}='{text}' is not a whole number{range}.");
            return null;
        }

        return value;
    }

    /// <summary>An integer metadata value of an item in [<paramref name="min"/>, <paramref name="max"/>]; null when unset or invalid (reported, naming the item).</summary>
    internal static int? MetadataInt(ItemInput item, string subject, string metadata, int min, int max, DiagnosticCollection diagnostics)
    {
        var text = item.Get(metadata);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            diagnostics.Error(DiagnosticCodes.InvalidInteger, subject, $"{subject} has {metadata}='{text}', which is not a whole number between {min} and {max}.");
            return null;
        }

        return value;
    }

    /// <summary>
    /// The items of one type, each <c>Include</c> once (compared ordinally, as ECS compares names): a repeat is reported
    /// as a duplicate, naming the item, and left out, so that one mistake gives one message.
    /// </summary>
    internal static IEnumerable<ItemInput> UniqueItems(SettingsInput input, DiagnosticCollection diagnostics, string itemType)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in input.GetItems(itemType))
        {
            if (seen.Add(item.Include))
            {
                yield return item;
            }
            else
            {
                var subject = $"{itemType} '{item.Include}'";
                diagnostics.Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
            }
        }
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

    internal sealed class Reader(SettingsInput input, DiagnosticCollection diagnostics)
    {
        public EcsSettings Read()
        {
            var repository = input.Get(EcsProperties.SdkContainerRepository);
            var dryRun = Bool(EcsProperties.DryRun) ?? false;
            var (image, external) = ReadImage(dryRun, repository);
            var (ports, portsSource) = ReadPorts();

            return new EcsSettings
            {
                DryRun = dryRun,
                Region = input.Get(EcsProperties.Region),
                Cluster = input.Get(EcsProperties.Cluster),
                ServiceName = input.Get(EcsProperties.ServiceName),
                TaskFamily = input.Get(EcsProperties.TaskFamily),
                ContainerName = input.Get(EcsProperties.ContainerName),
                DefaultName = DefaultNameFromRepository(repository),
                ContainerRepository = repository,
                LaunchType = Choice(EcsProperties.LaunchType, LaunchTypes),
                PlatformVersion = input.Get(EcsProperties.PlatformVersion),
                SchedulingStrategy = Choice(EcsProperties.SchedulingStrategy, SchedulingStrategies),
                DesiredCount = Int(EcsProperties.DesiredCount, 0, 100_000),
                Cpu = Int(EcsProperties.Cpu, 1, 1_000_000),
                Memory = Int(EcsProperties.Memory, 1, 10_000_000),
                ContainerCpu = Int(EcsProperties.ContainerCpu, 0, 1_000_000),
                ContainerMemory = Int(EcsProperties.ContainerMemory, 6, 10_000_000),
                ContainerMemoryReservation = Int(EcsProperties.ContainerMemoryReservation, 4, 10_000_000),
                ExecutionRoleArn = input.Get(EcsProperties.ExecutionRoleArn),
                TaskRoleArn = input.Get(EcsProperties.TaskRoleArn),
                NetworkMode = Choice(EcsProperties.NetworkMode, NetworkModes),
                Subnets = SplitList(input.Get(EcsProperties.Subnets)),
                SecurityGroups = SplitList(input.Get(EcsProperties.SecurityGroups)),
                AssignPublicIp = Choice(EcsProperties.AssignPublicIp, AssignPublicIpValues),
                UsesDefaultVpc = Bool(EcsProperties.InternalUsesDefaultVpc) ?? false,
                CpuArchitecture = Choice(EcsProperties.RuntimePlatform, CpuArchitectures) ?? ArchitectureFromRuntimeIdentifier(),
                OperatingSystemFamily = Choice(EcsProperties.OperatingSystemFamily, OsFamilies),
                AwsLogs = Bool(EcsProperties.AwsLogs),
                LogGroup = input.Get(EcsProperties.LogGroup),
                LogStreamPrefix = input.Get(EcsProperties.LogStreamPrefix),
                HealthCheckCommand = SplitList(input.Get(EcsProperties.HealthCheckCommand)),
                HealthCheckInterval = Int(EcsProperties.HealthCheckInterval, int.MinValue, int.MaxValue),
                HealthCheckTimeout = Int(EcsProperties.HealthCheckTimeout, int.MinValue, int.MaxValue),
                HealthCheckRetries = Int(EcsProperties.HealthCheckRetries, int.MinValue, int.MaxValue),
                HealthCheckStartPeriod = Int(EcsProperties.HealthCheckStartPeriod, int.MinValue, int.MaxValue),
                StopTimeout = Int(EcsProperties.StopTimeout, int.MinValue, int.MaxValue),
                EphemeralStorageGiB = Int(EcsProperties.EphemeralStorageGiB, int.MinValue, int.MaxValue),
                MinimumHealthyPercent = Int(EcsProperties.MinimumHealthyPercent, int.MinValue, int.MaxValue),
                MaximumPercent = Int(EcsProperties.MaximumPercent, int.MinValue, int.MaxValue),
                CircuitBreaker = Bool(EcsProperties.CircuitBreaker),
                CircuitBreakerRollback = Bool(EcsProperties.CircuitBreakerRollback),
                CircuitBreakerThreshold = ReadThreshold(),
                AlarmRollback = Bool(EcsProperties.AlarmRollback),
                HealthCheckGracePeriodSeconds = Int(EcsProperties.HealthCheckGracePeriodSeconds, int.MinValue, int.MaxValue),
                EnableExecuteCommand = Bool(EcsProperties.EnableExecuteCommand),
                PropagateTags = Choice(EcsProperties.PropagateTags, PropagateTagsValues),
                EnableEcsManagedTags = Bool(EcsProperties.EnableEcsManagedTags),
                TargetGroupArn = input.Get(EcsProperties.TargetGroupArn),
                LoadBalancerContainerPort = Int(EcsProperties.ContainerPort, 1, 65535),
                TaskDefinitionTemplate = TemplatePath(EcsProperties.TaskDefinitionTemplate),
                ServiceDefinitionTemplate = TemplatePath(EcsProperties.ServiceDefinitionTemplate),
                DeploymentStrategy = ReadStrategy(),
                TrafficShifting = TrafficShiftingSettingsReader.Read(input, diagnostics),
                Image = image,
                ImageIsExternal = external,
                ContainerPorts = ports,
                ContainerPortsSource = portsSource,
                EnvironmentVariables = ReadEnvironment(),
                Secrets = ReadSecrets(),
                CapacityProviders = ReadCapacityProviders(),
                Alarms = ReadAlarms(),
                Tags = ReadTags(),
                PlacementConstraints = ReadPlacement(EcsProperties.PlacementConstraintItem, PlacementConstraintTypes, "Expression"),
                PlacementStrategies = ReadPlacement(EcsProperties.PlacementStrategyItem, PlacementStrategyTypes, "Field"),
                Target = Choice(EcsProperties.Target, Targets) == "local" ? DeploymentTarget.Local : DeploymentTarget.Aws,
                EndpointUrl = ReadEndpointUrl(),
                Profile = input.Get(EcsProperties.Profile),
                AssumeRoleArn = input.Get(EcsProperties.AssumeRoleArn),
                Wait = Bool(EcsProperties.Wait) ?? true,
                TimeoutMinutes = Int(EcsProperties.TimeoutMinutes, 1, 7 * 24 * 60) ?? 30,
                FailFastFailedTasks = Int(EcsProperties.FailFastFailedTasks, 1, 10_000),
                CreateEcrRepository = Bool(EcsProperties.CreateEcrRepository) ?? true,
                EcrScanOnPush = Bool(EcsProperties.EcrScanOnPush) ?? true,
                EcrTagImmutability = Bool(EcsProperties.EcrTagImmutability) ?? false,
                EcrKeepImages = Int(EcsProperties.EcrKeepImages, 1, 10_000),
                ImageTags = SplitList(input.Get(EcsProperties.ImageTags)),
                LogRetentionDays = ReadLogRetention(),
                ResultFile = input.Get(EcsProperties.ResultFile),
                ReuseUnchangedImage = Bool(EcsProperties.ReuseUnchangedImage) ?? true,
                Platform = PlatformSettingsReader.Read(this, input, diagnostics),
            };
        }

        internal int? Int(string name, int min, int max) => SettingsReader.Int(input, diagnostics, name, min, max);

        internal bool? Bool(string name)
        {
            var text = input.Get(name);
            if (text is null)
            {
                return null;
            }

            if (bool.TryParse(text, out var value))
            {
                return value;
            }

            diagnostics.Error(DiagnosticCodes.InvalidBoolean, name, $"{name}='{text}' must be 'true' or 'false'.");
            return null;
        }

        /// <summary>Matches case-insensitively but returns the canonical spelling: ECS enums are case-sensitive on the wire.</summary>
        internal string? Choice(string name, string[] allowed)
        {
            var text = input.Get(name);
            if (text is null)
            {
                return null;
            }

            var match = Array.Find(allowed, a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                diagnostics.Error(DiagnosticCodes.InvalidChoice, name, $"{name}='{text}' is not one of: {string.Join(", ", allowed)}.");
                return null;
            }

            return match;
        }

        private string? ArchitectureFromRuntimeIdentifier()
        {
            var rid = input.Get(EcsProperties.SdkContainerRuntimeIdentifier);
            return rid?.ToUpperInvariant() switch
            {
                null => null,
                var r when r.EndsWith("-X64", StringComparison.Ordinal) => "X86_64",
                var r when r.EndsWith("-ARM64", StringComparison.Ordinal) => "ARM64",
                _ => null,
            };
        }

        private CircuitBreakerThreshold? ReadThreshold()
        {
            var text = input.Get(EcsProperties.CircuitBreakerThreshold);
            if (text is null)
            {
                return null;
            }

            var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
            var type = parts.Length == 2 ? Array.Find(ThresholdTypes, t => string.Equals(t, parts[0], StringComparison.OrdinalIgnoreCase)) : null;
            if (type is null || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                diagnostics.Error(
                    DiagnosticCodes.CircuitBreakerThresholdInvalid,
                    EcsProperties.CircuitBreakerThreshold,
                    $"{EcsProperties.CircuitBreakerThreshold}='{text}' must be TYPE:VALUE with TYPE one of {string.Join(", ", ThresholdTypes)} and a positive whole VALUE (e.g. COUNT:3).");
                return null;
            }

            return new CircuitBreakerThreshold(type, value);
        }

        private string? ReadEndpointUrl()
        {
            var text = input.Get(EcsProperties.EndpointUrl);
            if (text is null)
            {
                return null;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                diagnostics.Error(DiagnosticCodes.EndpointUrlInvalid, EcsProperties.EndpointUrl, $"{EcsProperties.EndpointUrl}='{text}' is not an absolute http or https URL (e.g. http://localhost:4599).");
                return null;
            }

            return text;
        }

        private int? ReadLogRetention()
        {
            var days = Int(EcsProperties.LogRetentionDays, 1, int.MaxValue);
            if (days is { } value && Array.IndexOf(LogRetentionValues, value) < 0)
            {
                diagnostics.Error(DiagnosticCodes.InvalidChoice, EcsProperties.LogRetentionDays, $"{EcsProperties.LogRetentionDays}={value} is not a CloudWatch Logs retention; use one of {string.Join(", ", LogRetentionValues)}.");
                return null;
            }

            return days;
        }

        private DeploymentStrategyKind ReadStrategy()
        {
            var text = input.Get(EcsProperties.DeploymentStrategy);
            if (text is null)
            {
                return DeploymentStrategyKind.Rolling;
            }

            if (Enum.TryParse<DeploymentStrategyKind>(text, ignoreCase: true, out var strategy) && Enum.IsDefined(strategy) && !int.TryParse(text, out _))
            {
                return strategy;
            }

            diagnostics.Error(DiagnosticCodes.InvalidChoice, EcsProperties.DeploymentStrategy, $"{EcsProperties.DeploymentStrategy}='{text}' is not one of: {string.Join(", ", Enum.GetNames<DeploymentStrategyKind>())}.");
            return DeploymentStrategyKind.Rolling;
        }

        private string? TemplatePath(string name)
        {
            var text = input.Get(name);
            if (text is null)
            {
                return null;
            }

            var path = Path.GetFullPath(Path.Combine(input.BaseDirectory, text));
            if (!File.Exists(path))
            {
                diagnostics.Error(DiagnosticCodes.TemplateNotFound, name, $"{name}='{text}' does not exist (looked for {path}).");
                return null;
            }

            return path;
        }

        private (string? Image, bool External) ReadImage(bool dryRun, string? repository)
        {
            var explicitImage = input.Get(EcsProperties.Image);
            if (explicitImage is not null)
            {
                return (explicitImage, true);
            }

            var registry = input.Get(EcsProperties.SdkContainerRegistry)?.TrimEnd('/');
            var digest = input.Get(EcsProperties.SdkGeneratedContainerDigest);
            if (repository is null)
            {
                return (null, false);
            }

            var prefix = registry is null ? repository : $"{registry}/{repository}";
            if (digest is not null && !dryRun)
            {
                return ($"{prefix}@{digest}", false);
            }

            var tag = SplitList(input.Get(EcsProperties.SdkContainerImageTags)) is [var first, ..] ? first : null;
            tag ??= input.Get(EcsProperties.SdkContainerImageTag)
                ?? "latest";
            if (registry is null)
            {
                // Without ContainerRegistry the deployment pushes to the account's ECR registry, which only AWS knows.
                var region = input.Get(EcsProperties.Region) ?? "<region>";
                prefix = $"<aws_account_id>.dkr.ecr.{region}.amazonaws.com/{repository}";
            }

            return ($"{prefix}:{tag}", false);
        }

        private (IReadOnlyList<PortSetting> Ports, string? Source) ReadPorts()
        {
            var configuration = input.Get(EcsProperties.SdkGeneratedContainerConfiguration);
            if (configuration is not null)
            {
                try
                {
                    return (ImageConfiguration.ExposedPorts(configuration), "image configuration");
                }
                catch (JsonException ex)
                {
                    diagnostics.Error(DiagnosticCodes.ImageConfigurationInvalid, EcsProperties.SdkGeneratedContainerConfiguration, $"{EcsProperties.SdkGeneratedContainerConfiguration} (the image configuration the SDK reported after the push) could not be read: {ex.Message}");
                    return ([], null);
                }
            }

            var items = input.GetItems(EcsProperties.SdkContainerPortItem);
            if (items.Count > 0)
            {
                var ports = new List<PortSetting>();
                foreach (var item in items)
                {
                    if (!int.TryParse(item.Include, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                    {
                        diagnostics.Error(DiagnosticCodes.PortMappingInvalid, $"ContainerPort '{item.Include}'", $"ContainerPort '{item.Include}' is not a port number between 1 and 65535.");
                        continue;
                    }

                    var protocol = (item.Get("Type") ?? "tcp").ToLowerInvariant();
                    if (protocol is not ("tcp" or "udp"))
                    {
                        diagnostics.Error(DiagnosticCodes.PortMappingInvalid, $"ContainerPort '{item.Include}'", $"ContainerPort '{item.Include}' has Type='{protocol}'; use tcp or udp.");
                        continue;
                    }

                    ports.Add(new PortSetting(port, protocol));
                }

                return (ports, "ContainerPort items");
            }

            // No image yet (dry run): ASP.NET Core base images listen on ASPNETCORE_HTTP_PORTS, 8080 since .NET 8.
            var isWeb = string.Equals(input.Get(EcsProperties.SdkIsWebProject), "true", StringComparison.OrdinalIgnoreCase);
            var httpPorts = input.GetItems(EcsProperties.SdkContainerEnvironmentVariableItem)
                .FirstOrDefault(i => string.Equals(i.Include, "ASPNETCORE_HTTP_PORTS", StringComparison.OrdinalIgnoreCase))?.Get("Value");
            if (httpPorts is not null)
            {
                var declared = httpPorts.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
                    .Where(p => p is > 0 and <= 65535)
                    .Select(p => new PortSetting(p, "tcp"))
                    .ToArray();
                return (declared, "ASPNETCORE_HTTP_PORTS");
            }

            return isWeb ? ([new PortSetting(8080, "tcp")], "the ASP.NET Core default (8080)") : ([], null);
        }

        private List<EnvironmentVariableSetting> ReadEnvironment()
        {
            var result = new List<EnvironmentVariableSetting>();
            foreach (var item in UniqueItems(input, diagnostics, EcsProperties.EnvironmentVariableItem))
            {
                // An empty value is a legitimate setting (FEATURE_X=""), so Value is read raw.
                item.Metadata.TryGetValue("Value", out var value);
                result.Add(new EnvironmentVariableSetting(item.Include, value ?? string.Empty));
            }

            return result;
        }

        private List<SecretSetting> ReadSecrets()
        {
            var result = new List<SecretSetting>();
            foreach (var item in UniqueItems(input, diagnostics, EcsProperties.SecretItem))
            {
                var subject = $"{EcsProperties.SecretItem} '{item.Include}'";
                var valueFrom = item.Get("ValueFrom");
                if (valueFrom is null)
                {
                    diagnostics.Error(DiagnosticCodes.ItemMetadataMissing, subject, $"{subject} needs ValueFrom: the ARN of a Secrets Manager secret or of an SSM parameter.");
                    continue;
                }

                result.Add(new SecretSetting(item.Include, valueFrom));
            }

            return result;
        }

        private List<CapacityProviderSetting> ReadCapacityProviders()
        {
            var result = new List<CapacityProviderSetting>();
            foreach (var item in UniqueItems(input, diagnostics, EcsProperties.CapacityProviderItem))
            {
                var subject = $"{EcsProperties.CapacityProviderItem} '{item.Include}'";
                result.Add(new CapacityProviderSetting(item.Include, MetadataInt(item, subject, "Weight", 0, 1000), MetadataInt(item, subject, "Base", 0, 100_000)));
            }

            return result;
        }

        private List<string> ReadAlarms() => [.. UniqueItems(input, diagnostics, EcsProperties.AlarmItem).Select(item => item.Include)];

        private List<TagSetting> ReadTags()
        {
            var result = new List<TagSetting>();
            foreach (var item in UniqueItems(input, diagnostics, EcsProperties.TagItem))
            {
                item.Metadata.TryGetValue("Value", out var value);
                result.Add(new TagSetting(item.Include, value ?? string.Empty));
            }

            return result;
        }

        private List<PlacementSetting> ReadPlacement(string itemType, string[] types, string valueMetadata)
        {
            var result = new List<PlacementSetting>();
            foreach (var item in input.GetItems(itemType))
            {
                var type = Array.Find(types, t => string.Equals(t, item.Include, StringComparison.OrdinalIgnoreCase));
                var subject = $"{itemType} '{item.Include}'";
                if (type is null)
                {
                    diagnostics.Error(DiagnosticCodes.PlacementInvalid, subject, $"{subject}: the type must be one of {string.Join(", ", types)}.");
                    continue;
                }

                result.Add(new PlacementSetting(type, item.Get(valueMetadata)));
            }

            return result;
        }

        private int? MetadataInt(ItemInput item, string subject, string metadata, int min, int max) => SettingsReader.MetadataInt(item, subject, metadata, min, max, diagnostics);
    }
}
