using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.AutoScaling;

/// <summary>The Application Auto Scaling names of an ECS service, and its scalable target.</summary>
internal static class ScalableTargets
{
    public const string Namespace = "ecs";
    public const string Dimension = "ecs:service:DesiredCount";

    /// <summary><c>service/&lt;cluster name&gt;/&lt;service name&gt;</c> (the cluster may be given as an ARN).</summary>
    public static string ResourceId(string cluster, string service)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var name = cluster.StartsWith("arn:", StringComparison.Ordinal) ? cluster[(cluster.LastIndexOf('/') + 1)..] : cluster;
        return $"service/{name}/{service}";
    }

    /// <summary>
    /// ALBRequestCountPerTarget's resource label, <c>app/&lt;lb name&gt;/&lt;lb id&gt;/targetgroup/&lt;tg name&gt;/&lt;tg id&gt;</c>,
    /// or null when the load balancer is not an Application Load Balancer.
    /// </summary>
    public static string? RequestCountLabel(string loadBalancerArn, string targetGroupArn)
    {
        ArgumentNullException.ThrowIfNull(loadBalancerArn);
        ArgumentNullException.ThrowIfNull(targetGroupArn);
        const string balancerMarker = ":loadbalancer/";
        const string groupMarker = ":targetgroup/";
        var balancer = loadBalancerArn.IndexOf(balancerMarker, StringComparison.Ordinal);
        var group = targetGroupArn.IndexOf(groupMarker, StringComparison.Ordinal);
        if (balancer < 0 || group < 0)
        {
            return null;
        }

        var balancerPart = loadBalancerArn[(balancer + balancerMarker.Length)..];
        return balancerPart.StartsWith("app/", StringComparison.Ordinal) ? $"{balancerPart}/{targetGroupArn[(group + 1)..]}" : null;
    }

    public static async Task<ScalableTarget?> FindAsync(AwsSession aws, string resourceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        var response = await AwsCalls.RunAsync("Application Auto Scaling DescribeScalableTargets", () => aws.ApplicationAutoScaling.DescribeScalableTargetsAsync(
            new DescribeScalableTargetsRequest { ServiceNamespace = Namespace, ResourceIds = [resourceId], ScalableDimension = Dimension }, cancellationToken)).ConfigureAwait(false);
        return response.ScalableTargets?.FirstOrDefault(t => t.ResourceId == resourceId);
    }

    /// <summary>"dynamic scale-in, scheduled scaling suspended" / "nothing suspended".</summary>
    public static string Describe(SuspendedState? state)
    {
        var suspended = new List<string>();
        if (state?.DynamicScalingInSuspended == true)
        {
            suspended.Add("dynamic scale-in");
        }

        if (state?.DynamicScalingOutSuspended == true)
        {
            suspended.Add("dynamic scale-out");
        }

        if (state?.ScheduledScalingSuspended == true)
        {
            suspended.Add("scheduled scaling");
        }

        return suspended.Count == 0 ? "nothing suspended" : string.Join(", ", suspended) + " suspended";
    }
}
