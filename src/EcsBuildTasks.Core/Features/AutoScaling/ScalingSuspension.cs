using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.AutoScaling;

/// <summary>
/// Keeps Application Auto Scaling from changing the service while it deploys: <c>SuspendedState</c> on the scalable
/// target (dynamic scale-in, scale-out and scheduled scaling), never deregistering it, so policies, scheduled actions
/// and the capacity stay. Disposing restores exactly the flags the target had before (a suspension the user had set
/// stays), on success, failure, rollback and cancellation alike; it never throws, and a failed restore is kept in
/// <see cref="RestoreFailure"/> with the command that finishes the job.
/// </summary>
internal sealed class ScalingSuspension : IAsyncDisposable
{
    private readonly AwsSession aws;
    private readonly IDeploymentLog log;
    private readonly string resourceId;
    private readonly SuspendedState original;
    private bool restored;

    private ScalingSuspension(AwsSession aws, IDeploymentLog log, string resourceId, SuspendedState original)
    {
        this.aws = aws;
        this.log = log;
        this.resourceId = resourceId;
        this.original = original;
    }

    /// <summary>Set when the restore failed: the error the deployment reports (it has no other failure).</summary>
    public EcsDiagnostic? RestoreFailure { get; private set; }

    /// <summary>Suspends scaling of the service's scalable target; null when it has none, or has everything suspended already.</summary>
    public static async Task<ScalingSuspension?> SuspendAsync(AwsSession aws, IDeploymentLog log, string resourceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(log);
        var target = await ScalableTargets.FindAsync(aws, resourceId, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            log.Detail($"EcsBuildTasks: {resourceId} has no scalable target: no auto scaling to suspend");
            return null;
        }

        var state = target.SuspendedState;
        var original = new SuspendedState
        {
            DynamicScalingInSuspended = state?.DynamicScalingInSuspended ?? false,
            DynamicScalingOutSuspended = state?.DynamicScalingOutSuspended ?? false,
            ScheduledScalingSuspended = state?.ScheduledScalingSuspended ?? false,
        };
        if (original.DynamicScalingInSuspended == true && original.DynamicScalingOutSuspended == true && original.ScheduledScalingSuspended == true)
        {
            log.Info($"EcsBuildTasks: auto scaling of {resourceId} is suspended already (not by this build); it stays so");
            return null;
        }

        try
        {
            await Register(aws, resourceId, new SuspendedState { DynamicScalingInSuspended = true, DynamicScalingOutSuspended = true, ScheduledScalingSuspended = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is Amazon.Runtime.AmazonServiceException service && !AwsCalls.IsAccessDenied(service))
        {
            throw new DeploymentException(DiagnosticCodes.ScalingSuspensionFailed, EcsProperties.ServiceName,
                $"Auto scaling of {resourceId} could not be suspended for the deployment ({AwsCalls.Describe("Application Auto Scaling RegisterScalableTarget", service)}); nothing was deployed.", ex);
        }

        log.Info($"EcsBuildTasks: suspended auto scaling of {resourceId} for the deployment (it had {ScalableTargets.Describe(original)}); the desired count stays as auto scaling set it");
        return new ScalingSuspension(aws, log, resourceId, original);
    }

    public async ValueTask DisposeAsync()
    {
        if (restored)
        {
            return;
        }

        restored = true;
        try
        {
            // Not the build's token: a cancelled build must still give scaling back.
            await Register(aws, resourceId, original, CancellationToken.None).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: restored auto scaling of {resourceId} ({ScalableTargets.Describe(original)})");
        }
        catch (DeploymentException ex)
        {
            RestoreFailure = new EcsDiagnostic(DiagnosticCodes.ScalingSuspensionFailed, DiagnosticSeverity.Error, EcsProperties.ServiceName,
                $"Auto scaling of {resourceId} is still suspended: restoring it failed ({(ex.Diagnostics.Count > 0 ? ex.Diagnostics[0].Message : ex.Message)}). Restore it with: aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension {ScalableTargets.Dimension} --resource-id {resourceId} --suspended-state DynamicScalingInSuspended={Flag(original.DynamicScalingInSuspended)},DynamicScalingOutSuspended={Flag(original.DynamicScalingOutSuspended)},ScheduledScalingSuspended={Flag(original.ScheduledScalingSuspended)}");
        }
    }

    private static string Flag(bool? value) => value == true ? "true" : "false";

    /// <summary>RegisterScalableTarget with only <c>SuspendedState</c>: the capacity, role and policies stay as they are.</summary>
    private static Task<RegisterScalableTargetResponse> Register(AwsSession aws, string resourceId, SuspendedState state, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync("Application Auto Scaling RegisterScalableTarget", () => aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = ScalableTargets.Namespace,
            ResourceId = resourceId,
            ScalableDimension = ScalableTargets.Dimension,
            SuspendedState = state,
        }, cancellationToken));
}
