using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.Verification;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.EcsTrafficShifting;

/// <summary>
/// The build's verification gates during a BlueGreen, Canary or Linear deployment: when ECS pauses at the gate hook,
/// probes green (URLs through the test listener, alarms) and answers CONTINUE, or ROLLBACK when the gate fails. The
/// gate before the first production step continues at once: nothing changed since the test gate.
/// </summary>
internal sealed class VerificationGateRunner : IVerificationGates
{
    private readonly AwsSession aws;
    private readonly IDeploymentLog log;
    private readonly TimeProvider time;
    private readonly VerificationSettings verification;
    private readonly HttpClient http;
    private readonly List<GateResult> gates = [];
    private bool testGatePassed;

    /// <param name="handler">HTTP handler for the URL probes (tests); null uses a new one.</param>
    public VerificationGateRunner(AwsSession aws, IDeploymentLog log, TimeProvider time, VerificationSettings verification, HttpMessageHandler? handler)
    {
        this.aws = aws;
        this.log = log;
        this.time = time;
        this.verification = verification;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public bool Enabled => verification.Enabled;

    public IReadOnlyList<GateSummary> Summaries => gates.Select(g => g.ToSummary()).ToList();

    public async Task<DeploymentOutcome?> RunAsync(ServiceDeployment deployment, string hookId, string stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var arn = deployment.ServiceDeploymentArn!;
        var production = deployment.TargetServiceRevision?.RequestedProductionTrafficWeight ?? 0;
        if (testGatePassed && production <= 0)
        {
            // PRE_PRODUCTION_TRAFFIC_SHIFT runs before every step, the first one too: nothing has changed since the test gate.
            log.Info($"EcsBuildTasks: gate at {stage} before the first production step: nothing new since the test traffic was verified; continuing");
            await GateHooks.ContinueAsync(aws, log, arn, hookId, "CONTINUE", cancellationToken).ConfigureAwait(false);
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
            await GateHooks.ContinueAsync(aws, log, arn, hookId, "CONTINUE", cancellationToken).ConfigureAwait(false);
            return null;
        }

        log.Info($"EcsBuildTasks: VERIFICATION FAILED at {stage}: rolling the deployment back (traffic returns to blue)");
        try
        {
            await GateHooks.ContinueAsync(aws, log, arn, hookId, "ROLLBACK", cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex)
        {
            // The hook may have expired meanwhile; stopping the deployment rolls it back all the same.
            log.Info($"EcsBuildTasks: ContinueServiceDeployment ROLLBACK was refused ({ex.Message}); stopping the deployment with ROLLBACK instead");
            await ServiceRollback.StopAsync(aws, arn, cancellationToken).ConfigureAwait(false);
        }

        return DeploymentOutcome.VerificationFailed;
    }

    public EcsDiagnostic? Explain(WaitResult wait, string? running)
    {
        ArgumentNullException.ThrowIfNull(wait);
        var failedGate = gates.LastOrDefault(g => !g.Passed);
        if (failedGate is null)
        {
            return null;
        }

        log.Info($"EcsBuildTasks: evidence of the failed verification gate at {failedGate.Stage}:");
        foreach (var line in failedGate.Evidence)
        {
            log.Info("  " + line);
        }

        if (wait.Outcome != DeploymentOutcome.VerificationFailed)
        {
            return null;
        }

        var subject = verification.Urls.Count > 0 ? EcsProperties.VerifyUrl : EcsProperties.VerifyAlarmItem;
        return new EcsDiagnostic(DiagnosticCodes.VerificationFailed, DiagnosticSeverity.Error, subject,
            $"The verification gate at {failedGate.Stage} ({failedGate.Purpose}) failed: {failedGate.Summary}. The build asked ECS to roll back ({wait.Status}); the service runs {running ?? "its previous revision"} and production traffic is on blue. The evidence is above.");
    }

    public void Dispose() => http.Dispose();
}
