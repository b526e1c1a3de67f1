using System.Globalization;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.AutoScaling;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Failures;
using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Features.OneOffTasks;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.ServiceConnect;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Features.Verification;
using EcsBuildTasks.Core.Features.VersionedServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.Versioned;

/// <summary>
/// What the strategies on versioned services share (Versioned, VersionedBlueGreen): each deployment is a new ECS
/// service <c>&lt;name&gt;__&lt;N&gt;</c> next to the running one (<see cref="ServiceVersions"/>). Applying registers the
/// task definition, finds the versions, and creates the next one at 0 tasks (nothing when the serving version already
/// runs this build); a subclass moves the tasks to it (<see cref="RunAsync"/>); a failure restores the old versions'
/// counts and auto scaling and deletes the new one; <c>-t:EcsRollback</c> brings the previous version back.
/// </summary>
internal abstract partial class VersionedServicesStrategy(int keepVersions) : IDeploymentStrategy
{
    public const int DefaultKeepVersions = 3;

    public abstract string Name { get; }

    protected int KeepVersions { get; } = keepVersions;

    /// <summary>What the weights of the result's stages are a share of (the timeline chart's labels): routed traffic unless the subclass says tasks.</summary>
    protected virtual StepShare? TimelineShare => null;

    public virtual void Shape(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);

