using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// The ECS service scheduler: keeps each service's tasks at the counts its deployments ask for. ROLLING deployments
/// (and their rollbacks) honour minimumHealthyPercent and maximumPercent across old and new tasks; traffic-shifting
/// deployments scale each revision to its own count; DAEMON services run one task per container instance; EXTERNAL
/// services follow their task sets. It also counts failed tasks for the circuit breaker, watches CloudWatch alarms,
/// replaces unhealthy tasks and reports steady state.
/// </summary>
internal static class ServiceScheduler
{
    public static bool Step(SimulationContext context, EcsCluster cluster)
    {
        var active = false;
        foreach (var service in cluster.Services.Values)
        {
            if (service.Status == "INACTIVE")
            {
                continue;
            }

            var tasks = cluster.Tasks.Values.Where(t => t.ServiceName == service.Name && t.ClusterArn == cluster.Arn).ToList();
            active |= tasks.Any(t => t.LastStatus != "STOPPED") || Deployments.Current(service) is not null;
            if (service.Status == "DRAINING")
            {
                Drain(context, cluster, service, tasks);
                continue;
            }

            if (service.DeploymentController == "EXTERNAL")
            {
                TaskSets.Step(context, cluster, service, tasks);
                continue;
            }

            StepService(context, cluster, service, tasks);
        }

        return active;
    }

    private static void StepService(SimulationContext context, EcsCluster cluster, EcsService service, List<EcsTask> tasks)
    {
        var record = Deployments.Current(service);
        if (record is { Status: "PENDING" })
        {
            record.Status = "IN_PROGRESS";
            record.StartedAt = context.Now;
            record.UpdatedAt = context.Now;
            record.LifecycleStage = record.Strategy == "ROLLING" ? "SCALE_UP" : null;
        }

        ReplaceUnhealthy(context, cluster, service, tasks);
        CountFailures(context, cluster, service, record, tasks);
        record = Deployments.Current(service);
        if (record is { Status: "IN_PROGRESS" })
        {
            WatchAlarms(context, cluster, service, record);
            record = Deployments.Current(service);
        }

        if (record is { Status: "IN_PROGRESS" } && record.Strategy != "ROLLING")
        {
            TrafficShifting.Step(context, cluster, service, record, tasks);
        }

        var independent = record is not null && record.Strategy != "ROLLING";
        if (independent)
        {
            var desired = Deployments.DesiredCount(cluster, service);
            foreach (var deployment in service.Deployments.ToList())
            {
                // Revisions that are running follow desired-count changes (auto scaling) during the deployment;
                // one not scaled up yet, or already cleaned up, stays at zero.
                if (deployment.DesiredCount > 0)
                {
                    deployment.DesiredCount = desired;
                }

                ScaleDeployment(context, cluster, service, deployment, tasks, deployment.DesiredCount);
            }
        }
        else
        {
            Rolling(context, cluster, service, tasks);
        }

        if (record is { Status: "IN_PROGRESS", Strategy: "ROLLING" } && Deployments.Primary(service) is { } primary
            && tasks.Where(t => t.DeploymentId == primary.Id && t.DesiredStatus == "RUNNING").Count() >= primary.DesiredCount)
        {
            record.LifecycleStage = "CLEAN_UP";
        }

        Deployments.CompleteIfSteady(context, cluster, service, tasks);
    }

