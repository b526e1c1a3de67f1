namespace EcsBuildTasks.Core.Diagnostics;

internal static partial class DiagnosticCodes
{
    // ECS7000–ECS7099: releasing a solution and environments: deployments in flight, ordering, profiles, combined results.
    public static readonly DiagnosticDescriptor DeploymentInFlight = new("ECS7000", "The service has a deployment in flight and EcsConcurrentDeployment=Fail");
    public static readonly DiagnosticDescriptor DeploymentInFlightTooLong = new("ECS7001", "A deployment in flight did not finish within EcsTimeoutMinutes");
    public static readonly DiagnosticDescriptor DeploymentSuperseded = new("ECS7002", "A newer deployment superseded this build's deployment");
    public static readonly DiagnosticDescriptor PublishProfileNotFound = new("ECS7003", "The publish profile does not exist");
    public static readonly DiagnosticDescriptor DependencyFailed = new("ECS7004", "A project this one deploys after (EcsDeployAfter) failed, so this one was not deployed");
    public static readonly DiagnosticDescriptor DependencyDoesNotDeploy = new("ECS7005", "EcsDeployAfter names a project that does not deploy to ECS");
    public static readonly DiagnosticDescriptor DeploymentOrderCycle = new("ECS7006", "The EcsDeployAfter items of the publish form a cycle");
    public static readonly DiagnosticDescriptor DuplicateService = new("ECS7007", "Two projects of one publish deploy the same service in the same cluster");
    public static readonly DiagnosticDescriptor DeploymentWaitsQueue = new("ECS7090", "MSBuild lets fewer deployments of the publish wait at once than it deploys");
}