        // Each version runs one revision all its life and is only resized: ECS's rolling controller does that.
        (definitions.Service.DeploymentConfiguration ??= new DeploymentConfiguration()).Strategy = "ROLLING";
    }

    public void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (definitions.Service.SchedulingStrategy?.Value == "DAEMON")
        {
            diagnostics.Error(DiagnosticCodes.VersionedSettingUnsupported, EcsProperties.SchedulingStrategy,
                $"{EcsProperties.SchedulingStrategy}=DAEMON runs one task per instance and cannot be sized in versions; {EcsProperties.DeploymentStrategy}={Name} needs REPLICA (use Rolling for a daemon).");
        }

        var traffic = definitions.Settings.TrafficShifting;
        UnusedSettings.Warn(diagnostics, Name, [
            (EcsProperties.BakeTimeMinutes, traffic.BakeTimeMinutes), (EcsProperties.CanaryPercent, traffic.CanaryPercent), (EcsProperties.CanaryBakeTimeMinutes, traffic.CanaryBakeTimeMinutes),
            (EcsProperties.LinearStepPercent, traffic.LinearStepPercent), (EcsProperties.LinearStepBakeTimeMinutes, traffic.LinearStepBakeTimeMinutes),
            (EcsProperties.InfrastructureRoleArn, traffic.InfrastructureRoleArn), (EcsProperties.VerifyEachStep, traffic.Verification.EachStep ? true : null),
            (EcsProperties.LifecycleHookItem, traffic.LifecycleHooks.Count > 0 ? traffic.LifecycleHooks.Count : null)]);
        ValidateStrategy(definitions, diagnostics);
    }

    public abstract IEnumerable<string> PlanLines(GeneratedDefinitions definitions);

    public virtual IReadOnlyList<PlannedStep> PlannedSteps(GeneratedDefinitions definitions) => [];

    public async Task PreflightAsync(ServicePreflightContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var service = context.Definitions.Service;
        VersionSet set;
        try
        {
            set = await new ServiceVersions(context.Aws, context.Log).FindAsync(service.Cluster!, service.ServiceName!, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is ClusterNotFoundException)
        {
            // Reported by the cluster check.
            return;
        }

        if (set.Versions.FirstOrDefault(v => ExpressServiceGuard.IsExpress(v.Service)) is { } express)
        {
            // The plain name is an Express service: adopting it as version 0 would scale ECS's service behind its back.
            context.Problems.Add(ExpressServiceGuard.Check(express.Service, context.Definitions)!);
            return;
        }

        if (set.Versions.FirstOrDefault(v => v.IsDeploying) is { } busy)
        {
            context.Problems.Error(DiagnosticCodes.VersionedDeploymentInProgress, EcsProperties.ServiceName, InProgressMessage(set, busy));
        }

        if (set.Versions.FirstOrDefault(v => v.Service.Status == "ACTIVE" && v.Service.SchedulingStrategy?.Value == "DAEMON") is { } daemon)
        {
            context.Problems.Error(DiagnosticCodes.VersionedSettingUnsupported, EcsProperties.ServiceName,
                $"The service {daemon.Name} is a DAEMON service; {EcsProperties.DeploymentStrategy}={Name} deploys REPLICA versions. Deploy it under another {EcsProperties.ServiceName}.");
        }

        context.Log.Info(set.Versions.Count == 0
            ? $"EcsBuildTasks: {service.ServiceName} has no version yet; this deployment creates {VersionSet.NameOf(service.ServiceName!, 1)}"
            : $"EcsBuildTasks: versions of {service.ServiceName}: {string.Join(", ", set.Versions.Select(v => v.Describe()))}; next {VersionSet.NameOf(service.ServiceName!, set.NextNumber)}");
        await PreflightStrategyAsync(context, set, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AppliedDeployment> ApplyAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, log, time, definitions) = (context.Aws, context.Log, context.Time, context.Definitions);
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var cluster = definitions.Service.Cluster!;
        var baseName = definitions.Service.ServiceName!;
        var versions = new ServiceVersions(aws, log);
        var set = await versions.FindAsync(cluster, baseName, cancellationToken).ConfigureAwait(false);
        ExpressServiceGuard.ThrowIfExpress(set.Versions.FirstOrDefault(v => ExpressServiceGuard.IsExpress(v.Service))?.Service, definitions);
        if (set.Versions.FirstOrDefault(v => v.IsDeploying) is { } busy)
        {
            throw new DeploymentException(DiagnosticCodes.VersionedDeploymentInProgress, EcsProperties.ServiceName, InProgressMessage(set, busy));
        }

        var registered = await new TaskDefinitionRegistrar(aws, log).RegisterAsync(definitions.TaskDefinition, context.GitCommit, context.ImageFingerprint, cancellationToken).ConfigureAwait(false);
        if (registered.Registered)
        {
            await new LogGroups(aws, log).EnsureAsync(definitions.TaskDefinition, definitions.Settings, cancellationToken).ConfigureAwait(false);
        }

        // Resolved first (namespace names to the ARNs ECS reports, the Cloud Map service the project names): what the
        // serving version runs is compared with the same values.
        await PrepareRegistriesAsync(context, set, cancellationToken).ConfigureAwait(false);
        var current = set.Current;
        if (current is not null && set.Serving.Count == 1 && !current.IsAdopted && await IsUpToDateAsync(context, set, current, registered.Arn, cancellationToken).ConfigureAwait(false))
        {
            log.Info($"EcsBuildTasks: {current.Name} serves {Arns.Short(registered.Arn)} with this configuration; nothing to deploy");
            return new VersionedDeployment { Versions = set, Registered = registered, StartedAt = startedAt, Started = started };
        }

        if (set.Versions.FirstOrDefault(v => v.IsAdopted && v.DesiredCount > 0) is { } adopted)
        {
            log.Info($"EcsBuildTasks: adopting the service {adopted.Name} as version 0: it is phased down like any old version and kept at 0 tasks afterwards");
        }

        await new PreDeployTasks(aws, log, time).RunAsync(definitions, registered.Arn, current?.Service, cancellationToken).ConfigureAwait(false);
        var deployment = await CreateVersionAsync(context, set, registered, cancellationToken).ConfigureAwait(false);
        return deployment;
    }

    public async Task<DeploymentVerdict> MonitorAsync(DeploymentContext context, AppliedDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (deployment)
        {
            case VersionedRollback rollback:
                return new DeploymentVerdict(rollback.Outcome);
            case VersionedDeployment { Restore: not null } restored:
                // The build rolled it back already (RollbackAsync restored the old versions and waited for them).
                return new DeploymentVerdict(restored.Restore.Restored ? restored.FailureOutcome ?? DeploymentOutcome.Failed : DeploymentOutcome.Failed);
            case VersionedDeployment versioned:
                try
                {
                    var outcome = await RunAsync(context, versioned, cancellationToken).ConfigureAwait(false);
                    context.Log.ProgressDone();
                    return new DeploymentVerdict(outcome) { RollbackNeeded = outcome != DeploymentOutcome.Succeeded };
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    PrintCancelledState(context, versioned);
                    throw;
                }
                catch (DeploymentException ex)
                {
                    context.Log.ProgressDone();

                    // An AWS call refused mid-way (throttling past the retries, a permission): the old versions go back all the same.
                    context.Log.Info($"EcsBuildTasks: the deployment stopped: {ex.Message}");
                    versioned.FailedAt ??= versioned.History.Count == 0 ? "the first step" : $"the step after {versioned.History[^1]}";
                    versioned.FailureDetail ??= ex.Message;
                    versioned.FailureOutcome ??= DeploymentOutcome.Failed;
                    versioned.FailureCause ??= ex.Diagnostics.FirstOrDefault(d => d.IsError);
                    return new DeploymentVerdict(DeploymentOutcome.Failed) { RollbackNeeded = true };
                }

            default:
                throw new ArgumentException($"{deployment.GetType().Name} is not a versioned deployment.", nameof(deployment));
        }
    }

    public async Task<AppliedDeployment> RollbackAsync(DeploymentContext context, AppliedDeployment? deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (deployment is VersionedDeployment versioned)
        {
            var cluster = versioned.Versions.Cluster;
            context.Log.Info($"EcsBuildTasks: rolling back: {string.Join(", ", versioned.OldCounts.Select(c => $"{c.Name} back to {c.Count}"))}{(versioned.NewVersion is { } v ? $", {v.Name} removed" : string.Empty)}");
            versioned.EndPhase(context.Time, "FAILED");
            versioned.BeginPhase(context.Time, "roll back", 0);
            await UndoTrafficAsync(context, versioned, cancellationToken).ConfigureAwait(false);
            versioned.Restore = await Restore(context).RestoreAsync(cluster, versioned.OldCounts, versioned.ScalingRemoved ? versioned.ScalingBackups : [], versioned.NewVersion?.Name, deleteNew: true, cancellationToken).ConfigureAwait(false);
            return versioned;
        }

        return await RollbackLastAsync(context, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DeploymentReport> ReportAsync(DeploymentContext context, AppliedDeployment deployment, DeploymentVerdict? verdict, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return deployment switch
        {
            VersionedDeployment versioned => await ReportDeploymentAsync(context, versioned, verdict).ConfigureAwait(false),
            VersionedRollback rollback => ReportRollback(context, rollback),
            _ => throw new ArgumentException($"{deployment.GetType().Name} is not a versioned deployment.", nameof(deployment)),
        };
    }

    /// <summary>The versions are services of their own (<c>name__N</c>): the cluster's services list them.</summary>
    public string FollowCommand(DeploymentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"aws ecs list-services --cluster {context.Definitions.Service.Cluster ?? context.Settings.Cluster ?? "default"}";
    }

    public async Task<IReadOnlyList<string>> StatusAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var service = context.Definitions.Service;
        var set = await new ServiceVersions(context.Aws, context.Log).FindAsync(service.Cluster!, service.ServiceName!, cancellationToken).ConfigureAwait(false);
        if (set.Versions.Count == 0)
        {
            throw new DeploymentException(DiagnosticCodes.ServiceNotFound, EcsProperties.ServiceName, $"{EcsProperties.ServiceName}={service.ServiceName}: there is no version of it ({service.ServiceName}__<N>) in cluster {service.Cluster}.");
        }

        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string> { $"EcsBuildTasks: versioned service {service.ServiceName} in {service.Cluster} ({Name}): {set.Versions.Count} version(s), {(set.Current is { } current ? $"{current.Name} serves" : "none serves")}" };
        foreach (var version in set.Versions.AsEnumerable().Reverse())
        {
            var notes = new List<string>();
            if (version.Colour is { } colour)
            {
                notes.Add(colour);
            }

            if (version.IsDeploying)
            {
                notes.Add("deploying");
            }

            if (version.IsAdopted)
            {
                notes.Add("adopted as version 0");
            }

            if (version.Service.Status != "ACTIVE")
            {
                notes.Add(version.Service.Status!);
            }

            notes.AddRange(version.TargetGroups.Select(g => "target group " + ElbArns.ShortName(g)));
            lines.Add(string.Create(inv, $"  {version.Name,-30} running {version.RunningCount}/{version.DesiredCount}  {Arns.Short(version.Service.TaskDefinition)}{(notes.Count > 0 ? "  " + string.Join(", ", notes) : string.Empty)}"));
        }

        lines.AddRange(await StatusDetailsAsync(context, set, cancellationToken).ConfigureAwait(false));
        return lines;
    }

    /// <summary>The subclass's checks of the definitions (no AWS call).</summary>
    protected abstract void ValidateStrategy(GeneratedDefinitions definitions, DiagnosticCollection diagnostics);

    /// <summary>ECS4104: the refusal of <c>EcsWait=false</c> for a strategy that <paramref name="needsTheWait"/> (a swap moves traffic only after the new version is healthy).</summary>
    protected void RequireWait(EcsSettings settings, DiagnosticCollection diagnostics, string needsTheWait)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!settings.Wait)
        {
            diagnostics.Error(DiagnosticCodes.VersionedSettingUnsupported, EcsProperties.Wait, $"{EcsProperties.Wait}=false: {Name} {needsTheWait}, which needs the build to wait.");
        }
    }

    /// <summary>The subclass's read-only checks, once the versions are known.</summary>
    protected virtual Task PreflightStrategyAsync(ServicePreflightContext context, VersionSet set, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the new version (at 0 tasks, or at full size behind stage) and returns what the deployment must follow.</summary>
    protected abstract Task<VersionedDeployment> CreateVersionAsync(DeploymentContext context, VersionSet set, RegisteredTaskDefinition registered, CancellationToken cancellationToken);

    /// <summary>Before the new version is created: the Cloud Map service and Service Connect it registers with (DnsBlueGreen picks its Cloud Map service per version).</summary>
    protected virtual async Task PrepareRegistriesAsync(DeploymentContext context, VersionSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await new CloudMapRegistration(context.Aws, context.Log, context.Time).PrepareAsync(context.Definitions, cancellationToken).ConfigureAwait(false);
        await new ServiceConnectRegistration(context.Aws, context.Log).PrepareAsync(context.Definitions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="current"/> already runs this build: the revision and every setting the project makes.</summary>
    protected virtual Task<bool> IsUpToDateAsync(DeploymentContext context, VersionSet set, ServiceVersion current, string taskDefinitionArn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(current);
        var probe = ServiceVersions.ForVersion(context.Definitions, current.Number);
        probe.ServiceName = current.Name;
        probe.TaskDefinition = taskDefinitionArn;
        if (current.TargetGroups.Count > 0)
        {
            foreach (var balancer in probe.LoadBalancers ?? [])
            {
                balancer.TargetGroupArn = current.TargetGroups[0];
            }
        }

        var settings = context.Settings with { DesiredCount = context.Settings.DesiredCount is { } count && count != current.DesiredCount ? count : null };
        return Task.FromResult(ServiceUpdate.BuildUpdate(probe, current.Service, settings, out _) is null);
    }

    /// <summary>Moves the tasks to the new version; the outcome, with <see cref="VersionedDeployment.FailedAt"/> set when it did not succeed.</summary>
    protected abstract Task<DeploymentOutcome> RunAsync(DeploymentContext context, VersionedDeployment deployment, CancellationToken cancellationToken);

    /// <summary>Before the old versions are restored: returns traffic to them (the swap back); nothing for phased versions.</summary>
    protected virtual Task UndoTrafficAsync(DeploymentContext context, VersionedDeployment deployment, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary><c>-t:EcsRollback</c>.</summary>
    protected abstract Task<AppliedDeployment> RollbackLastAsync(DeploymentContext context, CancellationToken cancellationToken);

    protected virtual Task<IReadOnlyList<string>> StatusDetailsAsync(DeploymentContext context, VersionSet set, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    protected static VersionSteadyState Steady(DeploymentContext context, bool rollback = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = WaitOptions.For(context.Settings, context.ResolvedEndpoint);

        // A rollback returns to versions that served: it runs to its end without the fail-fast limit of new revisions.
        return new VersionSteadyState(context.Aws, context.Log, context.Time, options.Timeout, options.PollCap, rollback ? 1000 : context.Settings.FailFastFailedTasks);
    }

    /// <summary>
    /// <c>-t:EcsRollback</c> of a finished swap (VersionedBlueGreen's target groups, DnsBlueGreen's weights):
    /// <paramref name="previous"/> back at the count <paramref name="current"/>'s deployment recorded for it (or
    /// <paramref name="current"/>'s) and steady, and only then <paramref name="moveTraffic"/> back to it; then the colours
    /// swap back, auto scaling moves to it, and <paramref name="current"/> is downsized unless the strategy keeps the old
    /// side running (<paramref name="downsizeCurrent"/>).
    /// </summary>
    /// <param name="moving">What moves back, for the log (<c>swapping web</c>, <c>moving api.example.com</c>).</param>
    protected static async Task<VersionedRollback> SwapBackAsync(DeploymentContext context, VersionSet set, ServiceVersion current, ServiceVersion previous, string moving, bool downsizeCurrent, Func<CancellationToken, Task> moveTraffic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(moveTraffic);
        var count = current.RollbackTo.FirstOrDefault(c => c.Name == previous.Name)?.Count is > 0 and var recorded ? recorded : current.DesiredCount;
        context.Log.Info($"EcsBuildTasks: {moving} back from {current.Name} to {previous.Name} ({count} task(s))");
        var restored = await Restore(context).RestoreAsync(set.Cluster, [new VersionCount(previous.Name, count)], [], null, deleteNew: false, cancellationToken).ConfigureAwait(false);
        if (!restored.Restored)
        {
            return new VersionedRollback(current.Name, restored, DeploymentOutcome.Failed);
        }

        await moveTraffic(cancellationToken).ConfigureAwait(false);
        var versions = new ServiceVersions(context.Aws, context.Log);
        await versions.TagAsync(previous, VersionTags.Colours(set, VersionTags.Blue), cancellationToken).ConfigureAwait(false);
        await versions.TagAsync(current, VersionTags.Colours(set, VersionTags.Green), cancellationToken).ConfigureAwait(false);
        var scaling = new VersionScaling(context.Aws, context.Log);
        if (await scaling.BackupAsync(set.Cluster, current.Name, cancellationToken).ConfigureAwait(false) is { } backup)
        {
            await scaling.RemoveAsync(set.Cluster, current.Name, cancellationToken).ConfigureAwait(false);
            await scaling.RestoreAsync(set.Cluster, previous.Name, backup, cancellationToken).ConfigureAwait(false);
        }

        if (downsizeCurrent)
        {
            await versions.ResizeAsync(set.Cluster, current.Name, 0, cancellationToken).ConfigureAwait(false);
        }

        return new VersionedRollback(current.Name, restored with { Counts = [.. restored.Counts, new VersionCount(current.Name, downsizeCurrent ? 0 : current.DesiredCount)] }, DeploymentOutcome.RolledBack);
    }

    protected static VersionRestore Restore(DeploymentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new VersionRestore(new ServiceVersions(context.Aws, context.Log), new VersionScaling(context.Aws, context.Log), Steady(context, rollback: true), context.Log);
    }

    /// <summary>Runs a gate (URLs and alarms) with the project's gate settings.</summary>
    protected static async Task<GateResult> GateAsync(DeploymentContext context, VerificationSettings gate, string stage, string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var http = context.VerificationHandler is null ? new HttpClient() : new HttpClient(context.VerificationHandler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        var verification = new VerificationGate(gate, new UrlProbe(http, context.Time), new CloudWatchAlarmStates(context.Aws), context.Log, context.Time);
        return await verification.RunAsync(stage, purpose, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The new version's size for a swap: <c>EcsDesiredCount</c>, or what <paramref name="serving"/> (the side that
    /// serves) runs, at least 1; and <paramref name="serving"/>'s auto scaling, backed up to move to the new version.
    /// </summary>
    protected static async Task<(int Target, List<ScalingBackup> Backups)> SwapSizeAsync(DeploymentContext context, string cluster, IReadOnlyList<ServiceVersion> serving, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(serving);
        var running = serving.Sum(v => v.DesiredCount);
        var backups = new List<ScalingBackup>();
        foreach (var version in serving)
        {
            if (await new VersionScaling(context.Aws, context.Log).BackupAsync(cluster, version.Name, cancellationToken).ConfigureAwait(false) is { } backup)
            {
                backups.Add(backup);
            }
        }

        return (context.Settings.DesiredCount ?? (running > 0 ? running : 1), backups);
    }

    /// <summary>
    /// A swap's first step: the new version sized to its target where no production traffic reaches it yet
    /// (<paramref name="phase"/>) and waited steady; null when it is, else the failure (<paramref name="failedAt"/>).
    /// </summary>
    /// <param name="history">The deployment's history line of the step (the size and where its tasks are).</param>
    protected static async Task<DeploymentOutcome?> ScaleUpUnexposedAsync(DeploymentContext context, VersionedDeployment deployment, string phase, string history, string failedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(deployment);
        var (cluster, green, time) = (deployment.Versions.Cluster, deployment.NewVersion!, context.Time);
        deployment.BeginPhase(time, phase, 0);
        context.Log.Progress(new DeploymentProgress(green.Name, phase, deployment.StartedAt) { Desired = deployment.TargetCount, TrafficPercent = 0 });
        await new ServiceVersions(context.Aws, context.Log).ResizeAsync(cluster, green.Name, deployment.TargetCount, cancellationToken).ConfigureAwait(false);
        var steady = await Steady(context).WaitAsync(cluster, green.Name, deployment.TargetCount, cancellationToken).ConfigureAwait(false);
        deployment.History.Add(history);
        return steady.Steady ? null : deployment.Fail(failedAt, steady.Detail, steady.Outcome);
    }

    /// <summary>A swap undone: the old versions back at their counts and steady, before traffic goes back to them.</summary>
    protected static async Task ResizeOldBackAsync(DeploymentContext context, VersionedDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(deployment);
        var versions = new ServiceVersions(context.Aws, context.Log);
        foreach (var old in deployment.OldCounts.Where(c => c.Count > 0))
        {
            await versions.ResizeAsync(deployment.Versions.Cluster, old.Name, old.Count, cancellationToken).ConfigureAwait(false);
            await Steady(context, rollback: true).WaitAsync(deployment.Versions.Cluster, old.Name, old.Count, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A swap's last step, once the new version takes all the traffic: the old versions are tagged GREEN and, with
    /// <paramref name="downsizeOld"/>, go to 0 tasks after <paramref name="downsizeDelay"/>; then the new version is
    /// finished as BLUE (<see cref="FinishAsync"/>).
    /// </summary>
    protected async Task<DeploymentOutcome> RetireOldAsync(DeploymentContext context, VersionedDeployment deployment, bool downsizeOld, TimeSpan downsizeDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(deployment);
        var (versions, time) = (new ServiceVersions(context.Aws, context.Log), context.Time);
        foreach (var old in deployment.OldCounts)
        {
            if (deployment.Versions.Find(old.Name) is { } version)
            {
                await versions.TagAsync(version, VersionTags.Colours(deployment.Versions, VersionTags.Green), cancellationToken).ConfigureAwait(false);
            }
        }

        if (downsizeOld)
        {
            if (downsizeDelay > TimeSpan.Zero)
            {
                context.Log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: waiting {downsizeDelay.TotalSeconds} s ({EcsProperties.DownsizeDelaySeconds}) before downsizing the old version"));
                await Task.Delay(downsizeDelay, time, cancellationToken).ConfigureAwait(false);
            }

            deployment.BeginPhase(time, "downsize the old version", 100);
            foreach (var old in deployment.OldCounts.Where(c => c.Count > 0))
            {
                await versions.ResizeAsync(deployment.Versions.Cluster, old.Name, 0, cancellationToken).ConfigureAwait(false);
            }

            deployment.History.Add($"downsized: {(deployment.OldCounts.Count == 0 ? "nothing" : string.Join(", ", deployment.OldCounts.Select(c => c.Name + "=0")))}");
        }

        await FinishAsync(context, deployment, VersionTags.Colours(deployment.Versions, VersionTags.Blue), cancellationToken).ConfigureAwait(false);
        return DeploymentOutcome.Succeeded;
    }

    /// <summary>After the last phase: the new version serves; auto scaling moves to it; old versions beyond the kept ones are deleted.</summary>
    protected async Task FinishAsync(DeploymentContext context, VersionedDeployment deployment, IEnumerable<Tag> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(deployment);
        var (aws, log, definitions) = (context.Aws, context.Log, context.Definitions);
        var versions = new ServiceVersions(aws, log);
        var cluster = deployment.Versions.Cluster;
        var newVersion = deployment.NewVersion!;
        await versions.TagAsync(newVersion, [VersionTags.Of(VersionTags.State, VersionTags.Serving), .. tags], cancellationToken).ConfigureAwait(false);
        if (definitions.Settings.AutoScaling is { MinCapacity: not null, MaxCapacity: not null })
        {
            var renamed = EcsJson.Deserialize<CreateServiceRequest>(EcsJson.Serialize(definitions.Service));
            renamed.ServiceName = newVersion.Name;
            await new ScalingConfigurator(aws, log).ApplyAsync(definitions with { Service = renamed }, cancellationToken).ConfigureAwait(false);
        }
        else if (deployment.ScalingBackups.Count > 0 && deployment.ScalingBackups[^1] is { } backup)
        {
            await new VersionScaling(aws, log).RestoreAsync(cluster, newVersion.Name, backup, cancellationToken).ConfigureAwait(false);
        }

        deployment.ScalingRemoved = false;
        var now = await versions.FindAsync(cluster, deployment.Versions.BaseName, cancellationToken).ConfigureAwait(false);
        var deleted = await versions.PruneAsync(now, KeepVersions, [newVersion.Name], cancellationToken).ConfigureAwait(false);
        var kept = now.Versions.Where(v => v.Name != newVersion.Name && !deleted.Contains(v.Name) && v.Service.Status == "ACTIVE").Select(v => v.Name).ToList();
        deployment.History.Add($"{newVersion.Name} serves; kept {(kept.Count == 0 ? "no old version" : string.Join(", ", kept))}{(deleted.Count == 0 ? string.Empty : $"; deleted {string.Join(", ", deleted)}")}");
        log.Info($"EcsBuildTasks: {deployment.History[^1]}");
    }

    private static string InProgressMessage(VersionSet set, ServiceVersion busy) =>
        $"{busy.Name} is being deployed by another build (it is tagged {VersionTags.State}={VersionTags.Deploying}); a second deployment of {set.BaseName} waits for it to finish. If no build is running (it was killed), undo it with: dotnet msbuild -t:EcsRollback, which restores {(busy.RollbackTo.Count == 0 ? "the versions before it" : VersionCount.Format(busy.RollbackTo))} and deletes {busy.Name}.";

    private static void PrintCancelledState(DeploymentContext context, VersionedDeployment deployment)
    {
        var log = context.Log;
        var cluster = deployment.Versions.Cluster;
        log.Info($"EcsBuildTasks: the build was cancelled during the deployment of {deployment.NewVersion?.Name}. Nothing is rolled back automatically; the versions are as they were at the last completed step.");
        log.Info("  See where they stand:  dotnet msbuild -t:EcsStatus");
        log.Info($"  Undo the deployment:   dotnet msbuild -t:EcsRollback   (restores {VersionCount.Format(deployment.OldCounts)} and deletes {deployment.NewVersion?.Name})");
        foreach (var count in deployment.OldCounts)
        {
            log.Info(string.Create(CultureInfo.InvariantCulture, $"  or by hand:            aws ecs update-service --cluster {cluster} --service {count.Name} --desired-count {count.Count}"));
        }
    }

    private async Task<DeploymentReport> ReportDeploymentAsync(DeploymentContext context, VersionedDeployment deployment, DeploymentVerdict? verdict)
    {
        var (aws, time, definitions) = (context.Aws, context.Time, context.Definitions);
        var cluster = deployment.Versions.Cluster;
        var image = definitions.MainContainer.Image;
        var newVersion = deployment.NewVersion;
        var current = deployment.Versions.Current;
        deployment.EndPhase(time, deployment.Restore is { Restored: false } || (verdict is not null && verdict.Outcome != DeploymentOutcome.Succeeded && deployment.Restore is null) ? "FAILED" : "SUCCESSFUL");
        DeploymentResult Result(string status, string? running) => new()
        {
            Status = status,
            Cluster = cluster,
            Service = newVersion?.Name ?? current?.Name ?? deployment.Versions.BaseName,
            ServiceArn = newVersion?.Service.ServiceArn ?? current?.Service.ServiceArn,
            Image = image,
            ImageDigest = StrategyResults.DigestOf(image),
            TaskDefinitionArn = deployment.Registered.Arn,
            TaskDefinitionRegistered = deployment.Registered.Registered,
            RunningTaskDefinitionArn = running,
            StatusReason = deployment.FailureDetail,
            ServiceChange = newVersion is null ? "unchanged" : "created",
            ChangedMembers = [.. deployment.History],
            LifecycleStages = deployment.Phases.Count == 0 ? null : [.. deployment.Phases],
            TimelineStartedAt = deployment.Phases.Count == 0 ? null : deployment.StartedAt,
            StepShare = deployment.Phases.Count == 0 ? null : TimelineShare,
            Region = aws.Factory.ResolvedRegion.SystemName,
            StartedAt = deployment.StartedAt,
            FinishedAt = time.GetUtcNow(),
            DeploySeconds = time.GetElapsedTime(deployment.Started).TotalSeconds,
            ApiCalls = aws.RequestCount,
            VerificationGates = deployment.Gates.Count == 0 ? null : [.. deployment.Gates.Select(g => g.ToSummary())],
        };

        if (deployment.Unchanged)
        {
            return new DeploymentReport(Result("up-to-date", deployment.Registered.Arn), null);
        }

        if (verdict is null)
        {
            context.Log.Info($"EcsBuildTasks: not waiting for the deployment ({EcsProperties.Wait}=false): {newVersion!.Name} was sized to {deployment.TargetCount} and the old versions to 0 at once; follow it with: dotnet msbuild -t:EcsStatus");
            return new DeploymentReport(Result("not-waited", null), null);
        }

        if (verdict.Outcome == DeploymentOutcome.Succeeded && deployment.Restore is null)
        {
            return new DeploymentReport(Result("succeeded", deployment.Registered.Arn), null);
        }

        var previous = deployment.OldCounts.LastOrDefault(c => c.Count > 0);
        var runningBefore = previous is null ? null : deployment.Versions.Find(previous.Name)?.Service.TaskDefinition;
        if (deployment.FailureOutcome is not (DeploymentOutcome.VerificationFailed or DeploymentOutcome.Cancelled) && newVersion is not null)
        {
            var details = await new FailureDiagnostics(aws).CollectAsync(cluster, newVersion.Name, deployment.Registered.Arn, deployment.StartedAt.UtcDateTime, [], CancellationToken.None).ConfigureAwait(false);
            if (details.Count > 0)
            {
                context.Log.Info($"EcsBuildTasks: why {newVersion.Name} ({Arns.Short(deployment.Registered.Arn)}) failed:");
                foreach (var line in details)
                {
                    context.Log.Info("  " + line);
                }
            }
        }

        foreach (var gate in deployment.Gates.Where(g => !g.Passed))
        {
            context.Log.Info($"EcsBuildTasks: evidence of the failed gate after {gate.Stage}:");
            foreach (var line in gate.Evidence)
            {
                context.Log.Info("  " + line);
            }
        }

        var status = DeploymentResult.StatusName(deployment.FailureOutcome ?? verdict.Outcome);
        var restore = deployment.Restore;
        if (restore is null || !restore.Restored)
        {
            return new DeploymentReport(Result(restore is null ? status : "failed", null), Incomplete(context, deployment, restore));
        }

        var gateFailed = deployment.FailureOutcome == DeploymentOutcome.VerificationFailed;
        var gateSubject = deployment.Gates.LastOrDefault(g => !g.Passed) is not null ? FailedGateSubject(context, deployment) : EcsProperties.PhaseItem;
        var message = $"{newVersion!.Name} failed at {deployment.FailedAt}: {deployment.FailureDetail}. The build rolled back: {restore.Describe()} again{(restore.Counts.Count == 0 ? " (there was no previous version)" : string.Empty)}, {newVersion.Name} deleted.";
        var error = deployment.FailureCause is { } cause
            ? new EcsDiagnostic(cause.Descriptor, DiagnosticSeverity.Error, cause.Subject, message)
            : new EcsDiagnostic(gateFailed ? DiagnosticCodes.PhaseGateFailed : DiagnosticCodes.PhaseFailed, DiagnosticSeverity.Error, gateFailed ? gateSubject : EcsProperties.PhaseItem, message);
        return new DeploymentReport(Result(status, runningBefore), error);
    }

    /// <summary>The property or item a failed gate came from (the phase's item, or the project's gate).</summary>
    protected virtual string FailedGateSubject(DeploymentContext context, VersionedDeployment deployment) =>
        context.Settings.TrafficShifting.Verification.Urls.Count > 0 ? EcsProperties.VerifyUrl : EcsProperties.VerifyAlarmItem;

    private static EcsDiagnostic Incomplete(DeploymentContext context, VersionedDeployment deployment, RestoreResult? restore)
    {
        var cluster = deployment.Versions.Cluster;
        var commands = string.Join("; ", deployment.OldCounts.Select(c => string.Create(CultureInfo.InvariantCulture, $"aws ecs update-service --cluster {cluster} --service {c.Name} --desired-count {c.Count}")));
        var state = restore is null ? "the build could not roll back" : $"the rollback did not complete ({string.Join("; ", restore.Problems)})";
        _ = context;
        return new EcsDiagnostic(DiagnosticCodes.VersionedRollbackIncomplete, DiagnosticSeverity.Error, EcsProperties.ServiceName,
            $"{deployment.NewVersion?.Name} failed at {deployment.FailedAt}: {deployment.FailureDetail}; {state}. The old versions should run {VersionCount.Format(deployment.OldCounts)}. Check with dotnet msbuild -t:EcsStatus and recover with dotnet msbuild -t:EcsRollback, or by hand: {commands}.");
    }

    private static DeploymentReport ReportRollback(DeploymentContext context, VersionedRollback rollback)
    {
        var settings = context.Settings;
        var result = new DeploymentResult
        {
            Status = rollback.Restore.Restored ? "rolled-back" : "failed",
            Cluster = settings.Cluster ?? context.Definitions.Service.Cluster!,
            Service = rollback.Restore.Counts.LastOrDefault(c => c.Count > 0)?.Name ?? context.Definitions.Service.ServiceName!,
            ChangedMembers = [$"{rollback.From} taken out of service", .. rollback.Restore.Counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} at {c.Count}"))],
            Region = context.Aws.Factory.ResolvedRegion.SystemName,
            StartedAt = context.Time.GetUtcNow(),
            FinishedAt = context.Time.GetUtcNow(),
            ApiCalls = context.Aws.RequestCount,
        };
        return new DeploymentReport(result, rollback.Restore.Restored ? null : new EcsDiagnostic(DiagnosticCodes.VersionedRollbackIncomplete, DiagnosticSeverity.Error, EcsProperties.ServiceName,
            $"The rollback from {rollback.From} did not complete: {string.Join("; ", rollback.Restore.Problems)}. The versions should run {VersionCount.Format(rollback.Restore.Counts)}; check with dotnet msbuild -t:EcsStatus and run dotnet msbuild -t:EcsRollback again."));
    }
}
