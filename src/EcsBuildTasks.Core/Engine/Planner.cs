using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Strategies;

namespace EcsBuildTasks.Core.Engine;

/// <summary>
/// The live plan (<c>EcsDryRun=true</c> with live reads): asks the strategy that shaped the definitions what applying
/// them would change and call, on a session that refuses every request but reads, so a plan can never change AWS.
/// </summary>
internal sealed class Planner(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    public async Task<DeploymentPlan> PlanAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (!aws.ReadOnly)
        {
            throw new InvalidOperationException("The live plan runs on a read-only session (AwsSession.ReadOnly).");
        }

        var strategy = DeploymentStrategies.Of(definitions);
        var resources = await strategy.PlanAsync(new DeploymentContext(aws, log, time, definitions), cancellationToken).ConfigureAwait(false);
        return new DeploymentPlan
        {
            Live = true,
            Cluster = definitions.Service.Cluster!,
            Service = definitions.Service.ServiceName!,
            Region = aws.Factory.ResolvedRegion.SystemName,
            Strategy = strategy.Name,
            Resources = resources,
        };
    }

    /// <summary>The plan of a dry run that read nothing, and why.</summary>
    public static DeploymentPlan Offline(GeneratedDefinitions definitions, string reason)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return new DeploymentPlan
        {
            Live = false,
            OfflineReason = reason,
            Cluster = definitions.Service.Cluster!,
            Service = definitions.Service.ServiceName!,
            Region = definitions.Settings.Region,
            Strategy = definitions.Strategy.Name,
        };
    }
}
