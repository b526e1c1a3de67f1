namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>Wire protocol of a service as we speak it (CloudWatch offers several; we choose Query).</summary>
internal enum WireProtocol
{
    Json11,
    Query,

    /// <summary>EC2's dialect of Query: capitalised names, lists as <c>Name.N</c>, responses without a Result wrapper.</summary>
    Ec2,

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
/// <param name="Names">Where the official SDK departs from its naming rules for this service (its customizations).</param>
/// <param name="IdShapes">Shapes of input members that take a resource id whose path prefix the client drops, so that
/// an id as the service returns it (<c>/hostedzone/Z1D633PJN98FT9</c>) can be passed back as it is (botocore's and the
/// official SDK's Route 53 customization).</param>
internal sealed record ServiceSpec(
    string ModelName,
    string Folder,
    string Prefix,
    string? JsonHelper,
    WireProtocol Protocol,
    IReadOnlyList<string> Operations,
    bool SecretResponses = false,
    OfficialNames? Names = null,
    IReadOnlyList<string>? IdShapes = null)
{
    public string Namespace => "EcsBuildTasks.Aws." + Folder;

    public string ModelNamespace => Namespace + ".Model";

    public string ClientName => $"Amazon{Prefix}Client";

    public string InterfaceName => $"IAmazon{Prefix}";

    public string ConfigName => $"Amazon{Prefix}Config";

    public string ExceptionName => $"Amazon{Prefix}Exception";

    public string RequestBaseName => $"Amazon{Prefix}Request";

    public string PaginatorFactoryName => $"I{Prefix}PaginatorFactory";

    public OfficialNames OfficialNames => Names ?? OfficialNames.None;
}

/// <summary>
/// The official SDK's per-service customizations that change names or shapes of what we generate: renamed classes and
/// properties, members it leaves out, and convenience constructors. Only what our operations reach is listed.
/// </summary>
/// <param name="Classes">Shape name → class name (IAM's <c>AttachedPolicy</c> is <c>AttachedPolicyType</c>).</param>
/// <param name="Properties"><c>Shape.Member</c> → property name (EC2's <c>IpPermission.IpRanges</c> is <c>Ipv4Ranges</c>).</param>
/// <param name="ExcludedMembers">Members left out of every shape (EC2's <c>DryRun</c>): never sent, never read.</param>
/// <param name="Constructors">Class name → constructor forms, each a list of member names set in that order.</param>
internal sealed record OfficialNames(
    IReadOnlyDictionary<string, string>? Classes = null,
    IReadOnlyDictionary<string, string>? Properties = null,
    IReadOnlySet<string>? ExcludedMembers = null,
    IReadOnlyDictionary<string, string[][]>? Constructors = null)
{
    public static OfficialNames None { get; } = new();

    public string ClassName(string shapeName) =>
        Classes is not null && Classes.TryGetValue(shapeName, out var name) ? name : Naming.Type(shapeName);

    public string PropertyName(string shapeName, string memberName) =>
        Properties is not null && Properties.TryGetValue(shapeName + "." + memberName, out var name) ? name : Naming.Property(memberName);

    public bool IsExcluded(string memberName) => ExcludedMembers is not null && ExcludedMembers.Contains(memberName);
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
        new("ec2", "EC2", "EC2", null, WireProtocol.Ec2,
        [
            "DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups", "DescribeAvailabilityZones",
            "CreateVpc", "CreateSubnet", "CreateSecurityGroup",
        ],
        Names: new(
            Properties: new Dictionary<string, string> { ["IpPermission.IpRanges"] = "Ipv4Ranges", ["PrefixListId.PrefixListId"] = "Id" },
            ExcludedMembers: new HashSet<string> { "DryRun" },
            Constructors: new Dictionary<string, string[][]>
            {
                ["Filter"] = [["Name"], ["Name", "Values"]],
                ["CreateVpcRequest"] = [["CidrBlock"]],
                ["CreateSubnetRequest"] = [["VpcId", "CidrBlock"]],
                ["CreateSecurityGroupRequest"] = [["GroupName", "Description"]],
            })),
        new("iam", "IdentityManagement", "IdentityManagementService", null, WireProtocol.Query,
        [
            "GetRole", "CreateRole", "TagRole", "AttachRolePolicy", "ListAttachedRolePolicies", "SimulatePrincipalPolicy",
        ],
        Names: new(Classes: new Dictionary<string, string> { ["AttachedPolicy"] = "AttachedPolicyType", ["Policy"] = "ManagedPolicy" })),
        new("secretsmanager", "SecretsManager", "SecretsManager", "SecretsManagerJson", WireProtocol.Json11,
        [
            "DescribeSecret", "ListSecrets",
        ]),
        new("ssm", "SimpleSystemsManagement", "SimpleSystemsManagement", "SimpleSystemsManagementJson", WireProtocol.Json11,
        [
            "DescribeParameters", "GetParameters",
        ],
        SecretResponses: true),
        new("route53", "Route53", "Route53", null, WireProtocol.RestXml,
        [
            "CreateHostedZone", "GetHostedZone", "ListHostedZones", "ListHostedZonesByName", "DeleteHostedZone",
            "ChangeResourceRecordSets", "ListResourceRecordSets", "GetChange",
        ],
        IdShapes: ["ResourceId", "DelegationSetId", "ChangeId"]),
    ];
}
