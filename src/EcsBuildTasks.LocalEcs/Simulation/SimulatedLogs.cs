using System.Globalization;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Logs;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// What a container with the <c>awslogs</c> driver writes to CloudWatch Logs: an ASP.NET Core app's start-up lines,
/// the crash tail for <c>LOCALECS_SIMULATE=crash</c>, and the shutdown line. Streams are
/// <c>&lt;awslogs-stream-prefix&gt;/&lt;container&gt;/&lt;task id&gt;</c>, as ECS names them.
/// </summary>
internal static class SimulatedLogs
{
    /// <summary>
    /// Checks, as the awslogs driver does before the container starts, that the log group exists (or creates it when
    /// <c>awslogs-create-group</c> is true); returns the ECS error when it cannot.
    /// </summary>
    public static string? Prepare(SimulationContext context, EcsTask task, TaskContainerRecord container)
    {
        if (container.LogConfiguration?["logDriver"]?.GetValue<string>() != "awslogs")
        {
            return null;
        }

        var (region, group, _) = Target(context, task, container);
        if (region.LogGroups.ContainsKey(group))
        {
            return null;
        }

        if (Option(container, "awslogs-create-group") == "true")
        {
            LogsApi.CreateGroup(region, group, context.Now);
            return null;
        }

        return "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1";
    }

    public static void Started(SimulationContext context, EcsTask task, TaskContainerRecord container, int port)
    {
        Write(context, task, container,
        [
            "info: Microsoft.Hosting.Lifetime[14]",
            $"      Now listening on: http://[::]:{port.ToString(CultureInfo.InvariantCulture)}",
            "info: Microsoft.Hosting.Lifetime[0]",
            "      Application started. Press Ctrl+C to shut down.",
            "info: Microsoft.Hosting.Lifetime[0]",
            "      Hosting environment: Production",
            "info: Microsoft.Hosting.Lifetime[0]",
            "      Content root path: /app",
        ]);
        if (task.Behaviour.Unhealthy)
        {
            Write(context, task, container, ["warn: LocalEcs[0]", "      LOCALECS_SIMULATE=unhealthy: health checks will fail with 503 Service Unavailable"]);
        }
    }

    public static void Crashed(SimulationContext context, EcsTask task, TaskContainerRecord container) =>
        Write(context, task, container,
        [
            "Unhandled exception. System.InvalidOperationException: LOCALECS_SIMULATE=crash",
            "   at Program.<Main>$(String[] args) in /src/Program.cs:line 12",
            "   at Program.<Main>(String[] args)",
        ]);

    /// <summary>A job's last lines (<c>exit:&lt;code&gt;</c>), with the command it ran when the task overrode or set one.</summary>
    public static void Finished(SimulationContext context, EcsTask task, TaskContainerRecord container, int exitCode)
    {
        var command = task.Overrides?.Objects("containerOverrides").FirstOrDefault(o => o.Str("name") == container.Name)?.Strings("command").ToList();
        var lines = new List<string>();
        if (command is { Count: > 0 })
        {
            lines.Add("info: LocalEcs[0]");
            lines.Add($"      Running command: {string.Join(' ', command)}");
        }

        lines.Add(exitCode == 0 ? "info: LocalEcs[0]" : "fail: LocalEcs[0]");
        lines.Add($"      LOCALECS_SIMULATE=exit:{exitCode.ToString(CultureInfo.InvariantCulture)}: the job finished with exit code {exitCode.ToString(CultureInfo.InvariantCulture)}");
        Write(context, task, container, lines);
    }

    public static void Stopping(SimulationContext context, EcsTask task, TaskContainerRecord container) =>
        Write(context, task, container, ["info: Microsoft.Hosting.Lifetime[0]", "      Application is shutting down..."]);

    private static void Write(SimulationContext context, EcsTask task, TaskContainerRecord container, IReadOnlyList<string> lines)
    {
        if (container.LogConfiguration?["logDriver"]?.GetValue<string>() != "awslogs")
        {
            return;
        }

        var (region, groupName, streamName) = Target(context, task, container);
        if (!region.LogGroups.TryGetValue(groupName, out var group))
        {
            return;
        }

        if (!group.Streams.TryGetValue(streamName, out var stream))
        {
            stream = new LogStream { Name = streamName, CreationTime = context.Now };
            group.Streams[streamName] = stream;
        }

        var timestamp = context.Now.ToUnixTimeMilliseconds();
        LogsApi.Append(stream, lines.Select(l => (timestamp, l)), context.Now);
    }

    private static (RegionState Region, string Group, string Stream) Target(SimulationContext context, EcsTask task, TaskContainerRecord container)
    {
        var regionName = Option(container, "awslogs-region") ?? context.Region.Name;
        var region = regionName == context.Region.Name ? context.Region : context.Account.Region(regionName);
        var prefix = Option(container, "awslogs-stream-prefix");
        var stream = prefix is null ? $"{container.Name}/{task.Id}" : $"{prefix}/{container.Name}/{task.Id}";
        return (region, Option(container, "awslogs-group") ?? string.Empty, stream);
    }

    private static string? Option(TaskContainerRecord container, string name) =>
        container.LogConfiguration?["options"]?[name]?.GetValue<string>();
}
