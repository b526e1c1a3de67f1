using EcsBuildTasks.Core.Features.IamPolicy;
using EcsBuildTasks.Core.Features.LoadBalancing;

namespace EcsBuildTasks.Core.Strategies.VersionedBlueGreen;

internal sealed partial class VersionedBlueGreenStrategy
{
    /// <summary>
    /// The swap: the production and stage listener rules (or NLB listeners) read with their listeners, and modified, those
    /// two only (the target groups are the base's: read by the preflight, their targets' health by the steady check).
    /// </summary>
    protected override IEnumerable<PolicyStatement> TrafficIamStatements(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var traffic = scope.Settings.TrafficShifting;
        var swapped = new[] { traffic.ProductionListenerRuleArn, traffic.TestListenerRuleArn }.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (swapped.Count == 0)
        {
            yield break;
        }

        var rules = swapped.Where(a => !ElbArns.IsListener(a)).ToList();
        var listeners = swapped.Where(ElbArns.IsListener).ToList();
        yield return new("ReadTheListenersAndRulesDescribeTakesNoResource", rules.Count > 0 ? ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules"] : ["elasticloadbalancing:DescribeListeners"], ["*"]);
        if (rules.Count > 0)
        {
            yield return new("SwapOnlyTheProductionAndStageRules", ["elasticloadbalancing:ModifyRule"], rules);
        }

        if (listeners.Count > 0)
        {
            yield return new("SwapOnlyTheProductionAndStageListeners", ["elasticloadbalancing:ModifyListener"], listeners);
        }
    }
}
