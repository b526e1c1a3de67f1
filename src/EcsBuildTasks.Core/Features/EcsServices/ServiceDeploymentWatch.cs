using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary>
/// Follows a service deployment alongside <see cref="ServiceDeploymentWatch"/>: called after every poll that described it
/// (blue/green, canary and linear use it for stages, traffic weights, lifecycle hooks and verification gates).
/// </summary>
internal interface IServiceDeploymentObserver
{
    /// <returns>The reason, when the observer asked ECS to roll the deployment back; otherwise null.</returns>
    Task<DeploymentOutcome?> OnPollAsync(ServiceDeployment deployment, CancellationToken cancellationToken);
}

/// <summary>How long and how eagerly to wait.</summary>
internal sealed record WaitOptions(TimeSpan Timeout, int? FailFastFailedTasks, TimeSpan PollCap, TimeSpan ProgressInterval)
{
    /// <summary>After asking ECS to roll back, how long to wait for the rollback to finish.</summary>
    public TimeSpan RollbackTimeout { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan FirstPoll { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>How far apart <see cref="ServiceDeploymentWatch"/>'s polls grow (other waits poll at <see cref="PollCap"/>).</summary>
    public TimeSpan DeploymentPollCap { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// While a known service deployment is followed and has not finished, the service itself (its events) is described
    /// at most this often; the deployment is described every poll, and the service again as soon as the deployment ends.
    /// </summary>
    public TimeSpan ServiceRefresh { get; init; }

    /// <summary>Sees every description of the service deployment (traffic-shifting strategies).</summary>
    public IServiceDeploymentObserver? Observer { get; init; }

    /// <summary>
    /// The waiting a project asks for: <c>EcsTimeoutMinutes</c> plus <paramref name="configuredWaits"/> (bake times the
    /// strategy asks for), <c>EcsFailFastFailedTasks</c>, and a cadence that fits the endpoint: LocalEcs and other local
    /// endpoints answer at once and run simulated time, AWS deployments take minutes and polls count against throttling.
    /// </summary>
    /// <param name="resolvedEndpoint">The endpoint the build talks to, when it differs from the settings' (LocalEcs once started).</param>
    public static WaitOptions For(EcsSettings settings, string? resolvedEndpoint = null, TimeSpan configuredWaits = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var local = settings.Target == DeploymentTarget.Local || settings.EndpointUrl is not null || resolvedEndpoint is not null;
        return new WaitOptions(
            TimeSpan.FromMinutes(settings.TimeoutMinutes) + configuredWaits,
            settings.FailFastFailedTasks,
            PollCap: local ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5),
            ProgressInterval: local ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(10))
        {
            // A local endpoint answers in a millisecond and may finish the deployment at once (LocalEcs in instant mode
            // settles it on its next 50 ms tick): look again soon rather than idle a whole interval; AWS takes minutes.
            FirstPoll = local ? TimeSpan.FromSeconds(0.025) : TimeSpan.FromSeconds(0.5),

            // Against AWS, a service deployment's end is noticed within 2.2 s at under 0.5 describe calls a second: one
            // DescribeServiceDeployments per poll, one DescribeServices every 30 s (1/2.2 + 1/30 ≈ 0.49; every 22 s was
            // 0.5 exactly, and the describe at the end tipped it over) (docs/benchmarks.md, "Polling").
            DeploymentPollCap = local ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2.2),
            ServiceRefresh = local ? TimeSpan.Zero : TimeSpan.FromSeconds(30),
        };
    }
}

/// <summary>The outcome of a deployment as ECS reports it.</summary>
internal sealed record WaitResult(
    DeploymentOutcome Outcome,
    string? ServiceDeploymentArn,
    string? Status,
    string? StatusReason,
    string? RunningTaskDefinition,
    TimeSpan Duration,
    IReadOnlyList<ServiceEvent> Events)
{
    /// <summary>
    /// A limit of the build was reached (<see cref="Outcome"/> says which: TimedOut or FailedFast) and the deployment
    /// goes on: the build rolls it back (<see cref="ServiceDeploymentWatch.RequestRollbackAsync"/>) and watches on.
    /// </summary>
    public bool BuildMustRollBack { get; init; }

    /// <summary>The newer service deployment that stopped this one (<see cref="DeploymentOutcome.Superseded"/>).</summary>
    public string? SupersededBy { get; init; }

    /// <summary>When the watch began: <see cref="Samples"/> count from here.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Every change of status, stage, task counts or weight the watch saw, in order (what a rolling update went through).</summary>
    public IReadOnlyList<ProgressSample> Samples { get; init; } = [];

    /// <summary>The service as the watch last described it, with its tags (what the deployed-inputs seal is made of).</summary>
    public EcsService? Service { get; init; }
}

/// <summary>What one poll of the watch saw, when it differed from the poll before.</summary>
/// <param name="At">Time since the watch began.</param>
internal sealed record ProgressSample(TimeSpan At, string Status, string? Stage, int Running, int Desired, int Pending, double? ProductionTrafficWeight);

/// <summary>
/// Waits on the service deployment itself (ListServiceDeployments / DescribeServiceDeployments), not on "stable":
/// success only when the deployment is SUCCESSFUL and the service's primary deployment runs the new task definition.
/// Where those APIs are missing (older endpoints, moto) it follows <c>deployments[]</c> and <c>rolloutState</c>.
/// Polls fast at first and backs off to <see cref="WaitOptions.DeploymentPollCap"/>; prints a progress line at most every
/// <see cref="WaitOptions.ProgressInterval"/> (and on every state change) and each new service event once.
/// </summary>
internal sealed class ServiceDeploymentWatch
{
    private static readonly HashSet<string> TerminalStatuses = new(StringComparer.Ordinal) { "SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED" };

