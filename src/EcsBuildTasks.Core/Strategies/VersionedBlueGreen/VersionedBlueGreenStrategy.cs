using System.Globalization;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Features.VersionedServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies.Versioned;

namespace EcsBuildTasks.Core.Strategies.VersionedBlueGreen;

/// <summary>
/// <c>EcsDeploymentStrategy=VersionedBlueGreen</c>: Harness's blue/green by swapping target groups. The new version
/// <c>&lt;name&gt;__&lt;N&gt;</c> starts at full size in the target group the stage rule (<c>EcsTestListenerRuleArn</c>)
/// forwards to, is verified there (<c>EcsVerifyUrl</c> through the stage listener, <c>EcsVerifyAlarm</c>), then the
/// production rule is pointed at its target group and the stage rule at the old one. The old version is downsized
/// (<c>EcsDownsizeOldService</c>, after <c>EcsDownsizeDelaySeconds</c>) or kept running, which makes a rollback only a
/// listener change.
/// </summary>
internal sealed partial class VersionedBlueGreenStrategy(bool downsizeOld, int downsizeDelaySeconds, int keepVersions) : VersionedServicesStrategy(keepVersions)
{
    public const string StrategyName = "VersionedBlueGreen";

    public override string Name => StrategyName;

    public static IDeploymentStrategy Create(StrategyChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var values = choice.Values;
        var (downsizeOld, keepVersions) = VersionedSettings.Swap(values, StrategyName);
        return new VersionedBlueGreenStrategy(downsizeOld, values.Int(EcsProperties.DownsizeDelaySeconds, 0, 3600) ?? 0, keepVersions);
    }

