using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.ManagedDaemon;

/// <summary>What following a daemon deployment found: ECS's outcome (or a limit of the build), and the deployment as last described.</summary>
internal sealed record DaemonWaitResult(DeploymentOutcome Outcome, DaemonDeployment? Deployment, TimeSpan Duration)
{
    /// <summary><c>EcsTimeoutMinutes</c> or <c>EcsFailFastFailedTasks</c> was reached while the deployment goes on: the build rolls it back.</summary>
    public bool BuildMustRollBack { get; init; }
}

/// <summary>
/// Waits on one daemon deployment (<c>DescribeDaemonDeployments</c>) until ECS's verdict, printing its progress per
/// capacity provider (instances on the new revision, instances draining) whenever it changes: SUCCESSFUL is success,
/// ROLLBACK_SUCCESSFUL means ECS's circuit breaker or an alarm put the previous revision back, STOPPED that something
/// replaced it. Polls fast at first and backs off, like the service deployment watch.
/// </summary>
internal sealed class DaemonDeploymentWatch(AwsSession aws, IDeploymentLog log, TimeProvider time, string deploymentArn, TimeSpan timeout, int? failFastFailedTasks, TimeSpan pollCap)
{
    private readonly long started = time.GetTimestamp();
    private string? lastProgress;

    public string DeploymentArn { get; } = deploymentArn;

    public async Task<DaemonWaitResult> WatchAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(0.1);
        DaemonDeployment? deployment = null;
        try
        {
            while (true)
            {
                deployment = await DescribeAsync(aws, DeploymentArn, cancellationToken).ConfigureAwait(false);
                Progress(deployment);
                var outcome = deployment?.Status?.Value switch
                {
                    "SUCCESSFUL" => DeploymentOutcome.Succeeded,
                    "ROLLBACK_SUCCESSFUL" => DeploymentOutcome.RolledBack,
                    "ROLLBACK_FAILED" => DeploymentOutcome.Failed,
                    "STOPPED" => DeploymentOutcome.Stopped,
                    _ => (DeploymentOutcome?)null,
                };
                if (outcome is { } final)
                {
                    return new DaemonWaitResult(final, deployment, time.GetElapsedTime(started));
                }

                var rollingBack = deployment?.Status?.Value == "ROLLBACK_IN_PROGRESS";
                if (!rollingBack && failFastFailedTasks is { } limit && deployment?.CircuitBreaker?.FailureCount is { } failed && failed >= limit)
                {
                    log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: {failed} daemon task(s) failed ({EcsProperties.FailFastFailedTasks}={limit}): rolling the daemon back"));
                    return new DaemonWaitResult(DeploymentOutcome.FailedFast, deployment, time.GetElapsedTime(started)) { BuildMustRollBack = true };
                }

                if (!rollingBack && time.GetElapsedTime(started) > timeout)
                {
                    log.Info($"EcsBuildTasks: the daemon deployment did not finish within {timeout.TotalMinutes:0} minutes ({EcsProperties.TimeoutMinutes}): rolling back");
                    return new DaemonWaitResult(DeploymentOutcome.TimedOut, deployment, time.GetElapsedTime(started)) { BuildMustRollBack = true };
                }

                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * 1.5), pollCap.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new DaemonWaitResult(DeploymentOutcome.Cancelled, deployment, time.GetElapsedTime(started));
        }
    }

    public static async Task<DaemonDeployment?> DescribeAsync(AwsSession aws, string deploymentArn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        var response = await AwsCalls.RunAsync("ECS DescribeDaemonDeployments", () => aws.Ecs.DescribeDaemonDeploymentsAsync(new DescribeDaemonDeploymentsRequest { DaemonDeploymentArns = [deploymentArn] }, cancellationToken)).ConfigureAwait(false);
        return response.DaemonDeployments?.FirstOrDefault();
    }

    /// <summary>Per capacity provider: instances running the target revision, and those running older ones or draining.</summary>
    public static IReadOnlyList<string> ProviderLines(DaemonDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var target = deployment.TargetDaemonRevision;
        var sources = deployment.SourceDaemonRevisions ?? [];
        var providers = (target?.CapacityProviders ?? []).Select(p => p.Arn).Concat(sources.SelectMany(s => s.CapacityProviders ?? []).Select(p => p.Arn))
            .OfType<string>().Distinct(StringComparer.Ordinal);
        return [.. providers.Select(arn =>
        {
            var onTarget = target?.CapacityProviders?.Find(p => p.Arn == arn);
            var older = sources.SelectMany(s => s.CapacityProviders ?? []).Where(p => p.Arn == arn).ToList();
            var draining = (onTarget?.DrainingInstanceCount ?? 0) + older.Sum(p => p.DrainingInstanceCount ?? 0);
            var running = onTarget?.RunningInstanceCount ?? 0;
            var old = older.Sum(p => p.RunningInstanceCount ?? 0);
            return string.Create(CultureInfo.InvariantCulture, $"{Arns.Short(arn)}: {running}/{running + old} instance(s) on the new revision{(draining > 0 ? $", {draining} draining" : string.Empty)}");
        })];
    }

    private void Progress(DaemonDeployment? deployment)
    {
        if (deployment is null)
        {
            return;
        }

        var line = $"{deployment.Status?.Value} · {string.Join(" · ", ProviderLines(deployment))}";
        if (line == lastProgress)
        {
            return;
        }

        lastProgress = line;
        var elapsed = time.GetElapsedTime(started);
        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: [{(int)elapsed.TotalMinutes}:{elapsed.Seconds:00}] {line}{(deployment.StatusReason is { } reason && deployment.Status?.Value is not ("IN_PROGRESS" or "PENDING") ? $" ({reason})" : string.Empty)}"));
    }
}