    private readonly AwsSession aws;
    private readonly IDeploymentLog log;
    private readonly TimeProvider time;
    private readonly WaitOptions options;
    private readonly WaitState state;
    private TimeSpan interval;
    private bool polled;
    private WaitResult? finished;

    /// <param name="taskDefinitionArn">The revision the deployment brings (the previous one, for a rollback the build started).</param>
    /// <param name="deploymentArn">The service deployment to follow when it is known (a rollback of one in flight); otherwise the newest one after the change.</param>
    public ServiceDeploymentWatch(AwsSession aws, IDeploymentLog log, TimeProvider time, ServiceChange change, string taskDefinitionArn, WaitOptions options, string? deploymentArn = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(options);
        this.aws = aws;
        this.log = log;
        this.time = time;
        this.options = options;
        state = new WaitState(change, taskDefinitionArn, time.GetTimestamp(), time.GetUtcNow()) { DeploymentArn = deploymentArn };
        interval = options.FirstPoll;
    }

    /// <summary>
    /// Polls until the deployment reaches a verdict: ECS's outcome, a limit of the build
    /// (<see cref="WaitResult.BuildMustRollBack"/>), or cancellation. Called again after the build's rollback, it watches
    /// on where it stopped, one poll interval later, with the same clock and the events seen so far.
    /// </summary>
    public async Task<WaitResult> WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await WatchUntilVerdictAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            log.ProgressDone();
        }
    }

    private async Task<WaitResult> WatchUntilVerdictAsync(CancellationToken cancellationToken)
    {
        if (finished is not null)
        {
            return finished;
        }

        var resume = polled;
        while (true)
        {
            try
            {
                if (resume)
                {
                    resume = false;
                    await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                    interval = Next(interval);
                }

                cancellationToken.ThrowIfCancellationRequested();
                polled = true;
                var result = await PollAsync(state, options, cancellationToken).ConfigureAwait(false);
                if (result is not null)
                {
                    return result;
                }

                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return state.Result(DeploymentOutcome.Cancelled, time);
            }

            interval = Next(interval);
        }
    }

    /// <summary>
    /// The build's rollback of this deployment (the reason is the limit that was reached): stops it with ROLLBACK, or,
    /// without the service deployment API, deploys the revision that ran before, like ECS's own rollback would.
    /// </summary>
    public async Task RequestRollbackAsync(DeploymentOutcome reason, CancellationToken cancellationToken)
    {
        state.RollbackReason = reason;
        state.RollbackRequestedAt = time.GetTimestamp();
        try
        {
            var service = state.Change.Service;
            var inFlight = state.LegacyMode ? null : state.DeploymentArn;
            var previous = service.TaskDefinition is { } before && before != state.TaskDefinitionArn && state.Change.Kind != ServiceChangeKind.Created ? before : null;
            if (!await ServiceRollback.RequestAsync(aws, service.ClusterArn!, service.ServiceName!, inFlight, previous, cancellationToken).ConfigureAwait(false))
            {
                finished = state.Result(DeploymentOutcome.Failed, time);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            finished = state.Result(DeploymentOutcome.Cancelled, time);
        }
    }

    private TimeSpan Next(TimeSpan current) => TimeSpan.FromTicks(Math.Min((long)(current.Ticks * 1.5), options.DeploymentPollCap.Ticks));

    private async Task<WaitResult?> PollAsync(WaitState state, WaitOptions options, CancellationToken cancellationToken)
    {
        var cluster = state.Change.Service.ClusterArn ?? throw new InvalidOperationException("The service has no cluster ARN.");
        var serviceName = state.Change.Service.ServiceName!;
        var refresh = state.Service is null || state.LegacyMode || state.DeploymentArn is null || time.GetElapsedTime(state.ServiceDescribedAt) >= options.ServiceRefresh;
        if (refresh)
        {
            await DescribeServiceAsync(state, cluster, serviceName, cancellationToken).ConfigureAwait(false);
        }

        if (!state.LegacyMode)
        {
            await FollowServiceDeploymentAsync(state, cluster, serviceName, cancellationToken).ConfigureAwait(false);
        }

        var terminal = !state.LegacyMode && state.Deployment?.Status?.Value is { } current && TerminalStatuses.Contains(current);
        if (terminal || (!refresh && (state.LegacyMode || state.Deployment?.Status?.Value is null)))
        {
            // The verdict reads the service as it is now (which revision is primary), not as it was at the last refresh,
            // nor as it was a moment before the deployment turned terminal: a refresh read just before the deployment's
            // ROLLBACK_SUCCESSFUL can still name the failed revision as primary.
            await DescribeServiceAsync(state, cluster, serviceName, cancellationToken).ConfigureAwait(false);
        }

        var service = state.Service!;

        if (options.Observer is { } observer && !state.LegacyMode && state.Deployment is { } described
            && await observer.OnPollAsync(described, cancellationToken).ConfigureAwait(false) is { } requested && state.RollbackReason is null)
        {
            state.RollbackReason = requested;
            state.RollbackRequestedAt = time.GetTimestamp();
        }

        var outcome = state.LegacyMode ? EvaluateLegacy(state, service) : EvaluateServiceDeployment(state, service);
        ReportProgress(state, service, options);
        if (outcome == DeploymentOutcome.Stopped && await SupersedingAsync(state, cluster, serviceName, cancellationToken).ConfigureAwait(false) is { } newer)
        {
            log.Info($"EcsBuildTasks: the deployment was superseded by a newer one, {newer.Arn}{(Arns.Short(newer.TaskDefinition) is { } revision ? $" (of {revision})" : string.Empty)}");
            return state.Result(DeploymentOutcome.Superseded, time) with { SupersededBy = newer.Arn };
        }

        if (outcome is { } final)
        {
            return state.Result(final, time);
        }

        return CheckLimits(state, options);
    }

    private async Task DescribeServiceAsync(WaitState state, string cluster, string serviceName, CancellationToken cancellationToken)
    {
        var described = await AwsCalls.RunAsync("ECS DescribeServices", () => aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [serviceName], Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
        state.Service = described.Services?.FirstOrDefault() ?? throw new DeploymentException(DiagnosticCodes.ServiceNotFound, EcsProperties.ServiceName, $"The service {serviceName} disappeared while deploying.");
        state.ServiceDescribedAt = time.GetTimestamp();
        PrintNewEvents(state, state.Service);
    }

    private async Task FollowServiceDeploymentAsync(WaitState state, string cluster, string serviceName, CancellationToken cancellationToken)
    {
        try
        {
            if (state.DeploymentArn is null)
            {
                var list = await AwsCalls.RunAsync("ECS ListServiceDeployments", () => aws.Ecs.ListServiceDeploymentsAsync(
                    new ListServiceDeploymentsRequest { Cluster = cluster, Service = serviceName, CreatedAt = new CreatedAt { After = state.Change.RequestedAt.AddMinutes(-2) } },
                    cancellationToken)).ConfigureAwait(false);
                var ours = await OursAsync(state, list.ServiceDeployments ?? [], cancellationToken).ConfigureAwait(false);
                if (ours is null)
                {
                    // Listing is eventually consistent; after a few empty answers follow deployments[] instead.
                    if (++state.EmptyListings >= 5)
                    {
                        SwitchToLegacy(state, "ECS listed no service deployment for this change after 5 tries");
                    }

                    return;
                }

                state.DeploymentArn = ours;
                log.Info($"EcsBuildTasks: following service deployment {state.DeploymentArn}");
            }

            var response = await AwsCalls.RunAsync("ECS DescribeServiceDeployments", () => aws.Ecs.DescribeServiceDeploymentsAsync(
                new DescribeServiceDeploymentsRequest { ServiceDeploymentArns = [state.DeploymentArn!] }, cancellationToken)).ConfigureAwait(false);
            state.Deployment = response.ServiceDeployments?.FirstOrDefault();
        }
        catch (DeploymentException ex) when (AwsCalls.IsUnsupportedOperation(ex))
        {
            SwitchToLegacy(state, $"the endpoint does not serve ECS's service deployment API ({(ex.Diagnostics.Count > 0 ? ex.Diagnostics[0].Subject : "ListServiceDeployments")} answered {Answer(ex.InnerException ?? ex)})");
        }
    }

    /// <summary>
    /// This build's service deployment among those listed since the change: the newest whose target revision runs the
    /// task definition the build deployed. Another build's deployment of another revision, started meanwhile, is never
    /// taken for ours (its newest deployment would be): ours is then found stopped by it, and reported superseded.
    /// </summary>
    private async Task<string?> OursAsync(WaitState state, List<ServiceDeploymentBrief> listed, CancellationToken cancellationToken)
    {
        var candidates = listed.Where(d => d.ServiceDeploymentArn is not null).OrderByDescending(d => d.CreatedAt ?? DateTime.MinValue).ToList();
        if (candidates.Count <= 1 || state.Change.Kind == ServiceChangeKind.Created)
        {
            return candidates.FirstOrDefault()?.ServiceDeploymentArn;
        }

        var revisions = candidates.Select(d => d.TargetServiceRevisionArn).OfType<string>().Distinct(StringComparer.Ordinal).Take(20).ToList();
        if (revisions.Count == 0)
        {
            return candidates[0].ServiceDeploymentArn;
        }

        DescribeServiceRevisionsResponse described;
        try
        {
            described = await AwsCalls.RunAsync("ECS DescribeServiceRevisions", () => aws.Ecs.DescribeServiceRevisionsAsync(
                new DescribeServiceRevisionsRequest { ServiceRevisionArns = revisions }, cancellationToken)).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is Amazon.Runtime.AmazonServiceException)
        {
            // Without the revisions (no permission, an older endpoint) the newest deployment is ours, as it nearly always is.
            log.Detail($"EcsBuildTasks: could not describe the service revisions ({ex.Message}); following the newest service deployment");
            return candidates[0].ServiceDeploymentArn;
        }

        var ourRevisions = (described.ServiceRevisions ?? []).Where(r => r.TaskDefinition == state.TaskDefinitionArn).Select(r => r.ServiceRevisionArn).ToHashSet(StringComparer.Ordinal);
        return candidates.Find(d => d.TargetServiceRevisionArn is { } target && ourRevisions.Contains(target))?.ServiceDeploymentArn;
    }

    /// <summary>The newer service deployment that stopped ours, when one did (null: it was stopped by someone, not superseded).</summary>
    private async Task<(string Arn, string? TaskDefinition)?> SupersedingAsync(WaitState state, string cluster, string serviceName, CancellationToken cancellationToken)
    {
        if (state.Deployment?.CreatedAt is not { } ours)
        {
            return null;
        }

        var list = await AwsCalls.RunAsync("ECS ListServiceDeployments", () => aws.Ecs.ListServiceDeploymentsAsync(
            new ListServiceDeploymentsRequest { Cluster = cluster, Service = serviceName, CreatedAt = new CreatedAt { After = ours } }, cancellationToken)).ConfigureAwait(false);
        var newer = (list.ServiceDeployments ?? [])
            .Where(d => d.ServiceDeploymentArn is not null && d.ServiceDeploymentArn != state.DeploymentArn && (d.CreatedAt ?? DateTime.MinValue) >= ours)
            .OrderByDescending(d => d.CreatedAt ?? DateTime.MinValue)
            .FirstOrDefault();
        return newer is null ? null : (newer.ServiceDeploymentArn!, state.Service?.Deployments?.Find(d => d.Status == "PRIMARY")?.TaskDefinition);
    }

    /// <summary>
    /// Follows the service's <c>deployments[]</c> from now on, and says so (issue 16: a fallback was once a silent wait):
    /// why, what completion means then, and what cannot be seen that way.
    /// </summary>
    private void SwitchToLegacy(WaitState state, string why)
    {
        state.LegacyMode = true;
        log.Info($"EcsBuildTasks: {why}: following the service's deployments[] instead. Complete means: the deployment of {Arns.Short(state.TaskDefinitionArn)} is PRIMARY with rolloutState COMPLETED (rolled back: another revision PRIMARY and COMPLETED again); lifecycle stages and hooks are not visible this way, and an endpoint that never sets rolloutState (moto runs no tasks) is never seen to finish: the wait then ends at {EcsProperties.TimeoutMinutes}={options.Timeout.TotalMinutes:0}.");
    }

    private static string Answer(Exception ex) => ex is Amazon.Runtime.AmazonServiceException service
        ? $"HTTP {(int)service.StatusCode}{(string.IsNullOrEmpty(service.ErrorCode) ? string.Empty : " " + service.ErrorCode)}"
        : ex.Message;

    private static DeploymentOutcome? EvaluateServiceDeployment(WaitState state, EcsService service)
    {
        var status = state.Deployment?.Status?.Value;
        if (status is null || !TerminalStatuses.Contains(status))
        {
            return null;
        }

        return status switch
        {
            "SUCCESSFUL" => ServedOurRevision(state.Deployment!, service, state.TaskDefinitionArn) ? DeploymentOutcome.Succeeded : DeploymentOutcome.Failed,
            "ROLLBACK_SUCCESSFUL" => state.RollbackReason ?? DeploymentOutcome.RolledBack,
            "STOPPED" => state.RollbackReason is null ? DeploymentOutcome.Stopped : DeploymentOutcome.Failed,
            _ => DeploymentOutcome.Failed,
        };
    }

    /// <summary>
    /// Whether a SUCCESSFUL service deployment put this build's revision in service: the revision is primary, or it was
    /// until a newer deployment, created only after ours finished, replaced it (another build that waited for ours,
    /// issue 14; read between our two describes). ECS's SUCCESSFUL alone does not say the revision is ours.
    /// </summary>
    internal static bool ServedOurRevision(ServiceDeployment deployment, EcsService service, string taskDefinitionArn)
    {
        var primary = service.Deployments?.Find(d => d.Status == "PRIMARY");
        return primary?.TaskDefinition == taskDefinitionArn
            || (deployment.FinishedAt is { } finished && primary?.CreatedAt is { } created && created >= finished);
    }

    private static DeploymentOutcome? EvaluateLegacy(WaitState state, EcsService service)
    {
        var deployments = service.Deployments ?? [];
        var ours = deployments.Find(d => d.TaskDefinition == state.TaskDefinitionArn);
        var primary = deployments.Find(d => d.Status == "PRIMARY");
        if (ours is not null && ours.Status == "PRIMARY" && ours.RolloutState?.Value == "COMPLETED")
        {
            return DeploymentOutcome.Succeeded;
        }

        var oursFailed = ours?.RolloutState?.Value == "FAILED";
        if (primary is not null && primary.TaskDefinition != state.TaskDefinitionArn && (ours is null || oursFailed || state.RollbackReason is not null))
        {
            // Another revision is primary again: rolled back (circuit breaker, alarm, or the build's own rollback),
            // finished once that revision's rollout completed.
            return primary.RolloutState?.Value == "COMPLETED" || primary.RolloutState is null
                ? state.RollbackReason ?? DeploymentOutcome.RolledBack
                : null;
        }

        // Failed with nothing to fall back to (circuit breaker without rollback, or the first revision of a service).
        return oursFailed && state.RollbackReason is null && ours == primary ? DeploymentOutcome.Failed : null;
    }

    /// <summary>Null while the deployment may go on; a verdict when the rollback the build asked for took too long, or a limit is reached.</summary>
    private WaitResult? CheckLimits(WaitState state, WaitOptions options)
    {
        if (state.RollbackReason is not null)
        {
            return time.GetElapsedTime(state.RollbackRequestedAt) > options.RollbackTimeout ? state.Result(DeploymentOutcome.Failed, time) : null;
        }

        var failed = FailedTasks(state);
        if (options.FailFastFailedTasks is { } limit && failed >= limit)
        {
            log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: {failed} task(s) failed (EcsFailFastFailedTasks={limit}): stopping the deployment and rolling back"));
            return state.Result(DeploymentOutcome.FailedFast, time) with { BuildMustRollBack = true };
        }

        if (time.GetElapsedTime(state.StartedAt) > options.Timeout)
        {
            var seen = state.LegacyMode
                ? $"; followed through deployments[], where {Arns.Short(state.TaskDefinitionArn)} {(state.Service?.Deployments?.Find(d => d.TaskDefinition == state.TaskDefinitionArn) is { } ours ? $"is {ours.Status} with rolloutState {ours.RolloutState?.Value ?? "unset"}" : "does not appear")}"
                : string.Empty;
            log.Info($"EcsBuildTasks: the deployment did not finish within {options.Timeout.TotalMinutes:0} minutes (EcsTimeoutMinutes{seen}): rolling back");
            return state.Result(DeploymentOutcome.TimedOut, time) with { BuildMustRollBack = true };
        }

        return null;
    }

    private static int FailedTasks(WaitState state)
    {
        if (state.Deployment?.DeploymentCircuitBreaker?.FailureCount is { } count)
        {
            return count;
        }

        return state.Service?.Deployments?.Find(d => d.TaskDefinition == state.TaskDefinitionArn)?.FailedTasks ?? 0;
    }

    private void PrintNewEvents(WaitState state, EcsService service)
    {
        foreach (var serviceEvent in (service.Events ?? []).OrderBy(e => e.CreatedAt))
        {
            if (serviceEvent.Id is { } id && state.SeenEvents.Add(id))
            {
                state.Events.Add(serviceEvent);
                log.Info($"EcsBuildTasks: [event {serviceEvent.CreatedAt:HH:mm:ss}] {serviceEvent.Message}");
            }
        }
    }

    private void ReportProgress(WaitState state, EcsService service, WaitOptions options)
    {
        var line = ProgressLine(state, service);
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(state.StartedAt, now);
        Sample(state, line, elapsed);
        log.Progress(LiveProgress(state, line));
        var changed = line.Status != state.LastProgressStatus;
        if (!changed && state.LastProgressAt != 0 && time.GetElapsedTime(state.LastProgressAt, now) < options.ProgressInterval)
        {
            return;
        }

        state.LastProgressStatus = line.Status;
        state.LastProgressAt = now;
        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: [{(int)elapsed.TotalMinutes}:{elapsed.Seconds:00}] {line.Status} · running {line.Running}/{line.Desired} · pending {line.Pending} · failed {line.Failed}"));
    }

    /// <summary>Keeps what this poll saw when it differs from the poll before (the timeline of the result).</summary>
    private void Sample(WaitState state, (string Status, int Running, int Desired, int Pending, int Failed) line, TimeSpan elapsed)
    {
        var deployment = state.LegacyMode ? null : state.Deployment;
        var sample = new ProgressSample(elapsed, deployment?.Status?.Value ?? line.Status, deployment?.LifecycleStage?.Value, line.Running, line.Desired, line.Pending,
            deployment?.TargetServiceRevision?.RequestedProductionTrafficWeight);
        var last = state.Samples.Count > 0 ? state.Samples[^1] : null;
        if (last is null || last with { At = elapsed } != sample)
        {
            state.Samples.Add(sample);
        }

        if (last is null || last.Stage != sample.Stage)
        {
            state.StageEnteredAt = time.GetUtcNow();
        }

        if (last is null || last.ProductionTrafficWeight != sample.ProductionTrafficWeight)
        {
            state.WeightChangedAt = time.GetUtcNow();
        }
    }

    /// <summary>
    /// The live view of this poll: the stage, the new revision's tasks and share of production traffic, and the time
    /// left of a bake (the bake time stage, or a canary's or a linear step's bake before the next shift).
    /// </summary>
    private static DeploymentProgress LiveProgress(WaitState state, (string Status, int Running, int Desired, int Pending, int Failed) line)
    {
        var deployment = state.LegacyMode ? null : state.Deployment;
        var configuration = deployment?.DeploymentConfiguration;
        var stage = deployment?.LifecycleStage?.Value;
        var weight = deployment?.TargetServiceRevision?.RequestedProductionTrafficWeight;
        DateTimeOffset? bakeEndsAt = null;
        if (deployment?.Status?.Value == "IN_PROGRESS" && stage == "BAKE_TIME" && configuration?.BakeTimeInMinutes is { } bake)
        {
            bakeEndsAt = state.StageEnteredAt + TimeSpan.FromMinutes(bake);
        }
        else if (deployment?.Status?.Value == "IN_PROGRESS" && stage == "PRODUCTION_TRAFFIC_SHIFT" && weight is > 0 and < 100
            // The configuration may keep the other strategy's step settings from an earlier deployment (seen: a Linear
            // deployment after a Canary one still carries canaryConfiguration): ECS's own strategy value says which apply.
            && (configuration?.Strategy == EcsBuildTasks.Aws.ECS.DeploymentStrategy.CANARY ? configuration.CanaryConfiguration?.CanaryBakeTimeInMinutes : configuration?.LinearConfiguration?.StepBakeTimeInMinutes) is { } step)
        {
            bakeEndsAt = state.WeightChangedAt + TimeSpan.FromMinutes(step);
        }

        var activity = deployment is null ? line.Status : stage is null ? deployment.Status?.Value ?? line.Status : deployment.Status?.Value == "IN_PROGRESS" ? stage : $"{deployment.Status?.Value} ({stage})";
        return new DeploymentProgress(state.Change.Service.ServiceName ?? "service", activity, state.StartedAtUtc)
        {
            Running = line.Running,
            Desired = line.Desired,
            TrafficPercent = weight,
            BakeEndsAt = bakeEndsAt,
        };
    }

    private static (string Status, int Running, int Desired, int Pending, int Failed) ProgressLine(WaitState state, EcsService service)
    {
        if (!state.LegacyMode && state.Deployment is { } deployment)
        {
            var target = deployment.TargetServiceRevision;
            var stage = deployment.LifecycleStage?.Value is { } s ? $" ({s})" : string.Empty;
            return ($"{deployment.Status?.Value}{stage}", target?.RunningTaskCount ?? service.RunningCount ?? 0, target?.RequestedTaskCount ?? service.DesiredCount ?? 0,
                target?.PendingTaskCount ?? service.PendingCount ?? 0, FailedTasks(state));
        }

        var ours = service.Deployments?.Find(d => d.TaskDefinition == state.TaskDefinitionArn);
        return ours is null
            ? ($"waiting for the deployment to start", service.RunningCount ?? 0, service.DesiredCount ?? 0, service.PendingCount ?? 0, 0)
            : ($"{ours.RolloutState?.Value ?? ours.Status}", ours.RunningCount ?? 0, ours.DesiredCount ?? 0, ours.PendingCount ?? 0, ours.FailedTasks ?? 0);
    }

    private sealed class WaitState(ServiceChange change, string taskDefinitionArn, long startedAt, DateTimeOffset startedAtUtc)
    {
        public ServiceChange Change { get; } = change;

        public string TaskDefinitionArn { get; } = taskDefinitionArn;

        public long StartedAt { get; } = startedAt;

        public DateTimeOffset StartedAtUtc { get; } = startedAtUtc;

        public List<ProgressSample> Samples { get; } = [];

        public DateTimeOffset StageEnteredAt { get; set; } = startedAtUtc;

        public DateTimeOffset WeightChangedAt { get; set; } = startedAtUtc;

        public HashSet<string> SeenEvents { get; } = new((change.Service.Events ?? []).Select(e => e.Id).OfType<string>(), StringComparer.Ordinal);

        public List<ServiceEvent> Events { get; } = [];

        public EcsService? Service { get; set; }

        public long ServiceDescribedAt { get; set; }

        public string? DeploymentArn { get; set; }

        public ServiceDeployment? Deployment { get; set; }

        public bool LegacyMode { get; set; }

        public int EmptyListings { get; set; }

        public DeploymentOutcome? RollbackReason { get; set; }

        public long RollbackRequestedAt { get; set; }

        public string? LastProgressStatus { get; set; }

        public long LastProgressAt { get; set; }

        public WaitResult Result(DeploymentOutcome outcome, TimeProvider time) => new(
            outcome,
            DeploymentArn,
            Deployment?.Status?.Value ?? Service?.Deployments?.Find(d => d.TaskDefinition == TaskDefinitionArn)?.RolloutState?.Value,
            Deployment?.StatusReason ?? Service?.Deployments?.Find(d => d.TaskDefinition == TaskDefinitionArn)?.RolloutStateReason,
            // A succeeded deployment ran this build's revision, even when a newer one (started after it) is primary now.
            outcome == DeploymentOutcome.Succeeded ? TaskDefinitionArn : Service?.Deployments?.Find(d => d.Status == "PRIMARY")?.TaskDefinition ?? Service?.TaskDefinition,
            time.GetElapsedTime(StartedAt),
            Events)
        {
            StartedAt = StartedAtUtc,
            Samples = [.. Samples],
            Service = Service,
        };
    }
}
