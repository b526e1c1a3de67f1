using System.Globalization;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Infrastructure;
using ElbAction = EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model.Action;

namespace EcsBuildTasks.Core.Features.LoadBalancing;

/// <summary>One target group of a forward action and its weight.</summary>
internal sealed record ForwardTarget(string TargetGroupArn, int Weight);

/// <summary>
/// A production or test "rule" as ECS uses it: an ALB listener rule, or an NLB listener (whose default action is the
/// rule), with the load balancer it is on and the target groups it forwards to.
/// </summary>
internal sealed record TrafficRule(string Arn, string ListenerArn, string? LoadBalancerArn, bool HasForward, IReadOnlyList<ForwardTarget> Forwards)
{
    /// <summary>The weight this rule gives a target group (0 when it does not forward to it).</summary>
    public int WeightOf(string? targetGroupArn) => Forwards.Where(f => f.TargetGroupArn == targetGroupArn).Sum(f => f.Weight);

    public int TotalWeight => Forwards.Sum(f => f.Weight);

    /// <summary>"web-blue 90% · web-green 10%".</summary>
    public string Describe()
    {
        var total = TotalWeight;
        if (!HasForward || Forwards.Count == 0)
        {
            return "no forward action";
        }

        return string.Join(" · ", Forwards.Select(f => string.Create(CultureInfo.InvariantCulture,
            $"{ElbArns.ShortName(f.TargetGroupArn)} {(total == 0 ? 0 : 100.0 * f.Weight / total):0.#}%")));
    }
}

/// <summary>Reads listener rules (or NLB listeners) the way ECS's traffic shifting sees them.</summary>
internal sealed class ListenerRules(AwsSession aws)
{
    /// <summary>The rule, or null when neither the rule nor its listener exists.</summary>
    public async Task<TrafficRule?> DescribeAsync(string arn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arn);
        var listenerArn = ElbArns.ListenerOf(arn);
        var listener = await DescribeListenerAsync(listenerArn, cancellationToken).ConfigureAwait(false);
        if (listener is null)
        {
            return null;
        }

        List<ElbAction>? actions;
        if (ElbArns.IsListener(arn))
        {
            actions = listener.DefaultActions;
        }
        else
        {
            try
            {
                var rules = await AwsCalls.RunAsync("ELBv2 DescribeRules", () => aws.ElasticLoadBalancing.DescribeRulesAsync(new DescribeRulesRequest { RuleArns = [arn] }, cancellationToken)).ConfigureAwait(false);
                var rule = rules.Rules?.FirstOrDefault(r => r.RuleArn == arn);
                if (rule is null)
                {
                    return null;
                }

                actions = rule.Actions;
            }
            catch (DeploymentException ex) when (ex.InnerException is RuleNotFoundException)
            {
                return null;
            }
        }

        var forwards = (actions ?? []).Where(a => a.Type?.Value == "forward").ToList();
        var targets = forwards
            .SelectMany(a => a.ForwardConfig?.TargetGroups is { Count: > 0 } groups
                ? groups.Where(g => g.TargetGroupArn is not null).Select(g => new ForwardTarget(g.TargetGroupArn!, g.Weight ?? 1))
                : a.TargetGroupArn is { } single ? [new ForwardTarget(single, 1)] : [])
            .ToList();
        return new TrafficRule(arn, listenerArn, listener.LoadBalancerArn, forwards.Count > 0, targets);
    }

    private async Task<Listener?> DescribeListenerAsync(string listenerArn, CancellationToken cancellationToken)
    {
        try
        {
            var listeners = await AwsCalls.RunAsync("ELBv2 DescribeListeners", () => aws.ElasticLoadBalancing.DescribeListenersAsync(new DescribeListenersRequest { ListenerArns = [listenerArn] }, cancellationToken)).ConfigureAwait(false);
            return listeners.Listeners?.FirstOrDefault(l => l.ListenerArn == listenerArn);
        }
        catch (DeploymentException ex) when (ex.InnerException is ListenerNotFoundException)
        {
            return null;
        }
    }
}
