using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Failures;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsTaskShape = EcsBuildTasks.Aws.ECS.Model.Task;
using KeyValuePair = EcsBuildTasks.Aws.ECS.Model.KeyValuePair;

namespace EcsBuildTasks.Core.Features.OneOffTasks;

/// <summary>Where and how a one-off task runs: the task definition, the service's launch settings and network, the overrides.</summary>
/// <param name="Label">How the log names it: "pre-deploy task migrate", "ad-hoc task".</param>
/// <param name="Subject">What a diagnostic names: the item or property to fix.</param>
internal sealed record OneOffTaskSpec(
    string Label,
    string Subject,
    string Cluster,
    string TaskDefinitionArn,
    string ContainerName,
    IReadOnlyList<string> Command,
    IReadOnlyList<EnvironmentSetting> Environment,
    string? LaunchType,
    IReadOnlyList<CapacityProviderStrategyItem>? CapacityProviders,
    string? PlatformVersion,
    NetworkConfiguration? Network,
    TimeSpan Timeout);

/// <summary>How a one-off task ended.</summary>
/// <param name="ExitCode">The exit code of the container the command ran in; null when it never ran.</param>
internal sealed record OneOffTaskResult(string TaskArn, int? ExitCode, string? ContainerReason, string? StoppedReason)
{
    public bool Succeeded => ExitCode == 0;

    public string DescribeExit() => ExitCode is { } code
        ? string.Create(CultureInfo.InvariantCulture, $"exit code {code}{(ContainerReason is { } reason ? $" ({reason})" : string.Empty)}")
        : $"no exit code: {ContainerReason ?? StoppedReason ?? "the container never ran"}";
}