    /// <summary>
    /// Rolling update: start new tasks while the total stays within maximumPercent, stop old tasks while healthy tasks
    /// stay at or above minimumHealthyPercent; drained old deployments leave <c>deployments[]</c>.
    /// </summary>
    private static void Rolling(SimulationContext context, EcsCluster cluster, EcsService service, List<EcsTask> tasks)
    {
        var primary = Deployments.Primary(service);
        if (primary is null)
        {
            return;
        }

        var desired = Deployments.DesiredCount(cluster, service);
        primary.DesiredCount = desired;
        var configuration = service.DeploymentConfiguration;
        var maximum = (int)Math.Floor(desired * (configuration.Int("maximumPercent") ?? 200) / 100.0);
        var minimumHealthy = (int)Math.Ceiling(desired * (configuration.Int("minimumHealthyPercent") ?? 100) / 100.0);
        if (service.SchedulingStrategy == "DAEMON")
        {
            maximum = Math.Max(maximum, 1);
        }

        var live = tasks.Where(t => t.DesiredStatus == "RUNNING").ToList();
        var primaryLive = live.Where(t => t.DeploymentId == primary.Id).ToList();
        var oldLive = live.Where(t => t.DeploymentId != primary.Id).ToList();
        var reason = $"Scaling activity initiated by (deployment {primary.Id})";

        // Scale-in of the primary (desired count lowered): not-yet-running tasks go first.
        foreach (var task in primaryLive.OrderBy(t => t.LastStatus == "RUNNING").ThenByDescending(t => t.CreatedAt).Take(Math.Max(0, primaryLive.Count - desired)))
        {
            TaskRunner.Stop(context, cluster, task, reason, "ServiceSchedulerInitiated", failure: false);
            primaryLive.Remove(task);
        }

        // Old tasks that are not serving can go at once; healthy ones only while enough healthy tasks remain.
        var healthy = live.Count(t => TaskRunner.IsHealthy(context, t));
        foreach (var task in oldLive.Where(t => !TaskRunner.IsHealthy(context, t)).ToList())
        {
            TaskRunner.Stop(context, cluster, task, reason, "ServiceSchedulerInitiated", failure: false);
            oldLive.Remove(task);
        }

        var stoppable = Math.Max(0, healthy - minimumHealthy);
        foreach (var task in oldLive.OrderBy(t => t.CreatedAt).Take(stoppable).ToList())
        {
            TaskRunner.Stop(context, cluster, task, reason, "ServiceSchedulerInitiated", failure: false);
            oldLive.Remove(task);
        }

        var counted = tasks.Count(t => t.LastStatus != "STOPPED");
        var room = maximum - counted;
        var missing = desired - primaryLive.Count;
        var toStart = Math.Min(missing, room);
        if (toStart > 0)
        {
            Launch(context, cluster, service, primary, tasks, toStart);
        }

        // Drained deployments leave deployments[] (services-stable waits for exactly one).
        service.Deployments.RemoveAll(d => d.Status != "PRIMARY" && !tasks.Any(t => t.DeploymentId == d.Id && t.LastStatus != "STOPPED")
            && Deployments.Current(service)?.TargetDeploymentId != d.Id);
    }

    /// <summary>Scales one deployment (or task set) to a count with no rolling constraints.</summary>
    public static void ScaleDeployment(SimulationContext context, EcsCluster cluster, EcsService service, EcsDeploymentRecord deployment, List<EcsTask> tasks, int count)
    {
        var live = tasks.Where(t => t.DeploymentId == deployment.Id && t.DesiredStatus == "RUNNING").ToList();
        if (live.Count > count)
        {
            foreach (var task in live.OrderBy(t => t.LastStatus == "RUNNING").ThenByDescending(t => t.CreatedAt).Take(live.Count - count))
            {
                TaskRunner.Stop(context, cluster, task, $"Scaling activity initiated by (deployment {deployment.Id})", "ServiceSchedulerInitiated", failure: false);
            }
        }
        else if (live.Count < count)
        {
            Launch(context, cluster, service, deployment, tasks, count - live.Count);
        }
    }

    private static void Launch(SimulationContext context, EcsCluster cluster, EcsService service, EcsDeploymentRecord deployment, List<EcsTask> tasks, int count)
    {
        var revision = service.Revisions.FirstOrDefault(r => r.Arn == deployment.ServiceRevisionArn);
        var definition = context.Region.TaskDefinitions.Values.FirstOrDefault(t => t.Arn == deployment.TaskDefinitionArn);
        if (revision is null || definition is null)
        {
            return;
        }

        if (TaskRoles.LaunchFailure(context, definition.Definition) is { } roleFailure)
        {
            ReportLaunchFailure(context, service, roleFailure);
            return;
        }

        var launchType = deployment.LaunchType ?? "FARGATE";
        var instances = new List<ContainerInstanceRecord?>();
        if (launchType != "FARGATE")
        {
            if (!cluster.ContainerInstances.Any(i => i.Status == "ACTIVE"))
            {
                ReportPlacementFailure(context, service);
                return;
            }

            if (service.SchedulingStrategy == "DAEMON")
            {
                var occupied = tasks.Where(t => t.DeploymentId == deployment.Id && t.DesiredStatus == "RUNNING").Select(t => t.ContainerInstanceArn).ToHashSet(StringComparer.Ordinal);
                instances.AddRange(cluster.ContainerInstances.Where(i => i.Status == "ACTIVE" && !occupied.Contains(i.Arn)).Take(count));
                count = instances.Count;
            }
        }

        for (var i = 0; i < count; i++)
        {
            var spec = new LaunchSpec
            {
                TaskDefinition = definition,
                LaunchType = launchType,
                PlatformVersion = deployment.PlatformVersion,
                NetworkConfiguration = deployment.NetworkConfiguration,
                Group = "service:" + service.Name,
                StartedBy = deployment.Id,
                ServiceName = service.Name,
                DeploymentId = deployment.Id,
                Targets = TargetsFor(revision.LoadBalancers, deployment.TargetGroupArns),
                Registries = RegistriesFor(revision.ServiceRegistries),
                Tags = PropagatedTags(service, definition),
                EnableExecuteCommand = service.EnableExecuteCommand,
                Instance = i < instances.Count ? instances[i] : null,
                Images = revision.ContainerImages,
                Simulate = revision.Simulate,
            };
            tasks.Add(TaskRunner.Launch(context, cluster, spec));
        }
    }

