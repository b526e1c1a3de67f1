using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Deployment.Verification;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Deployment.TrafficShifting;

/// <summary>One lifecycle stage as the build saw it (seconds from the start of waiting; null when it passed between two polls).</summary>
public sealed record StageTiming(string Stage, string Status, double? StartedAtSeconds, double? Seconds, double? ProductionTrafficWeight, double? TestTrafficWeight);

/// <summary>One verification gate of the build.</summary>
public sealed record GateSummary(string Stage, string Purpose, bool Passed, double Seconds, int Rounds, string Summary);

/// <summary>What the monitor adds to a finished deployment: the stage timeline, the gates, and a failure that explains it better.</summary>
public sealed record TrafficShiftingOutcome(IReadOnlyList<StageTiming> Stages, IReadOnlyList<GateSummary> Gates, EcsDiagnostic? Failure)
{
    /// <summary>True when a gate or a lifecycle hook is the cause: stopped tasks and their logs would only tell of the rollback.</summary>
    public bool KnowsTheCause => Failure?.Descriptor == DiagnosticCodes.VerificationFailed || Failure?.Descriptor == DiagnosticCodes.LifecycleHookFailed;
}

/// <summary>
/// Follows a BlueGreen, Canary or Linear service deployment for <see cref="DeploymentWaiter"/>: prints every lifecycle
/// stage with the production and test traffic weights, runs the build's verification gates when ECS pauses for them
/// and answers with ContinueServiceDeployment (CONTINUE, or ROLLBACK when a gate fails), tells the user how to continue
/// their own PAUSE hooks, reports Lambda hooks, and after a rollback checks on the production listener rule that the
/// traffic really is back on blue.
/// </summary>
public sealed class TrafficShiftingMonitor : IServiceDeploymentObserver, IDisposable
{
    private static readonly HashSet<string> HookEnded = new(StringComparer.Ordinal) { "SUCCEEDED", "FAILED", "TIMED_OUT" };

    private readonly AwsSession aws;
    private readonly IDeploymentLog log;
    private readonly TimeProvider time;
    private readonly VerificationSettings? verification;
    private readonly IReadOnlyList<string> configuredGateStages;
    private readonly HttpClient http;
    private readonly long started;
    private readonly List<Visit> visits = [];
    private readonly HashSet<string> gateHooks = new(StringComparer.Ordinal);
    private readonly HashSet<string> announced = new(StringComparer.Ordinal);
    private readonly List<GateResult> gates = [];
    private ServiceDeployment? last;
    private bool testGatePassed;

    /// <param name="verification">The gates' checks; null continues the build's gate hooks without checks (a rollback to a revision that served before).</param>
    /// <param name="gateStages">Where the gates pause, as configured (the service deployment's own configuration is read too).</param>
    /// <param name="handler">HTTP handler for the URL probes (tests); null uses a new one.</param>
    public TrafficShiftingMonitor(AwsSession aws, IDeploymentLog log, TimeProvider time, VerificationSettings? verification, IReadOnlyList<string> gateStages, HttpMessageHandler? handler = null)
    {
        this.aws = aws;
        this.log = log;
        this.time = time;
        this.verification = verification;
        configuredGateStages = gateStages;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        started = time.GetTimestamp();
    }

    /// <summary>The time the strategy's bakes and the gates may take; the build waits this on top of <c>EcsTimeoutMinutes</c>.</summary>
    public TimeSpan ConfiguredWaits { get; init; }

    /// <summary>A monitor for deploying these definitions, or null for a rolling deployment.</summary>
    public static TrafficShiftingMonitor? ForDeployment(AwsSession aws, IDeploymentLog log, TimeProvider time, GeneratedDefinitions definitions, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        if (!TrafficShiftingBuilder.IsTrafficShifting(settings.DeploymentStrategy))
        {
            return null;
        }

        var configuration = definitions.Service.DeploymentConfiguration;
        var verification = settings.TrafficShifting.Verification;
        return new TrafficShiftingMonitor(aws, log, time, verification, TrafficShiftingBuilder.GateStages(settings), handler)
        {
            ConfiguredWaits = TrafficShiftingPlan.ConfiguredWaits(configuration, TrafficShiftingPlan.GateCount(settings, configuration), verification),
        };
    }

