using EcsBuildTasks.LocalEcs.Protocols;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

/// <summary>The errors ECS answers common mistakes with, worded as ECS words them.</summary>
internal static class EcsErrors
{
    public static AwsServiceException ClusterNotFound() => new("ClusterNotFoundException", "Cluster not found.");

    public static AwsServiceException ServiceNotFound() => new("ServiceNotFoundException", "Service not found.");

    public static AwsServiceException ServiceNotActive() => new("ServiceNotActiveException", "Service was not ACTIVE.");

    public static AwsServiceException TaskDefinitionNotFound() => new("ClientException", "Unable to describe task definition.");

    public static AwsServiceException Client(string message) => new("ClientException", message);

    public static AwsServiceException Invalid(string message) => new("InvalidParameterException", message);

    public static AwsServiceException Required(string member) =>
        new("InvalidParameterException", $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    public static AwsServiceException TaskSetNotFound() => new("TaskSetNotFoundException", "The specified task set does not exist.");

    public static AwsServiceException ServiceDeploymentNotFound(string arn) =>
        new("ServiceDeploymentNotFoundException", $"The service deployment {arn} does not exist.");
}
