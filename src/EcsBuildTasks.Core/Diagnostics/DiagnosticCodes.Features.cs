namespace EcsBuildTasks.Core.Diagnostics;

internal static partial class DiagnosticCodes
{
    // ECS5000–ECS5039: service discovery, Service Connect, auto scaling and one-off task settings (checked offline).
    public static readonly DiagnosticDescriptor ServiceDiscoverySettingsConflict = new("ECS5000", "Service discovery settings conflict or name no namespace");
    public static readonly DiagnosticDescriptor ServiceRegistryArnInvalid = new("ECS5001", "A Cloud Map service registry ARN is malformed");
    public static readonly DiagnosticDescriptor ServiceDiscoveryNameInvalid = new("ECS5002", "A Cloud Map namespace or service name is invalid");
    public static readonly DiagnosticDescriptor DnsRecordTypeMismatch = new("ECS5003", "The DNS record type does not fit the task's network mode");
    public static readonly DiagnosticDescriptor ServiceDiscoveryPortInvalid = new("ECS5004", "The service discovery port matches no port mapping");
    public static readonly DiagnosticDescriptor NamespaceCreationNotPossible = new("ECS5005", "A Cloud Map namespace can only be created for awsvpc tasks");
    public static readonly DiagnosticDescriptor ServiceConnectNamespaceMissing = new("ECS5010", "Service Connect settings need EcsServiceConnectNamespace");
    public static readonly DiagnosticDescriptor ServiceConnectNameInvalid = new("ECS5011", "A Service Connect port name or discovery name is invalid or duplicated");
    public static readonly DiagnosticDescriptor ServiceConnectPortInvalid = new("ECS5012", "A Service Connect port matches no port mapping");
    public static readonly DiagnosticDescriptor ServiceConnectClientAliasInvalid = new("ECS5013", "A Service Connect client alias is invalid");
    public static readonly DiagnosticDescriptor ServiceConnectAppProtocolInvalid = new("ECS5014", "A Service Connect app protocol is not http, http2 or grpc");
    public static readonly DiagnosticDescriptor ServiceConnectTestTrafficHeaderInvalid = new("ECS5015", "The Service Connect test traffic header is malformed or needs a traffic-shifting strategy");
    public static readonly DiagnosticDescriptor ServiceConnectLogGroupInvalid = new("ECS5016", "The Service Connect log group name is invalid");
    public static readonly DiagnosticDescriptor AutoScalingCapacityInvalid = new("ECS5020", "Auto scaling capacity is missing or invalid");
    public static readonly DiagnosticDescriptor AutoScalingOnDaemon = new("ECS5021", "Auto scaling does not apply to DAEMON services");
    public static readonly DiagnosticDescriptor DesiredCountOutsideCapacity = new("ECS5022", "The desired count is outside the auto scaling capacity");
    public static readonly DiagnosticDescriptor ScalingPolicyInvalid = new("ECS5023", "A scaling policy is invalid");
    public static readonly DiagnosticDescriptor ScalingPolicyTargetGroupMissing = new("ECS5024", "A request-count scaling policy has no target group");
    public static readonly DiagnosticDescriptor ScheduledScalingInvalid = new("ECS5025", "A scheduled scaling action is invalid");
    public static readonly DiagnosticDescriptor OneOffTaskInvalid = new("ECS5030", "A one-off task's container, command or environment is invalid");

    // ECS5040–ECS5049: preflight (read-only) for discovery, Service Connect and auto scaling.
    public static readonly DiagnosticDescriptor NamespaceNotFound = new("ECS5040", "The Cloud Map namespace does not exist");
    public static readonly DiagnosticDescriptor NamespaceTypeMismatch = new("ECS5041", "The Cloud Map namespace's type does not fit the settings");
    public static readonly DiagnosticDescriptor ServiceRegistryNotFound = new("ECS5042", "The Cloud Map service registry does not exist");
    public static readonly DiagnosticDescriptor ServiceRegistryMismatch = new("ECS5043", "The existing Cloud Map service does not fit the discovery settings or network mode");
    public static readonly DiagnosticDescriptor ServiceConnectNamespaceNotFound = new("ECS5044", "The Service Connect namespace does not exist");
    public static readonly DiagnosticDescriptor ScalingTargetGroupNotOnAlb = new("ECS5045", "The request-count target group is not behind an Application Load Balancer");
    public static readonly DiagnosticDescriptor NamespaceAmbiguous = new("ECS5046", "A Cloud Map namespace name matches several namespaces");

    // ECS5050–ECS5069: running one-off tasks and managing Cloud Map and auto scaling during a deployment.
    public static readonly DiagnosticDescriptor OneOffTaskFailed = new("ECS5050", "A one-off task exited with a non-zero code (a pre-deploy task: the service was not changed)");
    public static readonly DiagnosticDescriptor OneOffTaskNotStarted = new("ECS5051", "A one-off task could not be started");
    public static readonly DiagnosticDescriptor OneOffTaskTimedOut = new("ECS5052", "A one-off task did not finish within its timeout and was stopped");
    public static readonly DiagnosticDescriptor CloudMapChangeFailed = new("ECS5053", "The Cloud Map namespace or service could not be created or updated");
    public static readonly DiagnosticDescriptor ScalingSuspensionFailed = new("ECS5054", "Auto scaling could not be suspended or restored");
    public static readonly DiagnosticDescriptor ScalingConfigurationFailed = new("ECS5055", "The auto scaling configuration could not be applied");
    public static readonly DiagnosticDescriptor AdHocTaskNothingToRun = new("ECS5056", "There is no task definition or network to run an ad-hoc task with");
}