    /// <summary>A monitor for <c>EcsRollback</c>: it never holds a rollback back at a gate.</summary>
    public static TrafficShiftingMonitor ForRollback(AwsSession aws, IDeploymentLog log, TimeProvider time) => new(aws, log, time, verification: null, gateStages: []);

    public async Task<DeploymentOutcome?> OnPollAsync(ServiceDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        last = deployment;
        RecordStage(deployment);
        return await HandleHooksAsync(deployment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the wait: the stage timeline, the gates, alarm evidence, and whether production traffic is back on blue after a rollback.</summary>
    public async Task<TrafficShiftingOutcome> FinishAsync(WaitResult wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wait);
        var stages = Timeline(wait);
        var gateSummaries = gates.Select(g => new GateSummary(g.Stage, g.Purpose, g.Passed, Math.Round(g.Duration.TotalSeconds, 1), g.Rounds, g.Summary)).ToList();
        if (last is null)
        {
            return new TrafficShiftingOutcome(stages, gateSummaries, null);
        }

        await ExplainAlarmsAsync(last, cancellationToken).ConfigureAwait(false);
        var trafficProblem = last.Status?.Value is "ROLLBACK_SUCCESSFUL" or "ROLLBACK_FAILED"
            ? await CheckTrafficBackOnBlueAsync(last, cancellationToken).ConfigureAwait(false)
            : null;
        var failedGate = gates.LastOrDefault(g => !g.Passed);
        if (failedGate is not null)
        {
            log.Info($"EcsBuildTasks: evidence of the failed verification gate at {failedGate.Stage}:");
            foreach (var line in failedGate.Evidence)
            {
                log.Info("  " + line);
            }
        }

        var running = ServiceDeployer.ShortArn(wait.RunningTaskDefinition);
        EcsDiagnostic? failure = null;
        if (trafficProblem is not null)
        {
            failure = trafficProblem;
        }
        else if (failedGate is not null && wait.Outcome == DeploymentOutcome.VerificationFailed)
        {
            var subject = verification?.Urls.Count > 0 ? EcsProperties.VerifyUrl : EcsProperties.VerifyAlarmItem;
            failure = new EcsDiagnostic(DiagnosticCodes.VerificationFailed, DiagnosticSeverity.Error, subject,
                $"The verification gate at {failedGate.Stage} ({failedGate.Purpose}) failed: {failedGate.Summary}. The build asked ECS to roll back ({wait.Status}); the service runs {running ?? "its previous revision"} and production traffic is on blue. The evidence is above.");
        }
        else if (wait.Outcome == DeploymentOutcome.RolledBack && FailedHook(last) is { } hook)
        {
            var what = hook.Status?.Value == "TIMED_OUT" ? $"timed out (its timeout action is {hook.TimeoutAction?.Value ?? "ROLLBACK"})" : "reported FAILED";
            var target = hook.TargetType?.Value == "PAUSE" ? "PAUSE hook" : $"Lambda hook {hook.TargetArn}";
            failure = new EcsDiagnostic(DiagnosticCodes.LifecycleHookFailed, DiagnosticSeverity.Error, EcsProperties.LifecycleHookItem,
                $"The {target} ({hook.HookId}) {what}, so ECS rolled the deployment back ({wait.Status}); the service runs {running ?? "its previous revision"}. {(hook.TargetType?.Value == "PAUSE" ? "Someone answered ROLLBACK, or nobody answered in time." : "The function's logs in CloudWatch say why.")}");
        }

        return new TrafficShiftingOutcome(stages, gateSummaries, failure);
    }

    public void Dispose() => http.Dispose();

    /// <summary>The summary lines for a result (stage timeline and gates).</summary>
    public static IEnumerable<string> SummaryLines(IReadOnlyList<StageTiming> stages, IReadOnlyList<GateSummary> gates)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(gates);
        var inv = CultureInfo.InvariantCulture;
        foreach (var stage in stages)
        {
            var at = stage.StartedAtSeconds is { } s ? Clock(s) : "-";
            var took = stage.Seconds is { } d ? string.Create(inv, $"{d:0.0} s") : "between polls";
            yield return string.Create(inv, $"  Stage           {at,-8} {stage.Stage,-30} {took,-14}{Weights(stage.ProductionTrafficWeight, stage.TestTrafficWeight)}{(stage.Status is "IN_PROGRESS" or "SUCCESSFUL" ? string.Empty : $" ({stage.Status})")}").TrimEnd();
        }

        foreach (var gate in gates)
        {
            yield return string.Create(inv, $"  Gate            {gate.Stage} {(gate.Passed ? "passed" : "FAILED")} in {gate.Seconds:0.0} s ({gate.Purpose}): {gate.Summary}");
        }
    }

    private static string Clock(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)}:{seconds % 60:00.0}");

