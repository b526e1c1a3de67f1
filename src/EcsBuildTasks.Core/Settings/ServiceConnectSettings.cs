namespace EcsBuildTasks.Core.Settings;

internal sealed record ServiceConnectClientAliasSetting(int Port, string? DnsName);

internal sealed record ServiceConnectServiceSetting(
    string PortName,
    int? ContainerPort,
    string? DiscoveryName,
    IReadOnlyList<ServiceConnectClientAliasSetting> ClientAliases,
    string? AppProtocol);

internal sealed record ServiceConnectSettings
{
    public required string Namespace { get; init; }

    public IReadOnlyList<ServiceConnectServiceSetting> Services { get; init; } = [];

    public string? LogGroup { get; init; }

    /// <summary>Header name and exact value routed to the new revision as test traffic.</summary>
    public (string Name, string Value)? TestTrafficHeader { get; init; }
}
