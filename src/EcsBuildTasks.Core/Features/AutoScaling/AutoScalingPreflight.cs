using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.AutoScaling;

/// <summary>
/// The read-only checks of auto scaling: what the scalable target looks like (it is suspended while the service
/// deploys), and that request-count policies have an Application Load Balancer behind their target group.
/// </summary>
internal sealed class AutoScalingPreflight(AwsSession aws, IDeploymentLog log)
{
    public async Task CheckAsync(GeneratedDefinitions definitions, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        var resourceId = ScalableTargets.ResourceId(definitions.Service.Cluster!, definitions.Service.ServiceName!);
        var target = await ScalableTargets.FindAsync(aws, resourceId, cancellationToken).ConfigureAwait(false);
        var scaling = definitions.Settings.AutoScaling;
        if (target is not null)
        {
            log.Info($"EcsBuildTasks: auto scaling: {resourceId} scales between {target.MinCapacity} and {target.MaxCapacity} tasks ({ScalableTargets.Describe(target.SuspendedState)}); it is suspended while the service deploys and restored afterwards{(scaling is null ? string.Empty : ", then configured as the project says")}");
        }

        foreach (var policy in scaling?.Policies.Where(p => p.Metric == ScalingMetric.RequestCount) ?? [])
        {
            var subject = $"{EcsProperties.ScalingPolicyItem} '{policy.Name}'";
            var targetGroupArn = policy.TargetGroupArn ?? definitions.Settings.TargetGroupArn!;
            TargetGroup? group;
            try
            {
                var response = await AwsCalls.RunAsync("ELBv2 DescribeTargetGroups", () => aws.ElasticLoadBalancing.DescribeTargetGroupsAsync(new DescribeTargetGroupsRequest { TargetGroupArns = [targetGroupArn] }, cancellationToken)).ConfigureAwait(false);
                group = response.TargetGroups?.FirstOrDefault();
            }
            catch (DeploymentException ex) when (ex.InnerException is TargetGroupNotFoundException)
            {
                group = null;
            }

            var balancers = (group?.LoadBalancerArns ?? []).Distinct(StringComparer.Ordinal).ToList();
            var label = balancers.Count == 1 ? ScalableTargets.RequestCountLabel(balancers[0], targetGroupArn) : null;
            if (label is null)
            {
                problems.Error(DiagnosticCodes.ScalingTargetGroupNotOnAlb, subject, group is null
                    ? $"{subject}: target group {targetGroupArn} does not exist in this account and region."
                    : $"{subject} tracks ALB requests per target, but target group {group.TargetGroupName} is {(balancers.Count == 0 ? "not used by any load balancer" : $"behind {string.Join(", ", balancers)}, not one Application Load Balancer")}.");
            }
        }
    }
}
