using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.AutoScaling;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.OneOffTasks;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.ServiceConnect;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Infrastructure;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Strategies.InPlace;

/// <summary>
/// The features' steps around an ECS service change (the building blocks a strategy that updates one service composes):
/// <list type="number">
/// <item>pre-deploy tasks with the new revision (a failure stops everything before the service is touched);</item>
/// <item>the Cloud Map namespace and service, and the Service Connect namespace's ARN;</item>
/// <item>auto scaling suspended (only when the service exists, has a scalable target, and is about to change), and
/// restored when the returned scope is disposed, whatever the outcome;</item>
/// <item>after the deployment succeeded (or had nothing to change): the scalable target, policies and scheduled actions
/// made to match the project; for a new service that is the first moment it exists.</item>
/// </list>
/// </summary>
internal sealed class ServiceChangeSteps(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    private static readonly IAsyncDisposable NothingSuspended = new NoSuspension();

    private ScalingSuspension? suspension;

    public async Task<IAsyncDisposable> BeforeServiceChangeAsync(GeneratedDefinitions definitions, string taskDefinitionArn, EcsService? existing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        await new PreDeployTasks(aws, log, time).RunAsync(definitions, taskDefinitionArn, existing, cancellationToken).ConfigureAwait(false);
        await new CloudMapRegistration(aws, log, time).PrepareAsync(definitions, cancellationToken).ConfigureAwait(false);
        await new ServiceConnectRegistration(aws, log).PrepareAsync(definitions, cancellationToken).ConfigureAwait(false);
        if (existing is null || !WillChange(definitions, taskDefinitionArn, existing))
        {
            // A new service has no scalable target yet; an unchanged one gets no deployment to protect.
            return NothingSuspended;
        }

        var resourceId = ScalableTargets.ResourceId(definitions.Service.Cluster!, definitions.Service.ServiceName!);
        suspension = await ScalingSuspension.SuspendAsync(aws, log, resourceId, cancellationToken).ConfigureAwait(false);
        return suspension ?? NothingSuspended;
    }

    /// <summary>
    /// Reports a failed scaling restore, and configures auto scaling when the deployment succeeded. A configuration
    /// failure fails the build but keeps the deployment's result (the service did deploy).
    /// </summary>
    public async Task<DeploymentReport> AfterDeploymentAsync(GeneratedDefinitions definitions, DeploymentReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(report);
        if (suspension?.RestoreFailure is { } restoreFailure)
        {
            if (report.Failure is null)
            {
                report = report with { Failure = restoreFailure };
            }
            else
            {
                log.Warning(restoreFailure with { Severity = DiagnosticSeverity.Warning });
            }
        }

        if (report.Failure is null && report.Result.Succeeded)
        {
            try
            {
                await new ScalingConfigurator(aws, log).ApplyAsync(definitions, cancellationToken).ConfigureAwait(false);
            }
            catch (DeploymentException ex) when (ex.Diagnostics.Count > 0)
            {
                report = report with { Failure = ex.Diagnostics[0] };
            }
        }

        return report with { Result = report.Result with { ApiCalls = aws.RequestCount } };
    }

    /// <summary>Whether the service is about to get an UpdateService (the same comparison the deployer makes).</summary>
    private static bool WillChange(GeneratedDefinitions definitions, string taskDefinitionArn, EcsService existing)
    {
        var probe = EcsJson.Deserialize<CreateServiceRequest>(EcsJson.Serialize(definitions.Service));
        probe.TaskDefinition = taskDefinitionArn;
        return ServiceUpdate.BuildUpdate(probe, existing, definitions.Settings, out _) is not null;
    }

    private sealed class NoSuspension : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
