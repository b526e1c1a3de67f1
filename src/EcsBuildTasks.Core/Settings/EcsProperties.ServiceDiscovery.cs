namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string ServiceDiscoveryNamespace = "EcsServiceDiscoveryNamespace";
    public const string CreateServiceDiscoveryNamespace = "EcsCreateServiceDiscoveryNamespace";
    public const string ServiceDiscoveryName = "EcsServiceDiscoveryName";
    public const string ServiceDiscoveryDnsRecordType = "EcsServiceDiscoveryDnsRecordType";
    public const string ServiceDiscoveryDnsTtl = "EcsServiceDiscoveryDnsTtl";
    public const string ServiceDiscoveryRoutingPolicy = "EcsServiceDiscoveryRoutingPolicy";
    public const string ServiceDiscoveryFailureThreshold = "EcsServiceDiscoveryFailureThreshold";
    public const string ServiceDiscoveryContainerPort = "EcsServiceDiscoveryContainerPort";
    public const string ServiceRegistryArn = "EcsServiceRegistryArn";

    /// <summary>Service discovery (Cloud Map).</summary>
    private static SettingInfo[] ServiceDiscoveryProperties =>
    [
        P(ServiceDiscoveryNamespace, "Cloud Map namespace (name or `ns-` id) of a private DNS or HTTP namespace: registers the service's tasks there, in a Cloud Map service created when missing.", "none (no service discovery)"),
        P(CreateServiceDiscoveryNamespace, "Creates `EcsServiceDiscoveryNamespace` as a private DNS namespace in the service's VPC when it does not exist (awsvpc only).", "`false`"),
        P(ServiceDiscoveryName, "Name of the Cloud Map service (the DNS name's first label).", "`EcsServiceName`"),
        P(ServiceDiscoveryDnsRecordType, "`A` (awsvpc only) or `SRV` DNS records for a private DNS namespace.", "`A` with awsvpc, `SRV` otherwise"),
        P(ServiceDiscoveryDnsTtl, "TTL of the DNS records in seconds.", "`60`"),
        P(ServiceDiscoveryRoutingPolicy, "`MULTIVALUE` or `WEIGHTED` DNS routing.", "`MULTIVALUE`"),
        P(ServiceDiscoveryFailureThreshold, "Custom health check failure threshold of the Cloud Map service (1–10).", "`1`"),
        P(ServiceDiscoveryContainerPort, "Container port SRV records (and bridge or host tasks) register.", "`EcsContainerPort`, else the first port mapping"),
        P(ServiceRegistryArn, "An existing Cloud Map service to register the tasks in, instead of `EcsServiceDiscoveryNamespace`.", "none"),
    ];
}
