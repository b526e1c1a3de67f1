namespace EcsBuildTasks.Core.Settings;

public static partial class EcsProperties
{
    // Service discovery (Cloud Map).
    public const string ServiceDiscoveryNamespace = "EcsServiceDiscoveryNamespace";
    public const string CreateServiceDiscoveryNamespace = "EcsCreateServiceDiscoveryNamespace";
    public const string ServiceDiscoveryName = "EcsServiceDiscoveryName";
    public const string ServiceDiscoveryDnsRecordType = "EcsServiceDiscoveryDnsRecordType";
    public const string ServiceDiscoveryDnsTtl = "EcsServiceDiscoveryDnsTtl";
    public const string ServiceDiscoveryRoutingPolicy = "EcsServiceDiscoveryRoutingPolicy";
    public const string ServiceDiscoveryFailureThreshold = "EcsServiceDiscoveryFailureThreshold";
    public const string ServiceDiscoveryContainerPort = "EcsServiceDiscoveryContainerPort";
    public const string ServiceRegistryArn = "EcsServiceRegistryArn";

    // Service Connect.
    public const string ServiceConnectNamespace = "EcsServiceConnectNamespace";
    public const string ServiceConnectLogGroup = "EcsServiceConnectLogGroup";
    public const string ServiceConnectTestTrafficHeader = "EcsServiceConnectTestTrafficHeader";
    public const string ServiceConnectServiceItem = "EcsServiceConnectService";

    // Application Auto Scaling.
    public const string AutoScalingMinCapacity = "EcsAutoScalingMinCapacity";
    public const string AutoScalingMaxCapacity = "EcsAutoScalingMaxCapacity";
    public const string PruneScalingPolicies = "EcsPruneScalingPolicies";
    public const string ScalingPolicyItem = "EcsScalingPolicy";
    public const string ScheduledScalingItem = "EcsScheduledScaling";

    // One-off tasks.
    public const string PreDeployTaskItem = "EcsPreDeployTask";
    public const string RunTaskCommand = "EcsRunTaskCommand";
    public const string RunTaskContainer = "EcsRunTaskContainer";
    public const string RunTaskEnvironment = "EcsRunTaskEnvironment";

    /// <summary>Service discovery (Cloud Map), Service Connect, auto scaling and one-off tasks.</summary>
    private static SettingInfo[] PlatformSettings =>
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
        P(ServiceConnectNamespace, "Enables Service Connect in this Cloud Map namespace (name or ARN). Without `EcsServiceConnectService` items the service is a client only.", "none (no Service Connect)"),
        P(ServiceConnectLogGroup, "CloudWatch Logs group for the Service Connect proxy's logs (created when missing).", "no proxy logs"),
        P(ServiceConnectTestTrafficHeader, "`name=value`: requests with this header reach the new revision during a `BlueGreen`, `Canary` or `Linear` deployment (Service Connect test traffic).", "none"),
        P(AutoScalingMinCapacity, "Minimum task count of Application Auto Scaling (with `EcsAutoScalingMaxCapacity`): the scalable target is created or updated after the deployment.", "no auto scaling managed"),
        P(AutoScalingMaxCapacity, "Maximum task count of Application Auto Scaling.", "no auto scaling managed"),
        P(PruneScalingPolicies, "Deletes scaling policies and scheduled actions of the service that the project no longer names.", "`false`"),
        P(RunTaskCommand, "`dotnet msbuild -t:EcsRunTask`: the command, arguments separated by `;` (`%3B` on the command line).", "the image's command"),
        P(RunTaskContainer, "`dotnet msbuild -t:EcsRunTask`: the container the command and environment apply to.", "the application's container"),
        P(RunTaskEnvironment, "`dotnet msbuild -t:EcsRunTask`: extra environment, `NAME=value` pairs separated by `;`.", "none"),
        I(ServiceConnectServiceItem, "Service Connect endpoint: `Include`=port name (set on the port mapping), `ContainerPort` (default `EcsContainerPort`, else the first port mapping), `DiscoveryName` (default the port name), `ClientAliases` (`port` or `dnsName:port`, separated by `;`), `AppProtocol` (`http`, `http2` or `grpc`).", "none"),
        I(ScalingPolicyItem, "Target tracking policy: `Include`=policy name, `Metric` (`CPU`, `Memory` or `RequestCount` per target of `TargetGroupArn`, default `EcsTargetGroupArn`), `TargetValue`, `ScaleInCooldown`, `ScaleOutCooldown` (seconds), `DisableScaleIn`.", "none"),
        I(ScheduledScalingItem, "Scheduled action: `Include`=name, `Schedule` (`cron(...)`, `rate(...)` or `at(...)`), `Timezone` (IANA, default UTC), `MinCapacity`, `MaxCapacity`.", "none"),
        I(PreDeployTaskItem, "One-off task run with the new task definition and the service's network before the service changes (e.g. a migration): `Include`=name, `Container` (default the application's), `Command` (arguments separated by `;`), `Environment` (`NAME=value` pairs separated by `;`), `TimeoutMinutes` (default `EcsTimeoutMinutes`). A non-zero exit code fails the build before the service changes.", "none"),
    ];
}
