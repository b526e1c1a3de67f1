using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// ECS managed daemons: exactly one daemon task on every container instance of the daemon's capacity providers,
/// started before other tasks on an instance that registers. Deployments follow ECS's drain-provision-replace
/// pattern: per capacity provider, a batch of <c>drainPercent</c> of the instances that do not run the target revision
/// drains, the provider replaces those instances with new ones that start the target revision, and so on until every
/// instance runs it; then the bake time passes. Failed daemon tasks of the target revision count toward the circuit
/// breaker, and the breaker or a deployment alarm rolls back to the last revision that deployed successfully.
/// Outside deployments a daemon task that fails takes its instance down with it: the instance drains and is replaced.
/// </summary>
internal static class Daemons
{
    public static readonly HashSet<string> InProgressStatuses = ["PENDING", "IN_PROGRESS", "ROLLBACK_IN_PROGRESS"];

    private const string DaemonTaskFailure = "daemon-task-failure";

    public static DaemonDeploymentRecord? Current(DaemonRecord daemon) => daemon.Deployments.LastOrDefault(d => InProgressStatuses.Contains(d.Status));

    public static DaemonRevisionRecord? Revision(DaemonRecord daemon, string? arn) => arn is null ? null : daemon.Revisions.FirstOrDefault(r => r.Arn == arn);

    /// <summary>Snapshots the daemon's configuration (images resolved to digests, as for service revisions).</summary>
    public static DaemonRevisionRecord CreateRevision(SimulationContext context, EcsCluster cluster, DaemonRecord daemon, DaemonTaskDefinitionRecord definition,
        IReadOnlyList<string> capacityProviders, string propagateTags, bool enableEcsManagedTags, bool enableExecuteCommand)
    {
        var revision = new DaemonRevisionRecord
        {
            Arn = $"{EcsArns.Prefix(context.Region.Name)}:daemon-revision/{cluster.Name}/{daemon.Name}/{Ids.Digits(19)}",
            DaemonTaskDefinitionArn = definition.Arn,
            CapacityProviders = [.. capacityProviders],
            PropagateTags = propagateTags,
            EnableEcsManagedTags = enableEcsManagedTags,
            EnableExecuteCommand = enableExecuteCommand,
            CreatedAt = context.Now,
            ContainerImages = definition.Definition.Objects("containerDefinitions").Select(c =>
            {
                var image = c.Str("image") ?? string.Empty;
                return new ContainerImageRecord { ContainerName = c.Str("name") ?? string.Empty, Image = image, ImageDigest = ImageResolver.Resolve(context.Runtime, image).Digest };
            }).ToList(),
        };
        daemon.Revisions.Add(revision);
        return revision;
    }

    /// <summary>
    /// Starts a deployment of <paramref name="target"/> (null: DeleteDaemon's deployment, which removes the daemon's
    /// tasks). A deployment still in progress stops: the new one replaces it.
    /// </summary>
    public static DaemonDeploymentRecord StartDeployment(SimulationContext context, EcsCluster cluster, DaemonRecord daemon, DaemonRevisionRecord? target)
    {
        var now = context.Now;
        foreach (var previous in daemon.Deployments.Where(d => InProgressStatuses.Contains(d.Status)))
        {
            previous.Status = "STOPPED";
            previous.StatusReason = "Daemon deployment stopped: a newer daemon deployment started.";
            previous.StoppedAt = now;
            CompleteMonitors(previous);
        }

        var sources = daemon.Assignments.Values.Where(a => a.Length > 0 && a != target?.Arn).Distinct(StringComparer.Ordinal).ToList();
        var providers = target?.CapacityProviders.ToList()
            ?? sources.SelectMany(s => Revision(daemon, s)?.CapacityProviders ?? []).Distinct(StringComparer.Ordinal).ToList();
        var configuration = (JsonObject)daemon.DeploymentConfiguration.DeepClone();
        var alarms = configuration.Obj("alarms");
        var enableAlarms = target is not null && alarms?.Bool("enable") == true;
        var id = Ids.Alphanumeric(16);
        var deployment = new DaemonDeploymentRecord
        {
            Id = id,
            Arn = $"{EcsArns.Prefix(context.Region.Name)}:daemon-deployment/{cluster.Name}/{daemon.Name}/{id}",
            TargetRevisionArn = target?.Arn,
            SourceRevisionArns = sources,
            CapacityProviders = providers,
            DeploymentConfiguration = configuration,
            CreatedAt = now,
            CircuitBreaker = new MonitorState
            {
                Enabled = target is not null,
                Rollback = true,
                Status = target is null ? "DISABLED" : "MONITORING",
                Threshold = Threshold(cluster, providers),
            },
            Alarms = new MonitorState
            {
                Enabled = enableAlarms,
                Rollback = true,
                Status = enableAlarms ? "MONITORING" : "DISABLED",
                Names = alarms?.Strings("alarmNames").ToList() ?? [],
            },
        };
        deployment.AlarmsIgnored = deployment.Alarms.Names.Where(n => context.Region.Alarms.TryGetValue(n, out var alarm) && alarm.StateValue == "ALARM").ToList();
        daemon.Deployments.Add(deployment);
        if (target is not null)
        {
            foreach (var provider in target.CapacityProviders.Where(p => !daemon.CoveredSince.ContainsKey(p)))
            {
                daemon.CoveredSince[provider] = now;
            }

            foreach (var dropped in daemon.CoveredSince.Keys.Where(p => !target.CapacityProviders.Contains(p)).ToList())
            {
                daemon.CoveredSince.Remove(dropped);
            }

            daemon.CurrentRevisionArn = target.Arn;
        }

        daemon.UpdatedAt = now;
        return deployment;
    }

