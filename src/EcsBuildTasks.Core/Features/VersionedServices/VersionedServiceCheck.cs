using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.VersionedServices;

/// <summary>
/// Going back from versioned services to a strategy that updates one service in place: the project's service name
/// has no service, but its versions serve. Creating the plain service next to them would run both.
/// </summary>
internal static class VersionedServiceCheck
{
    public static async Task<ServiceVersion?> ServingVersionAsync(ServicePreflightContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var service = context.Definitions.Service;
        try
        {
            var set = await new ServiceVersions(context.Aws, context.Log).FindAsync(service.Cluster!, service.ServiceName!, cancellationToken).ConfigureAwait(false);
            return set.Versions.LastOrDefault(v => v.Number > 0 && v.DesiredCount > 0 && v.Service.Status == "ACTIVE");
        }
        catch (DeploymentException ex) when (ex.InnerException is ClusterNotFoundException)
        {
            // Reported by the cluster check.
            return null;
        }
    }

    public static string Message(GeneratedDefinitions definitions, ServiceVersion version, string strategy)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(version);
        var cluster = definitions.Service.Cluster;
        return $"{EcsProperties.DeploymentStrategy}={strategy}, but {definitions.Service.ServiceName} runs as versioned services ({version.Describe()} serves): {strategy} would create the service {definitions.Service.ServiceName} next to it. "
            + $"Keep {EcsProperties.DeploymentStrategy}=Versioned, or move back in steps: deploy {strategy} under another {EcsProperties.ServiceName}, move traffic to it, then scale the versions to 0 and delete them (aws ecs delete-service --cluster {cluster} --service {version.Name} --force).";
    }
}
