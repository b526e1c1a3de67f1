using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary>
/// An Express service's ECS service belongs to ECS (<c>resourceManagementType</c> ECS): ECS wired its load balancer,
/// target groups, scaling and canary deployments, and changes them through <c>UpdateExpressGatewayService</c> only. A
/// strategy that updates, adopts or scales plain services must leave it alone, so it refuses before anything changes.
/// </summary>
internal static class ExpressServiceGuard
{
    public static bool IsExpress(EcsService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.ResourceManagementType?.Value == "ECS";
    }

    /// <summary>ECS6009 when <paramref name="existing"/> is an Express service; null otherwise.</summary>
    public static EcsDiagnostic? Check(EcsService existing, GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(definitions);
        if (!IsExpress(existing))
        {
            return null;
        }

        var (cluster, name, strategy) = (definitions.Service.Cluster, existing.ServiceName, definitions.Strategy.Name);
        return new EcsDiagnostic(DiagnosticCodes.ServiceIsExpress, DiagnosticSeverity.Error, EcsProperties.DeploymentStrategy,
            $"{EcsProperties.DeploymentStrategy}={strategy}, but {name} in cluster {cluster} is an Express service: ECS manages its load balancer, scaling and deployments, and {strategy} would change it behind ECS's back. "
            + $"Deploy it with {EcsProperties.DeploymentStrategy}=Express, or choose another {EcsProperties.ServiceName} (to retire the Express service: aws ecs delete-express-gateway-service --service-arn {existing.ServiceArn}).");
    }

    /// <summary>Throws ECS6009 when <paramref name="existing"/> is an Express service (the apply step's guard, for engines that skip the preflight).</summary>
    public static void ThrowIfExpress(EcsService? existing, GeneratedDefinitions definitions)
    {
        if (existing is not null && Check(existing, definitions) is { } problem)
        {
            throw new DeploymentException([problem]);
        }
    }
}
