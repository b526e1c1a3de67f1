using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Infrastructure;
using ElbAction = EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model.Action;

namespace EcsBuildTasks.Core.Features.VersionedServices;

/// <summary>The production and stage rules of a target-group swap and the one target group each forwards to now.</summary>
internal sealed record SwapWiring(TrafficRule Production, TrafficRule Stage, string ProductionTargetGroup, string StageTargetGroup);

/// <summary>
/// Harness's Swap Target Groups: points a listener rule (or an NLB listener's default action) at one target group. The
/// swap sets production first, to the target group whose tasks were verified healthy, then stage to the old one, so
/// that production never forwards to a target group without healthy targets.
/// </summary>
internal sealed class TargetGroupSwap(AwsSession aws, IDeploymentLog log)
{
    /// <summary>The two rules and where they forward, or null when either does not exist or forwards to other than exactly one target group.</summary>
    public async Task<SwapWiring?> ReadAsync(string productionRuleArn, string stageRuleArn, CancellationToken cancellationToken)
    {
        var rules = new ListenerRules(aws);
        var production = await rules.DescribeAsync(productionRuleArn, cancellationToken).ConfigureAwait(false);
        var stage = await rules.DescribeAsync(stageRuleArn, cancellationToken).ConfigureAwait(false);
        if (production is null || stage is null)
        {
            return null;
        }

        var productionGroup = ServingGroup(production);
        var stageGroup = ServingGroup(stage);
        return productionGroup is null || stageGroup is null ? null : new SwapWiring(production, stage, productionGroup, stageGroup);
    }

    /// <summary>Production → <paramref name="productionGroup"/>, then stage → <paramref name="stageGroup"/>.</summary>
    public async Task SwapAsync(SwapWiring wiring, string productionGroup, string stageGroup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wiring);
        await ForwardAsync(wiring.Production.Arn, productionGroup, cancellationToken).ConfigureAwait(false);
        await ForwardAsync(wiring.Stage.Arn, stageGroup, cancellationToken).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: swapped target groups: production → {ElbArns.ShortName(productionGroup)}, stage → {ElbArns.ShortName(stageGroup)}");
    }

    public static string Command(string ruleArn, string targetGroupArn) => ElbArns.IsListener(ruleArn)
        ? $"aws elbv2 modify-listener --listener-arn {ruleArn} --default-actions Type=forward,TargetGroupArn={targetGroupArn}"
        : $"aws elbv2 modify-rule --rule-arn {ruleArn} --actions Type=forward,TargetGroupArn={targetGroupArn}";

    private async Task ForwardAsync(string ruleArn, string targetGroupArn, CancellationToken cancellationToken)
    {
        List<ElbAction> actions = [new ElbAction { Type = "forward", TargetGroupArn = targetGroupArn }];
        if (ElbArns.IsListener(ruleArn))
        {
            await AwsCalls.RunAsync("ELBv2 ModifyListener", () => aws.ElasticLoadBalancing.ModifyListenerAsync(new ModifyListenerRequest { ListenerArn = ruleArn, DefaultActions = actions }, cancellationToken)).ConfigureAwait(false);
        }
        else
        {
            await AwsCalls.RunAsync("ELBv2 ModifyRule", () => aws.ElasticLoadBalancing.ModifyRuleAsync(new ModifyRuleRequest { RuleArn = ruleArn, Actions = actions }, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>The one target group a rule sends traffic to (weight above 0), or null.</summary>
    private static string? ServingGroup(TrafficRule rule)
    {
        var serving = rule.Forwards.Where(f => f.Weight > 0).Select(f => f.TargetGroupArn).Distinct(StringComparer.Ordinal).ToList();
        return serving.Count == 1 ? serving[0] : null;
    }
}
