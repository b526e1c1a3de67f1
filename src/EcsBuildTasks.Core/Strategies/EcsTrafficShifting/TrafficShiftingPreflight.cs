using EcsBuildTasks.Aws.CloudWatch.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;
using TargetGroup = EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model.TargetGroup;

namespace EcsBuildTasks.Core.Strategies.EcsTrafficShifting;

/// <summary>
/// Read-only checks of the BlueGreen, Canary and Linear wiring before anything changes: the alternate target group
/// exists and matches the primary (port, protocol, target type for the network mode); the production rule (and the
/// test rule) exist, sit on one load balancer that both target groups are attached to, and forward only to the two
/// target groups; the verification alarms exist. The primary target group itself and the deployment controller are
/// checked by the common preflight and the ECS service strategies.
/// </summary>
internal sealed class TrafficShiftingPreflight(AwsSession aws, IDeploymentLog log)
{
    public async Task CheckAsync(GeneratedDefinitions definitions, EcsService? existing, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(problems);
        var settings = definitions.Settings;
        var entry = definitions.Service.LoadBalancers?.FirstOrDefault(lb => lb.AdvancedConfiguration is not null);
        if (entry?.AdvancedConfiguration is { } advanced && entry.TargetGroupArn is { } primaryArn && advanced.AlternateTargetGroupArn is { } alternateArn)
        {
            var primary = await DescribeTargetGroupAsync(primaryArn, cancellationToken).ConfigureAwait(false);
            var alternate = await DescribeTargetGroupAsync(alternateArn, cancellationToken).ConfigureAwait(false);
            if (alternate is null)
            {
                problems.Error(DiagnosticCodes.AlternateTargetGroupNotFound, EcsProperties.AlternateTargetGroupArn, $"{EcsProperties.AlternateTargetGroupArn}={alternateArn}: the target group does not exist in this account and region.");
            }
            else
            {
                CompareTargetGroups(primary, alternate, definitions.TaskDefinition.NetworkMode?.Value, problems);
            }

            var rules = new ListenerRules(aws);
            var production = await CheckRuleAsync(rules, EcsProperties.ProductionListenerRuleArn, advanced.ProductionListenerRule, primary, alternate, problems, cancellationToken).ConfigureAwait(false);
            var test = await CheckRuleAsync(rules, EcsProperties.TestListenerRuleArn, advanced.TestListenerRule, primary, alternate, problems, cancellationToken).ConfigureAwait(false);
            if (production?.LoadBalancerArn is { } productionBalancer && test?.LoadBalancerArn is { } testBalancer && productionBalancer != testBalancer)
            {
                problems.Error(DiagnosticCodes.ListenerRuleOnOtherLoadBalancer, EcsProperties.TestListenerRuleArn,
                    $"{EcsProperties.TestListenerRuleArn} is on load balancer {ShortBalancer(testBalancer)}, but {EcsProperties.ProductionListenerRuleArn} is on {ShortBalancer(productionBalancer)}; ECS moves both rules between the same two target groups, so they must be on one load balancer.");
            }

            if (production?.LoadBalancerArn is { } balancer)
            {
                foreach (var (group, property) in new[] { (primary, EcsProperties.TargetGroupArn), (alternate, EcsProperties.AlternateTargetGroupArn) })
                {
                    if (group is not null && !(group.LoadBalancerArns ?? []).Contains(balancer, StringComparer.Ordinal))
                    {
                        problems.Error(DiagnosticCodes.ListenerRuleOnOtherLoadBalancer, property,
                            $"{property}: target group {group.TargetGroupName} is not attached to load balancer {ShortBalancer(balancer)}, which the production rule is on{((group.LoadBalancerArns ?? []).Count > 0 ? $" (it is attached to {string.Join(", ", group.LoadBalancerArns!.Select(ShortBalancer))})" : string.Empty)}. Attach it there: forward to it from the test rule, or add it with weight 0 to the production rule's forward action.");
                    }
                }

                if (production.TotalWeight > 0)
                {
                    var serving = production.Forwards.Where(f => f.Weight > 0).Select(f => ElbArns.ShortName(f.TargetGroupArn));
                    log.Info($"EcsBuildTasks: production traffic is on {string.Join(" and ", serving)} ({production.Describe()}); green goes to the other target group{(existing is null ? " once the service exists (its first deployment starts the tasks without shifting)" : string.Empty)}");
                }
            }
        }

        await CheckAlarmsAsync(settings.TrafficShifting.Verification.Alarms, problems, cancellationToken).ConfigureAwait(false);
    }

