using System.Reflection;

namespace EcsBuildTasks.Core.Diagnostics;

/// <summary>
/// Every code EcsBuildTasks reports (this file and its partial siblings: one file per area). The README lists each one (a test keeps them in step); ranges are described in
/// DEVELOPERS.md. Codes are never reused for a different meaning.
/// </summary>
internal static partial class DiagnosticCodes
{
    // ECS0001–ECS0099: reading MSBuild properties, items and templates.
    public static readonly DiagnosticDescriptor InvalidInteger = new("ECS0001", "A property or metadata value is not a whole number in the allowed range");
    public static readonly DiagnosticDescriptor InvalidBoolean = new("ECS0002", "A property value is not true or false");
    public static readonly DiagnosticDescriptor InvalidChoice = new("ECS0003", "A property value is not one of the allowed values");
    public static readonly DiagnosticDescriptor TemplateNotFound = new("ECS0004", "A definition template file does not exist");
    public static readonly DiagnosticDescriptor TemplateInvalid = new("ECS0005", "A definition template is not valid JSON for its ECS shape");
    public static readonly DiagnosticDescriptor TemplateUnknownMember = new("ECS0006", "A definition template has a member ECS does not know");
    public static readonly DiagnosticDescriptor ItemMetadataMissing = new("ECS0007", "An item lacks required metadata");
    public static readonly DiagnosticDescriptor DuplicateItem = new("ECS0008", "The same item is defined twice");
    public static readonly DiagnosticDescriptor ImageConfigurationInvalid = new("ECS0010", "The SDK's generated container configuration could not be read");
    public static readonly DiagnosticDescriptor ImageReferenceMissing = new("ECS0011", "No container image reference could be determined");
    public static readonly DiagnosticDescriptor EndpointUrlInvalid = new("ECS0012", "The endpoint URL is not an absolute http(s) URL");

