namespace EcsBuildTasks.Core.Diagnostics;

internal static partial class DiagnosticCodes
{
    // ECS6000–ECS6019: ECS Express Mode (EcsDeploymentStrategy=Express), checked before anything changes.
    public static readonly DiagnosticDescriptor ExpressInfrastructureRoleMissing = new("ECS6000", "Express needs an infrastructure role (EcsInfrastructureRoleArn)");
    public static readonly DiagnosticDescriptor ExpressSettingUnsupported = new("ECS6001", "A setting Express cannot honour (load balancer, DAEMON, Cloud Map, Service Connect, launch type, placement)");
    public static readonly DiagnosticDescriptor ExpressHealthCheckPathInvalid = new("ECS6003", "The Express health check path does not start with /");
    public static readonly DiagnosticDescriptor ExpressScalingInvalid = new("ECS6004", "The scaling settings do not fit Express's one target tracking scaling target");
    public static readonly DiagnosticDescriptor ExpressContainerPortMissing = new("ECS6005", "Express needs the container port its load balancer sends traffic to");
    public static readonly DiagnosticDescriptor ExpressServiceNotExpress = new("ECS6006", "A service of that name exists and is not an Express service");
    public static readonly DiagnosticDescriptor ExpressMainContainerName = new("ECS6007", "A task definition for Express needs its application container named Main");
    public static readonly DiagnosticDescriptor ExpressUrlNotReady = new("ECS6008", "The Express service deployed but ECS gave it no URL within EcsTimeoutMinutes");
    public static readonly DiagnosticDescriptor ServiceIsExpress = new("ECS6009", "The service is an Express service; a strategy other than Express would change it behind ECS's back");

    // ECS6020–ECS6039: ECS managed daemons (EcsDeploymentStrategy=ManagedDaemon).
    public static readonly DiagnosticDescriptor DaemonCapacityProviderMissing = new("ECS6020", "A managed daemon needs EcsCapacityProvider items");
    public static readonly DiagnosticDescriptor DaemonSettingUnsupported = new("ECS6021", "A setting a managed daemon cannot honour (load balancer, desired count, network, discovery, scaling)");
    public static readonly DiagnosticDescriptor DaemonDeploymentSettingInvalid = new("ECS6022", "The daemon drain percent or bake time is out of range");
    public static readonly DiagnosticDescriptor DaemonCapacityProviderInvalid = new("ECS6023", "A capacity provider is missing, not a Managed Instances provider, or in another cluster");
    public static readonly DiagnosticDescriptor DaemonMemberDropped = new("ECS6024", "A task definition member that daemon task definitions do not take is left out");
    public static readonly DiagnosticDescriptor DaemonNameTaken = new("ECS6025", "The daemon name is taken by a daemon being deleted");
}
