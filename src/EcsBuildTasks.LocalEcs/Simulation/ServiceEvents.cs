using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// Service events with the messages ECS prints. Task-level happenings of one step are batched per service, as ECS
/// batches them ("has started 2 tasks: (task a) (task b).").
/// </summary>
internal sealed class ServiceEvents
{
    private const int MaxEvents = 100;
    private readonly List<(EcsService Service, string Kind, string TaskId)> pending = [];

    public static void Add(EcsService service, string message, DateTimeOffset now)
    {
        service.Events.Insert(0, new ServiceEventRecord { Id = Guid.NewGuid().ToString(), CreatedAt = now, Message = message });
        if (service.Events.Count > MaxEvents)
        {
            service.Events.RemoveRange(MaxEvents, service.Events.Count - MaxEvents);
        }
    }

    public void Started(EcsService service, string taskId) => pending.Add((service, "started", taskId));

    public void Stopped(EcsService service, string taskId) => pending.Add((service, "stopped", taskId));

    public void Draining(EcsService service, string taskId) => pending.Add((service, "draining", taskId));

    public void Registered(EcsService service, string targetGroupArn, string taskId) => pending.Add((service, "registered " + targetGroupArn, taskId));

    public void Deregistered(EcsService service, string targetGroupArn, string taskId) => pending.Add((service, "deregistered " + targetGroupArn, taskId));

    public void Flush(DateTimeOffset now)
    {
        foreach (var group in pending.GroupBy(p => (p.Service, p.Kind)))
        {
            var service = group.Key.Service;
            var ids = group.Select(p => p.TaskId).Distinct(StringComparer.Ordinal).ToList();
            var tasks = string.Join(' ', ids.Select(id => $"(task {id})"));
            var kind = group.Key.Kind;
            var message = kind switch
            {
                "started" => $"(service {service.Name}) has started {ids.Count} tasks: {tasks}.",
                "stopped" => $"(service {service.Name}) has stopped {ids.Count} running tasks: {tasks}.",
                "draining" => $"(service {service.Name}) has begun draining connections on {ids.Count} tasks.",
                _ when kind.StartsWith("registered ", StringComparison.Ordinal) =>
                    $"(service {service.Name}) registered {ids.Count} targets in (target-group {kind["registered ".Length..]})",
                _ => $"(service {service.Name}) deregistered {ids.Count} targets in (target-group {kind["deregistered ".Length..]})",
            };
            Add(service, message, now);
        }

        pending.Clear();
    }
}
