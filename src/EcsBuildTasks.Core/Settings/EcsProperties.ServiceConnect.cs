namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string ServiceConnectNamespace = "EcsServiceConnectNamespace";
    public const string ServiceConnectLogGroup = "EcsServiceConnectLogGroup";
    public const string ServiceConnectTestTrafficHeader = "EcsServiceConnectTestTrafficHeader";
    public const string ServiceConnectServiceItem = "EcsServiceConnectService";

    /// <summary>Service Connect.</summary>
    private static SettingInfo[] ServiceConnectProperties =>
    [
        P(ServiceConnectNamespace, "Enables Service Connect in this Cloud Map namespace (name or ARN). Without `EcsServiceConnectService` items the service is a client only.", "none (no Service Connect)"),
        P(ServiceConnectLogGroup, "CloudWatch Logs group for the Service Connect proxy's logs (created when missing).", "no proxy logs"),
        P(ServiceConnectTestTrafficHeader, "`name=value`: requests with this header reach the new revision during a `BlueGreen`, `Canary` or `Linear` deployment (Service Connect test traffic).", "none"),
        I(ServiceConnectServiceItem, "Service Connect endpoint: `Include`=port name (set on the port mapping), `ContainerPort` (default `EcsContainerPort`, else the first port mapping), `DiscoveryName` (default the port name), `ClientAliases` (`port` or `dnsName:port`, separated by `;`), `AppProtocol` (`http`, `http2` or `grpc`).", "none"),
    ];
}
