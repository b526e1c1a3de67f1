using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Deployment;

/// <summary>
/// <c>-t:EcsRollback</c> and <c>-t:EcsStatus</c>: returning a service to its previous revision, and showing where it
/// stands.
/// </summary>
public sealed class ServiceOperations(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    private static readonly string[] InFlight = ["PENDING", "IN_PROGRESS", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED"];

    /// <summary>
    /// Stops a deployment in flight with ROLLBACK; otherwise deploys the revision that ran before the current one
    /// (from the service deployment history, or the family's previous revision where that history is unavailable),
    /// and waits for the outcome.
    /// </summary>
    public async Task<DeploymentReport> RollbackAsync(string cluster, string serviceName, WaitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var service = await ServiceLookup.FindAsync(aws, cluster, serviceName, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.ServiceNotFound, EcsProperties.ServiceName, $"{EcsProperties.ServiceName}={serviceName}: there is no such service in cluster {cluster}.");
        var history = await HistoryAsync(cluster, serviceName, cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        var inFlight = history?.FirstOrDefault(d => Array.IndexOf(InFlight, d.Status?.Value) >= 0);
        if (inFlight?.ServiceDeploymentArn is { } arn && inFlight.Status?.Value is "PENDING" or "IN_PROGRESS")
        {
            await AwsCalls.RunAsync("ECS StopServiceDeployment", () => aws.Ecs.StopServiceDeploymentAsync(new StopServiceDeploymentRequest { ServiceDeploymentArn = arn, StopType = "ROLLBACK" }, cancellationToken)).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: asked ECS to roll back the deployment in flight ({arn})");
            var change = new ServiceChange(ServiceChangeKind.Updated, service, time.GetUtcNow().UtcDateTime, ["rollback"]);
            using var inFlightTraffic = TrafficShifting.TrafficShiftingMonitor.ForRollback(aws, log, time);
            var wait = await new DeploymentWaiter(aws, log, time).WaitAsync(change, service.TaskDefinition ?? string.Empty, options with { Observer = inFlightTraffic }, cancellationToken, deploymentArn: arn).ConfigureAwait(false);
            var shifted = await inFlightTraffic.FinishAsync(wait, CancellationToken.None).ConfigureAwait(false);
            return Report(service, wait, started, rolledBackTo: wait.RunningTaskDefinition, inFlightArn: arn, shifted);
        }

        var previous = await PreviousTaskDefinitionAsync(service, history, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.NothingToRollBack, EcsProperties.ServiceName,
                $"The service {serviceName} has no earlier revision to return to (it runs {ServiceDeployer.ShortArn(service.TaskDefinition)}).");
        log.Info($"EcsBuildTasks: rolling {serviceName} back from {ServiceDeployer.ShortArn(service.TaskDefinition)} to {ServiceDeployer.ShortArn(previous)}");
        var updated = await AwsCalls.RunAsync("ECS UpdateService", () => aws.Ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = cluster, Service = serviceName, TaskDefinition = previous }, cancellationToken)).ConfigureAwait(false);
        var rollbackChange = new ServiceChange(ServiceChangeKind.Updated, updated.Service ?? service, time.GetUtcNow().UtcDateTime, ["taskDefinition"]);

        // On a blue/green service the rollback is a deployment like any other: it must not wait at the build's gates.
        using var traffic = TrafficShifting.TrafficShiftingMonitor.ForRollback(aws, log, time);
        var result = await new DeploymentWaiter(aws, log, time).WaitAsync(rollbackChange, previous, options with { Observer = traffic }, cancellationToken).ConfigureAwait(false);
        return Report(service, result, started, rolledBackTo: previous, inFlightArn: null, await traffic.FinishAsync(result, CancellationToken.None).ConfigureAwait(false));
    }

    /// <summary>Prints the service's state and its recent deployments.</summary>
    public async Task<IReadOnlyList<string>> StatusAsync(string cluster, string serviceName, CancellationToken cancellationToken)
    {
        var service = await ServiceLookup.FindAsync(aws, cluster, serviceName, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.ServiceNotFound, EcsProperties.ServiceName, $"{EcsProperties.ServiceName}={serviceName}: there is no such service in cluster {cluster}.");
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            $"EcsBuildTasks: service {service.ServiceName} in {cluster}: {service.Status}, {service.SchedulingStrategy?.Value}, {service.LaunchType?.Value ?? "capacity providers"}",
            string.Create(inv, $"  Tasks           running {service.RunningCount}/{service.DesiredCount}, pending {service.PendingCount}"),
            $"  Task definition {ServiceDeployer.ShortArn(service.TaskDefinition)}",
        };
        foreach (var deployment in service.Deployments ?? [])
        {
            lines.Add(string.Create(inv, $"  Deployment      {deployment.Id} {deployment.Status} {deployment.RolloutState?.Value} {ServiceDeployer.ShortArn(deployment.TaskDefinition)}: running {deployment.RunningCount}/{deployment.DesiredCount}, failed {deployment.FailedTasks}{(deployment.RolloutStateReason is { } reason ? $" ({reason})" : string.Empty)}"));
        }

        var history = await HistoryAsync(cluster, serviceName, cancellationToken).ConfigureAwait(false);
        foreach (var entry in (history ?? []).Take(5))
        {
            lines.Add($"  History         {entry.CreatedAt:yyyy-MM-dd HH:mm:ss} {entry.Status?.Value} {entry.ServiceDeploymentArn}{(entry.StatusReason is { } reason ? $" ({reason})" : string.Empty)}");
        }

        foreach (var serviceEvent in (service.Events ?? []).OrderByDescending(e => e.CreatedAt).Take(5).Reverse())
        {
            lines.Add($"  Event           {serviceEvent.CreatedAt:HH:mm:ss} {serviceEvent.Message}");
        }

        return lines;
    }

    private async Task<List<ServiceDeploymentBrief>?> HistoryAsync(string cluster, string serviceName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await AwsCalls.RunAsync("ECS ListServiceDeployments", () => aws.Ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = cluster, Service = serviceName }, cancellationToken)).ConfigureAwait(false);
            return (response.ServiceDeployments ?? []).OrderByDescending(d => d.CreatedAt ?? DateTime.MinValue).ToList();
        }
        catch (DeploymentException ex) when (AwsCalls.IsUnsupportedOperation(ex))
        {
            return null;
        }
    }

    private async Task<string?> PreviousTaskDefinitionAsync(EcsBuildTasks.Aws.ECS.Model.Service service, List<ServiceDeploymentBrief>? history, CancellationToken cancellationToken)
    {
        var current = service.TaskDefinition;
        var successful = history?.Where(d => d.Status?.Value == "SUCCESSFUL" && d.TargetServiceRevisionArn is not null).Select(d => d.TargetServiceRevisionArn!).ToList();
        if (successful is { Count: > 0 })
        {
            var revisions = await AwsCalls.RunAsync("ECS DescribeServiceRevisions", () => aws.Ecs.DescribeServiceRevisionsAsync(new DescribeServiceRevisionsRequest { ServiceRevisionArns = successful.Take(20).ToList() }, cancellationToken)).ConfigureAwait(false);
            var byArn = (revisions.ServiceRevisions ?? []).Where(r => r.ServiceRevisionArn is not null).ToDictionary(r => r.ServiceRevisionArn!, r => r.TaskDefinition, StringComparer.Ordinal);
            var previous = successful.Select(arn => byArn.GetValueOrDefault(arn)).FirstOrDefault(td => td is not null && td != current);
            if (previous is not null)
            {
                return previous;
            }
        }

        // No deployment history: the family's revision before the current one.
        var family = ServiceDeployer.ShortArn(current)?.Split(':')[0];
        if (family is null)
        {
            return null;
        }

        var listed = await AwsCalls.RunAsync("ECS ListTaskDefinitions", () => aws.Ecs.ListTaskDefinitionsAsync(new ListTaskDefinitionsRequest { FamilyPrefix = family, Sort = "DESC", Status = "ACTIVE" }, cancellationToken)).ConfigureAwait(false);
        var arns = listed.TaskDefinitionArns ?? [];
        var index = arns.IndexOf(current!);
        return index >= 0 && index + 1 < arns.Count ? arns[index + 1] : arns.FirstOrDefault(a => a != current);
    }

    private DeploymentReport Report(EcsBuildTasks.Aws.ECS.Model.Service service, WaitResult wait, long started, string? rolledBackTo, string? inFlightArn, TrafficShifting.TrafficShiftingOutcome shifted)
    {
        var succeeded = wait.Outcome is DeploymentOutcome.Succeeded or DeploymentOutcome.RolledBack;
        var result = new DeploymentResult
        {
            Status = succeeded ? "rolled-back" : DeploymentResult.StatusName(wait.Outcome),
            Cluster = service.ClusterArn ?? string.Empty,
            Service = service.ServiceName ?? string.Empty,
            ServiceArn = service.ServiceArn,
            RunningTaskDefinitionArn = wait.RunningTaskDefinition ?? rolledBackTo,
            ServiceDeploymentArn = wait.ServiceDeploymentArn ?? inFlightArn,
            ServiceDeploymentStatus = wait.Status,
            StatusReason = wait.StatusReason,
            DeploySeconds = time.GetElapsedTime(started).TotalSeconds,
            WaitSeconds = wait.Duration.TotalSeconds,
            ApiCalls = aws.RequestCount,
            LifecycleStages = shifted.Stages.Count > 0 ? shifted.Stages : null,
        };
        var failure = shifted.Failure is { } trafficNotBack && trafficNotBack.Descriptor == DiagnosticCodes.TrafficNotBackOnBlue
            ? trafficNotBack
            : succeeded
            ? null
            : new EcsDiagnostic(DiagnosticCodes.DeploymentFailed, DiagnosticSeverity.Error, EcsProperties.ServiceName,
                $"The rollback of {service.ServiceName} did not complete ({wait.Status ?? wait.Outcome.ToString()}); the service runs {ServiceDeployer.ShortArn(wait.RunningTaskDefinition) ?? "an unknown revision"}. Check it with aws ecs describe-services --cluster {service.ClusterArn} --services {service.ServiceName}.");
        if (succeeded)
        {
            log.Info($"EcsBuildTasks: rolled back: {service.ServiceName} runs {ServiceDeployer.ShortArn(result.RunningTaskDefinitionArn)}");
        }

        return new DeploymentReport(result, failure);
    }
}
