namespace EcsBuildTasks.Core.Diagnostics;

internal static partial class DiagnosticCodes
{
    // ECS0013–ECS0029: inputs AWS or the SDK would refuse later, checked before anything changes.
    public static readonly DiagnosticDescriptor RegionInvalid = new("ECS0013", "EcsRegion is not the name of an AWS region");
    public static readonly DiagnosticDescriptor LogGroupNameInvalid = new("ECS0014", "EcsLogGroup is not a valid CloudWatch Logs log group name");
    public static readonly DiagnosticDescriptor ImageTagInvalid = new("ECS0015", "An image tag is not a valid Docker tag");

    // ECS3011–ECS3029: following a deployment through a flaky AWS.
    public static readonly DiagnosticDescriptor RegistryNotOfEndpoint = new("ECS3012", "EcsEndpointUrl is not AWS, but its ECR names a registry on AWS: name the registry to push to with ContainerRegistry");
    public static readonly DiagnosticDescriptor AwsUnavailableWhileFollowing = new("ECS3011", "AWS kept failing for longer than EcsTimeoutMinutes while the build followed the deployment; the deployment goes on");
}
