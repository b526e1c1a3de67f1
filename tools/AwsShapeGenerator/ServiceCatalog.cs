namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>Wire protocol of a service as we speak it (CloudWatch offers several; we choose Query).</summary>
internal enum WireProtocol
{
    Json11,
    Query,

    /// <summary>REST with XML bodies (Route 53): members in the URI, query string, headers and an XML document.</summary>
    RestXml,
}

/// <summary>
/// One service we generate a client for. Names mirror the official AWS SDK for .NET so that swapping to the
/// official packages later is a change of <c>using</c> directives.
/// </summary>
/// <param name="ModelName">Folder under the models directory (botocore's service name).</param>
/// <param name="Folder">Folder under src/EcsBuildTasks.Aws and the last namespace segment.</param>
/// <param name="Prefix">The official client prefix: Amazon{Prefix}Client, IAmazon{Prefix}, Amazon{Prefix}Config.</param>
/// <param name="JsonHelper">Name of the public JSON helper class (JSON protocols only).</param>
/// <param name="Protocol">The protocol our client speaks.</param>
/// <param name="Operations">The operations the deployment engine needs; shapes are generated for everything they reach.</param>
/// <param name="SecretResponses">Responses can hold secrets (ECR's GetAuthorizationToken returns registry passwords):
/// the client never lets the SDK log response bodies, whatever the logging configuration.</param>
/// <param name="IdShapes">Shapes of input members that take a resource id whose path prefix the client drops, so that
/// an id as the service returns it (<c>/hostedzone/Z1D633PJN98FT9</c>) can be passed back as it is (botocore's and the
/// official SDK's Route 53 customization).</param>
/// <param name="PartitionGlobal">One endpoint per partition, signed for the partition's global region (Route 53); the
/// host names follow botocore's Route 53 ruleset, so check another global service's ruleset before setting it.</param>
internal sealed record ServiceSpec(
    string ModelName,
    string Folder,
    string Prefix,
    string? JsonHelper,
    WireProtocol Protocol,
    IReadOnlyList<string> Operations,
    bool SecretResponses = false,
    IReadOnlyList<string>? IdShapes = null,
    bool PartitionGlobal = false)
{
    public string Namespace => "EcsBuildTasks.Aws." + Folder;

    public string ModelNamespace => Namespace + ".Model";

    public string ClientName => $"Amazon{Prefix}Client";

    public string InterfaceName => $"IAmazon{Prefix}";

    public string ConfigName => $"Amazon{Prefix}Config";

    public string ExceptionName => $"Amazon{Prefix}Exception";

    public string RequestBaseName => $"Amazon{Prefix}Request";

    public string PaginatorFactoryName => $"I{Prefix}PaginatorFactory";
}

