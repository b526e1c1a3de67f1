using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// Starting, failing, rolling back and finishing deployments: the <c>deployments[]</c> entries, the service revision
/// and the service deployment (with its circuit breaker and alarm monitors) that each UpdateService creates.
/// </summary>
internal static class Deployments
{
    public static readonly HashSet<string> InProgressStatuses = ["PENDING", "IN_PROGRESS", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED"];

    public static ServiceDeploymentRecord? Current(EcsService service) =>
        service.ServiceDeployments.LastOrDefault(d => InProgressStatuses.Contains(d.Status));

    public static EcsDeploymentRecord? Primary(EcsService service) => service.Deployments.FirstOrDefault(d => d.Status == "PRIMARY");

    public static bool IsTrafficShifting(string strategy) => strategy is "BLUE_GREEN" or "LINEAR" or "CANARY";

    /// <summary>Starts a deployment of the service's current configuration (CreateService, or an UpdateService that changes it).</summary>
    public static ServiceDeploymentRecord Start(SimulationContext context, EcsCluster cluster, EcsService service)
    {
        var now = context.Now;
        var revision = CreateRevision(context, cluster, service);
        revision.Simulate = service.NextRevisionSimulate;
        service.NextRevisionSimulate = null;
        service.Revisions.Add(revision);

        foreach (var previous in service.ServiceDeployments.Where(d => InProgressStatuses.Contains(d.Status)))
        {
            previous.Status = "STOPPED";
            previous.StatusReason = "Service deployment stopped: a newer service deployment started.";
            previous.StoppedAt = now;
            previous.UpdatedAt = now;
            CompleteMonitors(previous);
        }

        var oldPrimary = Primary(service);
        var lastGood = oldPrimary is { RolloutState: "COMPLETED" } ? oldPrimary.ServiceRevisionArn
            : service.ServiceDeployments.LastOrDefault(d => d.Status == "SUCCESSFUL")?.TargetRevisionArn
            ?? service.ServiceDeployments.LastOrDefault(d => d.Status == "ROLLBACK_SUCCESSFUL")?.RollbackRevisionArn;
        var sources = service.Deployments.Select(d => d.ServiceRevisionArn).Distinct(StringComparer.Ordinal).ToList();
        var strategy = service.DeploymentConfiguration.Str("strategy") ?? "ROLLING";
        var shifting = IsTrafficShifting(strategy) && oldPrimary is not null;

        var deployment = new EcsDeploymentRecord
        {
            Id = "ecs-svc/" + Ids.Digits(19),
            Status = "PRIMARY",
            TaskDefinitionArn = service.TaskDefinitionArn,
            DesiredCount = shifting ? 0 : DesiredCount(cluster, service),
            CreatedAt = now,
            UpdatedAt = now,
            LaunchType = EffectiveLaunchType(service.LaunchType, service.CapacityProviderStrategy),
            CapacityProviderStrategy = service.CapacityProviderStrategy?.DeepClone() as JsonArray,
            PlatformVersion = service.PlatformVersion,
            NetworkConfiguration = service.NetworkConfiguration?.DeepClone() as JsonObject,
            ServiceRevisionArn = revision.Arn,
            TargetGroupArns = shifting ? GreenTargetGroups(service) : [.. service.ProductionTargetGroupArns],
        };
        deployment.RolloutStateReason = $"ECS deployment {deployment.Id} in progress.";
        foreach (var existing in service.Deployments)
        {
            existing.Status = "ACTIVE";
            existing.UpdatedAt = now;
        }

        service.Deployments.Insert(0, deployment);
        var id = Ids.Digits(19);
        var record = new ServiceDeploymentRecord
        {
            Id = id,
            Arn = EcsArns.ServiceDeployment(context.Region.Name, cluster.Name, service.Name, id),
            ServiceArn = service.Arn,
            ClusterArn = cluster.Arn,
            CreatedAt = now,
            UpdatedAt = now,
            SourceRevisionArns = sources,
            TargetRevisionArn = revision.Arn,
            Strategy = shifting ? strategy : "ROLLING",
            DeploymentConfiguration = (JsonObject)service.DeploymentConfiguration.DeepClone(),
            TargetDeploymentId = deployment.Id,
            LastGoodRevisionArn = lastGood,
        };

        var breaker = service.DeploymentConfiguration.Obj("deploymentCircuitBreaker");
        record.CircuitBreaker = new MonitorState
        {
            Enabled = breaker?.Bool("enable") == true,
            Rollback = breaker?.Bool("rollback") == true,
            ResetOnHealthyTask = breaker?.Bool("resetOnHealthyTask") ?? true,
            Threshold = Threshold(breaker?.Obj("thresholdConfiguration"), service.DesiredCount),
        };
        record.CircuitBreaker.Status = record.CircuitBreaker.Enabled ? "MONITORING" : "DISABLED";
        var alarms = service.DeploymentConfiguration.Obj("alarms");
        record.Alarms = new MonitorState
        {
            Enabled = alarms?.Bool("enable") == true,
            Rollback = alarms?.Bool("rollback") == true,
            Names = alarms?.Strings("alarmNames").ToList() ?? [],
        };
        record.Alarms.Status = record.Alarms.Enabled ? "MONITORING" : "DISABLED";
        if (shifting)
        {
            record.Stages = TrafficShifting.Plan(service.DeploymentConfiguration, strategy, sources.Count > 1);
        }

        service.ServiceDeployments.Add(record);
        service.SteadyStateReported = false;
        return record;
    }

    /// <summary>Circuit breaker threshold: BOUNDED_PERCENT (default, 50) of the desired count clamped to 3..200, UNBOUNDED_PERCENT, or COUNT.</summary>
    public static int Threshold(JsonObject? configuration, int desiredCount)
    {
        var type = configuration?.Str("type") ?? "BOUNDED_PERCENT";
        var value = configuration?.Int("value") ?? 50;
        var percent = (int)Math.Ceiling(desiredCount * value / 100.0);
        return type switch
        {
            "COUNT" => value,
            "UNBOUNDED_PERCENT" => Math.Max(1, percent),
            _ => Math.Clamp(percent, 3, 200),
        };
    }

    public static string EffectiveLaunchType(string? launchType, JsonArray? capacityProviderStrategy)
    {
        if (launchType is not null)
        {
            return launchType;
        }

        var providers = capacityProviderStrategy?.OfType<JsonObject>().Select(p => p.Str("capacityProvider")).ToList() ?? [];
        return providers.Count == 0 || providers.Any(p => p is "FARGATE" or "FARGATE_SPOT") ? (providers.Count == 0 ? "EC2" : "FARGATE") : "EC2";
    }

    public static int DesiredCount(EcsCluster cluster, EcsService service) =>
        service.SchedulingStrategy == "DAEMON" ? cluster.ContainerInstances.Count : service.DesiredCount;

    /// <summary>Stops the deployment for <paramref name="why"/>; rolls back when asked to (or always, for hooks and stop requests).</summary>
    public static void Fail(SimulationContext context, EcsCluster cluster, EcsService service, ServiceDeploymentRecord record, FailureKind why, string detail)
    {
        var now = context.Now;
        var target = service.Deployments.FirstOrDefault(d => d.Id == record.TargetDeploymentId);
        var rollingBack = record.Status is "ROLLBACK_IN_PROGRESS" or "ROLLBACK_REQUESTED";
        var (rolloutReason, eventReason, rollback) = why switch
        {
            FailureKind.CircuitBreaker => ("ECS deployment circuit breaker: tasks failed to start.", "tasks failed to start", record.CircuitBreaker.Rollback),
            FailureKind.Alarm => ($"ECS deployment detected triggered alarms: {detail}.", "alarm detected", record.Alarms.Rollback),
            FailureKind.Hook => ($"ECS deployment lifecycle hook failed: {detail}.", "lifecycle hook failed", true),
            _ => ("ECS deployment stopped: rollback requested.", "rollback requested", true),
        };

        if (why == FailureKind.CircuitBreaker)
        {
            record.CircuitBreaker.Status = "TRIGGERED";
        }
        else if (why == FailureKind.Alarm)
        {
            record.Alarms.Status = "TRIGGERED";
        }

        record.UpdatedAt = now;
        if (rollingBack)
        {
            // The rollback itself failed: nothing older to return to.
            record.Status = "ROLLBACK_FAILED";
            record.StatusReason = $"Rollback failed: {rolloutReason}";
            record.FinishedAt = now;
            var rollbackDeployment = service.Deployments.FirstOrDefault(d => d.Id == record.RollbackDeploymentId);
            if (rollbackDeployment is not null)
            {
                rollbackDeployment.RolloutState = "FAILED";
                rollbackDeployment.RolloutStateReason = rolloutReason;
            }

            CompleteMonitors(record);
            return;
        }

        if (target is not null)
        {
            target.RolloutState = "FAILED";
            target.RolloutStateReason = rolloutReason;
            target.UpdatedAt = now;
            ServiceEvents.Add(service, $"(service {service.Name}) deployment {target.Id} deployment failed: {eventReason}.", now);
        }

        if (!rollback)
        {
            record.Status = "STOPPED";
            record.StatusReason = $"Service deployment failed: {rolloutReason}";
            record.StoppedAt = now;
            CompleteMonitors(record);
            return;
        }

        Rollback(context, cluster, service, record, $"Service deployment rolled back because {eventReason}{(detail.Length > 0 ? $" ({detail})" : string.Empty)}.");
    }

    private static void Rollback(SimulationContext context, EcsCluster cluster, EcsService service, ServiceDeploymentRecord record, string reason)
    {
        var now = context.Now;
        var revision = service.Revisions.FirstOrDefault(r => r.Arn == record.LastGoodRevisionArn);
        record.RollbackReason = reason;
        record.RollbackStartedAt = now;
        record.StatusReason = reason;
        if (revision is null)
        {
            record.Status = "ROLLBACK_FAILED";
            record.StatusReason = reason + " No earlier service revision completed a deployment, so there is nothing to roll back to.";
            record.FinishedAt = now;
            CompleteMonitors(record);
            return;
        }

        record.Status = "ROLLBACK_IN_PROGRESS";
        record.RollbackRevisionArn = revision.Arn;
        var target = service.Deployments.FirstOrDefault(d => d.Id == record.TargetDeploymentId);
        var back = service.Deployments.FirstOrDefault(d => d.Id != record.TargetDeploymentId && d.ServiceRevisionArn == revision.Arn);
        if (back is null)
        {
            back = new EcsDeploymentRecord
            {
                Id = "ecs-svc/" + Ids.Digits(19),
                TaskDefinitionArn = revision.TaskDefinitionArn,
                CreatedAt = now,
                LaunchType = revision.LaunchType,
                CapacityProviderStrategy = revision.CapacityProviderStrategy?.DeepClone() as JsonArray,
                PlatformVersion = revision.PlatformVersion,
                NetworkConfiguration = revision.NetworkConfiguration?.DeepClone() as JsonObject,
                ServiceRevisionArn = revision.Arn,
                TargetGroupArns = [.. service.ProductionTargetGroupArns],
            };
            service.Deployments.Add(back);
        }

        foreach (var deployment in service.Deployments)
        {
            deployment.Status = "ACTIVE";
        }

        back.Status = "PRIMARY";
        back.RolloutState = "IN_PROGRESS";
        back.RolloutStateReason = $"ECS deployment {back.Id} in progress.";
        back.DesiredCount = DesiredCount(cluster, service);
        back.UpdatedAt = now;
        service.Deployments.Remove(back);
        service.Deployments.Insert(0, back);
        if (target is not null)
        {
            target.DesiredCount = 0;
        }

        record.RollbackDeploymentId = back.Id;
        service.TaskDefinitionArn = revision.TaskDefinitionArn;
        service.SteadyStateReported = false;
        if (record.Strategy != "ROLLING")
        {
            TrafficShifting.RevertTraffic(context, service, record);
        }

        ServiceEvents.Add(service, $"(service {service.Name}) rolling back to deployment {back.Id}.", now);
    }

    /// <summary>Marks the deployment done once its target revision runs healthy at full count and nothing else runs.</summary>
    public static void CompleteIfSteady(SimulationContext context, EcsCluster cluster, EcsService service, IReadOnlyList<EcsTask> tasks)
    {
        var primary = Primary(service);
        if (primary is null)
        {
            return;
        }

        var primaryLive = tasks.Where(t => t.DeploymentId == primary.Id && t.DesiredStatus == "RUNNING").ToList();
        var othersRunning = tasks.Any(t => t.DeploymentId != primary.Id && t.LastStatus != "STOPPED");
        var steady = !othersRunning && primaryLive.Count == primary.DesiredCount && primaryLive.All(t => TaskRunner.IsHealthy(context, t));
        var record = Current(service);
        if (!steady || (record is not null && record.Strategy != "ROLLING" && record.Status == "IN_PROGRESS") || (record is not null && IsHeld(context.Region, cluster, service)))
        {
            return;
        }

        var now = context.Now;
        service.Deployments.RemoveAll(d => d.Id != primary.Id);
        if (primary.RolloutState == "IN_PROGRESS")
        {
            primary.RolloutState = "COMPLETED";
            primary.RolloutStateReason = $"ECS deployment {primary.Id} completed.";
            primary.UpdatedAt = now;
            ServiceEvents.Add(service, $"(service {service.Name}) (deployment {primary.Id}) deployment completed.", now);
        }

        if (record is not null)
        {
            Finish(record, record.Status is "ROLLBACK_IN_PROGRESS" or "ROLLBACK_REQUESTED" ? "ROLLBACK_SUCCESSFUL" : "SUCCESSFUL", now);
        }

        if (!service.SteadyStateReported)
        {
            service.SteadyStateReported = true;
            ServiceEvents.Add(service, $"(service {service.Name}) has reached a steady state.", now);
        }
    }

    /// <summary>A deployment of the service is held in progress by the control API (<c>/_localecs/deployments/hold</c>).</summary>
    public static bool IsHeld(RegionState region, EcsCluster cluster, EcsService service) =>
        region.HeldDeployments.Contains(HoldKey(cluster.Name, service.Name));

    public static string HoldKey(string cluster, string service) => $"{cluster}/{service}";

    public static void Finish(ServiceDeploymentRecord record, string status, DateTimeOffset now)
    {
        record.Status = status;
        record.FinishedAt = now;
        record.UpdatedAt = now;
        record.LifecycleStage = record.Strategy == "ROLLING" ? null : record.LifecycleStage;
        if (status == "SUCCESSFUL")
        {
            record.StatusReason = null;
        }

        CompleteMonitors(record);
    }

    private static void CompleteMonitors(ServiceDeploymentRecord record)
    {
        if (record.CircuitBreaker.Status == "MONITORING")
        {
            record.CircuitBreaker.Status = "MONITORING_COMPLETE";
        }

        if (record.Alarms.Status == "MONITORING")
        {
            record.Alarms.Status = "MONITORING_COMPLETE";
        }
    }

    private static ServiceRevisionRecord CreateRevision(SimulationContext context, EcsCluster cluster, EcsService service)
    {
        var id = Ids.Digits(19);
        var definition = context.Region.TaskDefinitions.Values.FirstOrDefault(t => t.Arn == service.TaskDefinitionArn);
        var images = definition?.Definition.Objects("containerDefinitions").Select(c =>
        {
            var image = c.Str("image") ?? string.Empty;
            return new ContainerImageRecord { ContainerName = c.Str("name") ?? string.Empty, Image = image, ImageDigest = ImageResolver.Resolve(context.Runtime, image).Digest };
        }).ToList() ?? [];
        return new ServiceRevisionRecord
        {
            Arn = EcsArns.ServiceRevision(context.Region.Name, cluster.Name, service.Name, id),
            ServiceArn = service.Arn,
            ClusterArn = cluster.Arn,
            TaskDefinitionArn = service.TaskDefinitionArn,
            LaunchType = EffectiveLaunchType(service.LaunchType, service.CapacityProviderStrategy),
            CapacityProviderStrategy = service.CapacityProviderStrategy?.DeepClone() as JsonArray,
            PlatformVersion = service.LaunchType == "FARGATE" ? service.PlatformVersion ?? "1.4.0" : service.PlatformVersion,
            PlatformFamily = service.LaunchType == "FARGATE" ? "Linux" : null,
            LoadBalancers = (JsonArray)service.LoadBalancers.DeepClone(),
            ServiceRegistries = (JsonArray)service.ServiceRegistries.DeepClone(),
            NetworkConfiguration = service.NetworkConfiguration?.DeepClone() as JsonObject,
            ServiceConnectConfiguration = service.ServiceConnectConfiguration?.DeepClone() as JsonObject,
            VolumeConfigurations = service.VolumeConfigurations?.DeepClone() as JsonArray,
            ContainerImages = images,
            ResolvedTargetGroupArns = [.. service.ProductionTargetGroupArns],
            CreatedAt = context.Now,
        };
    }

    /// <summary>Blue/green puts the new revision's tasks in whichever group of each pair is not taking production traffic.</summary>
    private static List<string> GreenTargetGroups(EcsService service)
    {
        var result = new List<string>();
        var loadBalancers = service.LoadBalancers.OfType<JsonObject>().ToList();
        for (var i = 0; i < loadBalancers.Count; i++)
        {
            var declared = loadBalancers[i].Str("targetGroupArn") ?? string.Empty;
            var alternate = loadBalancers[i].Obj("advancedConfiguration")?.Str("alternateTargetGroupArn");
            var production = i < service.ProductionTargetGroupArns.Count ? service.ProductionTargetGroupArns[i] : declared;
            result.Add(alternate is null ? production : production == declared ? alternate : declared);
        }

        return result;
    }
}

internal enum FailureKind
{
    CircuitBreaker,
    Alarm,
    Hook,
    StopRequested,
}
