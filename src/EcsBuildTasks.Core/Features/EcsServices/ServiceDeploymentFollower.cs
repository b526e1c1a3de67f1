using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.Verification;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary>What following a deployment adds to its result: the stage timeline, the gates, and a failure that explains it better.</summary>
internal sealed record FollowedDeployment(IReadOnlyList<StageTiming> Stages, IReadOnlyList<GateSummary> Gates, EcsDiagnostic? Failure)
{
    /// <summary>True when a gate or a lifecycle hook is the cause: stopped tasks and their logs would only tell of the rollback.</summary>
    public bool KnowsTheCause => Failure?.Descriptor == DiagnosticCodes.VerificationFailed || Failure?.Descriptor == DiagnosticCodes.LifecycleHookFailed;
}

/// <summary>
/// The build's verification gates at the PAUSE hook it adds to a service deployment (the traffic-shifting strategies
/// supply them). Without gates, the follower continues such a hook without checks.
/// </summary>
internal interface IVerificationGates : IDisposable
{
    /// <summary>False when the project asks for no checks: the gates' hooks are continued without any.</summary>
    bool Enabled { get; }

    /// <summary>The gates run so far.</summary>
    IReadOnlyList<GateSummary> Summaries { get; }

    /// <summary>Runs the gate ECS paused at and answers it; <see cref="DeploymentOutcome.VerificationFailed"/> when it failed and ECS was asked to roll back.</summary>
    Task<DeploymentOutcome?> RunAsync(ServiceDeployment deployment, string hookId, string stage, CancellationToken cancellationToken);

    /// <summary>After the wait: prints the evidence of a failed gate and returns the error that explains the outcome (null when no gate is the cause).</summary>
    EcsDiagnostic? Explain(WaitResult wait, string? running);
}

/// <summary>
/// Follows a service deployment of the ECS deployment controller for <see cref="ServiceDeploymentWatch"/>: prints every
/// lifecycle stage with the production and test traffic weights ECS reports, answers the build's gate hooks (with the
/// gates, or without checks when there are none, as in a rollback to a revision that served before), tells the user
/// how to continue their own PAUSE hooks, reports Lambda hooks, and after a rollback explains the alarms that caused it
/// and checks on the production listener rule that the traffic really is back on blue.
/// </summary>
internal sealed class ServiceDeploymentFollower : IServiceDeploymentObserver, IDisposable
{
    private readonly AwsSession aws;
    private readonly IDeploymentLog log;
    private readonly TimeProvider time;
    private readonly IVerificationGates? gates;
    private readonly IReadOnlyList<string> configuredGateStages;
    private readonly Func<DeploymentConfiguration?, IReadOnlyList<string>> expectedStages;
    private readonly long started;
    private readonly List<Visit> visits = [];
    private readonly HashSet<string> gateHooks = new(StringComparer.Ordinal);
    private readonly HashSet<string> announced = new(StringComparer.Ordinal);
    private ServiceDeployment? last;

    /// <param name="expectedStages">The lifecycle stages ECS runs for a deployment configuration, in order (the timeline lists the ones that passed between polls).</param>
    /// <param name="gates">The build's gates; null continues the gates' hooks without checks.</param>
    /// <param name="gateStages">Where the gates pause, as configured (the service deployment's own configuration is read too).</param>
    public ServiceDeploymentFollower(AwsSession aws, IDeploymentLog log, TimeProvider time, Func<DeploymentConfiguration?, IReadOnlyList<string>> expectedStages, IVerificationGates? gates, IReadOnlyList<string> gateStages)
    {
        this.aws = aws;
        this.log = log;
        this.time = time;
        this.expectedStages = expectedStages;
        this.gates = gates;
        configuredGateStages = gateStages;
        started = time.GetTimestamp();
    }

    /// <summary>The time the strategy's bakes and the gates may take; the build waits this on top of <c>EcsTimeoutMinutes</c>.</summary>
    public TimeSpan ConfiguredWaits { get; init; }

    /// <summary>A follower for a rollback: it never holds a rollback back at a gate.</summary>
    public static ServiceDeploymentFollower ForRollback(AwsSession aws, IDeploymentLog log, TimeProvider time, Func<DeploymentConfiguration?, IReadOnlyList<string>> expectedStages) =>
        new(aws, log, time, expectedStages, gates: null, gateStages: []);