    public static List<TaskTarget> TargetsFor(JsonArray loadBalancers, IReadOnlyList<string> targetGroupArns)
    {
        var result = new List<TaskTarget>();
        var entries = loadBalancers.OfType<JsonObject>().ToList();
        for (var i = 0; i < entries.Count; i++)
        {
            var targetGroup = i < targetGroupArns.Count ? targetGroupArns[i] : entries[i].Str("targetGroupArn");
            if (targetGroup is null)
            {
                continue;
            }

            result.Add(new TaskTarget
            {
                TargetGroupArn = targetGroup,
                ContainerName = entries[i].Str("containerName") ?? string.Empty,
                ContainerPort = entries[i].Int("containerPort") ?? 0,
            });
        }

        return result;
    }

    public static List<TaskRegistry> RegistriesFor(JsonArray registries) =>
        registries.OfType<JsonObject>().Select(r => new TaskRegistry
        {
            RegistryArn = r.Str("registryArn") ?? string.Empty,
            ContainerName = r.Str("containerName"),
            ContainerPort = r.Int("containerPort"),
            Port = r.Int("port"),
        }).ToList();

    public static JsonArray? PropagatedTags(EcsService service, TaskDefinitionRecord definition) => service.PropagateTags switch
    {
        "SERVICE" => service.Tags?.DeepClone() as JsonArray,
        "TASK_DEFINITION" => definition.Tags?.DeepClone() as JsonArray,
        _ => null,
    };

    private static void ReportPlacementFailure(SimulationContext context, EcsService service)
    {
        if (service.PlacementFailureReportedAt is { } at && context.Now - at < TimeSpan.FromMinutes(10))
        {
            return;
        }

        service.PlacementFailureReportedAt = context.Now;
        ServiceEvents.Add(service, $"(service {service.Name}) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster.", context.Now);
    }

    /// <summary>A task ECS cannot launch (a role it cannot assume): reported as ECS does, at most every ten minutes.</summary>
    private static void ReportLaunchFailure(SimulationContext context, EcsService service, string error)
    {
        // Shares the placement failure's pacing: both say the service cannot start tasks.
        if (service.PlacementFailureReportedAt is { } at && context.Now - at < TimeSpan.FromMinutes(10))
        {
            return;
        }

        service.PlacementFailureReportedAt = context.Now;
        ServiceEvents.Add(service, $"(service {service.Name}) failed to launch a task with (error {error}).", context.Now);
    }