    // ECS0100–ECS0299: task definition and service definition rules.
    public static readonly DiagnosticDescriptor InvalidTaskFamily = new("ECS0100", "Task definition family name is invalid");
    public static readonly DiagnosticDescriptor InvalidServiceName = new("ECS0101", "Service name is invalid");
    public static readonly DiagnosticDescriptor InvalidContainerName = new("ECS0102", "Container name is invalid or duplicated");
    public static readonly DiagnosticDescriptor InvalidClusterName = new("ECS0103", "Cluster name is invalid");
    public static readonly DiagnosticDescriptor FargateCpuInvalid = new("ECS0110", "Task CPU is not a Fargate size");
    public static readonly DiagnosticDescriptor FargateMemoryInvalid = new("ECS0111", "Task memory does not fit the Fargate CPU size");
    public static readonly DiagnosticDescriptor FargatePlatformVersionTooOld = new("ECS0112", "8 and 16 vCPU Fargate tasks need platform version 1.4.0 or later");
    public static readonly DiagnosticDescriptor FargateTaskSizeRequired = new("ECS0113", "Fargate needs task-level CPU and memory");
    public static readonly DiagnosticDescriptor FargateRequiresAwsvpc = new("ECS0114", "Fargate needs the awsvpc network mode");
    public static readonly DiagnosticDescriptor ContainerMemoryExceedsTask = new("ECS0115", "Container memory exceeds task memory");
    public static readonly DiagnosticDescriptor ContainerMemoryReservationInvalid = new("ECS0116", "Container memory reservation exceeds its hard limit or the task memory");
    public static readonly DiagnosticDescriptor ContainerCpuExceedsTask = new("ECS0117", "Container CPU exceeds task CPU");
    public static readonly DiagnosticDescriptor TooManyContainers = new("ECS0118", "A task definition has more than 10 containers");
    public static readonly DiagnosticDescriptor ContainerMemoryRequired = new("ECS0119", "A container needs memory or memoryReservation when the task has no memory");
    public static readonly DiagnosticDescriptor TaskSizeInvalid = new("ECS0120", "Task CPU or memory is out of range");
    public static readonly DiagnosticDescriptor NoEssentialContainer = new("ECS0121", "A task definition needs at least one essential container");
    public static readonly DiagnosticDescriptor EphemeralStorageOutOfRange = new("ECS0122", "Ephemeral storage is outside 21–200 GiB or not on Fargate");
    public static readonly DiagnosticDescriptor StopTimeoutOutOfRange = new("ECS0123", "Container stop timeout is outside 2–120 seconds");
    public static readonly DiagnosticDescriptor HealthCheckInvalid = new("ECS0124", "Container health check settings are invalid");
    public static readonly DiagnosticDescriptor SecretInvalid = new("ECS0125", "A secret's valueFrom is not a Secrets Manager or Systems Manager reference");
    public static readonly DiagnosticDescriptor EnvironmentVariableInvalid = new("ECS0126", "An environment variable name is invalid");
    public static readonly DiagnosticDescriptor RoleArnInvalid = new("ECS0127", "An IAM role ARN is malformed");
    public static readonly DiagnosticDescriptor ExecutionRoleRequired = new("ECS0128", "The task needs an execution role");
    public static readonly DiagnosticDescriptor PortMappingInvalid = new("ECS0129", "A port mapping is invalid or duplicated");
    public static readonly DiagnosticDescriptor RuntimePlatformInvalid = new("ECS0130", "Runtime platform is invalid for the launch type");
    public static readonly DiagnosticDescriptor LogConfigurationInvalid = new("ECS0131", "Log configuration is invalid");
    public static readonly DiagnosticDescriptor NetworkModeInvalid = new("ECS0132", "Network mode does not fit the launch type");
    public static readonly DiagnosticDescriptor TooManySubnets = new("ECS0140", "More than 16 subnets");
    public static readonly DiagnosticDescriptor SubnetIdInvalid = new("ECS0141", "A subnet id is malformed");
    public static readonly DiagnosticDescriptor TooManySecurityGroups = new("ECS0142", "More than 5 security groups");
    public static readonly DiagnosticDescriptor SecurityGroupIdInvalid = new("ECS0143", "A security group id is malformed");
    public static readonly DiagnosticDescriptor NetworkConfigurationNotAwsvpc = new("ECS0144", "Subnets and security groups need the awsvpc network mode");
    public static readonly DiagnosticDescriptor AssignPublicIpNotFargate = new("ECS0145", "A public IP can only be assigned to Fargate tasks");
    public static readonly DiagnosticDescriptor DaemonOnFargate = new("ECS0150", "DAEMON services cannot run on Fargate");
    public static readonly DiagnosticDescriptor DaemonWithDesiredCount = new("ECS0151", "DAEMON services take no desired count");
    public static readonly DiagnosticDescriptor DaemonDeploymentPercent = new("ECS0152", "DAEMON services keep maximumPercent at 100");
    public static readonly DiagnosticDescriptor LaunchTypeWithCapacityProviders = new("ECS0153", "Launch type and capacity providers are exclusive");
    public static readonly DiagnosticDescriptor CapacityProviderInvalid = new("ECS0154", "A capacity provider strategy item is invalid");
    public static readonly DiagnosticDescriptor DesiredCountInvalid = new("ECS0155", "Desired count is out of range");
    public static readonly DiagnosticDescriptor PlatformVersionNotFargate = new("ECS0156", "A platform version applies to Fargate only");
    public static readonly DiagnosticDescriptor PlacementInvalid = new("ECS0157", "A placement constraint or strategy is invalid");
    public static readonly DiagnosticDescriptor MinimumHealthyPercentOutOfRange = new("ECS0160", "Minimum healthy percent is outside 0–100");
    public static readonly DiagnosticDescriptor MaximumPercentOutOfRange = new("ECS0161", "Maximum percent is below 100 or below the minimum healthy percent");
    public static readonly DiagnosticDescriptor DeploymentCannotProgress = new("ECS0162", "Minimum healthy and maximum percent leave no room to replace a task");
    public static readonly DiagnosticDescriptor CircuitBreakerThresholdInvalid = new("ECS0163", "Circuit breaker threshold is invalid");
    public static readonly DiagnosticDescriptor AlarmInvalid = new("ECS0164", "A rollback alarm name is invalid");
    public static readonly DiagnosticDescriptor HealthCheckGracePeriodInvalid = new("ECS0165", "Health check grace period is out of range");
    public static readonly DiagnosticDescriptor TargetGroupArnInvalid = new("ECS0170", "A target group ARN is malformed");
    public static readonly DiagnosticDescriptor LoadBalancerPortMismatch = new("ECS0171", "The load balancer's container and port match no port mapping");
    public static readonly DiagnosticDescriptor ServiceRegistryInvalid = new("ECS0172", "A service registry breaks ECS's container/port rules");
    public static readonly DiagnosticDescriptor TagInvalid = new("ECS0173", "A tag is invalid");
    public static readonly DiagnosticDescriptor StrategyNotSupported = new("ECS0181", "The deployment strategy does not fit the service");

