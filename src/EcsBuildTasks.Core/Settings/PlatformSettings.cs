namespace EcsBuildTasks.Core.Settings;

/// <summary>Service discovery, Service Connect, auto scaling and one-off tasks, as the project configures them.</summary>
public sealed record PlatformSettings
{
    /// <summary>Null when the project asks for no Cloud Map registration.</summary>
    public ServiceDiscoverySettings? ServiceDiscovery { get; init; }

    /// <summary>Null when the project does not use Service Connect.</summary>
    public ServiceConnectSettings? ServiceConnect { get; init; }

    /// <summary>Null when the project does not manage auto scaling (a scalable target someone else made is still suspended during deployments).</summary>
    public AutoScalingSettings? AutoScaling { get; init; }

    public IReadOnlyList<OneOffTaskSetting> PreDeployTasks { get; init; } = [];

    /// <summary>What <c>-t:EcsRunTask</c> runs.</summary>
    public OneOffTaskSetting RunTask { get; init; } = new("EcsRunTask", null, [], [], null);
}

/// <summary>DNS record types a Cloud Map service created by the build can have.</summary>
public enum DnsRecordKind
{
    A,
    Srv,
}

public sealed record ServiceDiscoverySettings
{
    /// <summary>Name or <c>ns-</c> id; null when <see cref="RegistryArn"/> names an existing Cloud Map service.</summary>
    public string? Namespace { get; init; }

    public bool CreateNamespace { get; init; }

    public string? RegistryArn { get; init; }

    /// <summary>Null: the service name.</summary>
    public string? Name { get; init; }

    /// <summary>Null: A with awsvpc, SRV otherwise.</summary>
    public DnsRecordKind? RecordType { get; init; }

    public long Ttl { get; init; } = 60;

    public string RoutingPolicy { get; init; } = "MULTIVALUE";

    public int FailureThreshold { get; init; } = 1;

    /// <summary>Null: <c>EcsContainerPort</c>, else the application container's first port mapping.</summary>
    public int? ContainerPort { get; init; }

    public bool IsNamespaceId => Namespace?.StartsWith("ns-", StringComparison.Ordinal) == true;
}

public sealed record ServiceConnectClientAliasSetting(int Port, string? DnsName);

public sealed record ServiceConnectServiceSetting(
    string PortName,
    int? ContainerPort,
    string? DiscoveryName,
    IReadOnlyList<ServiceConnectClientAliasSetting> ClientAliases,
    string? AppProtocol);

public sealed record ServiceConnectSettings
{
    public required string Namespace { get; init; }

    public IReadOnlyList<ServiceConnectServiceSetting> Services { get; init; } = [];

    public string? LogGroup { get; init; }

    /// <summary>Header name and exact value routed to the new revision as test traffic.</summary>
    public (string Name, string Value)? TestTrafficHeader { get; init; }
}

/// <summary>The predefined metrics a target tracking policy can follow.</summary>
public enum ScalingMetric
{
    Cpu,
    Memory,
    RequestCount,
}

public sealed record ScalingPolicySetting(
    string Name,
    ScalingMetric Metric,
    double TargetValue,
    int? ScaleInCooldown,
    int? ScaleOutCooldown,
    bool? DisableScaleIn,
    string? TargetGroupArn);

public sealed record ScheduledScalingSetting(string Name, string Schedule, string? Timezone, int? MinCapacity, int? MaxCapacity);

public sealed record AutoScalingSettings
{
    public int? MinCapacity { get; init; }

    public int? MaxCapacity { get; init; }

    public IReadOnlyList<ScalingPolicySetting> Policies { get; init; } = [];

    public IReadOnlyList<ScheduledScalingSetting> ScheduledActions { get; init; } = [];

    public bool Prune { get; init; }
}

public sealed record EnvironmentSetting(string Name, string Value);

/// <summary>A one-off task: a pre-deploy task (item <c>EcsPreDeployTask</c>) or the ad-hoc task of <c>-t:EcsRunTask</c>.</summary>
/// <param name="Subject">What a diagnostic names (<c>EcsPreDeployTask 'migrate'</c>, <c>EcsRunTaskCommand</c>).</param>
/// <param name="Container">Null: the application's container.</param>
/// <param name="TimeoutMinutes">Null: <c>EcsTimeoutMinutes</c>.</param>
public sealed record OneOffTaskSetting(string Subject, string? Container, IReadOnlyList<string> Command, IReadOnlyList<EnvironmentSetting> Environment, int? TimeoutMinutes)
{
    /// <summary>The item's Include for pre-deploy tasks.</summary>
    public string? Name { get; init; }
}
