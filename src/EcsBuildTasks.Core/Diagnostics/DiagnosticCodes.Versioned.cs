namespace EcsBuildTasks.Core.Diagnostics;

internal static partial class DiagnosticCodes
{
    // ECS4100–ECS4119: versioned services (Versioned, VersionedBlueGreen) settings, checked before anything runs.
    public static readonly DiagnosticDescriptor PhaseInvalid = new("ECS4100", "An EcsPhase item needs exactly one of Count (0 or more) or Percent (1–100)");
    public static readonly DiagnosticDescriptor PhasesDoNotReachTarget = new("ECS4101", "The phases go down or do not end at 100% of the target count");
    public static readonly DiagnosticDescriptor PhaseCountAboveTarget = new("ECS4102", "A phase's count is above the target count");
    public static readonly DiagnosticDescriptor KeepVersionsInvalid = new("ECS4103", "EcsKeepVersions is not a whole number of at least 1");
    public static readonly DiagnosticDescriptor VersionedSettingUnsupported = new("ECS4104", "A versioned strategy is combined with a setting it cannot honour");
    public static readonly DiagnosticDescriptor StageWiringInvalid = new("ECS4105", "VersionedBlueGreen needs two target groups, a production and a stage listener rule");

    // ECS4120–ECS4139: preflight of the versions and the wiring (read-only).
    public static readonly DiagnosticDescriptor StageForwardsToProduction = new("ECS4120", "The stage listener rule forwards to the production target group");
    public static readonly DiagnosticDescriptor StageWiringOnOtherLoadBalancer = new("ECS4121", "A listener rule or target group of the swap is on another load balancer or forwards elsewhere");
    public static readonly DiagnosticDescriptor VersionedDeploymentInProgress = new("ECS4122", "Another versioned deployment of the service is in progress");
    public static readonly DiagnosticDescriptor ServiceIsVersioned = new("ECS4123", "The service runs as versioned services: an in-place strategy cannot take it over");

    // ECS4140–ECS4159: the deployment and its rollback.
    public static readonly DiagnosticDescriptor PhaseFailed = new("ECS4140", "A phase of a versioned deployment failed and the previous versions were restored");
    public static readonly DiagnosticDescriptor PhaseGateFailed = new("ECS4141", "A phase's verification gate failed and the previous versions were restored");
    public static readonly DiagnosticDescriptor VersionedRollbackIncomplete = new("ECS4142", "A versioned rollback could not restore the previous versions");
    public static readonly DiagnosticDescriptor NoPreviousVersion = new("ECS4143", "There is no previous version to roll back to");
}
