using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;

namespace EcsBuildTasks.Core.Engine;

/// <summary>
/// The live plan (<c>EcsDryRun=true</c> with live reads): asks the strategy that shaped the definitions what applying
/// them would change and call, on a session that refuses every request but reads, so a plan can never change AWS.
/// </summary>
internal sealed class Planner(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    /// <summary>
    /// The plan <c>EcsPlanLive</c> asks for: offline when it is <c>false</c>; live when the identity answers; otherwise
    /// offline with the reason (<c>auto</c>) or an error (<c>true</c>, ECS7100). With <c>auto</c>, a live plan that fails
    /// half-way (e.g. a read the principal may not make) is a warning (ECS7101) and the plan offline.
    /// </summary>
    public async Task<DeploymentPlan> PlanOrOfflineAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var mode = definitions.Settings.Plan.Live;
        if (mode == LivePlanMode.Off)
        {
            return Offline(definitions, $"{EcsProperties.PlanLive}=false");
        }

        var unreachable = await UnreachableAsync(cancellationToken).ConfigureAwait(false);
        if (unreachable is not null)
        {
            return mode == LivePlanMode.Required
                ? throw new DeploymentException(DiagnosticCodes.LivePlanUnavailable, EcsProperties.PlanLive, $"{EcsProperties.PlanLive}=true, but the live state cannot be read: {unreachable}. Provide credentials ({EcsProperties.Profile}, the AWS_* variables) and a reachable endpoint, or set {EcsProperties.PlanLive}=auto to plan offline.")
                : Offline(definitions, $"{unreachable} (the dry run stays offline; {EcsProperties.PlanLive}=true makes this an error)");
        }

        try
        {
            return await PlanAsync(definitions, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (mode == LivePlanMode.Auto && ex.Diagnostics.Count > 0)
        {
            var reason = $"reading the live state failed: {ex.Diagnostics[0].Message}";
            log.Warning(new EcsDiagnostic(DiagnosticCodes.LivePlanFailed, DiagnosticSeverity.Warning, EcsProperties.PlanLive, $"The live plan failed, so the dry run stays offline: {ex.Diagnostics[0].Code}: {ex.Diagnostics[0].Message}"));
            return Offline(definitions, reason);
        }
    }

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
            Steps = strategy.PlannedSteps(definitions),
            PlannedAt = time.GetUtcNow(),
        };
    }

    /// <summary>Why the live state cannot be read (no credentials, nothing answers at the endpoint), or null when the identity answers.</summary>
    private async Task<string?> UnreachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await aws.Sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            var endpoint = aws.Factory.Settings.EndpointUrl is { } url ? $" at {url}" : string.Empty;
            return $"no AWS identity answered{endpoint}: {ex.Message.Split('\n')[0].Trim()}";
        }
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