    private static string Weights(double? production, double? test) =>
        production is null && test is null
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $" production: green {production ?? 0:0.#}% / blue {100 - (production ?? 0):0.#}% · test: green {test ?? 0:0.#}%");

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
        var weights = Weights(production, test);
        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: [{(int)elapsed.TotalMinutes}:{elapsed.Seconds:00}] {(status == "IN_PROGRESS" ? string.Empty : status + " at ")}{stage}{(weights.Length == 0 ? string.Empty : " ·" + weights)}"));
    }

    private async Task<DeploymentOutcome?> HandleHooksAsync(ServiceDeployment deployment, CancellationToken cancellationToken)
    {
        var configuration = deployment.DeploymentConfiguration;
        var gateStages = (configuration?.LifecycleHooks ?? []).Where(TrafficShiftingBuilder.IsGateHook).SelectMany(h => h.LifecycleStages ?? [])
            .Concat(configuredGateStages).ToHashSet(StringComparer.Ordinal);
        var userPauseStages = (configuration?.LifecycleHooks ?? []).Where(h => h.TargetType?.Value == "PAUSE" && !TrafficShiftingBuilder.IsGateHook(h))
            .SelectMany(h => h.LifecycleStages ?? []).ToHashSet(StringComparer.Ordinal);
        var stage = HookStage(deployment.LifecycleStage?.Value);
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
                if (await RunGateAsync(deployment, id, stage, cancellationToken).ConfigureAwait(false) is { } rollback)
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

    /// <summary>The hook stage a paused deployment is at (ECS shows PRE_PRODUCTION_TRAFFIC_SHIFT hooks as PRODUCTION_TRAFFIC_SHIFT, where no PAUSE may run).</summary>
    private static string HookStage(string? lifecycleStage) => lifecycleStage == "PRODUCTION_TRAFFIC_SHIFT" ? TrafficShiftingBuilder.StepGateStage : lifecycleStage ?? "?";

    private async Task<DeploymentOutcome?> RunGateAsync(ServiceDeployment deployment, string hookId, string stage, CancellationToken cancellationToken)
    {
        var arn = deployment.ServiceDeploymentArn!;
        var production = deployment.TargetServiceRevision?.RequestedProductionTrafficWeight ?? 0;
        if (verification is null || !verification.Enabled)
        {
            log.Info($"EcsBuildTasks: continuing the build's verification gate at {stage} without checks (this deployment restores a revision that served before)");
            await ContinueAsync(arn, hookId, "CONTINUE", cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (testGatePassed && production <= 0)
        {
            // PRE_PRODUCTION_TRAFFIC_SHIFT runs before every step, the first one too: nothing has changed since the test gate.
            log.Info($"EcsBuildTasks: gate at {stage} before the first production step: nothing new since the test traffic was verified; continuing");
            await ContinueAsync(arn, hookId, "CONTINUE", cancellationToken).ConfigureAwait(false);
            return null;
        }

        var purpose = !testGatePassed ? "green has test traffic only"
            : production >= 100 ? "green has all production traffic"
            : string.Create(CultureInfo.InvariantCulture, $"green has {production:0.#}% of production traffic");
        var gate = new VerificationGate(verification, new UrlProbe(http, time), new CloudWatchAlarmStates(aws), log, time);
        GateResult result;
        try
        {
            result = await gate.RunAsync(stage, purpose, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Info($"EcsBuildTasks: the build was cancelled during the verification gate at {stage}: the deployment stays paused there, and ECS rolls it back when the gate's hook times out. Decide now instead:");
            log.Info($"  aws ecs continue-service-deployment --service-deployment-arn {arn} --hook-id {hookId} --action ROLLBACK   (or --action CONTINUE)");
            throw;
        }

        gates.Add(result);
        if (result.Passed)
        {
            testGatePassed = true;
            await ContinueAsync(arn, hookId, "CONTINUE", cancellationToken).ConfigureAwait(false);
            return null;
        }

        log.Info($"EcsBuildTasks: VERIFICATION FAILED at {stage}: rolling the deployment back (traffic returns to blue)");
        try
        {
            await ContinueAsync(arn, hookId, "ROLLBACK", cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex)
        {
            // The hook may have expired meanwhile; stopping the deployment rolls it back all the same.
            log.Info($"EcsBuildTasks: ContinueServiceDeployment ROLLBACK was refused ({ex.Message}); stopping the deployment with ROLLBACK instead");
            await AwsCalls.RunAsync("ECS StopServiceDeployment", () => aws.Ecs.StopServiceDeploymentAsync(new StopServiceDeploymentRequest { ServiceDeploymentArn = arn, StopType = "ROLLBACK" }, cancellationToken)).ConfigureAwait(false);
        }

        return DeploymentOutcome.VerificationFailed;
    }

    private async Task ContinueAsync(string deploymentArn, string hookId, string action, CancellationToken cancellationToken)
    {
        await AwsCalls.RunAsync("ECS ContinueServiceDeployment", () => aws.Ecs.ContinueServiceDeploymentAsync(
            new ContinueServiceDeploymentRequest { ServiceDeploymentArn = deploymentArn, HookId = hookId, Action = action }, cancellationToken)).ConfigureAwait(false);
        log.Detail($"EcsBuildTasks: ContinueServiceDeployment {action} for hook {hookId}");
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
            log.Info($"EcsBuildTasks: checked after the rollback: production traffic is back on blue ({TrafficShiftingArns.ShortName(blue)}): {rule.Describe()}");
            return null;
        }

        var isListener = TrafficShiftingArns.IsListener(ruleArn);
        var fix = isListener
            ? $"aws elbv2 modify-listener --listener-arn {ruleArn} --default-actions Type=forward,TargetGroupArn={blue}"
            : $"aws elbv2 modify-rule --rule-arn {ruleArn} --actions Type=forward,TargetGroupArn={blue}";
        var now = rule is null ? "could not be read" : $"forwards {rule.Describe()}";
        log.Info($"EcsBuildTasks: !!! PRODUCTION TRAFFIC IS NOT BACK ON BLUE: the production {(isListener ? "listener" : "rule")} {ruleArn} {now} after the rollback. Fix it now: {fix}");
        return new EcsDiagnostic(DiagnosticCodes.TrafficNotBackOnBlue, DiagnosticSeverity.Error, EcsProperties.ProductionListenerRuleArn,
            $"The deployment was rolled back ({deployment.Status?.Value}), but the production {(isListener ? "listener" : "rule")} {ruleArn} {now} instead of sending everything to blue ({TrafficShiftingArns.ShortName(blue)}). Users may be reaching the rolled-back revision. Fix it now: {fix}");
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

        var expected = TrafficShiftingPlan.Stages(last?.DeploymentConfiguration);
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