    public async Task<DeploymentOutcome?> OnPollAsync(ServiceDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        last = deployment;
        RecordStage(deployment);
        return await HandleHooksAsync(deployment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the wait: the stage timeline, the gates, alarm evidence, and whether production traffic is back on blue after a rollback.</summary>
    public async Task<FollowedDeployment> FinishAsync(WaitResult wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wait);
        var stages = Timeline(wait);
        var gateSummaries = gates?.Summaries ?? [];
        if (last is null)
        {
            return new FollowedDeployment(stages, gateSummaries, null);
        }

        await ExplainAlarmsAsync(last, cancellationToken).ConfigureAwait(false);
        var trafficProblem = last.Status?.Value is "ROLLBACK_SUCCESSFUL" or "ROLLBACK_FAILED"
            ? await CheckTrafficBackOnBlueAsync(last, cancellationToken).ConfigureAwait(false)
            : null;
        var running = Arns.Short(wait.RunningTaskDefinition);
        var gateFailure = gates?.Explain(wait, running);
        EcsDiagnostic? failure = null;
        if (trafficProblem is not null)
        {
            failure = trafficProblem;
        }
        else if (gateFailure is not null)
        {
            failure = gateFailure;
        }
        else if (wait.Outcome == DeploymentOutcome.RolledBack && FailedHook(last) is { } hook)
        {
            var what = hook.Status?.Value == "TIMED_OUT" ? $"timed out (its timeout action is {hook.TimeoutAction?.Value ?? "ROLLBACK"})" : "reported FAILED";
            var target = hook.TargetType?.Value == "PAUSE" ? "PAUSE hook" : $"Lambda hook {hook.TargetArn}";
            failure = new EcsDiagnostic(DiagnosticCodes.LifecycleHookFailed, DiagnosticSeverity.Error, EcsProperties.LifecycleHookItem,
                $"The {target} ({hook.HookId}) {what}, so ECS rolled the deployment back ({wait.Status}); the service runs {running ?? "its previous revision"}. {(hook.TargetType?.Value == "PAUSE" ? "Someone answered ROLLBACK, or nobody answered in time." : "The function's logs in CloudWatch say why.")}");
        }

        return new FollowedDeployment(stages, gateSummaries, failure);
    }

    public void Dispose() => gates?.Dispose();

    private void RecordStage(ServiceDeployment deployment)
    {
        var stage = deployment.LifecycleStage?.Value;
        if (stage is null)
        {
            return;
        }

        var status = deployment.Status?.Value ?? "?";
        var production = deployment.TargetServiceRevision?.RequestedProductionTrafficWeight;
        var test = deployment.TargetServiceRevision?.RequestedTestTrafficWeight;
        var previous = visits.Count > 0 ? visits[^1] : null;
        if (previous is not null && previous.Stage == stage && previous.Status == status && previous.Production == production && previous.Test == test)
        {
            return;
        }

        var elapsed = time.GetElapsedTime(started);
        visits.Add(new Visit(stage, status, elapsed, production, test));
        var weights = DeploymentTimeline.Weights(production, test);
        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: [{(int)elapsed.TotalMinutes}:{elapsed.Seconds:00}] {(status == "IN_PROGRESS" ? string.Empty : status + " at ")}{stage}{(weights.Length == 0 ? string.Empty : " ·" + weights)}"));
    }

    private async Task<DeploymentOutcome?> HandleHooksAsync(ServiceDeployment deployment, CancellationToken cancellationToken)
    {
        var configuration = deployment.DeploymentConfiguration;
        var gateStages = (configuration?.LifecycleHooks ?? []).Where(GateHooks.IsGateHook).SelectMany(h => h.LifecycleStages ?? [])
            .Concat(configuredGateStages).ToHashSet(StringComparer.Ordinal);
        var userPauseStages = (configuration?.LifecycleHooks ?? []).Where(h => h.TargetType?.Value == "PAUSE" && !GateHooks.IsGateHook(h))
            .SelectMany(h => h.LifecycleStages ?? []).ToHashSet(StringComparer.Ordinal);
        var stage = GateHooks.HookStage(deployment.LifecycleStage?.Value);
        foreach (var hook in deployment.LifecycleHookDetails ?? [])
        {
            if (hook.HookId is not { } id || gateHooks.Contains(id))
            {
                continue;
            }

            var status = hook.Status?.Value;
            var pause = hook.TargetType?.Value == "PAUSE";
            if (pause && status == "AWAITING_ACTION" && gateStages.Count > 0 && (gateStages.Contains(stage) || userPauseStages.Count == 0))
            {
                gateHooks.Add(id);
                if (await AnswerGateAsync(deployment, id, stage, cancellationToken).ConfigureAwait(false) is { } rollback)
                {
                    return rollback;
                }

                continue;
            }

            if (!announced.Add($"{id}/{status}"))
            {
                continue;
            }

            var expires = hook.ExpiresAt is { } at ? string.Create(CultureInfo.InvariantCulture, $"{at:yyyy-MM-dd HH:mm:ss} UTC") : "its timeout";
            var timeoutAction = hook.TimeoutAction?.Value ?? "ROLLBACK";
            switch (status)
            {
                case "AWAITING_ACTION":
                    log.Info($"EcsBuildTasks: the deployment is paused at your PAUSE hook {id} ({stage}) and waits for you. Continue it with:");
                    log.Info($"  aws ecs continue-service-deployment --service-deployment-arn {deployment.ServiceDeploymentArn} --hook-id {id} --action CONTINUE");
                    log.Info($"  (or --action ROLLBACK); unanswered, ECS applies {timeoutAction} at {expires}. The build keeps waiting ({EcsProperties.TimeoutMinutes} still applies).");
                    break;
                case "IN_PROGRESS":
                    log.Info($"EcsBuildTasks: waiting for Lambda hook {hook.TargetArn} ({id}) at {stage}; unanswered, ECS applies {timeoutAction} at {expires}");
                    break;
                case "SUCCEEDED":
                    log.Info($"EcsBuildTasks: {(pause ? "PAUSE hook" : $"Lambda hook {hook.TargetArn}")} ({id}) SUCCEEDED; the deployment goes on");
                    break;
                case "FAILED":
                    log.Info($"EcsBuildTasks: {(pause ? "PAUSE hook" : $"Lambda hook {hook.TargetArn}")} ({id}) FAILED: ECS rolls the deployment back");
                    break;
                case "TIMED_OUT":
                    log.Info($"EcsBuildTasks: {(pause ? "PAUSE hook" : $"Lambda hook {hook.TargetArn}")} ({id}) TIMED OUT: ECS applies its timeout action {timeoutAction}{(timeoutAction == "CONTINUE" ? ": the deployment goes on" : ": the deployment rolls back")}");
                    break;
            }
        }

        return null;
    }

    private async Task<DeploymentOutcome?> AnswerGateAsync(ServiceDeployment deployment, string hookId, string stage, CancellationToken cancellationToken)
    {
        if (gates is null || !gates.Enabled)
        {
            log.Info($"EcsBuildTasks: continuing the build's verification gate at {stage} without checks (this deployment restores a revision that served before)");
            await GateHooks.ContinueAsync(aws, log, deployment.ServiceDeploymentArn!, hookId, "CONTINUE", cancellationToken).ConfigureAwait(false);
            return null;
        }

        return await gates.RunAsync(deployment, hookId, stage, cancellationToken).ConfigureAwait(false);
    }

    private static DeploymentLifecycleHookDetail? FailedHook(ServiceDeployment deployment) =>
        (deployment.LifecycleHookDetails ?? []).LastOrDefault(h => h.Status?.Value == "FAILED" || (h.Status?.Value == "TIMED_OUT" && h.TimeoutAction?.Value != "CONTINUE"));

    private async Task ExplainAlarmsAsync(ServiceDeployment deployment, CancellationToken cancellationToken)
    {
        var triggered = deployment.Alarms?.TriggeredAlarmNames ?? [];
        if (triggered.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var state in await new CloudWatchAlarmStates(aws).ReadAsync(triggered, cancellationToken).ConfigureAwait(false))
            {
                log.Info($"EcsBuildTasks: ECS rolled back because {state.Describe()}");
            }
        }
        catch (DeploymentException ex)
        {
            log.Info($"EcsBuildTasks: ECS rolled back because of alarm(s) {string.Join(", ", triggered)} (their state could not be read: {ex.Message})");
        }
    }

    /// <summary>
    /// After a rollback: the production rule must give all its weight to the target group that served before this
    /// deployment (blue, from the source revision's resolved configuration) and none to green.
    /// </summary>
    private async Task<EcsDiagnostic?> CheckTrafficBackOnBlueAsync(ServiceDeployment deployment, CancellationToken cancellationToken)
    {
        var source = deployment.SourceServiceRevisions?.LastOrDefault()?.Arn;
        var target = deployment.TargetServiceRevision?.Arn;
        if (source is null || target is null)
        {
            return null;
        }

        var revisions = await AwsCalls.RunAsync("ECS DescribeServiceRevisions", () => aws.Ecs.DescribeServiceRevisionsAsync(
            new DescribeServiceRevisionsRequest { ServiceRevisionArns = [source, target] }, cancellationToken)).ConfigureAwait(false);
        var sourceRevision = revisions.ServiceRevisions?.Find(r => r.ServiceRevisionArn == source);
        var targetRevision = revisions.ServiceRevisions?.Find(r => r.ServiceRevisionArn == target);
        var blue = sourceRevision?.ResolvedConfiguration?.LoadBalancers?.FirstOrDefault()?.TargetGroupArn ?? sourceRevision?.LoadBalancers?.FirstOrDefault()?.TargetGroupArn;
        var ruleArn = targetRevision?.LoadBalancers?.FirstOrDefault()?.AdvancedConfiguration?.ProductionListenerRule
            ?? sourceRevision?.ResolvedConfiguration?.LoadBalancers?.FirstOrDefault()?.ProductionListenerRule;
        if (blue is null || ruleArn is null)
        {
            return null;
        }

        var rule = await new ListenerRules(aws).DescribeAsync(ruleArn, cancellationToken).ConfigureAwait(false);
        if (rule is not null && rule.WeightOf(blue) > 0 && rule.Forwards.All(f => f.TargetGroupArn == blue || f.Weight == 0))
        {
            log.Info($"EcsBuildTasks: checked after the rollback: production traffic is back on blue ({ElbArns.ShortName(blue)}): {rule.Describe()}");
            return null;
        }

        var isListener = ElbArns.IsListener(ruleArn);
        var fix = isListener
            ? $"aws elbv2 modify-listener --listener-arn {ruleArn} --default-actions Type=forward,TargetGroupArn={blue}"
            : $"aws elbv2 modify-rule --rule-arn {ruleArn} --actions Type=forward,TargetGroupArn={blue}";
        var now = rule is null ? "could not be read" : $"forwards {rule.Describe()}";
        log.Info($"EcsBuildTasks: !!! PRODUCTION TRAFFIC IS NOT BACK ON BLUE: the production {(isListener ? "listener" : "rule")} {ruleArn} {now} after the rollback. Fix it now: {fix}");
        return new EcsDiagnostic(DiagnosticCodes.TrafficNotBackOnBlue, DiagnosticSeverity.Error, EcsProperties.ProductionListenerRuleArn,
            $"The deployment was rolled back ({deployment.Status?.Value}), but the production {(isListener ? "listener" : "rule")} {ruleArn} {now} instead of sending everything to blue ({ElbArns.ShortName(blue)}). Users may be reaching the rolled-back revision. Fix it now: {fix}");
    }

    /// <summary>Every stage in the order ECS runs them: the ones seen with their times, the ones that passed between polls without.</summary>
    private List<StageTiming> Timeline(WaitResult wait)
    {
        var end = time.GetElapsedTime(started);
        var seen = new List<StageTiming>();

        // The final SUCCESSFUL seen at the last stage is the end of that stage, not a stage of its own.
        var stages = visits.Where((v, i) => !(v.Status == "SUCCESSFUL" && i > 0 && visits[i - 1].Stage == v.Stage)).ToList();
        for (var i = 0; i < stages.Count; i++)
        {
            var visit = stages[i];
            var until = i + 1 < stages.Count ? stages[i + 1].At : end;
            seen.Add(new StageTiming(visit.Stage, visit.Status, Math.Round(visit.At.TotalSeconds, 1), Math.Round((until - visit.At).TotalSeconds, 1), visit.Production, visit.Test));
        }

        var expected = expectedStages(last?.DeploymentConfiguration);
        var result = new List<StageTiming>();
        var next = 0;
        foreach (var timing in seen)
        {
            // A stage seen again (new weights, or the rollback) matches the next expected occurrence, if any.
            // So does the stage ECS reports SUCCESSFUL at (CLEAN_UP), when the build had not seen it in progress.
            var found = timing.Status is "IN_PROGRESS" or "SUCCESSFUL" ? IndexOf(expected, timing.Stage, next) : -1;
            for (; found >= 0 && next < found; next++)
            {
                result.Add(new StageTiming(expected[next], "IN_PROGRESS", null, null, null, null));
            }

            next = found >= 0 ? found + 1 : next;
            result.Add(timing);
        }

        if (wait.Outcome == DeploymentOutcome.Succeeded)
        {
            for (; next < expected.Count; next++)
            {
                result.Add(new StageTiming(expected[next], "IN_PROGRESS", null, null, null, null));
            }
        }

        return result;
    }

    private static int IndexOf(IReadOnlyList<string> list, string value, int from)
    {
        for (var i = from; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private sealed record Visit(string Stage, string Status, TimeSpan At, double? Production, double? Test);
}
