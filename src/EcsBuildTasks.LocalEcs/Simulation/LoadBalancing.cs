using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// Target health as an ALB/NLB reports it: a registered target is <c>initial</c> until
/// <c>HealthyThresholdCount</c> checks pass (<c>healthy</c>), <c>unhealthy</c> after <c>UnhealthyThresholdCount</c>
/// failed checks (an app that never answers, or one that starts later than that), and <c>draining</c> for the
/// target group's <c>deregistration_delay.timeout_seconds</c> after deregistration, then gone.
/// </summary>
internal static class LoadBalancing
{
    /// <summary>How long a new load balancer stays <c>provisioning</c>.</summary>
    public static readonly TimeSpan ProvisioningTime = TimeSpan.FromSeconds(30);

    public static bool Step(SimulationContext context)
    {
        var active = false;
        foreach (var balancer in context.Region.Elbv2.LoadBalancers.Values.Where(b => b.CreatedTime + ProvisioningTime > context.Now))
        {
            // A simulated wait like any other: instant mode skips it.
            context.WakeAt(balancer.CreatedTime + ProvisioningTime);
        }

        foreach (var group in context.Region.Elbv2.TargetGroups.Values)
        {
            for (var i = group.Targets.Count - 1; i >= 0; i--)
            {
                var target = group.Targets[i];
                active |= Evaluate(context, group, target);
                if (target.State == "draining" && target.DrainingUntil <= context.Now)
                {
                    group.Targets.RemoveAt(i);
                }
            }
        }

        return active;
    }

    /// <summary>Registers a target (from RegisterTargets or for an ECS task); re-registering a draining target revives it.</summary>
    public static TargetRecord Register(TargetGroupRecord group, string id, int port, string? zone, DateTimeOffset now, DateTimeOffset? appReadyAt, bool appFails, string? taskArn)
    {
        var target = group.Targets.FirstOrDefault(t => t.Id == id && t.Port == port);
        if (target is null)
        {
            target = new TargetRecord { Id = id, Port = port };
            group.Targets.Add(target);
        }

        target.AvailabilityZone = zone;
        target.State = "initial";
        target.Reason = "Elb.RegistrationInProgress";
        target.Description = "Target registration is in progress";
        target.RegisteredAt = now;
        target.DrainingUntil = null;
        target.AppReadyAt = appReadyAt;
        target.AppFailsHealthChecks = appFails;
        target.TaskArn = taskArn;
        return target;
    }

    public static void Deregister(TargetGroupRecord group, string id, int? port, DateTimeOffset now)
    {
        foreach (var target in group.Targets.Where(t => t.Id == id && (port is null || t.Port == port) && t.State != "draining"))
        {
            target.State = "draining";
            target.Reason = "Target.DeregistrationInProgress";
            target.Description = "Target deregistration is in progress";
            target.DrainingUntil = now.AddSeconds(group.DeregistrationDelaySeconds);
        }
    }

    public static bool InUse(RegionState region, TargetGroupRecord group) =>
        region.Elbv2.Listeners.Values.Any(l => References(l.DefaultActions, group.Arn))
        || region.Elbv2.Rules.Values.Any(r => References(r.Actions, group.Arn));

    public static bool References(JsonArray actions, string targetGroupArn) =>
        actions.OfType<JsonObject>().Any(a => a.Str("TargetGroupArn") == targetGroupArn
            || a.Obj("ForwardConfig")?.Objects("TargetGroups").Any(t => t.Str("TargetGroupArn") == targetGroupArn) == true);

    /// <summary>Load balancers whose listeners forward to the group.</summary>
    public static IEnumerable<string> LoadBalancersOf(RegionState region, TargetGroupRecord group) =>
        region.Elbv2.Listeners.Values
            .Where(l => References(l.DefaultActions, group.Arn) || region.Elbv2.Rules.Values.Any(r => r.ListenerArn == l.Arn && References(r.Actions, group.Arn)))
            .Select(l => l.LoadBalancerArn)
            .Distinct(StringComparer.Ordinal);

    private static bool Evaluate(SimulationContext context, TargetGroupRecord group, TargetRecord target)
    {
        if (target.State is "draining")
        {
            context.WakeAt(target.DrainingUntil!.Value);
            return true;
        }

        var interval = TimeSpan.FromSeconds(group.HealthCheckIntervalSeconds);
        var failedBy = target.RegisteredAt + interval * group.UnhealthyThresholdCount;
        var ready = target.AppReadyAt is { } appReady && appReady > target.RegisteredAt ? appReady : target.RegisteredAt;
        var healthyBy = ready + interval * group.HealthyThresholdCount;
        if (target.AppFailsHealthChecks)
        {
            if (target.State != "unhealthy")
            {
                if (context.Now >= failedBy)
                {
                    MarkUnhealthy(target, "Target.ResponseCodeMismatch", "Health checks failed with these codes: [503]");
                }
                else
                {
                    context.WakeAt(failedBy);
                    return true;
                }
            }

            return false;
        }

        if (target.State == "healthy")
        {
            return false;
        }

        if (context.Now >= healthyBy)
        {
            target.State = "healthy";
            target.Reason = null;
            target.Description = null;
            return true;
        }

        if (target.State == "initial" && ready > failedBy && context.Now >= failedBy)
        {
            // The app has not started listening yet: checks time out and the target turns unhealthy first.
            MarkUnhealthy(target, "Target.Timeout", "Request timed out");
        }
        else if (target.State == "initial" && ready > failedBy)
        {
            context.WakeAt(failedBy);
        }

        context.WakeAt(healthyBy);
        return true;
    }

    private static void MarkUnhealthy(TargetRecord target, string reason, string description)
    {
        target.State = "unhealthy";
        target.Reason = reason;
        target.Description = description;
    }
}
