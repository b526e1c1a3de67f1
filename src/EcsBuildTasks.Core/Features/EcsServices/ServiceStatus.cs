using System.Globalization;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary><c>-t:EcsStatus</c> for an ECS service: its state, its deployments, its recent history and events.</summary>
internal sealed class ServiceStatus(AwsSession aws)
{
    public async Task<IReadOnlyList<string>> LinesAsync(string cluster, string serviceName, CancellationToken cancellationToken)
    {
        var service = await ServiceLookup.FindAsync(aws, cluster, serviceName, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.ServiceNotFound, EcsProperties.ServiceName, $"{EcsProperties.ServiceName}={serviceName}: there is no such service in cluster {cluster}.");
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            $"EcsBuildTasks: service {service.ServiceName} in {cluster}: {service.Status}, {service.SchedulingStrategy?.Value}, {service.LaunchType?.Value ?? "capacity providers"}",
            string.Create(inv, $"  Tasks           running {service.RunningCount}/{service.DesiredCount}, pending {service.PendingCount}"),
            $"  Task definition {Arns.Short(service.TaskDefinition)}",
        };
        foreach (var deployment in service.Deployments ?? [])
        {
            lines.Add(string.Create(inv, $"  Deployment      {deployment.Id} {deployment.Status} {deployment.RolloutState?.Value} {Arns.Short(deployment.TaskDefinition)}: running {deployment.RunningCount}/{deployment.DesiredCount}, failed {deployment.FailedTasks}{(deployment.RolloutStateReason is { } reason ? $" ({reason})" : string.Empty)}"));
        }

        var history = await ServiceRollback.HistoryAsync(aws, cluster, serviceName, cancellationToken).ConfigureAwait(false);
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
}