    /// <summary>
    /// The circuit breaker's threshold for a daemon deployment. ECS does not document it; its example reports 10 for three
    /// instances. LocalEcs uses half the instances of the daemon's capacity providers, at least 10 and at most 200.
    /// </summary>
    public static int Threshold(EcsCluster cluster, IReadOnlyCollection<string> providers)
    {
        var instances = cluster.ContainerInstances.Count(i => i.CapacityProviderName is { } p && providers.Contains(p));
        return Math.Clamp((int)Math.Ceiling(instances / 2.0), 10, 200);
    }

    public static bool Step(SimulationContext context, EcsCluster cluster)
    {
        FinishDeletedDefinitions(context.Region);
        var active = false;
        foreach (var daemon in cluster.Daemons.Values.Where(d => d.Status != "DELETED").ToList())
        {
            var deployment = Current(daemon);
            if (deployment is { Status: "PENDING" })
            {
                deployment.Status = "IN_PROGRESS";
                deployment.StartedAt = context.Now;
            }

            Assign(context, cluster, daemon);
            var tasks = cluster.Tasks.Values.Where(t => t.DaemonName == daemon.Name).ToList();
            HandleFailures(context, cluster, daemon, deployment, tasks);
            if (Current(daemon) is { Status: "IN_PROGRESS" } watched)
            {
                WatchAlarms(context, cluster, daemon, watched);
            }

            Place(context, cluster, daemon, tasks);
            if (Current(daemon) is { } running)
            {
                Progress(context, cluster, daemon, running);
            }

            active |= Current(daemon) is not null || tasks.Any(t => t.LastStatus != "STOPPED");
            if (daemon.Status == "DELETE_IN_PROGRESS" && Current(daemon) is null && tasks.All(t => t.LastStatus == "STOPPED"))
            {
                // The daemon is gone (DescribeDaemon no longer finds it); its deployments stay describable.
                daemon.Status = "DELETED";
                daemon.UpdatedAt = context.Now;
                daemon.Assignments.Clear();
            }
        }

        return active;
    }

