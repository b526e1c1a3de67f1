using System.Globalization;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Features.VersionedServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.Versioned;

/// <summary>
/// <c>EcsDeploymentStrategy=Versioned</c>: Harness's Basic and Canary workflows on versioned services. The new version
/// <c>&lt;name&gt;__&lt;N&gt;</c> starts at 0 tasks next to the serving one and grows phase by phase (<c>EcsPhase</c>: a
/// count or a percent of the target count) while the old versions shrink by the same share; each phase waits until the
/// new version is steady (tasks running, healthy in its target groups), then runs its gate. Works for any REPLICA
/// service, with or without a load balancer: a queue worker is canaried by task count.
/// </summary>
internal sealed partial class VersionedStrategy(IReadOnlyList<VersionPhase> phases, bool phasesGiven, bool downsizeOldFirst, int keepVersions) : VersionedServicesStrategy(keepVersions)
{
    public const string StrategyName = "Versioned";
    public const string ResizeNewFirst = "ResizeNewFirst";
    public const string DownsizeOldFirst = "DownsizeOldFirst";

    /// <summary>The last wait of the running phase (why it failed, when it did).</summary>
    private SteadyResult? lastSteady;

    public override string Name => StrategyName;

    /// <summary>The phases grow the new version by tasks: its share is of tasks, not of routed traffic.</summary>
    protected override StepShare? TimelineShare => StepShare.Tasks;

    public IReadOnlyList<VersionPhase> Phases => phases;

    public static IDeploymentStrategy Create(StrategyChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var values = choice.Values;
        UnusedSettings.Warn(values.Diagnostics, StrategyName, [
            (EcsProperties.DownsizeOldService, values.Get(EcsProperties.DownsizeOldService)), (EcsProperties.DownsizeDelaySeconds, values.Get(EcsProperties.DownsizeDelaySeconds))]);
        var gate = choice.Settings.TrafficShifting.Verification;
        var phases = VersionedSettings.Phases(values, gate);
        var resize = values.Choice(EcsProperties.ResizeStrategy, [ResizeNewFirst, DownsizeOldFirst]);
        return new VersionedStrategy(
            phases.Count == 0 ? [VersionPhase.Full(gate.Enabled ? gate : null)] : phases,
            phases.Count > 0,
            resize == DownsizeOldFirst,
            VersionedSettings.KeepVersions(values));
    }