    public override IEnumerable<string> PlanLines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var traffic = definitions.Settings.TrafficShifting;
        yield return $"VersionedBlueGreen: a new service {definitions.Service.ServiceName}__<N> at full size behind the stage rule {ElbArns.ShortName(traffic.TestListenerRuleArn)}, verified, then production and stage swap target groups";
        yield return downsizeOld
            ? string.Create(CultureInfo.InvariantCulture, $"  the old version goes to 0 tasks {downsizeDelaySeconds} s after the swap; {KeepVersions} old version(s) kept")
            : $"  the old version keeps running behind stage (a rollback is a listener change); {KeepVersions} old version(s) kept";
    }

    protected override void ValidateStrategy(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        var settings = definitions.Settings;
        var traffic = settings.TrafficShifting;
        foreach (var (name, value) in new[] { (EcsProperties.TargetGroupArn, settings.TargetGroupArn), (EcsProperties.AlternateTargetGroupArn, traffic.AlternateTargetGroupArn), (EcsProperties.ProductionListenerRuleArn, traffic.ProductionListenerRuleArn), (EcsProperties.TestListenerRuleArn, traffic.TestListenerRuleArn) })
        {
            if (value is null)
            {
                diagnostics.Error(DiagnosticCodes.StageWiringInvalid, name,
                    $"{name} is required for {EcsProperties.DeploymentStrategy}={Name}: the swap needs two target groups ({EcsProperties.TargetGroupArn}, {EcsProperties.AlternateTargetGroupArn}), the production rule ({EcsProperties.ProductionListenerRuleArn}) and the stage rule ({EcsProperties.TestListenerRuleArn}), each forwarding to one of them.");
            }
        }

        if (settings.TargetGroupArn is not null && settings.TargetGroupArn == traffic.AlternateTargetGroupArn)
        {
            diagnostics.Error(DiagnosticCodes.StageWiringInvalid, EcsProperties.AlternateTargetGroupArn, $"{EcsProperties.AlternateTargetGroupArn} is {EcsProperties.TargetGroupArn}: the swap needs two different target groups.");
        }

        if (traffic.ProductionListenerRuleArn is not null && traffic.ProductionListenerRuleArn == traffic.TestListenerRuleArn)
        {
            diagnostics.Error(DiagnosticCodes.StageWiringInvalid, EcsProperties.TestListenerRuleArn, $"{EcsProperties.TestListenerRuleArn} (stage) is {EcsProperties.ProductionListenerRuleArn}: stage and production need rules (or listeners) of their own.");
        }

        RequireWait(settings, diagnostics, "swaps production only after the new version is healthy and verified");
    }

    protected override async Task PreflightStrategyAsync(ServicePreflightContext context, VersionSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Definitions.Settings;
        var traffic = settings.TrafficShifting;
        var problem = await CheckWiringAsync(context.Aws, settings, traffic, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            context.Problems.Add(problem);
        }
    }

    protected override async Task<VersionedDeployment> CreateVersionAsync(DeploymentContext context, VersionSet set, RegisteredTaskDefinition registered, CancellationToken cancellationToken)
    {
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var traffic = context.Settings.TrafficShifting;
        if (await CheckWiringAsync(aws, context.Settings, traffic, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw new DeploymentException([problem]);
        }

        var wiring = (await new TargetGroupSwap(aws, log).ReadAsync(traffic.ProductionListenerRuleArn!, traffic.TestListenerRuleArn!, cancellationToken).ConfigureAwait(false))!;
        var versions = new ServiceVersions(aws, log);
        var blue = set.Serving.Where(v => v.TargetGroups.Contains(wiring.ProductionTargetGroup)).ToList();
        var staged = set.Serving.Where(v => !v.TargetGroups.Contains(wiring.ProductionTargetGroup)).ToList();
        var old = set.Serving.Select(v => new VersionCount(v.Name, v.DesiredCount)).ToList();
        foreach (var version in staged)
        {
            // A version left running behind stage would take the new version's stage traffic (Harness deletes it).
            log.Info($"EcsBuildTasks: {version.Name} runs behind the stage target group {ElbArns.ShortName(wiring.StageTargetGroup)}: downsizing it to 0 before the new version goes there");
            await versions.ResizeAsync(set.Cluster, version.Name, 0, cancellationToken).ConfigureAwait(false);
        }

        var (target, backups) = await SwapSizeAsync(context, set.Cluster, blue, cancellationToken).ConfigureAwait(false);

        var newVersion = await versions.CreateAsync(context.Definitions, set.NextNumber, registered.Arn, wiring.StageTargetGroup,
            [VersionTags.Of(VersionTags.State, VersionTags.Deploying), .. VersionTags.Colours(set, VersionTags.Green), VersionTags.Of(VersionTags.RollbackTo, VersionCount.Format(old))], cancellationToken).ConfigureAwait(false);
        return new VersionedDeployment
        {
            Versions = set, Registered = registered, NewVersion = newVersion, OldCounts = old, ScalingBackups = backups, TargetCount = target, Wiring = wiring,
            StartedAt = time.GetUtcNow(), Started = time.GetTimestamp(),
        };
    }

    protected override async Task<DeploymentOutcome> RunAsync(DeploymentContext context, VersionedDeployment deployment, CancellationToken cancellationToken)
    {
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var cluster = deployment.Versions.Cluster;
        var green = deployment.NewVersion!;
        var wiring = deployment.Wiring!;
        if (await ScaleUpUnexposedAsync(context, deployment, "scale up behind the stage rule", string.Create(CultureInfo.InvariantCulture, $"stage: {green.Name}={deployment.TargetCount} in {ElbArns.ShortName(wiring.StageTargetGroup)}"), "stage (scaling up behind the stage rule)", cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        if (context.Settings.TrafficShifting.Verification is { Enabled: true } gate)
        {
            var result = await GateAsync(context, gate, "stage", $"{green.Name} behind the stage rule only", cancellationToken).ConfigureAwait(false);
            deployment.Gates.Add(result);
            if (!result.Passed)
            {
                return deployment.Fail("the stage gate", result.Summary, DeploymentOutcome.VerificationFailed);
            }
        }

        await new VersionScaling(aws, log).RemoveBackedUpAsync(cluster, deployment.ScalingBackups, cancellationToken).ConfigureAwait(false);
        deployment.ScalingRemoved = deployment.ScalingBackups.Count > 0;
        await new TargetGroupSwap(aws, log).SwapAsync(wiring, wiring.StageTargetGroup, wiring.ProductionTargetGroup, cancellationToken).ConfigureAwait(false);
        deployment.Swapped = true;
        deployment.BeginPhase(time, "swapped: green serves production", 100);
        log.Progress(new DeploymentProgress(green.Name, "swapped: green serves production", deployment.StartedAt)
        {
            Running = deployment.TargetCount,
            Desired = deployment.TargetCount,
            TrafficPercent = 100,
            BakeEndsAt = downsizeOld && downsizeDelaySeconds > 0 ? time.GetUtcNow() + TimeSpan.FromSeconds(downsizeDelaySeconds) : null,
        });
        deployment.History.Add($"swap: production → {ElbArns.ShortName(wiring.StageTargetGroup)} ({green.Name}), stage → {ElbArns.ShortName(wiring.ProductionTargetGroup)}");
        return await RetireOldAsync(context, deployment, downsizeOld, TimeSpan.FromSeconds(downsizeDelaySeconds), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task UndoTrafficAsync(DeploymentContext context, VersionedDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(deployment);
        if (!deployment.Swapped || deployment.Wiring is not { } wiring)
        {
            return;
        }

        // Traffic goes back only once the old version has its tasks again: restore them first when they were downsized.
        await ResizeOldBackAsync(context, deployment, cancellationToken).ConfigureAwait(false);

        await new TargetGroupSwap(context.Aws, context.Log).SwapAsync(wiring, wiring.ProductionTargetGroup, wiring.StageTargetGroup, cancellationToken).ConfigureAwait(false);
        deployment.Swapped = false;
    }

    protected override async Task<AppliedDeployment> RollbackLastAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, log) = (context.Aws, context.Log);
        var service = context.Definitions.Service;
        var traffic = context.Settings.TrafficShifting;
        var versions = new ServiceVersions(aws, log);
        var set = await versions.FindAsync(service.Cluster!, service.ServiceName!, cancellationToken).ConfigureAwait(false);
        var wiring = await new TargetGroupSwap(aws, log).ReadAsync(traffic.ProductionListenerRuleArn!, traffic.TestListenerRuleArn!, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.StageWiringOnOtherLoadBalancer, EcsProperties.ProductionListenerRuleArn, $"{EcsProperties.ProductionListenerRuleArn} and {EcsProperties.TestListenerRuleArn} must each exist and forward to one target group to swap back.");
        var restore = Restore(context);
        if (set.Versions.LastOrDefault(v => v.IsDeploying) is { } deploying)
        {
            // An unfinished deployment never reached production (the swap is its last step): it goes.
            var counts = deploying.RollbackTo.Where(c => set.Find(c.Name) is not null).ToList();
            return new VersionedRollback(deploying.Name, await restore.RestoreAsync(set.Cluster, counts, [], deploying.Name, deleteNew: true, cancellationToken).ConfigureAwait(false), DeploymentOutcome.RolledBack);
        }

        var current = set.Versions.LastOrDefault(v => v.DesiredCount > 0 && v.TargetGroups.Contains(wiring.ProductionTargetGroup))
            ?? throw new DeploymentException(DiagnosticCodes.NoPreviousVersion, EcsProperties.ServiceName, $"No version of {service.ServiceName} with tasks is behind the production target group {ElbArns.ShortName(wiring.ProductionTargetGroup)}: there is nothing to roll back.");
        var previous = set.Versions.LastOrDefault(v => v.Number < current.Number && v.Service.Status == "ACTIVE" && v.TargetGroups.Contains(wiring.StageTargetGroup))
            ?? throw new DeploymentException(DiagnosticCodes.NoPreviousVersion, EcsProperties.ServiceName,
                $"{current.Name} serves production and no older version of {service.ServiceName} is kept behind the stage target group {ElbArns.ShortName(wiring.StageTargetGroup)}: there is no previous version to swap back to. Publish the previous commit instead.");
        return await SwapBackAsync(context, set, current, previous, $"swapping {service.ServiceName}", downsizeOld,
            token => new TargetGroupSwap(aws, log).SwapAsync(wiring, wiring.StageTargetGroup, wiring.ProductionTargetGroup, token), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<IReadOnlyList<string>> StatusDetailsAsync(DeploymentContext context, VersionSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var traffic = context.Settings.TrafficShifting;
        if (traffic.ProductionListenerRuleArn is null || traffic.TestListenerRuleArn is null)
        {
            return [];
        }

        var rules = new ListenerRules(context.Aws);
        var production = await rules.DescribeAsync(traffic.ProductionListenerRuleArn, cancellationToken).ConfigureAwait(false);
        var stage = await rules.DescribeAsync(traffic.TestListenerRuleArn, cancellationToken).ConfigureAwait(false);
        return [$"  production rule → {production?.Describe() ?? "not found"}", $"  stage rule      → {stage?.Describe() ?? "not found"}"];
    }

    /// <summary>The wiring's problem (ECS4120, ECS4121), or null when the two rules forward one to each target group on one load balancer.</summary>
    private static async Task<EcsDiagnostic?> CheckWiringAsync(AwsSession aws, EcsSettings settings, TrafficShiftingSettings traffic, CancellationToken cancellationToken)
    {
        if (settings.TargetGroupArn is not { } first || traffic.AlternateTargetGroupArn is not { } second || traffic.ProductionListenerRuleArn is not { } productionArn || traffic.TestListenerRuleArn is not { } stageArn)
        {
            return null;
        }

        var rules = new ListenerRules(aws);
        var production = await rules.DescribeAsync(productionArn, cancellationToken).ConfigureAwait(false);
        var stage = await rules.DescribeAsync(stageArn, cancellationToken).ConfigureAwait(false);
        if (production is null || stage is null)
        {
            var missing = production is null ? EcsProperties.ProductionListenerRuleArn : EcsProperties.TestListenerRuleArn;
            return Error(DiagnosticCodes.StageWiringOnOtherLoadBalancer, missing, $"{missing}: the listener rule (or listener) {(production is null ? productionArn : stageArn)} does not exist.");
        }

        var productionGroup = production.Forwards.Where(f => f.Weight > 0).Select(f => f.TargetGroupArn).Distinct(StringComparer.Ordinal).ToList();
        var stageGroup = stage.Forwards.Where(f => f.Weight > 0).Select(f => f.TargetGroupArn).Distinct(StringComparer.Ordinal).ToList();
        if (stageGroup.Count == 1 && productionGroup.Count == 1 && stageGroup[0] == productionGroup[0])
        {
            return Error(DiagnosticCodes.StageForwardsToProduction, EcsProperties.TestListenerRuleArn,
                $"{EcsProperties.TestListenerRuleArn} (stage) forwards to {ElbArns.ShortName(stageGroup[0])}, the target group production forwards to: the new version would take production traffic before it is verified. Point the stage rule at the other target group: {TargetGroupSwap.Command(stageArn, stageGroup[0] == first ? second : first)}");
        }

        foreach (var (name, rule, groups) in new[] { (EcsProperties.ProductionListenerRuleArn, production, productionGroup), (EcsProperties.TestListenerRuleArn, stage, stageGroup) })
        {
            if (groups.Count != 1 || (groups[0] != first && groups[0] != second))
            {
                return Error(DiagnosticCodes.StageWiringOnOtherLoadBalancer, name,
                    $"{name} forwards to {rule.Describe()}; for the swap it must forward to exactly one of {EcsProperties.TargetGroupArn} ({ElbArns.ShortName(first)}) and {EcsProperties.AlternateTargetGroupArn} ({ElbArns.ShortName(second)}).");
            }
        }

        if (production.LoadBalancerArn != stage.LoadBalancerArn)
        {
            return Error(DiagnosticCodes.StageWiringOnOtherLoadBalancer, EcsProperties.TestListenerRuleArn,
                $"{EcsProperties.TestListenerRuleArn} is on load balancer {ElbArns.ShortName(stage.LoadBalancerArn)}, {EcsProperties.ProductionListenerRuleArn} on {ElbArns.ShortName(production.LoadBalancerArn)}: the swap moves target groups between the listeners of one load balancer.");
        }

        var described = await AwsCalls.RunAsync("ELBv2 DescribeTargetGroups", () => aws.ElasticLoadBalancing.DescribeTargetGroupsAsync(new DescribeTargetGroupsRequest { TargetGroupArns = [first, second] }, cancellationToken)).ConfigureAwait(false);
        foreach (var group in described.TargetGroups ?? [])
        {
            if (!(group.LoadBalancerArns ?? []).Contains(production.LoadBalancerArn!))
            {
                var name = group.TargetGroupArn == first ? EcsProperties.TargetGroupArn : EcsProperties.AlternateTargetGroupArn;
                return Error(DiagnosticCodes.StageWiringOnOtherLoadBalancer, name,
                    $"{name} ({ElbArns.ShortName(group.TargetGroupArn)}) is not attached to the load balancer of the listener rules ({ElbArns.ShortName(production.LoadBalancerArn)}).");
            }
        }

        return null;
    }

    private static EcsDiagnostic Error(DiagnosticDescriptor descriptor, string subject, string message) => new(descriptor, DiagnosticSeverity.Error, subject, message);
}
