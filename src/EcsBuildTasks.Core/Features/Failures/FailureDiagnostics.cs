using System.Globalization;
using EcsBuildTasks.Aws.CloudWatchLogs.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Infrastructure;
using EcsTaskShape = EcsBuildTasks.Aws.ECS.Model.Task;

namespace EcsBuildTasks.Core.Features.Failures;

/// <summary>
/// What a person needs to see when a deployment fails: the stopped tasks' reasons, each container's exit code and
/// reason, the last lines each container wrote to CloudWatch Logs, and the service events that tell the story.
/// Best effort: a diagnostic that cannot be read is skipped, never a reason to hide the failure itself.
/// </summary>
internal sealed class FailureDiagnostics(AwsSession aws)
{
    private const int MaxTasks = 3;
    private const int LogLines = 15;

    private static readonly string[] FailureWords = ["fail", "unable", "unhealthy", "error", "rolling back", "stopped", "exception", "denied", "cannot", "timed out"];

    /// <summary>Lines to print, most useful first.</summary>
    public async Task<IReadOnlyList<string>> CollectAsync(string cluster, string serviceName, string taskDefinitionArn, DateTime since, IEnumerable<ServiceEvent> events, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        try
        {
            var tasks = await StoppedTasksAsync(cluster, serviceName, taskDefinitionArn, since, cancellationToken).ConfigureAwait(false);
            TaskDefinition? definition = null;
            if (tasks.Count > 0)
            {
                var described = await aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = taskDefinitionArn }, cancellationToken).ConfigureAwait(false);
                definition = described.TaskDefinition;
            }

            foreach (var task in tasks)
            {
                lines.AddRange(await DescribeTaskAsync(task, definition, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            lines.Add($"  (stopped tasks could not be read: {ex.Message})");
        }

        var failing = events
            .Where(e => e.Message is { } message && FailureWords.Any(w => message.Contains(w, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(e => e.CreatedAt)
            .TakeLast(8)
            .ToList();
        if (failing.Count > 0)
        {
            lines.Add("  Service events:");
            lines.AddRange(failing.Select(e => $"    {e.CreatedAt:HH:mm:ss} {e.Message}"));
        }

        return lines;
    }

    private async Task<List<EcsTaskShape>> StoppedTasksAsync(string cluster, string serviceName, string taskDefinitionArn, DateTime since, CancellationToken cancellationToken)
    {
        var list = await aws.Ecs.ListTasksAsync(new ListTasksRequest { Cluster = cluster, ServiceName = serviceName, DesiredStatus = "STOPPED", MaxResults = 100 }, cancellationToken).ConfigureAwait(false);
        if (list.TaskArns is not { Count: > 0 } arns)
        {
            return [];
        }

        var described = await aws.Ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = cluster, Tasks = arns.Take(100).ToList() }, cancellationToken).ConfigureAwait(false);
        return (described.Tasks ?? [])
            .Where(t => t.TaskDefinitionArn == taskDefinitionArn && (t.StoppedAt ?? t.CreatedAt ?? DateTime.MaxValue) >= since.AddMinutes(-1))
            .OrderByDescending(t => t.StoppedAt ?? t.CreatedAt)
            .Take(MaxTasks)
            .ToList();
    }

    /// <summary>
    /// A stopped task's lines: its stop reason, each container's exit code and reason, and the last lines each awslogs
    /// container wrote. Also used for one-off tasks (pre-deploy tasks, <c>-t:EcsRunTask</c>).
    /// </summary>
    public async Task<List<string>> DescribeTaskAsync(EcsTaskShape task, TaskDefinition? definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var id = task.TaskArn?[(task.TaskArn.LastIndexOf('/') + 1)..] ?? "?";
        var lines = new List<string> { $"  Task {id} stopped: {task.StoppedReason ?? "(no reason given)"}{(task.StopCode?.Value is { } code ? $" [{code}]" : string.Empty)}" };
        foreach (var container in task.Containers ?? [])
        {
            var exit = container.ExitCode is { } exitCode ? exitCode.ToString(CultureInfo.InvariantCulture) : "none";
            lines.Add($"    Container {container.Name}: exit code {exit}{(container.Reason is { } reason ? $", {reason}" : string.Empty)}");
            var log = definition?.ContainerDefinitions?.Find(c => c.Name == container.Name)?.LogConfiguration;
            if (log?.LogDriver?.Value != "awslogs" || log.Options is null
                || !log.Options.TryGetValue("awslogs-group", out var group) || !log.Options.TryGetValue("awslogs-stream-prefix", out var prefix))
            {
                continue;
            }

            var stream = $"{prefix}/{container.Name}/{id}";
            try
            {
                var events = await aws.Logs.GetLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = stream, Limit = LogLines, StartFromHead = false }, cancellationToken).ConfigureAwait(false);
                if (events.Events is { Count: > 0 } logEvents)
                {
                    lines.Add($"    Last log lines ({group} {stream}):");
                    lines.AddRange(logEvents.Select(e => "      " + e.Message?.TrimEnd()));
                }
            }
            catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
            {
                lines.Add($"    (log stream {stream} could not be read: {ex.Message})");
            }
        }

        return lines;
    }
}
