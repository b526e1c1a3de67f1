using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Core.Features.AutoScaling;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.VersionedServices;

/// <summary>A version's auto scaling as it was: the scalable target, its policies and scheduled actions.</summary>
internal sealed record ScalingBackup(string ServiceName, ScalableTarget Target, IReadOnlyList<ScalingPolicy> Policies, IReadOnlyList<ScheduledAction> ScheduledActions);

/// <summary>
/// Moves Application Auto Scaling between versions (Harness's auto-scaler backup): the old versions' configuration is
/// backed up and deregistered at the first resize (so that it does not fight the phases), recreated on the new version
/// after the last phase, and restored as it was on the old versions by a rollback.
/// </summary>
internal sealed class VersionScaling(AwsSession aws, IDeploymentLog log)
{
    public async Task<ScalingBackup?> BackupAsync(string cluster, string serviceName, CancellationToken cancellationToken)
    {
        var resourceId = ScalableTargets.ResourceId(cluster, serviceName);
        var target = await ScalableTargets.FindAsync(aws, resourceId, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return null;
        }

        var policies = await AwsCalls.AllPagesAsync(
            "Application Auto Scaling DescribeScalingPolicies",
            token => aws.ApplicationAutoScaling.DescribeScalingPoliciesAsync(new DescribeScalingPoliciesRequest { ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension, NextToken = token }, cancellationToken),
            page => page.ScalingPolicies,
            page => page.NextToken).ConfigureAwait(false);
        var actions = await AwsCalls.AllPagesAsync(
            "Application Auto Scaling DescribeScheduledActions",
            token => aws.ApplicationAutoScaling.DescribeScheduledActionsAsync(new DescribeScheduledActionsRequest { ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension, NextToken = token }, cancellationToken),
            page => page.ScheduledActions,
            page => page.NextToken).ConfigureAwait(false);
        return new ScalingBackup(serviceName, target, [.. policies.Where(p => p.ResourceId == resourceId)], [.. actions.Where(a => a.ResourceId == resourceId)]);
    }

    /// <summary>Deregisters the scalable target (which removes its policies and scheduled actions with it).</summary>
    public async Task RemoveAsync(string cluster, string serviceName, CancellationToken cancellationToken)
    {
        var resourceId = ScalableTargets.ResourceId(cluster, serviceName);
        await AwsCalls.RunAsync("Application Auto Scaling DeregisterScalableTarget", () => aws.ApplicationAutoScaling.DeregisterScalableTargetAsync(
            new DeregisterScalableTargetRequest { ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension }, cancellationToken)).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: auto scaling of {serviceName} removed for the deployment (backed up)");
    }

    /// <summary>Removes the auto scaling of every backed-up version.</summary>
    public async Task RemoveBackedUpAsync(string cluster, IEnumerable<ScalingBackup> backups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backups);
        foreach (var backup in backups)
        {
            await RemoveAsync(cluster, backup.ServiceName, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Recreates <paramref name="backup"/> on <paramref name="serviceName"/> (its own service on a rollback, the new version after a deployment).</summary>
    public async Task RestoreAsync(string cluster, string serviceName, ScalingBackup backup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backup);
        var resourceId = ScalableTargets.ResourceId(cluster, serviceName);
        await AwsCalls.RunAsync("Application Auto Scaling RegisterScalableTarget", () => aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = ScalableTargets.Namespace,
            ResourceId = resourceId,
            ScalableDimension = ScalableTargets.Dimension,
            MinCapacity = backup.Target.MinCapacity,
            MaxCapacity = backup.Target.MaxCapacity,
            SuspendedState = backup.Target.SuspendedState,
        }, cancellationToken)).ConfigureAwait(false);
        await PutEachAsync("PutScalingPolicy", backup.Policies, policy => aws.ApplicationAutoScaling.PutScalingPolicyAsync(new PutScalingPolicyRequest
        {
            PolicyName = policy.PolicyName,
            ServiceNamespace = ScalableTargets.Namespace,
            ResourceId = resourceId,
            ScalableDimension = ScalableTargets.Dimension,
            PolicyType = policy.PolicyType,
            StepScalingPolicyConfiguration = policy.StepScalingPolicyConfiguration,
            TargetTrackingScalingPolicyConfiguration = policy.TargetTrackingScalingPolicyConfiguration,
            PredictiveScalingPolicyConfiguration = policy.PredictiveScalingPolicyConfiguration,
        }, cancellationToken)).ConfigureAwait(false);
        await PutEachAsync("PutScheduledAction", backup.ScheduledActions, action => aws.ApplicationAutoScaling.PutScheduledActionAsync(new PutScheduledActionRequest
        {
            ScheduledActionName = action.ScheduledActionName,
            ServiceNamespace = ScalableTargets.Namespace,
            ResourceId = resourceId,
            ScalableDimension = ScalableTargets.Dimension,
            Schedule = action.Schedule,
            Timezone = action.Timezone,
            StartTime = action.StartTime,
            EndTime = action.EndTime,
            ScalableTargetAction = action.ScalableTargetAction,
        }, cancellationToken)).ConfigureAwait(false);

        log.Info($"EcsBuildTasks: auto scaling of {serviceName}: capacity {backup.Target.MinCapacity}–{backup.Target.MaxCapacity}, {backup.Policies.Count} polic(ies), {backup.ScheduledActions.Count} scheduled action(s){(serviceName == backup.ServiceName ? " restored" : $" (moved from {backup.ServiceName})")}");
    }

    /// <summary>One Application Auto Scaling call (<paramref name="operation"/>) per backed-up item, in order.</summary>
    private static async Task PutEachAsync<TItem, TResponse>(string operation, IEnumerable<TItem> items, Func<TItem, Task<TResponse>> put)
    {
        foreach (var item in items)
        {
            await AwsCalls.RunAsync("Application Auto Scaling " + operation, () => put(item)).ConfigureAwait(false);
        }
    }
}
