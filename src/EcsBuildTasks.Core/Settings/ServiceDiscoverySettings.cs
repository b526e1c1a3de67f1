namespace EcsBuildTasks.Core.Settings;

/// <summary>DNS record types a Cloud Map service created by the build can have.</summary>
internal enum DnsRecordKind
{
    A,
    Srv,
}

internal sealed record ServiceDiscoverySettings
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
