using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.Express;

/// <summary>
/// The Express service configuration a project describes: the primary container inline (image pinned by digest,
/// port, command, environment, secrets, logs), or the task definition the package registers when the project needs
/// more than that (sidecars, a container health check, volumes, ...); CPU, memory, roles, the health check path, the
/// scaling target and the network. Members the project leaves to ECS are null: they are neither sent nor compared, so
/// what ECS defaulted stays.
/// </summary>
internal sealed record ExpressConfiguration(
    ExpressGatewayContainer? PrimaryContainer,
    string? Cpu,
    string? Memory,
    string? ExecutionRoleArn,
    string? TaskRoleArn,
    string HealthCheckPath,
    ExpressGatewayScalingTarget? ScalingTarget,
    ExpressGatewayServiceNetworkConfiguration? Network)
{
    /// <summary>The container ECS requires in a task definition passed to an Express service.</summary>
    public const string MainContainerName = "Main";

    /// <summary>Container members the inline primary container carries; any other one needs a task definition.</summary>
    private static readonly HashSet<string> InlineMembers = new(StringComparer.Ordinal)
    {
        "name", "image", "essential", "portMappings", "command", "environment", "secrets", "logConfiguration", "repositoryCredentials", "cpu", "memory", "memoryReservation",
    };

    /// <summary>The task definition the package registered and passes as <c>taskDefinitionArn</c>; null for the inline primary container.</summary>
    public string? TaskDefinitionArn { get; init; }

    /// <summary>Why the project needs its own task definition: empty when Express's primary container describes it.</summary>
    public static IReadOnlyList<string> BeyondPrimaryContainer(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var task = definitions.TaskDefinition;
        var main = definitions.MainContainer;
        var reasons = new List<string>();
        if ((task.ContainerDefinitions?.Count ?? 0) > 1)
        {
            reasons.Add($"sidecar containers {string.Join(", ", task.ContainerDefinitions!.Where(c => c != main).Select(c => c.Name))}");
        }

        var container = JsonNode.Parse(EcsJson.Serialize(main))!.AsObject();
        reasons.AddRange(container.Where(m => m.Value is not null && !InlineMembers.Contains(m.Key)).Select(m => $"container member {m.Key}"));
        if (task.Volumes is { Count: > 0 })
        {
            reasons.Add("volumes");
        }

        if (task.EphemeralStorage is not null)
        {
            reasons.Add("ephemeral storage");
        }

        return reasons;
    }

    public static bool NeedsTaskDefinition(GeneratedDefinitions definitions) => BeyondPrimaryContainer(definitions).Count > 0;

    /// <summary>The configuration of <paramref name="definitions"/>; <paramref name="registeredTaskDefinition"/> when the package registered one.</summary>
    public static ExpressConfiguration Of(GeneratedDefinitions definitions, string healthCheckPath, string? registeredTaskDefinition)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var task = definitions.TaskDefinition;
        var network = settings.UsesDefaultVpc || (settings.Subnets.Count == 0 && settings.SecurityGroups.Count == 0)
            ? null
            : new ExpressGatewayServiceNetworkConfiguration
            {
                Subnets = settings.Subnets.Count > 0 ? [.. settings.Subnets] : null,
                SecurityGroups = settings.SecurityGroups.Count > 0 ? [.. settings.SecurityGroups] : null,
            };
        if (registeredTaskDefinition is not null)
        {
            return new ExpressConfiguration(null, null, null, null, null, healthCheckPath, ScalingTargetOf(settings), network) { TaskDefinitionArn = registeredTaskDefinition };
        }

        var main = definitions.MainContainer;
        var options = main.LogConfiguration is { LogDriver: { } driver } logs && driver.Value == "awslogs" ? logs.Options : null;
        var container = new ExpressGatewayContainer
        {
            Image = main.Image,
            ContainerPort = TaskDefinitionBuilder.DefaultContainerPort(settings, main),
            Command = main.Command is { Count: > 0 } command ? [.. command] : null,
            Environment = main.Environment is { Count: > 0 } environment ? [.. environment] : null,
            Secrets = main.Secrets is { Count: > 0 } secrets ? [.. secrets] : null,
            RepositoryCredentials = main.RepositoryCredentials?.CredentialsParameter is { } credentials ? new ExpressGatewayRepositoryCredentials { CredentialsParameter = credentials } : null,
            AwsLogsConfiguration = options?.GetValueOrDefault("awslogs-group") is { } group
                ? new ExpressGatewayServiceAwsLogsConfiguration { LogGroup = group, LogStreamPrefix = options.GetValueOrDefault("awslogs-stream-prefix") ?? "ecs" }
                : null,
        };
        return new ExpressConfiguration(container, task.Cpu, task.Memory, task.ExecutionRoleArn, task.TaskRoleArn, healthCheckPath, ScalingTargetOf(settings), network);
    }

    /// <summary>The members of <paramref name="current"/> (the configuration the service runs) that differ from this one.</summary>
    public IReadOnlyList<string> ChangesFrom(ExpressGatewayServiceConfiguration current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var changed = new List<string>();
        if (TaskDefinitionArn is not null)
        {
            Compare("taskDefinitionArn", TaskDefinitionArn, current.TaskDefinitionArn);
        }
        else if (current.PrimaryContainer is null)
        {
            // The service runs a task definition (a rollback, or one of ours before): back to the primary container.
            changed.Add("primaryContainer");
        }
        else
        {
            changed.AddRange(ContainerChanges(PrimaryContainer!, current.PrimaryContainer));
        }

        Compare("cpu", Cpu, current.Cpu);
        Compare("memory", Memory, current.Memory);
        Compare("executionRoleArn", ExecutionRoleArn, current.ExecutionRoleArn);
        Compare("taskRoleArn", TaskRoleArn, current.TaskRoleArn);
        Compare("healthCheckPath", HealthCheckPath, current.HealthCheckPath);
        if (ScalingTarget is { } scaling)
        {
            var running = current.ScalingTarget;
            Compare("scalingTarget.minTaskCount", Text(scaling.MinTaskCount), Text(running?.MinTaskCount));
            Compare("scalingTarget.maxTaskCount", Text(scaling.MaxTaskCount), Text(running?.MaxTaskCount));
            Compare("scalingTarget.autoScalingMetric", scaling.AutoScalingMetric?.Value, running?.AutoScalingMetric?.Value);
            Compare("scalingTarget.autoScalingTargetValue", Text(scaling.AutoScalingTargetValue), Text(running?.AutoScalingTargetValue));
        }

        if (Network is { } network)
        {
            Compare("networkConfiguration.subnets", Set(network.Subnets), Set(current.NetworkConfiguration?.Subnets));
            Compare("networkConfiguration.securityGroups", Set(network.SecurityGroups), Set(current.NetworkConfiguration?.SecurityGroups));
        }

        return changed;

        void Compare(string member, string? desired, string? running)
        {
            if (desired is not null && !string.Equals(desired, running, StringComparison.Ordinal))
            {
                changed.Add(member);
            }
        }

        static string? Text(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        static string? Set(List<string>? values) => values is null ? null : string.Join(",", values.Order(StringComparer.Ordinal));
    }

    public CreateExpressGatewayServiceRequest CreateRequest(EcsSettings settings, string cluster, string serviceName, string infrastructureRole) => new()
    {
        Cluster = cluster,
        ServiceName = serviceName,
        InfrastructureRoleArn = infrastructureRole,
        TaskDefinitionArn = TaskDefinitionArn,
        PrimaryContainer = PrimaryContainer,
        Cpu = Cpu,
        Memory = Memory,
        ExecutionRoleArn = ExecutionRoleArn,
        TaskRoleArn = TaskRoleArn,
        HealthCheckPath = HealthCheckPath,
        ScalingTarget = ScalingTarget,
        NetworkConfiguration = Network,
        Tags = settings.Tags.Count > 0 ? [.. settings.Tags.Select(t => new Tag { Key = t.Key, Value = t.Value })] : null,
    };

    /// <summary>The whole configuration again (what the update does not name, ECS keeps).</summary>
    public UpdateExpressGatewayServiceRequest UpdateRequest(string serviceArn) => new()
    {
        ServiceArn = serviceArn,
        TaskDefinitionArn = TaskDefinitionArn,
        PrimaryContainer = PrimaryContainer,
        Cpu = Cpu,
        Memory = Memory,
        ExecutionRoleArn = ExecutionRoleArn,
        TaskRoleArn = TaskRoleArn,
        HealthCheckPath = HealthCheckPath,
        ScalingTarget = ScalingTarget,
        NetworkConfiguration = Network,
    };

    /// <summary>The scaling target from the auto scaling properties: capacity, and the one policy's metric and target value.</summary>
    private static ExpressGatewayScalingTarget? ScalingTargetOf(EcsSettings settings)
    {
        if (settings.AutoScaling is not { } scaling)
        {
            return null;
        }

        var policy = scaling.Policies.Count > 0 ? scaling.Policies[0] : null;
        return new ExpressGatewayScalingTarget
        {
            MinTaskCount = scaling.MinCapacity,
            MaxTaskCount = scaling.MaxCapacity,
            AutoScalingMetric = policy?.Metric switch
            {
                ScalingMetric.Cpu => ExpressGatewayServiceScalingMetric.AVERAGE_CPU,
                ScalingMetric.Memory => ExpressGatewayServiceScalingMetric.AVERAGE_MEMORY,
                ScalingMetric.RequestCount => ExpressGatewayServiceScalingMetric.REQUEST_COUNT_PER_TARGET,
                _ => null,
            },
            AutoScalingTargetValue = policy is null ? null : (int)policy.TargetValue,
        };
    }

    /// <summary>
    /// The primary container's members this configuration sets that differ from the running one (compared as canonical
    /// JSON; members ECS filled in and the project leaves unset are not differences).
    /// </summary>
    private static IEnumerable<string> ContainerChanges(ExpressGatewayContainer desired, ExpressGatewayContainer running)
    {
        var wanted = JsonNode.Parse(EcsJson.Serialize(desired))!.AsObject();
        var actual = JsonNode.Parse(EcsJson.Serialize(running))!.AsObject();
        foreach (var (member, value) in wanted)
        {
            var have = actual[member];
            var empty = value is JsonArray { Count: 0 } or null;
            var haveEmpty = have is JsonArray { Count: 0 } or null;
            if (empty && haveEmpty)
            {
                continue;
            }

            if (empty || haveEmpty || CanonicalJson.Write(value) != CanonicalJson.Write(have))
            {
                yield return $"primaryContainer.{member}";
            }
        }

        // Environment variables or secrets the project no longer sets are removed by the update.
        foreach (var member in new[] { "environment", "secrets", "command" })
        {
            if (wanted[member] is null && actual[member] is JsonArray { Count: > 0 })
            {
                yield return $"primaryContainer.{member}";
            }
        }
    }
}
