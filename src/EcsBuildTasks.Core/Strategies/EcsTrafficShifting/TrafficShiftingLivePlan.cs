using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Features.Plan;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Strategies.EcsTrafficShifting;

/// <summary>
/// The live plan of the listener rules a BlueGreen, Canary or Linear deployment moves: ECS shifts them itself during
/// the service deployment (with the infrastructure role), from the target group that serves now to the other one of the
/// pair, so the build makes no call of its own on them; the plan shows where their traffic goes.
/// </summary>
internal sealed partial class TrafficShiftingStrategy
{
    public const string ListenerRuleKind = "listener rule";

    protected override async Task<IReadOnlyList<ResourcePlan>> PlanStrategyResourcesAsync(DeploymentContext context, EcsService? existing, ResourcePlan service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(service);
        var rules = new ListenerRules(context.Aws);
        var deploys = existing is not null && service.Calls.Any(c => c.StartsWith("ECS UpdateService", StringComparison.Ordinal));
        var plans = new List<ResourcePlan>();
        foreach (var balancer in context.Definitions.Service.LoadBalancers ?? [])
        {
            if (balancer.AdvancedConfiguration is not { } advanced)
            {
                continue;
            }

            var pair = new[] { balancer.TargetGroupArn, advanced.AlternateTargetGroupArn }.OfType<string>().ToList();
            foreach (var (arn, purpose) in new[] { (advanced.ProductionListenerRule, "production"), (advanced.TestListenerRule, "test") })
            {
                if (arn is null)
                {
                    continue;
                }

                var name = $"{ElbArns.ShortName(arn)} ({purpose})";
                var rule = await rules.DescribeAsync(arn, cancellationToken).ConfigureAwait(false);
                if (rule is null)
                {
                    plans.Add(new ResourcePlan(ListenerRuleKind, name, PlanAction.None, [], []) { Note = "does not exist: the deployment cannot shift traffic (the preflight reports it)" });
                    continue;
                }

                var serving = rule.Forwards.Where(f => f.Weight > 0).MaxBy(f => f.Weight)?.TargetGroupArn;
                var next = pair.FirstOrDefault(g => g != serving);
                if (!deploys || next is null)
                {
                    plans.Add(new ResourcePlan(ListenerRuleKind, name, PlanAction.None, [], [])
                    {
                        Live = rule.Describe(),
                        Note = existing is null ? "ECS forwards it to the primary target group when it creates the service" : null,
                    });
                    continue;
                }

                var change = new PlanChange("forward", PlanChangeKind.Changed, rule.Describe(), $"{ElbArns.ShortName(next)} 100%");
                plans.Add(new ResourcePlan(ListenerRuleKind, name, PlanAction.Update, [], [change])
                {
                    Live = rule.Describe(),
                    Note = purpose == "production"
                        ? $"ECS shifts production traffic to the new revision in {ElbArns.ShortName(next)} during the deployment ({Name}); the build makes no call on the rule"
                        : $"ECS sends test traffic to the new revision in {ElbArns.ShortName(next)} before production moves; the build makes no call on the rule",
                    FollowsTaskDefinition = true,
                });
            }
        }

        return plans;
    }
}