    public override IEnumerable<string> PlanLines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        yield return $"Versioned: a new service {definitions.Service.ServiceName}__<N> next to the serving version, {(downsizeOldFirst ? "downsizing old versions first" : "resizing the new version first")}, keeping {KeepVersions} old version(s) at 0";
        foreach (var phase in phases)
        {
            yield return $"  phase {phase.Describe()}{(phase.Gate is { Enabled: true } gate ? $", then a gate ({gate.Urls.Count} URL(s), {gate.Alarms.Count} alarm(s))" : string.Empty)}{(phase.PauseMinutes > 0 ? string.Create(CultureInfo.InvariantCulture, $", pause {phase.PauseMinutes} min") : string.Empty)}";
        }
    }

    public override IReadOnlyList<PlannedStep> PlannedSteps(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var steps = new List<PlannedStep>();
        foreach (var phase in phases)
        {
            double? share = phase.Percent;
            if (share is null && phase.Count is { } count && definitions.Settings.DesiredCount is { } target && target > 0)
            {
                share = Math.Min(100, 100.0 * count / target);
            }

            steps.Add(new PlannedStep($"phase {phase.Describe()}", 0, share));
            if (phase.PauseMinutes > 0)
            {
                steps.Add(new PlannedStep($"pause after {phase.Name}", phase.PauseMinutes, share));
            }
        }

        return steps;
    }

    protected override void ValidateStrategy(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        var settings = definitions.Settings;
        var traffic = settings.TrafficShifting;
        UnusedSettings.Warn(diagnostics, Name, [
            (EcsProperties.AlternateTargetGroupArn, traffic.AlternateTargetGroupArn), (EcsProperties.ProductionListenerRuleArn, traffic.ProductionListenerRuleArn),
            (EcsProperties.TestListenerRuleArn, traffic.TestListenerRuleArn)]);
        VersionedSettings.CheckPhases(phases, phasesGiven, settings.DesiredCount, diagnostics);
        if (!settings.Wait && (phases.Count > 1 || phases.Any(p => p.Gate is { Enabled: true } || p.PauseMinutes > 0)))
        {
            diagnostics.Error(DiagnosticCodes.VersionedSettingUnsupported, EcsProperties.Wait,
                $"{EcsProperties.Wait}=false: phases, gates and pauses need the build to wait for each phase; remove the {EcsProperties.PhaseItem} items and gates, or let the build wait.");
        }
    }

    protected override async Task<VersionedDeployment> CreateVersionAsync(DeploymentContext context, VersionSet set, RegisteredTaskDefinition registered, CancellationToken cancellationToken)
    {
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var versions = new ServiceVersions(aws, log);
        var old = set.Serving.Select(v => new VersionCount(v.Name, v.DesiredCount)).ToList();
        var running = old.Sum(c => c.Count);
        var target = context.Settings.DesiredCount ?? (running > 0 ? running : 1);
        var backups = new List<ScalingBackup>();
        var scaling = new VersionScaling(aws, log);
        foreach (var version in set.Serving)
        {
            if (await scaling.BackupAsync(set.Cluster, version.Name, cancellationToken).ConfigureAwait(false) is { } backup)
            {
                backups.Add(backup);
            }
        }

        var newVersion = await versions.CreateAsync(context.Definitions, set.NextNumber, registered.Arn, null,
            [VersionTags.Of(VersionTags.State, VersionTags.Deploying), VersionTags.Of(VersionTags.RollbackTo, VersionCount.Format(old))], cancellationToken).ConfigureAwait(false);
        var deployment = new VersionedDeployment
        {
            Versions = set, Registered = registered, NewVersion = newVersion, OldCounts = old, ScalingBackups = backups, TargetCount = target,
            StartedAt = time.GetUtcNow(), Started = time.GetTimestamp(), Wait = context.Settings.Wait,
        };
        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: target {target} task(s){(context.Settings.DesiredCount is null ? (running > 0 ? " (as many as run now)" : " (nothing runs yet)") : $" ({EcsProperties.DesiredCount})")}; {phases.Count} phase(s)"));
        if (!context.Settings.Wait)
        {
            // Nothing to follow: straight to the last phase's counts.
            await RemoveScalingAsync(context, deployment, cancellationToken).ConfigureAwait(false);
            await versions.ResizeAsync(set.Cluster, newVersion.Name, target, cancellationToken).ConfigureAwait(false);
            foreach (var count in old)
            {
                await versions.ResizeAsync(set.Cluster, count.Name, 0, cancellationToken).ConfigureAwait(false);
            }

            await FinishAsync(context, deployment, [], cancellationToken).ConfigureAwait(false);
        }

        return deployment;
    }

    protected override async Task<DeploymentOutcome> RunAsync(DeploymentContext context, VersionedDeployment deployment, CancellationToken cancellationToken)
    {
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var versions = new ServiceVersions(aws, log);
        var steady = Steady(context);
        var cluster = deployment.Versions.Cluster;
        var newName = deployment.NewVersion!.Name;
        var steps = PhasePlan.Steps(phases, deployment.TargetCount, deployment.OldCounts);
        await RemoveScalingAsync(context, deployment, cancellationToken).ConfigureAwait(false);
        var previousOld = deployment.OldCounts;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var phase = step.Phase;
            log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: phase {i + 1}/{steps.Count} {phase.Describe()}: {newName} → {step.NewCount} of {deployment.TargetCount}, old versions → {(step.OldCounts.Count == 0 ? "none" : VersionCount.Format(step.OldCounts))}"));
            var share = deployment.TargetCount == 0 ? 100 : Math.Round(100.0 * step.NewCount / deployment.TargetCount, 1);
            deployment.BeginPhase(time, string.Create(CultureInfo.InvariantCulture, $"phase {i + 1}/{steps.Count} {phase.Name}"), share);
            log.Progress(new DeploymentProgress(newName, string.Create(CultureInfo.InvariantCulture, $"phase {i + 1}/{steps.Count} {phase.Name}"), deployment.StartedAt)
            {
                Desired = step.NewCount,
                TrafficPercent = share,
            });
            var changedOld = step.OldCounts.Where(c => previousOld.FirstOrDefault(p => p.Name == c.Name)?.Count != c.Count).ToList();
            string? failure;
            if (downsizeOldFirst)
            {
                failure = await ResizeOldAsync(versions, steady, cluster, changedOld, cancellationToken).ConfigureAwait(false)
                    ?? await ResizeNewAsync(versions, steady, cluster, newName, step.NewCount, cancellationToken).ConfigureAwait(false);
                failure ??= await PauseAsync(context, deployment, step, share, null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                failure = await ResizeNewAsync(versions, steady, cluster, newName, step.NewCount, cancellationToken).ConfigureAwait(false);

                // The old versions' tasks stop during the phase's pause: both are waits of this phase, neither needs the other.
                failure ??= await PauseAsync(context, deployment, step, share, ResizeOldAsync(versions, steady, cluster, changedOld, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            previousOld = step.OldCounts;
            deployment.History.Add(string.Create(CultureInfo.InvariantCulture, $"phase {phase.Name}: {newName}={step.NewCount}{(step.OldCounts.Count == 0 ? string.Empty : "," + VersionCount.Format(step.OldCounts))}"));
            if (failure is not null)
            {
                return deployment.Fail(phase.Name, failure, lastSteady?.Outcome ?? DeploymentOutcome.Failed);
            }

            if (phase.Gate is { Enabled: true } gate)
            {
                var result = await GateAsync(context, gate, $"phase {phase.Name}", string.Create(CultureInfo.InvariantCulture, $"{newName} runs {step.NewCount} of {deployment.TargetCount} task(s)"), cancellationToken).ConfigureAwait(false);
                deployment.Gates.Add(result);
                if (!result.Passed)
                {
                    return deployment.Fail($"the gate of phase {phase.Name}", result.Summary, DeploymentOutcome.VerificationFailed);
                }
            }
        }

        await FinishAsync(context, deployment, [], cancellationToken).ConfigureAwait(false);
        return DeploymentOutcome.Succeeded;
    }

    protected override string FailedGateSubject(DeploymentContext context, VersionedDeployment deployment) =>
        phasesGiven ? EcsProperties.PhaseItem : base.FailedGateSubject(context, deployment);

    protected override async Task<AppliedDeployment> RollbackLastAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, log) = (context.Aws, context.Log);
        var service = context.Definitions.Service;
        var versions = new ServiceVersions(aws, log);
        var set = await versions.FindAsync(service.Cluster!, service.ServiceName!, cancellationToken).ConfigureAwait(false);
        var restore = Restore(context);
        if (set.Versions.LastOrDefault(v => v.IsDeploying) is { } deploying)
        {
            // A deployment that did not finish (killed build, cancelled): back to the counts it recorded, and it goes.
            var counts = deploying.RollbackTo.Where(c => set.Find(c.Name) is not null).ToList();
            context.Log.Info($"EcsBuildTasks: {deploying.Name} was being deployed: restoring {(counts.Count == 0 ? "nothing (it was the first version)" : VersionCount.Format(counts))} and deleting it");
            // The killed build's scaling backups are gone with it: what the versions still have stays as it is.
            return new VersionedRollback(deploying.Name, await restore.RestoreAsync(set.Cluster, counts, [], deploying.Name, deleteNew: true, cancellationToken).ConfigureAwait(false), DeploymentOutcome.RolledBack);
        }

        var current = set.Current
            ?? throw new DeploymentException(DiagnosticCodes.NoPreviousVersion, EcsProperties.ServiceName, $"No version of {service.ServiceName} has tasks: there is nothing to roll back. Deploy with dotnet publish.");
        var previous = PreviousCounts(set, current);
        if (previous.Count == 0)
        {
            throw new DeploymentException(DiagnosticCodes.NoPreviousVersion, EcsProperties.ServiceName,
                $"{current.Name} is the only version of {service.ServiceName} (the older ones were deleted, {EcsProperties.KeepVersions}={KeepVersions}): there is no previous version to roll back to. Publish the previous commit instead.");
        }

        context.Log.Info($"EcsBuildTasks: rolling {service.ServiceName} back from {current.Name} to {VersionCount.Format(previous)}");
        var scaling = new VersionScaling(aws, log);
        var currentScaling = await scaling.BackupAsync(set.Cluster, current.Name, cancellationToken).ConfigureAwait(false);
        var result = await restore.RestoreAsync(set.Cluster, previous, [], current.Name, deleteNew: false, cancellationToken).ConfigureAwait(false);
        if (result.Restored && currentScaling is not null && previous.LastOrDefault(c => c.Count > 0) is { } back)
        {
            await scaling.RestoreAsync(set.Cluster, back.Name, currentScaling, cancellationToken).ConfigureAwait(false);
        }

        return new VersionedRollback(current.Name, result, DeploymentOutcome.RolledBack);
    }

    /// <summary>The counts to give back: those the current version recorded, else the version before it at the current count.</summary>
    internal static List<VersionCount> PreviousCounts(VersionSet set, ServiceVersion current)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(current);
        var recorded = current.RollbackTo.Where(c => c.Count > 0 && set.Find(c.Name) is { Service.Status: "ACTIVE" }).ToList();
        if (recorded.Count > 0)
        {
            return recorded;
        }

        var before = set.Versions.LastOrDefault(v => v.Number < current.Number && v.Service.Status == "ACTIVE");
        return before is null ? [] : [new VersionCount(before.Name, current.DesiredCount)];
    }

    /// <summary>
    /// The phase's <c>PauseMinutes</c>, while <paramref name="downsize"/> (the old versions' downsize, when it comes after
    /// the new version) runs: the failure of the downsize, which ends the pause at once, or null.
    /// </summary>
    private static async Task<string?> PauseAsync(DeploymentContext context, VersionedDeployment deployment, PhaseStep step, double share, Task<string?>? downsize, CancellationToken cancellationToken)
    {
        var (log, time, phase) = (context.Log, context.Time, step.Phase);
        if (phase.PauseMinutes <= 0)
        {
            return downsize is null ? null : await downsize.ConfigureAwait(false);
        }

        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: pausing {phase.PauseMinutes} min after phase {phase.Name} (PauseMinutes)"));
        var name = string.Create(CultureInfo.InvariantCulture, $"pause after {phase.Name}");
        deployment.BeginPhase(time, name, share);
        log.Progress(new DeploymentProgress(deployment.NewVersion!.Name, name, deployment.StartedAt)
        {
            Running = step.NewCount,
            Desired = step.NewCount,
            TrafficPercent = share,
            BakeEndsAt = time.GetUtcNow() + TimeSpan.FromMinutes(phase.PauseMinutes),
        });
        using var pauseCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pause = Task.Delay(TimeSpan.FromMinutes(phase.PauseMinutes), time, pauseCancel.Token);
        var failure = downsize is null ? null : await downsize.ConfigureAwait(false);
        if (failure is not null)
        {
            await pauseCancel.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await pause.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (failure is not null && !cancellationToken.IsCancellationRequested)
        {
            // Ended by the downsize's failure.
        }

        return failure;
    }

    private async Task<string?> ResizeNewAsync(ServiceVersions versions, VersionSteadyState steady, string cluster, string name, int count, CancellationToken cancellationToken)
    {
        await versions.ResizeAsync(cluster, name, count, cancellationToken).ConfigureAwait(false);
        lastSteady = await steady.WaitAsync(cluster, name, count, cancellationToken).ConfigureAwait(false);
        return lastSteady.Steady ? null : lastSteady.Detail;
    }

    private async Task<string?> ResizeOldAsync(ServiceVersions versions, VersionSteadyState steady, string cluster, IReadOnlyList<VersionCount> counts, CancellationToken cancellationToken)
    {
        foreach (var count in counts)
        {
            await versions.ResizeAsync(cluster, count.Name, count.Count, cancellationToken).ConfigureAwait(false);
        }

        foreach (var count in counts)
        {
            lastSteady = await steady.WaitAsync(cluster, count.Name, count.Count, cancellationToken, settle: false).ConfigureAwait(false);
            if (!lastSteady.Steady)
            {
                return lastSteady.Detail;
            }
        }

        return null;
    }

    private static async Task RemoveScalingAsync(DeploymentContext context, VersionedDeployment deployment, CancellationToken cancellationToken)
    {
        var scaling = new VersionScaling(context.Aws, context.Log);
        foreach (var backup in deployment.ScalingBackups)
        {
            await scaling.RemoveAsync(deployment.Versions.Cluster, backup.ServiceName, cancellationToken).ConfigureAwait(false);
        }

        deployment.ScalingRemoved = deployment.ScalingBackups.Count > 0;
    }
}
