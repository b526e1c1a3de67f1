using System.Globalization;
using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Features.VersionedServices;

namespace EcsBuildTasks.Core.Strategies.VersionedBlueGreen;

/// <summary>The live plan of the swap: the new version at full size behind stage, then production and stage swap target groups.</summary>
internal sealed partial class VersionedBlueGreenStrategy
{
    public const string ListenerRuleKind = "listener rule";

    protected override IEnumerable<string> PlanVersionCalls(DeploymentContext context, VersionSet set, string next, int target)
    {
        ArgumentNullException.ThrowIfNull(set);
        yield return string.Create(CultureInfo.InvariantCulture, $"ECS UpdateService (desiredCount: {next} → {target}, behind the stage target group)");
        yield return "ELBv2 ModifyRule or ModifyListener (production and stage swap target groups)";
        if (downsizeOld && set.Serving.Count > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"ECS UpdateService (desiredCount: {string.Join(", ", set.Serving.Select(v => $"{v.Name} → 0"))}, {downsizeDelaySeconds} s after the swap)");
        }
    }

    /// <summary>Where production and stage forward now, and where the swap sends them.</summary>
    protected override async Task<IReadOnlyList<ResourcePlan>> PlanTrafficAsync(DeploymentContext context, VersionSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var traffic = context.Settings.TrafficShifting;
        if (traffic.ProductionListenerRuleArn is not { } productionArn || traffic.TestListenerRuleArn is not { } stageArn)
        {
            return [];
        }

        var rules = new ListenerRules(context.Aws);
        var production = await rules.DescribeAsync(productionArn, cancellationToken).ConfigureAwait(false);
        var stage = await rules.DescribeAsync(stageArn, cancellationToken).ConfigureAwait(false);
        ResourcePlan Plan(string arn, string purpose, TrafficRule? rule, TrafficRule? other) => rule is null || other is null
            ? new ResourcePlan(ListenerRuleKind, $"{ElbArns.ShortName(arn)} ({purpose})", PlanAction.None, [], []) { Note = "not found: the swap cannot happen (the preflight reports it)" }
            : new ResourcePlan(ListenerRuleKind, $"{ElbArns.ShortName(arn)} ({purpose})", PlanAction.Update, [], [new PlanChange("forward", PlanChangeKind.Changed, rule.Describe(), other.Describe())])
            {
                Live = rule.Describe(),
                Note = "swapped once the new version passes behind stage",
                FollowsTaskDefinition = true,
            };
        return [Plan(productionArn, "production", production, stage), Plan(stageArn, "stage", stage, production)];
    }
}