/// <summary>
/// Runs one task with RunTask (<c>startedBy</c> EcsBuildTasks), follows it with DescribeTasks until it is STOPPED and
/// prints what it did: its status changes, then the stopped task's reason, each container's exit code and reason and
/// its last log lines. A task that outlives its timeout, or whose build is cancelled, is stopped.
/// </summary>
internal sealed class OneOffTaskRunner(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    public const string StartedBy = "EcsBuildTasks";

    public PollSchedule Schedule { get; init; } = PollSchedule.For(aws);

    public async Task<OneOffTaskResult> RunAsync(OneOffTaskSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var task = await StartAsync(spec, cancellationToken).ConfigureAwait(false);
        var arn = task.TaskArn!;
        var id = arn[(arn.LastIndexOf('/') + 1)..];
        log.Info($"EcsBuildTasks: started {spec.Label} as task {id} ({Arns.Short(spec.TaskDefinitionArn)}, container {spec.ContainerName}{(spec.Command.Count > 0 ? ", command " + string.Join(' ', spec.Command) : string.Empty)})");

        var lastStatus = task.LastStatus;
        EcsTaskShape? stopped;
        try
        {
            stopped = await AdaptivePoll.UntilAsync(
                async () =>
                {
                    var current = await DescribeAsync(spec.Cluster, arn, cancellationToken).ConfigureAwait(false);
                    if (current?.LastStatus is { } status && status != lastStatus)
                    {
                        log.Info($"EcsBuildTasks: [{spec.Label}] {status}");
                        lastStatus = status;
                    }

                    return current?.LastStatus == "STOPPED" ? current : null;
                },
                Schedule,
                spec.Timeout,
                time,
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await StopAsync(spec, arn, "the build was cancelled").ConfigureAwait(false);
            throw;
        }

        if (stopped is null)
        {
            await StopAsync(spec, arn, $"it ran longer than {spec.Timeout.TotalMinutes:0} minutes").ConfigureAwait(false);
            throw new DeploymentException(DiagnosticCodes.OneOffTaskTimedOut, spec.Subject,
                $"The {spec.Label} (task {id}) did not finish within {spec.Timeout.TotalMinutes:0} minutes, so the build stopped it. Check its logs, or give it more time: TimeoutMinutes on the {EcsProperties.PreDeployTaskItem} item, else {EcsProperties.TimeoutMinutes}.");
        }

        await PrintAsync(spec, stopped, cancellationToken).ConfigureAwait(false);
        var container = stopped.Containers?.Find(c => c.Name == spec.ContainerName);
        return new OneOffTaskResult(arn, container?.ExitCode, container?.Reason, stopped.StoppedReason);
    }

    private async Task<EcsTaskShape> StartAsync(OneOffTaskSpec spec, CancellationToken cancellationToken)
    {
        var request = new RunTaskRequest
        {
            Cluster = spec.Cluster,
            TaskDefinition = spec.TaskDefinitionArn,
            Count = 1,
            StartedBy = StartedBy,
            LaunchType = spec.CapacityProviders is { Count: > 0 } || spec.LaunchType is null ? null : (Aws.ECS.LaunchType)spec.LaunchType,
            CapacityProviderStrategy = spec.CapacityProviders is { Count: > 0 } providers ? [.. providers] : null,
            PlatformVersion = spec.PlatformVersion,
            NetworkConfiguration = spec.Network,
            Overrides = spec.Command.Count == 0 && spec.Environment.Count == 0 ? null : new TaskOverride
            {
                ContainerOverrides =
                [
                    new ContainerOverride
                    {
                        Name = spec.ContainerName,
                        Command = spec.Command.Count > 0 ? [.. spec.Command] : null,
                        Environment = spec.Environment.Count > 0 ? spec.Environment.Select(e => new KeyValuePair { Name = e.Name, Value = e.Value }).ToList() : null,
                    },
                ],
            },
        };

        RunTaskResponse response;
        try
        {
            response = await AwsCalls.RunAsync("ECS RunTask", () => aws.Ecs.RunTaskAsync(request, cancellationToken)).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is Amazon.Runtime.AmazonServiceException service && !AwsCalls.IsAccessDenied(service))
        {
            throw new DeploymentException(DiagnosticCodes.OneOffTaskNotStarted, spec.Subject, $"The {spec.Label} could not be started: ECS RunTask was rejected: {service.ErrorCode}: {service.Message}", ex);
        }

        if (response.Tasks is [var task, ..] && task.TaskArn is not null)
        {
            return task;
        }

        var failures = string.Join("; ", (response.Failures ?? []).Select(f => $"{f.Reason}{(f.Detail is { } detail ? $" ({detail})" : string.Empty)}"));
        throw new DeploymentException(DiagnosticCodes.OneOffTaskNotStarted, spec.Subject,
            $"The {spec.Label} could not be started: ECS placed no task ({(failures.Length > 0 ? failures : "no reason given")}). Check the cluster's capacity for {spec.LaunchType ?? "its capacity providers"}.");
    }

    private async Task<EcsTaskShape?> DescribeAsync(string cluster, string arn, CancellationToken cancellationToken)
    {
        var response = await AwsCalls.RunAsync("ECS DescribeTasks", () => aws.Ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = cluster, Tasks = [arn] }, cancellationToken)).ConfigureAwait(false);
        return response.Tasks?.FirstOrDefault(t => t.TaskArn == arn);
    }

    /// <summary>Stops the task on the way out; uses no cancellation token because the build's may already be cancelled.</summary>
    private async Task StopAsync(OneOffTaskSpec spec, string arn, string why)
    {
        try
        {
            await AwsCalls.RunAsync("ECS StopTask", () => aws.Ecs.StopTaskAsync(new StopTaskRequest { Cluster = spec.Cluster, Task = arn, Reason = $"Stopped by EcsBuildTasks: {why}" }, CancellationToken.None)).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: stopped the {spec.Label} ({why})");
        }
        catch (DeploymentException ex)
        {
            log.Warning(new EcsDiagnostic(DiagnosticCodes.OneOffTaskTimedOut, DiagnosticSeverity.Warning, spec.Subject,
                $"The {spec.Label} ({arn}) could not be stopped ({ex.Message}); stop it with: aws ecs stop-task --cluster {spec.Cluster} --task {arn}"));
        }
    }

    private async Task PrintAsync(OneOffTaskSpec spec, EcsTaskShape task, CancellationToken cancellationToken)
    {
        TaskDefinition? definition = null;
        try
        {
            definition = (await aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = spec.TaskDefinitionArn }, cancellationToken).ConfigureAwait(false)).TaskDefinition;
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            // Without the definition there are no log streams to read; the exit codes are still printed.
            log.Detail($"EcsBuildTasks: the task definition could not be read for the log lines: {ex.Message}");
        }

        foreach (var line in await new FailureDiagnostics(aws).DescribeTaskAsync(task, definition, cancellationToken).ConfigureAwait(false))
        {
            log.Info(line);
        }
    }
}