    /// <summary>ECS replaces service tasks that fail container health checks or, after the grace period, ELB health checks.</summary>
    private static void ReplaceUnhealthy(SimulationContext context, EcsCluster cluster, EcsService service, List<EcsTask> tasks)
    {
        var grace = TimeSpan.FromSeconds(service.HealthCheckGracePeriodSeconds ?? 0);
        foreach (var task in tasks.Where(t => t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING"))
        {
            if (task.Containers.Any(c => c.Essential && c.HealthStatus == "UNHEALTHY") && task.StartedAt + grace <= context.Now)
            {
                ServiceEvents.Add(service, $"(service {service.Name}) (task {task.Id}) failed container health checks.", context.Now);
                TaskRunner.Stop(context, cluster, task, "Task failed container health checks", "ServiceSchedulerInitiated", failure: true);
                continue;
            }

            foreach (var target in task.Targets.Where(t => t.Registered))
            {
                var state = context.Region.Elbv2.TargetGroups.GetValueOrDefault(target.TargetGroupArn)?.Targets
                    .FirstOrDefault(x => x.Id == target.TargetId && x.Port == target.Port);
                if (state?.State == "unhealthy" && task.StartedAt + grace <= context.Now)
                {
                    ServiceEvents.Add(service, $"(service {service.Name}) (port {target.Port}) is unhealthy in (target-group {target.TargetGroupArn}) due to (reason {state.Description}).", context.Now);
                    TaskRunner.Stop(context, cluster, task, $"Task failed ELB health checks in (target-group {target.TargetGroupArn})", "ServiceSchedulerInitiated", failure: true);
                    break;
                }

                if (state?.State == "unhealthy")
                {
                    context.WakeAt(task.StartedAt!.Value + grace);
                }
            }
        }
    }

    /// <summary>Counts failed tasks per deployment and feeds the circuit breaker of the deployment they belong to.</summary>
    private static void CountFailures(SimulationContext context, EcsCluster cluster, EcsService service, ServiceDeploymentRecord? record, List<EcsTask> tasks)
    {
        foreach (var task in tasks.Where(t => t.DesiredStatus == "STOPPED" && t.StopIsFailure && !t.FailureCounted))
        {
            task.FailureCounted = true;
            var deployment = service.Deployments.FirstOrDefault(d => d.Id == task.DeploymentId);
            if (deployment is null)
            {
                continue;
            }

            deployment.FailedTasks++;
            deployment.UpdatedAt = context.Now;
            if (record is null)
            {
                continue;
            }

            if (record.Status == "ROLLBACK_IN_PROGRESS" && task.DeploymentId == record.RollbackDeploymentId)
            {
                // The revision being restored fails too: after as many failures as the breaker allows, the rollback fails.
                record.RollbackFailureCount++;
                if (record.RollbackFailureCount >= Math.Max(record.CircuitBreaker.Threshold, Deployments.Threshold(null, service.DesiredCount)))
                {
                    Deployments.Fail(context, cluster, service, record, FailureKind.CircuitBreaker, string.Empty);
                    return;
                }

                continue;
            }

            if (record.Status != "IN_PROGRESS" || task.DeploymentId != record.TargetDeploymentId || record.CircuitBreaker.Status != "MONITORING")
            {
                continue;
            }

            record.CircuitBreaker.FailureCount++;
            record.UpdatedAt = context.Now;
            if (record.CircuitBreaker.Enabled && record.CircuitBreaker.FailureCount >= record.CircuitBreaker.Threshold)
            {
                Deployments.Fail(context, cluster, service, record, FailureKind.CircuitBreaker, string.Empty);
                return;
            }
        }

        if (record is not { Status: "IN_PROGRESS", CircuitBreaker.Status: "MONITORING" } || !record.CircuitBreaker.ResetOnHealthyTask)
        {
            return;
        }

        foreach (var task in tasks.Where(t => !t.HealthyReported && t.DeploymentId == record.TargetDeploymentId))
        {
            if (TaskRunner.IsHealthy(context, task))
            {
                task.HealthyReported = true;
                record.CircuitBreaker.FailureCount = 0;
            }
        }
    }

    private static void WatchAlarms(SimulationContext context, EcsCluster cluster, EcsService service, ServiceDeploymentRecord record)
    {
        if (record.Alarms.Status != "MONITORING")
        {
            return;
        }

        var triggered = record.Alarms.Names.Where(n => context.Region.Alarms.TryGetValue(n, out var alarm) && alarm.StateValue == "ALARM").ToList();
        if (triggered.Count == 0)
        {
            return;
        }

        record.Alarms.Triggered = triggered;
        Deployments.Fail(context, cluster, service, record, FailureKind.Alarm, string.Join(", ", triggered));
    }

    private static void Drain(SimulationContext context, EcsCluster cluster, EcsService service, List<EcsTask> tasks)
    {
        foreach (var task in tasks.Where(t => t.DesiredStatus == "RUNNING"))
        {
            TaskRunner.Stop(context, cluster, task, $"Scaling activity initiated by (deployment {Deployments.Primary(service)?.Id ?? service.Name})", "ServiceSchedulerInitiated", failure: false);
        }

        if (tasks.All(t => t.LastStatus == "STOPPED"))
        {
            service.Status = "INACTIVE";
            service.Deployments.Clear();
            service.TaskSets.Clear();
        }
    }
}
