using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary>What the build asked ECS for to roll a service back, and the deployment that carries it out.</summary>
/// <param name="Change">The service as the rollback found it, and when the rollback was asked for.</param>
/// <param name="TaskDefinitionArn">The revision the service goes back to (the service's own, for a deployment stopped in flight).</param>
/// <param name="InFlightDeploymentArn">The deployment that was stopped with ROLLBACK; null when the previous revision was deployed again.</param>
/// <param name="Started">When the rollback started (<see cref="TimeProvider.GetTimestamp"/>).</param>
internal sealed record StartedRollback(ServiceChange Change, string TaskDefinitionArn, string? InFlightDeploymentArn, long Started);

/// <summary>
/// The one way the build rolls an ECS service back, whether a deployment of this build exceeded its limits
/// (<c>EcsTimeoutMinutes</c>, <c>EcsFailFastFailedTasks</c>) or <c>-t:EcsRollback</c> asks for it: a deployment in
/// flight is stopped with ROLLBACK (ECS returns to the revision that ran before it); otherwise the revision that ran
/// before is deployed again, as ECS's own rollback would (a rollback is a deployment of the past).
/// </summary>
internal sealed class ServiceRollback(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    private static readonly string[] InFlight = ["PENDING", "IN_PROGRESS", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED"];

    /// <summary>
    /// Stops <paramref name="inFlightDeploymentArn"/> with ROLLBACK, or deploys <paramref name="previousTaskDefinition"/>
    /// again; false when there is neither (nothing to go back to).
    /// </summary>
    public static async Task<bool> RequestAsync(AwsSession aws, string cluster, string serviceName, string? inFlightDeploymentArn, string? previousTaskDefinition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        if (inFlightDeploymentArn is { } arn)
        {
            await StopAsync(aws, arn, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (previousTaskDefinition is null)
        {
            return false;
        }

        await DeployAsync(aws, cluster, serviceName, previousTaskDefinition, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops a service deployment with ROLLBACK: ECS returns the service to the revision that ran before it.</summary>
    public static Task<StopServiceDeploymentResponse> StopAsync(AwsSession aws, string deploymentArn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        return AwsCalls.RunAsync("ECS StopServiceDeployment", () => aws.Ecs.StopServiceDeploymentAsync(new StopServiceDeploymentRequest { ServiceDeploymentArn = deploymentArn, StopType = "ROLLBACK" }, cancellationToken));
    }

    /// <summary>
    /// <c>-t:EcsRollback</c>: stops a deployment in flight with ROLLBACK; otherwise deploys the revision that ran before
    /// the current one (from the service deployment history, or the family's previous revision where that history is
    /// unavailable). Returns what to follow.
    /// </summary>
    public async Task<StartedRollback> StartAsync(string cluster, string serviceName, CancellationToken cancellationToken)
    {
        var service = await ServiceLookup.FindAsync(aws, cluster, serviceName, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.ServiceNotFound, EcsProperties.ServiceName, $"{EcsProperties.ServiceName}={serviceName}: there is no such service in cluster {cluster}.");
        var history = await HistoryAsync(aws, cluster, serviceName, cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        var inFlight = history?.FirstOrDefault(d => Array.IndexOf(InFlight, d.Status?.Value) >= 0);
        if (inFlight?.ServiceDeploymentArn is { } arn && inFlight.Status?.Value is "PENDING" or "IN_PROGRESS")
        {
            await RequestAsync(aws, cluster, serviceName, arn, null, cancellationToken).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: asked ECS to roll back the deployment in flight ({arn})");
            return new StartedRollback(new ServiceChange(ServiceChangeKind.Updated, service, time.GetUtcNow().UtcDateTime, ["rollback"]), service.TaskDefinition ?? string.Empty, arn, started);
        }

        var previous = await PreviousTaskDefinitionAsync(service, history, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.NothingToRollBack, EcsProperties.ServiceName,
                $"The service {serviceName} has no earlier revision to return to (it runs {Arns.Short(service.TaskDefinition)}).");
        log.Info($"EcsBuildTasks: rolling {serviceName} back from {Arns.Short(service.TaskDefinition)} to {Arns.Short(previous)}");
        var updated = await DeployAsync(aws, cluster, serviceName, previous, cancellationToken).ConfigureAwait(false);
        return new StartedRollback(new ServiceChange(ServiceChangeKind.Updated, updated.Service ?? service, time.GetUtcNow().UtcDateTime, ["taskDefinition"]), previous, null, started);
    }

    /// <summary>The service's deployments, newest first; null where the service deployment API is unavailable.</summary>
    public static async Task<List<ServiceDeploymentBrief>?> HistoryAsync(AwsSession aws, string cluster, string serviceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
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

    private static Task<UpdateServiceResponse> DeployAsync(AwsSession aws, string cluster, string serviceName, string taskDefinition, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync("ECS UpdateService", () => aws.Ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = cluster, Service = serviceName, TaskDefinition = taskDefinition }, cancellationToken));

    /// <summary>The revision that ran before the service's current one: from its deployment history, else its family's previous revision.</summary>
    public async Task<string?> PreviousTaskDefinitionAsync(EcsService service, List<ServiceDeploymentBrief>? history, CancellationToken cancellationToken)
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
        var family = Arns.Short(current)?.Split(':')[0];
        if (family is null)
        {
            return null;
        }

        var listed = await AwsCalls.RunAsync("ECS ListTaskDefinitions", () => aws.Ecs.ListTaskDefinitionsAsync(new ListTaskDefinitionsRequest { FamilyPrefix = family, Sort = "DESC", Status = "ACTIVE" }, cancellationToken)).ConfigureAwait(false);
        var arns = listed.TaskDefinitionArns ?? [];
        var index = arns.IndexOf(current!);
        return index >= 0 && index + 1 < arns.Count ? arns[index + 1] : arns.FirstOrDefault(a => a != current);
    }
}
