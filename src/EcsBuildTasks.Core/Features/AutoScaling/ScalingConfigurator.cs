using System.Globalization;
using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.AutoScaling;

/// <summary>
/// Makes the service's Application Auto Scaling match the project: the scalable target's capacity, the target tracking
/// policies and the scheduled actions, each created or updated only when it differs. Policies and scheduled actions
/// the project does not name are deleted only with <c>EcsPruneScalingPolicies=true</c> (someone else may own them).
/// RegisterScalableTarget is sent without <c>SuspendedState</c>, so a suspension the user set stays.
/// </summary>
internal sealed class ScalingConfigurator(AwsSession aws, IDeploymentLog log)
{
    private static readonly string[] Metrics = ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"];

    public async Task ApplyAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.AutoScaling is not { MinCapacity: { } min, MaxCapacity: { } max } scaling)
        {
            return;
        }

        var resourceId = ScalableTargets.ResourceId(definitions.Service.Cluster!, definitions.Service.ServiceName!);
        try
        {
            await EnsureTargetAsync(resourceId, min, max, cancellationToken).ConfigureAwait(false);
            await EnsurePoliciesAsync(definitions.Settings, scaling, resourceId, cancellationToken).ConfigureAwait(false);
            await EnsureScheduledActionsAsync(scaling, resourceId, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is Amazon.Runtime.AmazonServiceException service && !AwsCalls.IsAccessDenied(service))
        {
            throw new DeploymentException(DiagnosticCodes.ScalingConfigurationFailed, EcsProperties.AutoScalingMinCapacity,
                $"The service deployed, but its auto scaling could not be configured: {(ex.Diagnostics.Count > 0 ? ex.Diagnostics[0].Message : ex.Message)}", ex);
        }
    }

    private async Task EnsureTargetAsync(string resourceId, int min, int max, CancellationToken cancellationToken)
    {
        var existing = await ScalableTargets.FindAsync(aws, resourceId, cancellationToken).ConfigureAwait(false);
        if (existing is not null && existing.MinCapacity == min && existing.MaxCapacity == max)
        {
            log.Detail($"EcsBuildTasks: scalable target {resourceId} has capacity {min}–{max} already");
            return;
        }

        await AwsCalls.RunAsync("Application Auto Scaling RegisterScalableTarget", () => aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = ScalableTargets.Namespace,
            ResourceId = resourceId,
            ScalableDimension = ScalableTargets.Dimension,
            MinCapacity = min,
            MaxCapacity = max,
        }, cancellationToken)).ConfigureAwait(false);
        log.Info(existing is null
            ? string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: registered scalable target {resourceId} (capacity {min}–{max})")
            : string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: scalable target {resourceId}: capacity {existing.MinCapacity}–{existing.MaxCapacity} → {min}–{max}"));
    }

    private async Task EnsurePoliciesAsync(EcsSettings settings, AutoScalingSettings scaling, string resourceId, CancellationToken cancellationToken)
    {
        var existing = await ListPoliciesAsync(resourceId, cancellationToken).ConfigureAwait(false);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var policy in scaling.Policies)
        {
            string? label = null;
            if (policy.Metric == ScalingMetric.RequestCount)
            {
                var targetGroup = policy.TargetGroupArn ?? settings.TargetGroupArn!;
                if (!labels.TryGetValue(targetGroup, out label))
                {
                    label = await RequestCountLabelAsync(targetGroup, policy, cancellationToken).ConfigureAwait(false);
                    labels[targetGroup] = label;
                }
            }

            var configuration = new TargetTrackingScalingPolicyConfiguration
            {
                TargetValue = policy.TargetValue,
                PredefinedMetricSpecification = new PredefinedMetricSpecification { PredefinedMetricType = Metrics[(int)policy.Metric], ResourceLabel = label },
                ScaleInCooldown = policy.ScaleInCooldown,
                ScaleOutCooldown = policy.ScaleOutCooldown,
                DisableScaleIn = policy.DisableScaleIn,
            };
            var current = existing.Find(p => p.PolicyName == policy.Name);
            if (current is not null && current.PolicyType?.Value == "TargetTrackingScaling" && Same(current.TargetTrackingScalingPolicyConfiguration, configuration))
            {
                continue;
            }

            await AwsCalls.RunAsync("Application Auto Scaling PutScalingPolicy", () => aws.ApplicationAutoScaling.PutScalingPolicyAsync(new PutScalingPolicyRequest
            {
                PolicyName = policy.Name,
                ServiceNamespace = ScalableTargets.Namespace,
                ResourceId = resourceId,
                ScalableDimension = ScalableTargets.Dimension,
                PolicyType = "TargetTrackingScaling",
                TargetTrackingScalingPolicyConfiguration = configuration,
            }, cancellationToken)).ConfigureAwait(false);
            log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: {(current is null ? "created" : "updated")} scaling policy {policy.Name}: {Metrics[(int)policy.Metric]} target {policy.TargetValue}{(label is null ? string.Empty : $" ({label})")}"));
        }

        var stale = existing.Select(p => p.PolicyName).OfType<string>().Where(name => !scaling.Policies.Any(q => q.Name == name));
        await PruneAsync(stale, scaling.Prune, "scaling policy", name => AwsCalls.RunAsync("Application Auto Scaling DeleteScalingPolicy", () => aws.ApplicationAutoScaling.DeleteScalingPolicyAsync(
            new DeleteScalingPolicyRequest { PolicyName = name, ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension }, cancellationToken))).ConfigureAwait(false);
    }

    private async Task EnsureScheduledActionsAsync(AutoScalingSettings scaling, string resourceId, CancellationToken cancellationToken)
    {
        var existing = await ListScheduledActionsAsync(resourceId, cancellationToken).ConfigureAwait(false);
        foreach (var action in scaling.ScheduledActions)
        {
            var current = existing.Find(a => a.ScheduledActionName == action.Name);
            if (current is not null && current.Schedule == action.Schedule && (current.Timezone ?? "UTC") == (action.Timezone ?? "UTC")
                && current.ScalableTargetAction?.MinCapacity == action.MinCapacity && current.ScalableTargetAction?.MaxCapacity == action.MaxCapacity)
            {
                continue;
            }

            await AwsCalls.RunAsync("Application Auto Scaling PutScheduledAction", () => aws.ApplicationAutoScaling.PutScheduledActionAsync(new PutScheduledActionRequest
            {
                ScheduledActionName = action.Name,
                ServiceNamespace = ScalableTargets.Namespace,
                ResourceId = resourceId,
                ScalableDimension = ScalableTargets.Dimension,
                Schedule = action.Schedule,
                Timezone = action.Timezone,
                ScalableTargetAction = new ScalableTargetAction { MinCapacity = action.MinCapacity, MaxCapacity = action.MaxCapacity },
            }, cancellationToken)).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: {(current is null ? "created" : "updated")} scheduled scaling {action.Name}: {action.Schedule} ({action.Timezone ?? "UTC"}) → capacity {action.MinCapacity?.ToString(CultureInfo.InvariantCulture) ?? "-"}–{action.MaxCapacity?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
        }

        var stale = existing.Select(a => a.ScheduledActionName).OfType<string>().Where(name => !scaling.ScheduledActions.Any(b => b.Name == name));
        await PruneAsync(stale, scaling.Prune, "scheduled scaling", name => AwsCalls.RunAsync("Application Auto Scaling DeleteScheduledAction", () => aws.ApplicationAutoScaling.DeleteScheduledActionAsync(
            new DeleteScheduledActionRequest { ScheduledActionName = name, ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension }, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>What the service has and the project no longer names: deleted with EcsPruneScalingPolicies=true, else kept and said so.</summary>
    private async Task PruneAsync(IEnumerable<string> stale, bool prune, string kind, Func<string, Task> delete)
    {
        foreach (var name in stale)
        {
            if (!prune)
            {
                log.Info($"EcsBuildTasks: kept {kind} {name}, which the project does not name ({EcsProperties.PruneScalingPolicies}=true deletes it)");
                continue;
            }

            await delete(name).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: deleted {kind} {name} ({EcsProperties.PruneScalingPolicies}=true)");
        }
    }

    /// <summary>The resource label of the target group's load balancer; the preflight checked it is an ALB.</summary>
    private async Task<string> RequestCountLabelAsync(string targetGroupArn, ScalingPolicySetting policy, CancellationToken cancellationToken)
    {
        var response = await AwsCalls.RunAsync("ELBv2 DescribeTargetGroups", () => aws.ElasticLoadBalancing.DescribeTargetGroupsAsync(new DescribeTargetGroupsRequest { TargetGroupArns = [targetGroupArn] }, cancellationToken)).ConfigureAwait(false);
        var balancer = response.TargetGroups?.FirstOrDefault()?.LoadBalancerArns?.FirstOrDefault();
        return (balancer is null ? null : ScalableTargets.RequestCountLabel(balancer, targetGroupArn))
            ?? throw new DeploymentException(DiagnosticCodes.ScalingTargetGroupNotOnAlb, $"{EcsProperties.ScalingPolicyItem} '{policy.Name}'",
                $"{EcsProperties.ScalingPolicyItem} '{policy.Name}': target group {targetGroupArn} is not behind an Application Load Balancer, so there are no requests per target to track.");
    }

    private static bool Same(TargetTrackingScalingPolicyConfiguration? current, TargetTrackingScalingPolicyConfiguration wanted) =>
        current is not null
        && current.TargetValue == wanted.TargetValue
        && current.PredefinedMetricSpecification?.PredefinedMetricType?.Value == wanted.PredefinedMetricSpecification?.PredefinedMetricType?.Value
        && current.PredefinedMetricSpecification?.ResourceLabel == wanted.PredefinedMetricSpecification?.ResourceLabel
        && current.ScaleInCooldown == wanted.ScaleInCooldown
        && current.ScaleOutCooldown == wanted.ScaleOutCooldown
        && (current.DisableScaleIn ?? false) == (wanted.DisableScaleIn ?? false)
        && current.CustomizedMetricSpecification is null;

    private async Task<List<ScalingPolicy>> ListPoliciesAsync(string resourceId, CancellationToken cancellationToken) =>
        (await AwsCalls.AllPagesAsync(
            "Application Auto Scaling DescribeScalingPolicies",
            token => aws.ApplicationAutoScaling.DescribeScalingPoliciesAsync(new DescribeScalingPoliciesRequest { ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension, NextToken = token }, cancellationToken),
            page => page.ScalingPolicies,
            page => page.NextToken).ConfigureAwait(false)).Where(p => p.ResourceId == resourceId).ToList();

    private async Task<List<ScheduledAction>> ListScheduledActionsAsync(string resourceId, CancellationToken cancellationToken) =>
        (await AwsCalls.AllPagesAsync(
            "Application Auto Scaling DescribeScheduledActions",
            token => aws.ApplicationAutoScaling.DescribeScheduledActionsAsync(new DescribeScheduledActionsRequest { ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension, NextToken = token }, cancellationToken),
            page => page.ScheduledActions,
            page => page.NextToken).ConfigureAwait(false)).Where(a => a.ResourceId == resourceId).ToList();
}