    // ECS1000–ECS1099: preflight, read-only checks before anything changes.
    public static readonly DiagnosticDescriptor CredentialsUnavailable = new("ECS1000", "AWS credentials could not be resolved or were rejected");
    public static readonly DiagnosticDescriptor RegionUnavailable = new("ECS1001", "No AWS region is configured");
    public static readonly DiagnosticDescriptor ClusterNotFound = new("ECS1002", "The cluster does not exist or is not ACTIVE");
    public static readonly DiagnosticDescriptor TargetGroupNotFound = new("ECS1003", "The target group does not exist");
    public static readonly DiagnosticDescriptor TargetGroupTypeMismatch = new("ECS1004", "The target group's target type does not fit the task's network mode");
    public static readonly DiagnosticDescriptor TargetGroupPortDiffers = new("ECS1005", "The target group's port differs from the container port");
    public static readonly DiagnosticDescriptor TargetGroupWithoutLoadBalancer = new("ECS1006", "The target group is not attached to a load balancer");
    public static readonly DiagnosticDescriptor SubnetNotFound = new("ECS1007", "A subnet does not exist");
    public static readonly DiagnosticDescriptor NetworkInDifferentVpcs = new("ECS1008", "Subnets and security groups are not all in one VPC");
    public static readonly DiagnosticDescriptor SecurityGroupNotFound = new("ECS1009", "A security group does not exist");
    public static readonly DiagnosticDescriptor NoDefaultVpc = new("ECS1010", "No subnets were given and the account has no default VPC");
    public static readonly DiagnosticDescriptor ServiceCannotChange = new("ECS1011", "The existing service cannot be changed that way in place");
    public static readonly DiagnosticDescriptor AccessDenied = new("ECS1012", "The credentials lack a permission the deployment needs");
    public static readonly DiagnosticDescriptor AwsRequestFailed = new("ECS1013", "An AWS request failed");

    // ECS2000–ECS2099: ECR and the image.
    public static readonly DiagnosticDescriptor RepositoryMissing = new("ECS2000", "The ECR repository does not exist and may not be created");
    public static readonly DiagnosticDescriptor RegistryAuthorizationFailed = new("ECS2001", "No ECR authorization token could be obtained");
    public static readonly DiagnosticDescriptor ImageNotFound = new("ECS2002", "The image to deploy does not exist in ECR");
    public static readonly DiagnosticDescriptor ImageNotPushed = new("ECS2003", "PublishContainer reported no image digest");

    // ECS3000–ECS3099: registration, service update, waiting, rollback.
    public static readonly DiagnosticDescriptor TaskDefinitionRejected = new("ECS3000", "ECS rejected the task definition");
    public static readonly DiagnosticDescriptor ServiceRejected = new("ECS3001", "ECS rejected the service creation or update");
    public static readonly DiagnosticDescriptor DeploymentRolledBack = new("ECS3002", "The deployment failed and the service was rolled back to its previous revision");
    public static readonly DiagnosticDescriptor DeploymentFailed = new("ECS3003", "The deployment failed and the service is not on a healthy revision");
    public static readonly DiagnosticDescriptor DeploymentTimedOut = new("ECS3004", "The deployment did not finish within EcsTimeoutMinutes");
    public static readonly DiagnosticDescriptor FailFastTriggered = new("ECS3005", "EcsFailFastFailedTasks tasks failed; the deployment was stopped and rolled back");
    public static readonly DiagnosticDescriptor DeploymentStopped = new("ECS3006", "The deployment was stopped outside this build");
    public static readonly DiagnosticDescriptor WaitCancelled = new("ECS3007", "The build was cancelled while waiting; the deployment goes on in ECS");
    public static readonly DiagnosticDescriptor ServiceNotFound = new("ECS3008", "The service does not exist");
    public static readonly DiagnosticDescriptor NothingToRollBack = new("ECS3009", "There is no previous revision to roll back to");
    public static readonly DiagnosticDescriptor LogGroupNotCreated = new("ECS3010", "The awslogs log group could not be created");

    // ECS9000–ECS9099: the embedded LocalEcs target and internal errors.
    public static readonly DiagnosticDescriptor LocalEcsUnavailable = new("ECS9000", "LocalEcs is not listening and could not be started");
    public static readonly DiagnosticDescriptor Internal = new("ECS9001", "Unexpected internal error");
    public static readonly DiagnosticDescriptor Cancelled = new("ECS9002", "The build was cancelled");

    private static readonly Lazy<IReadOnlyList<DiagnosticDescriptor>> AllDescriptors = new(() =>
        typeof(DiagnosticCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Code, StringComparer.Ordinal)
            .ToArray());

    /// <summary>Every descriptor, ordered by code.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All => AllDescriptors.Value;
}