    /// <summary>
    /// Whether a task on a container instance must wait for the instance's daemons: ECS starts the daemon task on an
    /// instance first and moves the application's tasks to RUNNING only once it runs.
    /// </summary>
    public static bool HoldsStart(EcsCluster cluster, EcsTask task)
    {
        if (task.DaemonName is not null || task.ContainerInstanceArn is null || task.DesiredStatus == "STOPPED")
        {
            return false;
        }

        foreach (var daemon in cluster.Daemons.Values.Where(d => d.Status == "ACTIVE"))
        {
            if (daemon.Assignments.TryGetValue(task.ContainerInstanceArn, out var revision) && revision.Length > 0
                && !cluster.Tasks.Values.Any(t => t.DaemonName == daemon.Name && t.ContainerInstanceArn == task.ContainerInstanceArn && t.LastStatus == "RUNNING"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The DAEMON health check of a container instance that runs daemons (DescribeContainerInstances.healthStatus):
    /// INITIALIZING until its daemon tasks first run, IMPAIRED while one is not running, OK otherwise.
    /// </summary>
    public static JsonObject? InstanceHealth(EcsCluster cluster, ContainerInstanceRecord instance, DateTimeOffset now)
    {
        var daemons = cluster.Daemons.Values.Where(d => d.Status != "DELETED" && d.Assignments.TryGetValue(instance.Arn, out var revision) && revision.Length > 0).ToList();
        if (daemons.Count == 0)
        {
            return null;
        }

        var tasks = cluster.Tasks.Values.Where(t => t.ContainerInstanceArn == instance.Arn && t.DaemonName is not null).ToList();
        var missing = daemons.Where(d => !tasks.Any(t => t.DaemonName == d.Name && t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING")).ToList();
        var status = missing.Count == 0 ? "OK" : missing.All(d => !tasks.Any(t => t.DaemonName == d.Name && t.StartedAt is not null)) ? "INITIALIZING" : "IMPAIRED";
        var detail = new JsonObject
        {
            ["type"] = "DAEMON",
            ["status"] = status,
            ["lastUpdated"] = AwsValues.Timestamp(now),
            ["lastStatusChange"] = AwsValues.Timestamp(tasks.Select(t => t.StoppedAt ?? t.StartedAt ?? t.CreatedAt).DefaultIfEmpty(instance.RegisteredAt).Max()),
        };
        if (missing.Count > 0)
        {
            detail["statusReason"] = $"Daemon task of {string.Join(", ", missing.Select(d => d.Name))} is not running.";
        }

        return new JsonObject { ["overallStatus"] = status, ["details"] = new JsonArray(detail) };
    }

    /// <summary>Daemon task definitions being deleted become DELETED once no daemon runs them any more.</summary>
    public static void FinishDeletedDefinitions(RegionState region)
    {
        foreach (var definition in region.DaemonTaskDefinitions.Values.Where(d => d.Status == "DELETE_IN_PROGRESS"))
        {
            var used = region.Clusters.Values.SelectMany(c => c.Daemons.Values).Where(d => d.Status != "DELETED")
                .SelectMany(d => d.Assignments.Values.Append(d.CurrentRevisionArn).Select(a => Revision(d, a)))
                .Any(r => r?.DaemonTaskDefinitionArn == definition.Arn);
            if (!used)
            {
                definition.Status = "DELETED";
            }
        }
    }

    /// <summary>Gives each registered instance of a covered provider its revision (see <see cref="DaemonRecord.Assignments"/>).</summary>
    private static void Assign(SimulationContext context, EcsCluster cluster, DaemonRecord daemon)
    {
        foreach (var gone in daemon.Assignments.Keys.Where(arn => cluster.ContainerInstances.All(i => i.Arn != arn)).ToList())
        {
            daemon.Assignments.Remove(gone);
        }

        if (daemon.Status != "ACTIVE")
        {
            return;
        }

        foreach (var instance in cluster.ContainerInstances.Where(i => i.Status == "ACTIVE" && i.CapacityProviderName is not null && !daemon.Assignments.ContainsKey(i.Arn)))
        {
            if (daemon.CoveredSince.TryGetValue(instance.CapacityProviderName!, out var since))
            {
                daemon.Assignments[instance.Arn] = instance.RegisteredAt >= since ? daemon.CurrentRevisionArn : string.Empty;
            }
        }
    }

    private static void HandleFailures(SimulationContext context, EcsCluster cluster, DaemonRecord daemon, DaemonDeploymentRecord? deployment, List<EcsTask> tasks)
    {
        foreach (var task in tasks.Where(t => t.DesiredStatus == "STOPPED" && t.StopIsFailure && !t.FailureCounted))
        {
            task.FailureCounted = true;
            if (deployment is { Status: "IN_PROGRESS" } && task.DaemonRevisionArn == deployment.TargetRevisionArn && deployment.CircuitBreaker.Status == "MONITORING")
            {
                deployment.CircuitBreaker.FailureCount++;
                if (deployment.CircuitBreaker.FailureCount >= deployment.CircuitBreaker.Threshold)
                {
                    Fail(context, cluster, daemon, deployment, $"the deployment circuit breaker detected {deployment.CircuitBreaker.FailureCount} failed daemon tasks");
                    deployment = Current(daemon);
                }
            }
            else if (deployment is { Status: "ROLLBACK_IN_PROGRESS" } && task.DaemonRevisionArn == deployment.RollbackRevisionArn)
            {
                deployment.RollbackFailureCount++;
                if (deployment.RollbackFailureCount >= deployment.CircuitBreaker.Threshold)
                {
                    deployment.Status = "ROLLBACK_FAILED";
                    deployment.StatusReason = $"Rollback failed: {deployment.RollbackFailureCount} daemon tasks of {deployment.RollbackRevisionArn} failed too.";
                    deployment.FinishedAt = context.Now;
                    CompleteMonitors(deployment);
                    deployment = null;
                }
            }
            else if (deployment is null && LastDeploymentSucceeded(daemon)
                && cluster.ContainerInstances.FirstOrDefault(i => i.Arn == task.ContainerInstanceArn) is { Status: "ACTIVE" } instance)
            {
                // Daemons are essential for the instance's health: ECS drains the instance and replaces it.
                instance.Status = "DRAINING";
                instance.DrainedBy = DaemonTaskFailure;
            }
        }
    }

    private static bool LastDeploymentSucceeded(DaemonRecord daemon) =>
        daemon.Deployments.LastOrDefault(d => !InProgressStatuses.Contains(d.Status))?.Status is "SUCCESSFUL" or "ROLLBACK_SUCCESSFUL";

    private static void WatchAlarms(SimulationContext context, EcsCluster cluster, DaemonRecord daemon, DaemonDeploymentRecord deployment)
    {
        if (deployment.Alarms.Status != "MONITORING")
        {
            return;
        }

        var triggered = deployment.Alarms.Names
            .Where(n => !deployment.AlarmsIgnored.Contains(n) && context.Region.Alarms.TryGetValue(n, out var alarm) && alarm.StateValue == "ALARM").ToList();
        deployment.AlarmsIgnored.RemoveAll(n => context.Region.Alarms.GetValueOrDefault(n)?.StateValue != "ALARM");
        if (triggered.Count > 0)
        {
            deployment.Alarms.Triggered = triggered;
            deployment.Alarms.Status = "TRIGGERED";
            Fail(context, cluster, daemon, deployment, $"CloudWatch alarm {string.Join(", ", triggered)} went into ALARM");
        }
    }

    /// <summary>Rolls back to the last revision that deployed successfully, or stops the deployment when there is none.</summary>
    private static void Fail(SimulationContext context, EcsCluster cluster, DaemonRecord daemon, DaemonDeploymentRecord deployment, string why)
    {
        var now = context.Now;
        if (why.StartsWith("the deployment circuit breaker", StringComparison.Ordinal))
        {
            deployment.CircuitBreaker.Status = "TRIGGERED";
        }

        if (deployment.Alarms.Status == "MONITORING")
        {
            deployment.Alarms.Status = "MONITORING_COMPLETE";
        }

        var lastGood = daemon.Deployments.TakeWhile(d => d != deployment).LastOrDefault(d => d.Status is "SUCCESSFUL" or "ROLLBACK_SUCCESSFUL") is { } good
            ? good.Status == "SUCCESSFUL" ? good.TargetRevisionArn : good.RollbackRevisionArn
            : null;
        if (lastGood is null || lastGood == deployment.TargetRevisionArn)
        {
            deployment.Status = "STOPPED";
            deployment.StatusReason = $"Daemon deployment failed: {why}. No earlier daemon revision deployed successfully, so there is nothing to roll back to.";
            deployment.StoppedAt = now;
            CompleteMonitors(deployment);
            return;
        }

        deployment.Status = "ROLLBACK_IN_PROGRESS";
        deployment.RollbackReason = $"Daemon deployment rolled back because {why}.";
        deployment.StatusReason = deployment.RollbackReason;
        deployment.RollbackStartedAt = now;
        deployment.RollbackRevisionArn = lastGood;
        deployment.RollbackCapacityProviders = [.. deployment.CapacityProviders];
        deployment.UpdatedAllAt = null;
        daemon.CurrentRevisionArn = lastGood;
        daemon.UpdatedAt = now;
        foreach (var provider in Revision(daemon, lastGood)?.CapacityProviders ?? [])
        {
            daemon.CoveredSince.TryAdd(provider, now);
        }
    }

    /// <summary>Starts the daemon task of every serving instance that has none running, and stops it where the daemon no longer runs.</summary>
    private static void Place(SimulationContext context, EcsCluster cluster, DaemonRecord daemon, List<EcsTask> tasks)
    {
        var covered = daemon.Status == "ACTIVE" ? Revision(daemon, daemon.CurrentRevisionArn)?.CapacityProviders ?? [] : null;
        foreach (var (instanceArn, revisionArn) in daemon.Assignments.ToList())
        {
            var instance = cluster.ContainerInstances.FirstOrDefault(i => i.Arn == instanceArn);
            var live = tasks.FirstOrDefault(t => t.ContainerInstanceArn == instanceArn && t.DesiredStatus == "RUNNING");
            if (instance is null || (covered is not null && !covered.Contains(instance.CapacityProviderName!)))
            {
                if (live is not null)
                {
                    TaskRunner.Stop(context, cluster, live, "The daemon no longer runs on the capacity provider of this container instance.", "ServiceSchedulerInitiated", failure: false);
                }

                daemon.Assignments.Remove(instanceArn);
                continue;
            }

            if (revisionArn.Length == 0 || instance.Status != "ACTIVE" || live is not null)
            {
                continue;
            }

            if (Revision(daemon, revisionArn) is { } revision
                && context.Region.DaemonTaskDefinitions.Values.FirstOrDefault(d => d.Arn == revision.DaemonTaskDefinitionArn) is { } definition)
            {
                tasks.Add(Launch(context, cluster, daemon, instance, revision, definition));
            }
        }
    }

    private static EcsTask Launch(SimulationContext context, EcsCluster cluster, DaemonRecord daemon, ContainerInstanceRecord instance, DaemonRevisionRecord revision, DaemonTaskDefinitionRecord definition)
    {
        var provider = context.Region.CapacityProviders.GetValueOrDefault(instance.CapacityProviderName!);
        var taskDefinition = new TaskDefinitionRecord
        {
            Arn = definition.Arn,
            Family = definition.Family,
            Revision = definition.Revision,
            Definition = new JsonObject
            {
                ["family"] = definition.Family,
                ["networkMode"] = "host",
                ["containerDefinitions"] = definition.Definition["containerDefinitions"]?.DeepClone() ?? new JsonArray(),
            }.Put("cpu", definition.Definition.Str("cpu")).Put("memory", definition.Definition.Str("memory")),
            Compatibilities = ["MANAGED_INSTANCES"],
        };
        var task = TaskRunner.Launch(context, cluster, new LaunchSpec
        {
            TaskDefinition = taskDefinition,
            LaunchType = provider?.Type == "EC2_AUTOSCALING" ? "EC2" : "MANAGED_INSTANCES",
            Group = "daemon:" + daemon.Name,
            StartedBy = "ecs-daemon",
            Tags = revision.PropagateTags == "DAEMON" ? daemon.Tags?.DeepClone() as JsonArray : null,
            EnableExecuteCommand = revision.EnableExecuteCommand,
            Instance = instance,
            Images = revision.ContainerImages,
        });
        task.DaemonName = daemon.Name;
        task.DaemonRevisionArn = revision.Arn;
        return task;
    }

    /// <summary>One step of the drain-provision-replace rollout, per capacity provider; then the bake, then done.</summary>
    private static void Progress(SimulationContext context, EcsCluster cluster, DaemonRecord daemon, DaemonDeploymentRecord deployment)
    {
        var rollingBack = deployment.Status == "ROLLBACK_IN_PROGRESS";
        var target = rollingBack ? deployment.RollbackRevisionArn : deployment.TargetRevisionArn;
        var drainPercent = deployment.DeploymentConfiguration.Double("drainPercent") ?? 25.0;
        var done = true;
        foreach (var provider in deployment.CapacityProviders)
        {
            var instances = cluster.ContainerInstances.Where(i => i.CapacityProviderName == provider).ToList();
            var serving = instances.Where(i => i.Status == "ACTIVE").ToList();
            var draining = instances.Count(i => i.Status == "DRAINING" && i.DrainedBy == deployment.Arn);
            var booting = instances.Count(i => i.Status == "REGISTERING");
            var outdated = serving.Where(i => target is null
                ? daemon.Assignments.GetValueOrDefault(i.Arn) is { Length: > 0 }
                : daemon.Assignments.GetValueOrDefault(i.Arn) != target).ToList();
            var starting = target is null ? 0 : serving.Count(i => daemon.Assignments.GetValueOrDefault(i.Arn) == target && !RunsHealthy(context, cluster, daemon, i, target));
            if (outdated.Count == 0 && draining == 0 && booting == 0 && starting == 0)
            {
                continue;
            }

            done = false;
            if (draining > 0 || booting > 0 || starting > 0)
            {
                continue;
            }

            var batch = Math.Max(1, (int)Math.Floor(serving.Count * drainPercent / 100.0));
            foreach (var instance in outdated.OrderBy(i => i.RegisteredAt).Take(batch))
            {
                instance.Status = "DRAINING";
                instance.DrainedBy = deployment.Arn;
            }
        }

        if (!done)
        {
            deployment.UpdatedAllAt = null;
            return;
        }

        deployment.UpdatedAllAt ??= context.Now;
        var bake = rollingBack || target is null ? TimeSpan.Zero : TimeSpan.FromMinutes(deployment.DeploymentConfiguration.Int("bakeTimeInMinutes") ?? 0);
        if (context.Now < deployment.UpdatedAllAt.Value + bake)
        {
            context.WakeAt(deployment.UpdatedAllAt.Value + bake);
            return;
        }

        deployment.Status = rollingBack ? "ROLLBACK_SUCCESSFUL" : "SUCCESSFUL";
        deployment.StatusReason = rollingBack ? deployment.RollbackReason : target is null ? "Daemon tasks removed: the daemon was deleted." : "Deployment completed successfully.";
        deployment.FinishedAt = context.Now;
        CompleteMonitors(deployment);
    }

    private static bool RunsHealthy(SimulationContext context, EcsCluster cluster, DaemonRecord daemon, ContainerInstanceRecord instance, string revision) =>
        cluster.Tasks.Values.Any(t => t.DaemonName == daemon.Name && t.ContainerInstanceArn == instance.Arn && t.DaemonRevisionArn == revision && TaskRunner.IsHealthy(context, t));

    private static void CompleteMonitors(DaemonDeploymentRecord deployment)
    {
        if (deployment.CircuitBreaker.Status == "MONITORING")
        {
            deployment.CircuitBreaker.Status = "MONITORING_COMPLETE";
        }

        if (deployment.Alarms.Status == "MONITORING")
        {
            deployment.Alarms.Status = "MONITORING_COMPLETE";
        }
    }

    /// <summary>Per capacity provider: instances whose daemon task of <paramref name="revision"/> runs, and those draining.</summary>
    public static JsonObject RevisionProgress(EcsCluster cluster, DaemonRecord daemon, DaemonDeploymentRecord deployment, string revision, IReadOnlyList<string> providers)
    {
        var details = new JsonArray();
        var running = 0;
        var draining = 0;
        foreach (var provider in providers)
        {
            var instances = cluster.ContainerInstances.Where(i => i.CapacityProviderName == provider).ToList();
            var runningHere = instances.Count(i => i.Status != "DRAINING" && cluster.Tasks.Values.Any(t => t.DaemonName == daemon.Name
                && t.ContainerInstanceArn == i.Arn && t.DaemonRevisionArn == revision && t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING"));
            var drainingHere = instances.Count(i => i.Status == "DRAINING" && daemon.Assignments.GetValueOrDefault(i.Arn) == revision
                && (i.DrainedBy == deployment.Arn || i.DrainedBy == DaemonTaskFailure));
            running += runningHere;
            draining += drainingHere;
            details.Add(new JsonObject
            {
                ["arn"] = EcsApi.CapacityProviderArn(cluster.Arn.Split(':')[3], provider),
                ["runningInstanceCount"] = runningHere,
                ["drainingInstanceCount"] = drainingHere,
            });
        }

        return new JsonObject
        {
            ["arn"] = revision,
            ["capacityProviders"] = details,
            ["totalRunningInstanceCount"] = running,
            ["totalDrainingInstanceCount"] = draining,
        };
    }
}