/// <summary>The checked-in operation lists: what EcsBuildTasks calls, service by service.</summary>
internal static class ServiceCatalog
{
    public static IReadOnlyList<ServiceSpec> All { get; } =
    [
        new("ecs", "ECS", "ECS", "EcsJson", WireProtocol.Json11,
        [
            "CreateCluster", "DeleteCluster", "DescribeClusters", "ListClusters",
            "RegisterTaskDefinition", "DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies", "DeregisterTaskDefinition",
            "CreateService", "UpdateService", "DescribeServices", "DeleteService", "ListServices",
            "ListServiceDeployments", "DescribeServiceDeployments", "StopServiceDeployment", "ContinueServiceDeployment", "DescribeServiceRevisions",
            "ListTasks", "DescribeTasks", "RunTask", "StopTask",
            "CreateTaskSet", "UpdateTaskSet", "DeleteTaskSet", "DescribeTaskSets", "UpdateServicePrimaryTaskSet",
            "TagResource", "UntagResource", "ListTagsForResource",
            "DescribeContainerInstances", "ListContainerInstances",
            "CreateExpressGatewayService", "UpdateExpressGatewayService", "DescribeExpressGatewayService", "DeleteExpressGatewayService",
            "RegisterDaemonTaskDefinition", "DescribeDaemonTaskDefinition", "ListDaemonTaskDefinitions", "DeleteDaemonTaskDefinition",
            "CreateDaemon", "UpdateDaemon", "DescribeDaemon", "DeleteDaemon", "ListDaemons",
            "ListDaemonDeployments", "DescribeDaemonDeployments", "DescribeDaemonRevisions",
            "CreateCapacityProvider", "DescribeCapacityProviders", "DeleteCapacityProvider",
        ]),
        new("ecr", "ECR", "ECR", "EcrJson", WireProtocol.Json11,
        [
            "DescribeRepositories", "CreateRepository", "DeleteRepository",
            "PutLifecyclePolicy", "GetLifecyclePolicy", "DeleteLifecyclePolicy",
            "GetAuthorizationToken", "DescribeImages", "ListImages", "BatchGetImage", "PutImage",
            "PutImageTagMutability", "PutImageScanningConfiguration",
            "TagResource", "ListTagsForResource",
        ],
        SecretResponses: true),
        new("elbv2", "ElasticLoadBalancingV2", "ElasticLoadBalancingV2", null, WireProtocol.Query,
        [
            "DescribeLoadBalancers", "CreateLoadBalancer", "DeleteLoadBalancer",
            "DescribeTargetGroups", "CreateTargetGroup", "ModifyTargetGroup", "DeleteTargetGroup",
            "DescribeTargetGroupAttributes", "ModifyTargetGroupAttributes",
            "DescribeListeners", "CreateListener", "ModifyListener", "DeleteListener",
            "DescribeRules", "CreateRule", "ModifyRule", "DeleteRule", "SetRulePriorities",
            "RegisterTargets", "DeregisterTargets", "DescribeTargetHealth",
            "AddTags", "DescribeTags",
        ]),
        new("servicediscovery", "ServiceDiscovery", "ServiceDiscovery", "ServiceDiscoveryJson", WireProtocol.Json11,
        [
            "CreatePrivateDnsNamespace", "CreateHttpNamespace", "GetNamespace", "ListNamespaces", "DeleteNamespace",
            "CreateService", "GetService", "ListServices", "UpdateService", "DeleteService",
            "GetOperation", "ListOperations",
            "RegisterInstance", "DeregisterInstance", "GetInstance", "ListInstances", "GetInstancesHealthStatus",
        ]),
        new("application-autoscaling", "ApplicationAutoScaling", "ApplicationAutoScaling", "ApplicationAutoScalingJson", WireProtocol.Json11,
        [
            "RegisterScalableTarget", "DescribeScalableTargets", "DeregisterScalableTarget",
            "PutScalingPolicy", "DescribeScalingPolicies", "DeleteScalingPolicy",
            "PutScheduledAction", "DescribeScheduledActions", "DeleteScheduledAction",
            "DescribeScalingActivities",
        ]),
        new("cloudwatch", "CloudWatch", "CloudWatch", null, WireProtocol.Query,
        [
            "DescribeAlarms", "SetAlarmState", "PutMetricAlarm", "DeleteAlarms",
        ]),
        new("logs", "CloudWatchLogs", "CloudWatchLogs", "CloudWatchLogsJson", WireProtocol.Json11,
        [
            "CreateLogGroup", "DescribeLogGroups", "DeleteLogGroup", "PutRetentionPolicy", "DeleteRetentionPolicy",
            "CreateLogStream", "DescribeLogStreams", "PutLogEvents", "GetLogEvents", "FilterLogEvents",
        ]),
        new("route53", "Route53", "Route53", null, WireProtocol.RestXml,
        [
            "CreateHostedZone", "GetHostedZone", "ListHostedZones", "ListHostedZonesByName", "DeleteHostedZone",
            "ChangeResourceRecordSets", "ListResourceRecordSets", "GetChange",
        ],
        IdShapes: ["ResourceId", "DelegationSetId", "ChangeId"],
        PartitionGlobal: true),
    ];
}