    private static void CompareTargetGroups(TargetGroup? primary, TargetGroup alternate, string? networkMode, DiagnosticCollection problems)
    {
        var subject = EcsProperties.AlternateTargetGroupArn;
        var expectedType = networkMode == "awsvpc" ? "ip" : "instance";
        if (alternate.TargetType?.Value is { } type && type != expectedType)
        {
            problems.Error(DiagnosticCodes.TargetGroupsDiffer, subject,
                $"{subject}: target group {alternate.TargetGroupName} has target type '{type}', but tasks in the {networkMode} network mode register as '{expectedType}' targets. Use a target group of type '{expectedType}'.");
        }

        if (primary is null)
        {
            return;
        }

        if (primary.Port != alternate.Port || primary.Protocol?.Value != alternate.Protocol?.Value)
        {
            problems.Error(DiagnosticCodes.TargetGroupsDiffer, subject,
                $"{subject}: target group {alternate.TargetGroupName} is {alternate.Protocol?.Value}:{alternate.Port}, but {EcsProperties.TargetGroupArn} ({primary.TargetGroupName}) is {primary.Protocol?.Value}:{primary.Port}; blue and green target groups need the same port and protocol.");
        }
        else if (primary.TargetType?.Value != alternate.TargetType?.Value)
        {
            problems.Error(DiagnosticCodes.TargetGroupsDiffer, subject,
                $"{subject}: target group {alternate.TargetGroupName} has target type '{alternate.TargetType?.Value}', but {primary.TargetGroupName} has '{primary.TargetType?.Value}'; blue and green need the same target type.");
        }

        if (primary.VpcId is not null && alternate.VpcId is not null && primary.VpcId != alternate.VpcId)
        {
            problems.Error(DiagnosticCodes.TargetGroupsDiffer, subject,
                $"{subject}: target group {alternate.TargetGroupName} is in {alternate.VpcId}, but {primary.TargetGroupName} is in {primary.VpcId}; both must be in the service's VPC.");
        }
    }

    private static async Task<TrafficRule?> CheckRuleAsync(ListenerRules rules, string property, string? arn, TargetGroup? primary, TargetGroup? alternate, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        if (arn is null)
        {
            return null;
        }

        var rule = await rules.DescribeAsync(arn, cancellationToken).ConfigureAwait(false);
        if (rule is null)
        {
            problems.Error(DiagnosticCodes.ListenerRuleNotFound, property, $"{property}={arn}: no such {(ElbArns.IsListener(arn) ? "listener" : "listener rule (or its listener)")} in this account and region.");
            return null;
        }

        var pair = new[] { primary?.TargetGroupArn, alternate?.TargetGroupArn }.OfType<string>().ToHashSet(StringComparer.Ordinal);
        var foreign = rule.Forwards.Where(f => !pair.Contains(f.TargetGroupArn)).Select(f => ElbArns.ShortName(f.TargetGroupArn)).ToList();
        if (!rule.HasForward)
        {
            problems.Error(DiagnosticCodes.ListenerRuleForwardsElsewhere, property, $"{property}: the rule has no forward action; ECS shifts traffic by rewriting a forward to the two target groups. Make it forward to {string.Join(" or ", pair.Select(ElbArns.ShortName))}.");
        }
        else if (foreign.Count > 0)
        {
            problems.Error(DiagnosticCodes.ListenerRuleForwardsElsewhere, property,
                $"{property}: the rule forwards to {string.Join(", ", foreign)}, which is neither {EcsProperties.TargetGroupArn} nor {EcsProperties.AlternateTargetGroupArn} ({rule.Describe()}); ECS would replace that forward. Point the rule at the service's target groups, or fix the property.");
        }
        else if (pair.Count == 2 && rule.TotalWeight == 0)
        {
            problems.Error(DiagnosticCodes.ListenerRuleForwardsElsewhere, property, $"{property}: the rule forwards with weight 0 to both target groups, so it sends traffic nowhere.");
        }

        return rule;
    }

    private async Task<TargetGroup?> DescribeTargetGroupAsync(string arn, CancellationToken cancellationToken)
    {
        try
        {
            var response = await AwsCalls.RunAsync("ELBv2 DescribeTargetGroups", () => aws.ElasticLoadBalancing.DescribeTargetGroupsAsync(new DescribeTargetGroupsRequest { TargetGroupArns = [arn] }, cancellationToken)).ConfigureAwait(false);
            return response.TargetGroups?.FirstOrDefault();
        }
        catch (DeploymentException ex) when (ex.InnerException is TargetGroupNotFoundException)
        {
            return null;
        }
    }

    private async Task CheckAlarmsAsync(IReadOnlyList<string> alarms, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        if (alarms.Count == 0)
        {
            return;
        }

        var found = await AwsCalls.RunAsync("CloudWatch DescribeAlarms", () => aws.CloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNames = [.. alarms], AlarmTypes = ["MetricAlarm", "CompositeAlarm"], MaxRecords = 100 }, cancellationToken)).ConfigureAwait(false);
        var names = (found.MetricAlarms ?? []).Select(a => a.AlarmName).Concat((found.CompositeAlarms ?? []).Select(a => a.AlarmName)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var alarm in alarms.Where(a => !names.Contains(a)))
        {
            problems.Error(DiagnosticCodes.VerifyAlarmNotFound, $"{EcsProperties.VerifyAlarmItem} '{alarm}'", $"{EcsProperties.VerifyAlarmItem} '{alarm}': no CloudWatch alarm of that name in this account and region (names are case-sensitive).");
        }
    }

    /// <summary>"arn:…:loadbalancer/app/web/0123…" → "app/web".</summary>
    private static string ShortBalancer(string arn)
    {
        var path = arn.Contains("loadbalancer/", StringComparison.Ordinal) ? arn[(arn.IndexOf("loadbalancer/", StringComparison.Ordinal) + "loadbalancer/".Length)..] : arn;
        var parts = path.Split('/');
        return parts.Length >= 2 ? $"{parts[0]}/{parts[1]}" : path;
    }
}
