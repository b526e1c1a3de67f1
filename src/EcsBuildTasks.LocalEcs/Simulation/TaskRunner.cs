using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>What to start: a task definition plus where its task runs and what it belongs to.</summary>
internal sealed class LaunchSpec
{
    public required TaskDefinitionRecord TaskDefinition { get; init; }

    public required string LaunchType { get; init; }

    public string? PlatformVersion { get; init; }

    public JsonObject? NetworkConfiguration { get; init; }

    public string Group { get; init; } = "family";

    public string? StartedBy { get; init; }

    public string? ServiceName { get; init; }

    public string? DeploymentId { get; init; }

    public string? TaskSetId { get; init; }

    public List<TaskTarget> Targets { get; init; } = [];

    public List<TaskRegistry> Registries { get; init; } = [];

    public JsonObject? Overrides { get; init; }

    public JsonArray? Tags { get; init; }

    public bool EnableExecuteCommand { get; init; }

    public ContainerInstanceRecord? Instance { get; init; }

    /// <summary>Digests resolved when the deployment started (ECS's software version consistency), by container name.</summary>
    public IReadOnlyList<ContainerImageRecord>? Images { get; init; }

    /// <summary>A <c>LOCALECS_SIMULATE</c> value injected into the revision through the control API, on top of the containers' own.</summary>
    public string? Simulate { get; init; }
}

/// <summary>
/// The task lifecycle: PROVISIONING → PENDING (image pull, log driver checks) → ACTIVATING (load balancer and Cloud Map
/// registration) → RUNNING, and on stop DEACTIVATING (draining) → STOPPING → DEPROVISIONING (awsvpc) → STOPPED, with the
/// stop reasons, stop codes and exit codes ECS reports. <c>LOCALECS_SIMULATE</c> rehearses failures.
/// </summary>
internal static class TaskRunner
{
    /// <summary>How long a task without health checks must stay RUNNING before it counts as healthy.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan StoppedRetention = TimeSpan.FromHours(1);
    private static readonly TimeSpan AppStartup = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CrashDelay = TimeSpan.FromSeconds(1);

    public static EcsTask Launch(SimulationContext context, EcsCluster cluster, LaunchSpec spec)
    {
        var definition = spec.TaskDefinition.Definition;
        var id = Ids.Hex32();
        var networkMode = definition.Str("networkMode") ?? "bridge";
        var task = new EcsTask
        {
            Id = id,
            Arn = EcsArns.Task(context.Region.Name, cluster.Name, id),
            ClusterArn = cluster.Arn,
            TaskDefinitionArn = spec.TaskDefinition.Arn,
            Group = spec.Group,
            StartedBy = spec.StartedBy,
            ServiceName = spec.ServiceName,
            DeploymentId = spec.DeploymentId,
            TaskSetId = spec.TaskSetId,
            LaunchType = spec.LaunchType,
            PlatformVersion = spec.LaunchType == "FARGATE" ? spec.PlatformVersion ?? "1.4.0" : null,
            NetworkMode = networkMode,
            CreatedAt = context.Now,
            PhaseEndsAt = context.Now + (networkMode == "awsvpc" ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(1)),
            Overrides = spec.Overrides?.DeepClone() as JsonObject,
            Tags = spec.Tags?.DeepClone() as JsonArray,
            EnableExecuteCommand = spec.EnableExecuteCommand,
            Targets = spec.Targets,
            Registries = spec.Registries,
        };

        if (spec.LaunchType != "FARGATE")
        {
            var instance = spec.Instance ?? cluster.ContainerInstances
                .Where(i => i.Status == "ACTIVE")
                .OrderBy(i => cluster.Tasks.Values.Count(t => t.ContainerInstanceArn == i.Arn && t.LastStatus != "STOPPED"))
                .FirstOrDefault();
            if (instance is not null)
            {
                task.ContainerInstanceArn = instance.Arn;
                task.Ec2InstanceId = instance.Ec2InstanceId;
                task.AvailabilityZone = instance.AvailabilityZone;
            }
        }

        if (networkMode == "awsvpc")
        {
            var subnetIds = spec.NetworkConfiguration?.Obj("awsvpcConfiguration")?.Strings("subnets").ToList() ?? [];
            var subnets = context.Region.Ec2.Subnets.Where(s => subnetIds.Contains(s.SubnetId)).ToList();
            var subnet = subnets.Count > 0 ? subnets[cluster.Tasks.Count % subnets.Count] : context.Region.Ec2.Subnets[0];
            task.SubnetId = subnet.SubnetId;
            task.AvailabilityZone = subnet.AvailabilityZone;
            task.PrivateIp = Ids.AddressInCidr(subnet.CidrBlock, subnet.NextHost++);
            task.EniId = "eni-" + Ids.Hex(17);
            task.MacAddress = Ids.MacAddress();
        }

        var overrides = spec.Overrides?.Objects("containerOverrides").ToDictionary(o => o.Str("name") ?? string.Empty, StringComparer.Ordinal) ?? [];
        var instanceRecord = cluster.ContainerInstances.FirstOrDefault(i => i.Arn == task.ContainerInstanceArn);
        foreach (var definitionContainer in definition.Objects("containerDefinitions"))
        {
            var name = definitionContainer.Str("name")!;
            overrides.TryGetValue(name, out var containerOverride);
            var environment = definitionContainer.Objects("environment").Concat(containerOverride?.Objects("environment") ?? []);
            foreach (var variable in environment.Where(e => e.Str("name") == "LOCALECS_SIMULATE"))
            {
                ApplyBehaviour(task.Behaviour, variable.Str("value"));
            }

            var image = definitionContainer.Str("image")!;
            var healthCheck = definitionContainer.Obj("healthCheck");
            var container = new TaskContainerRecord
            {
                Name = name,
                ContainerArn = EcsArns.Container(context.Region.Name, cluster.Name, id),
                Image = image,
                ImageDigest = spec.Images?.FirstOrDefault(i => i.ContainerName == name)?.ImageDigest,
                Essential = definitionContainer.Bool("essential") ?? true,
                HasHealthCheck = healthCheck is not null,
                HealthCheckIntervalSeconds = healthCheck?.Int("interval") ?? 30,
                HealthCheckRetries = healthCheck?.Int("retries") ?? 3,
                HealthCheckStartPeriodSeconds = healthCheck?.Int("startPeriod") ?? 0,
                StopTimeoutSeconds = definitionContainer.Int("stopTimeout") ?? 30,
                Cpu = definitionContainer.Int("cpu")?.ToString(CultureInfo.InvariantCulture) ?? "0",
                Memory = definitionContainer.Int("memory")?.ToString(CultureInfo.InvariantCulture),
                MemoryReservation = definitionContainer.Int("memoryReservation")?.ToString(CultureInfo.InvariantCulture),
                LogConfiguration = definitionContainer.CloneObj("logConfiguration"),
            };
            foreach (var mapping in definitionContainer.Objects("portMappings"))
            {
                var containerPort = mapping.Int("containerPort") ?? 0;
                var hostPort = networkMode switch
                {
                    "awsvpc" or "host" => containerPort,
                    _ when mapping.Int("hostPort") is { } fixedPort && fixedPort > 0 => fixedPort,
                    _ when instanceRecord is not null => instanceRecord.NextHostPort++,
                    _ => containerPort,
                };
                container.ContainerPorts.Add(containerPort);
                container.HostPorts.Add(hostPort);
                if (networkMode is "bridge" or "host")
                {
                    container.NetworkBindings.Add(new JsonObject
                    {
                        ["bindIP"] = "0.0.0.0",
                        ["containerPort"] = containerPort,
                        ["hostPort"] = hostPort,
                        ["protocol"] = mapping.Str("protocol") ?? "tcp",
                    });
                }
            }

            task.Containers.Add(container);
        }

        ApplyBehaviour(task.Behaviour, spec.Simulate);

        task.Cpu = definition.Str("cpu") ?? task.Containers.Sum(c => int.Parse(c.Cpu ?? "0", CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
        task.Memory = definition.Str("memory") ?? task.Containers.Sum(c => int.Parse(c.Memory ?? c.MemoryReservation ?? "0", CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
        foreach (var target in task.Targets)
        {
            var container = task.Containers.FirstOrDefault(c => c.Name == target.ContainerName);
            var index = container?.ContainerPorts.IndexOf(target.ContainerPort) ?? -1;
            target.Port = index >= 0 ? container!.HostPorts[index] : target.ContainerPort;
            target.TargetId = networkMode == "awsvpc" ? task.PrivateIp : task.Ec2InstanceId;
        }

        cluster.Tasks[id] = task;
        context.WakeAt(task.PhaseEndsAt!.Value);
        return task;
    }

    /// <summary>Parses <c>LOCALECS_SIMULATE</c>: crash, unhealthy, slow-start:&lt;seconds&gt;, pull-error, exit:&lt;code&gt; (comma-separated).</summary>
    public static void ApplyBehaviour(SimulatedBehaviour behaviour, string? value)
    {
        foreach (var item in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (item == "crash")
            {
                behaviour.Crash = true;
            }
            else if (item == "unhealthy")
            {
                behaviour.Unhealthy = true;
            }
            else if (item == "pull-error")
            {
                behaviour.PullError = true;
            }
            else if (item.StartsWith("exit:", StringComparison.Ordinal)
                && int.TryParse(item["exit:".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var exitCode) && exitCode is >= 0 and <= 255)
            {
                behaviour.ExitCode = exitCode;
            }
            else if (item.StartsWith("slow-start:", StringComparison.Ordinal)
                && int.TryParse(item["slow-start:".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                behaviour.SlowStartSeconds = seconds;
            }
        }
    }

    /// <summary>When the app in a task started at <paramref name="startedAt"/> answers requests.</summary>
    public static DateTimeOffset AppReadyAt(EcsTask task, DateTimeOffset startedAt) =>
        startedAt + AppStartup + TimeSpan.FromSeconds(task.Behaviour.SlowStartSeconds);

    public static bool StepAll(SimulationContext context, EcsCluster cluster)
    {
        var active = false;
        foreach (var task in cluster.Tasks.Values.ToList())
        {
            if (task.LastStatus == "STOPPED")
            {
                if (task.StoppedAt + StoppedRetention < context.Now)
                {
                    cluster.Tasks.Remove(task.Id);
                }

                continue;
            }

            active = true;
            Step(context, cluster, task);
        }

        context.Events.Flush(context.Now);
        return active;
    }

    /// <summary>Asks a task to stop; it then drains, stops its containers and is deprovisioned over the next steps.</summary>
    public static void Stop(SimulationContext context, EcsCluster cluster, EcsTask task, string reason, string stopCode, bool failure)
    {
        if (task.DesiredStatus == "STOPPED")
        {
            return;
        }

        task.DesiredStatus = "STOPPED";
        task.StoppingAt = context.Now;
        task.StoppedReason = reason;
        task.StopCode = stopCode;
        task.StopIsFailure = failure;
        task.Version++;
        var service = ServiceOf(cluster, task);
        switch (task.LastStatus)
        {
            case "PROVISIONING" or "PENDING":
                foreach (var container in task.Containers)
                {
                    container.LastStatus = "STOPPED";
                }

                MoveTo(task, task.NetworkMode == "awsvpc" ? "DEPROVISIONING" : "STOPPED", context, TimeSpan.FromSeconds(2));
                break;
            case "ACTIVATING" or "RUNNING":
                if (service is not null && task.LastStatus == "RUNNING" && !failure)
                {
                    context.Events.Stopped(service, task.Id);
                }

                Deactivate(context, cluster, task, service);
                break;
        }
    }

    private static void Step(SimulationContext context, EcsCluster cluster, EcsTask task)
    {
        if (task.PhaseEndsAt is { } ends && context.Now < ends)
        {
            context.WakeAt(ends);
            if (task.LastStatus != "RUNNING")
            {
                return;
            }
        }

        switch (task.LastStatus)
        {
            case "PROVISIONING":
                task.PullStartedAt = context.Now;
                MoveTo(task, "PENDING", context, TimeSpan.FromSeconds(4));
                break;
            case "PENDING" when Daemons.HoldsStart(cluster, task):
                // The instance's daemon tasks start first; their own progress wakes the simulation.
                break;
            case "PENDING":
                Pull(context, cluster, task);
                break;
            case "ACTIVATING":
                Start(context, cluster, task);
                break;
            case "RUNNING":
                Run(context, cluster, task);
                break;
            case "DEACTIVATING":
                var draining = task.Targets.Any(t => t.Registered && context.Region.Elbv2.TargetGroups.TryGetValue(t.TargetGroupArn, out var group)
                    && group.Targets.Any(x => x.Id == t.TargetId && x.Port == t.Port && x.State == "draining"));
                if (draining)
                {
                    return;
                }

                foreach (var container in task.Containers.Where(c => c.LastStatus == "RUNNING"))
                {
                    SimulatedLogs.Stopping(context, task, container);
                }

                MoveTo(task, "STOPPING", context, TimeSpan.FromSeconds(2));
                break;
            case "STOPPING":
                foreach (var container in task.Containers.Where(c => c.LastStatus != "STOPPED"))
                {
                    container.LastStatus = "STOPPED";
                    container.ExitCode ??= 0;
                }

                task.ExecutionStoppedAt = context.Now;
                MoveTo(task, task.NetworkMode == "awsvpc" ? "DEPROVISIONING" : "STOPPED", context, TimeSpan.FromSeconds(2));
                break;
            case "DEPROVISIONING":
                MoveTo(task, "STOPPED", context, TimeSpan.Zero);
                break;
        }
    }

    private static void MoveTo(EcsTask task, string status, SimulationContext context, TimeSpan duration)
    {
        task.LastStatus = status;
        task.Version++;
        if (status == "STOPPED")
        {
            task.StoppedAt = context.Now;
            task.ExecutionStoppedAt ??= context.Now;
            task.PhaseEndsAt = null;
            task.HealthStatus = task.HealthStatus == "HEALTHY" ? "UNKNOWN" : task.HealthStatus;
            return;
        }

        task.PhaseEndsAt = context.Now + duration;
        context.WakeAt(task.PhaseEndsAt.Value);
    }

    private static void Pull(SimulationContext context, EcsCluster cluster, EcsTask task)
    {
        if (task.DesiredStatus == "STOPPED")
        {
            MoveTo(task, task.NetworkMode == "awsvpc" ? "DEPROVISIONING" : "STOPPED", context, TimeSpan.FromSeconds(1));
            return;
        }

        // The agent fetches registry credentials and secrets before it pulls any image.
        var secretsFailure = SecretsFailure(context, task);
        foreach (var container in task.Containers)
        {
            var failure = secretsFailure ?? PullFailure(context, task, container) ?? SimulatedLogs.Prepare(context, task, container);
            if (failure is not null)
            {
                foreach (var c in task.Containers)
                {
                    c.LastStatus = "STOPPED";
                }

                container.Reason = failure;
                task.PullStoppedAt = context.Now;
                task.DesiredStatus = "STOPPED";
                task.StoppingAt = context.Now;
                task.StoppedReason = failure;
                task.StopCode = "TaskFailedToStart";
                task.StopIsFailure = true;
                MoveTo(task, task.NetworkMode == "awsvpc" ? "DEPROVISIONING" : "STOPPED", context, TimeSpan.FromSeconds(2));
                return;
            }
        }

        task.PullStoppedAt = context.Now;
        var service = ServiceOf(cluster, task);
        foreach (var target in task.Targets)
        {
            if (context.Region.Elbv2.TargetGroups.TryGetValue(target.TargetGroupArn, out var group) && target.TargetId is not null)
            {
                var readyAt = AppReadyAt(task, context.Now + TimeSpan.FromSeconds(1));
                LoadBalancing.Register(group, target.TargetId, target.Port, task.AvailabilityZone, context.Now, readyAt, task.Behaviour.Unhealthy || task.Behaviour.Crash, task.Arn);
                target.Registered = true;
                if (service is not null)
                {
                    context.Events.Registered(service, group.Arn, task.Id);
                }
            }
        }

        MoveTo(task, "ACTIVATING", context, TimeSpan.FromSeconds(1));
    }

    private static string? SecretsFailure(SimulationContext context, EcsTask task) =>
        context.Region.TaskDefinitions.GetValueOrDefault(task.TaskDefinitionArn[(task.TaskDefinitionArn.LastIndexOf('/') + 1)..]) is { } definition
            ? TaskSecrets.Failure(context, definition, task.Overrides?.Str("executionRoleArn") ?? definition.Definition.Str("executionRoleArn"))
            : null;

    private static string? PullFailure(SimulationContext context, EcsTask task, TaskContainerRecord container)
    {
        if (task.Behaviour.PullError)
        {
            return $"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {container.Image}: failed to do request: Head \"https://{container.Image.Split('/')[0]}/v2/\": dial tcp: i/o timeout";
        }

        var resolution = ImageResolver.Resolve(context.Runtime, container.Image);
        if (!resolution.Checked)
        {
            return null;
        }

        if (!resolution.RepositoryExists)
        {
            return $"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {container.Image}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed";
        }

        if (!resolution.Exists)
        {
            return $"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {container.Image}: {container.Image}: not found";
        }

        container.ImageDigest ??= resolution.Digest;
        ImageResolver.RecordPull(context.Account, container.Image, resolution.Digest, context.Now);
        return null;
    }

    private static void Start(SimulationContext context, EcsCluster cluster, EcsTask task)
    {
        if (task.DesiredStatus == "STOPPED")
        {
            Deactivate(context, cluster, task, ServiceOf(cluster, task));
            return;
        }

        task.StartedAt = context.Now;
        task.ConnectivityAt = context.Now;
        foreach (var container in task.Containers)
        {
            container.LastStatus = "RUNNING";
            container.RuntimeId = $"{task.Id}-{Ids.Hex(10)}";
            container.HealthStatus = container.HasHealthCheck ? "UNKNOWN" : container.HealthStatus;
        }

        MoveTo(task, "RUNNING", context, TimeSpan.Zero);
        task.PhaseEndsAt = null;
        ServiceDiscovery.Register(context, cluster, task);
        if (ServiceOf(cluster, task) is { } service)
        {
            context.Events.Started(service, task.Id);
        }

        context.WakeAt(AppReadyAt(task, context.Now));
    }

    private static void Run(SimulationContext context, EcsCluster cluster, EcsTask task)
    {
        var startedAt = task.StartedAt!.Value;
        var readyAt = AppReadyAt(task, startedAt);
        if (context.Now < readyAt)
        {
            context.WakeAt(readyAt);
        }
        else
        {
            foreach (var container in task.Containers.Where(c => !c.LogsWritten))
            {
                container.LogsWritten = true;
                SimulatedLogs.Started(context, task, container, container.ContainerPorts.FirstOrDefault(8080));
            }
        }

        if (task.Behaviour.Crash || task.Behaviour.ExitCode is not null)
        {
            var exitAt = readyAt + CrashDelay;
            if (context.Now >= exitAt)
            {
                Exit(context, cluster, task);
                return;
            }

            context.WakeAt(exitAt);
        }

        foreach (var container in task.Containers.Where(c => c.HasHealthCheck && c.HealthStatus == "UNKNOWN"))
        {
            var interval = TimeSpan.FromSeconds(container.HealthCheckIntervalSeconds);
            var at = task.Behaviour.Unhealthy
                ? startedAt + TimeSpan.FromSeconds(container.HealthCheckStartPeriodSeconds) + interval * container.HealthCheckRetries
                : readyAt + TimeSpan.FromSeconds(Math.Min(container.HealthCheckIntervalSeconds, 5));
            if (context.Now >= at)
            {
                container.HealthStatus = task.Behaviour.Unhealthy ? "UNHEALTHY" : "HEALTHY";
                task.Version++;
            }
            else
            {
                context.WakeAt(at);
            }
        }

        var checkedContainers = task.Containers.Where(c => c.HasHealthCheck && c.Essential).ToList();
        task.HealthStatus = checkedContainers.Count == 0 ? "UNKNOWN"
            : checkedContainers.Any(c => c.HealthStatus == "UNHEALTHY") ? "UNHEALTHY"
            : checkedContainers.All(c => c.HealthStatus == "HEALTHY") ? "HEALTHY" : "UNKNOWN";
        ServiceDiscovery.ReportHealth(context, task);
    }

    /// <summary>
    /// The first essential container exits: with code 1 after a crash, or with the <c>exit:&lt;code&gt;</c> code of a job
    /// that finished. ECS reports both the same way: "Essential container in task exited".
    /// </summary>
    private static void Exit(SimulationContext context, EcsCluster cluster, EcsTask task)
    {
        foreach (var container in task.Containers)
        {
            if (container.Essential && container.LastStatus == "RUNNING")
            {
                var exitCode = task.Behaviour.Crash ? 1 : task.Behaviour.ExitCode!.Value;
                if (task.Behaviour.Crash)
                {
                    SimulatedLogs.Crashed(context, task, container);
                }
                else
                {
                    SimulatedLogs.Finished(context, task, container, exitCode);
                }

                container.LastStatus = "STOPPED";
                container.ExitCode = exitCode;
                container.Reason = null;
                break;
            }
        }

        task.ExecutionStoppedAt = context.Now;
        Stop(context, cluster, task, "Essential container in task exited", "EssentialContainerExited", failure: true);
    }

    private static void Deactivate(SimulationContext context, EcsCluster cluster, EcsTask task, EcsService? service)
    {
        var drained = false;
        foreach (var target in task.Targets.Where(t => t.Registered && t.TargetId is not null))
        {
            if (context.Region.Elbv2.TargetGroups.TryGetValue(target.TargetGroupArn, out var group))
            {
                LoadBalancing.Deregister(group, target.TargetId!, target.Port, context.Now);
                drained = true;
                if (service is not null)
                {
                    context.Events.Deregistered(service, group.Arn, task.Id);
                }
            }
        }

        if (drained && service is not null)
        {
            context.Events.Draining(service, task.Id);
        }

        ServiceDiscovery.Deregister(context, task);
        MoveTo(task, "DEACTIVATING", context, TimeSpan.Zero);
    }

    internal static EcsService? ServiceOf(EcsCluster cluster, EcsTask task) =>
        task.ServiceName is not null ? cluster.Services.GetValueOrDefault(task.ServiceName) : null;

    /// <summary>
    /// Whether a service counts the task as healthy: running, container health checks passing and targets healthy. A
    /// task that nothing checks counts once it has stayed RUNNING for <see cref="SettleTime"/>, so an app that exits
    /// right after starting fails its deployment instead of completing it.
    /// </summary>
    public static bool IsHealthy(SimulationContext context, EcsTask task)
    {
        if (task.LastStatus != "RUNNING" || task.DesiredStatus != "RUNNING")
        {
            return false;
        }

        if (task.Targets.Count == 0 && !task.Containers.Any(c => c.HasHealthCheck && c.Essential))
        {
            var settled = task.StartedAt!.Value + SettleTime;
            if (context.Now < settled)
            {
                context.WakeAt(settled);
                return false;
            }

            return true;
        }

        if (task.Containers.Any(c => c.HasHealthCheck && c.Essential && c.HealthStatus != "HEALTHY"))
        {
            return false;
        }

        foreach (var target in task.Targets.Where(t => t.Registered))
        {
            if (!context.Region.Elbv2.TargetGroups.TryGetValue(target.TargetGroupArn, out var group)
                || group.Targets.FirstOrDefault(x => x.Id == target.TargetId && x.Port == target.Port)?.State != "healthy")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Renders a task as DescribeTasks returns it.</summary>
    public static JsonObject Render(EcsTask task, string region)
    {
        var attachmentId = Ids.StableHex(task.Id + "/eni", 32).Insert(8, "-").Insert(13, "-").Insert(18, "-").Insert(23, "-");
        var containers = task.Containers.Select(c =>
        {
            var container = new JsonObject
            {
                ["containerArn"] = c.ContainerArn,
                ["taskArn"] = task.Arn,
                ["name"] = c.Name,
                ["image"] = c.Image,
                ["lastStatus"] = c.LastStatus,
                ["networkBindings"] = c.NetworkBindings.DeepClone(),
                ["networkInterfaces"] = task.PrivateIp is null ? new JsonArray() : new JsonArray(new JsonObject { ["attachmentId"] = attachmentId, ["privateIpv4Address"] = task.PrivateIp }),
                ["healthStatus"] = c.HealthStatus,
                ["cpu"] = c.Cpu,
            };
            container.Put("imageDigest", c.ImageDigest).Put("runtimeId", c.RuntimeId.Length > 0 ? c.RuntimeId : null)
                .Put("exitCode", c.ExitCode).Put("reason", c.Reason).Put("memory", c.Memory).Put("memoryReservation", c.MemoryReservation);
            return (JsonNode?)container;
        }).ToJsonArray();

        var attachments = new JsonArray();
        if (task.EniId is not null)
        {
            var status = task.LastStatus switch
            {
                "PROVISIONING" => "PRECREATED",
                "STOPPED" => "DELETED",
                "DEPROVISIONING" => "DELETED",
                _ => "ATTACHED",
            };
            attachments.Add(new JsonObject
            {
                ["id"] = attachmentId,
                ["type"] = "ElasticNetworkInterface",
                ["status"] = status,
                ["details"] = new JsonArray(
                    new JsonObject { ["name"] = "subnetId", ["value"] = task.SubnetId },
                    new JsonObject { ["name"] = "networkInterfaceId", ["value"] = task.EniId },
                    new JsonObject { ["name"] = "macAddress", ["value"] = task.MacAddress },
                    new JsonObject { ["name"] = "privateDnsName", ["value"] = $"ip-{task.PrivateIp!.Replace('.', '-')}.{(region == "us-east-1" ? "ec2.internal" : region + ".compute.internal")}" },
                    new JsonObject { ["name"] = "privateIPv4Address", ["value"] = task.PrivateIp }),
            });
        }

        var result = new JsonObject
        {
            ["attachments"] = attachments,
            ["attributes"] = new JsonArray(new JsonObject { ["name"] = "ecs.cpu-architecture", ["value"] = "x86_64" }),
            ["availabilityZone"] = task.AvailabilityZone,
            ["clusterArn"] = task.ClusterArn,
            ["containers"] = containers,
            ["cpu"] = task.Cpu,
            ["createdAt"] = AwsValues.Timestamp(task.CreatedAt),
            ["desiredStatus"] = task.DesiredStatus,
            ["enableExecuteCommand"] = task.EnableExecuteCommand,
            ["group"] = task.Group,
            ["healthStatus"] = task.HealthStatus,
            ["lastStatus"] = task.LastStatus,
            ["launchType"] = task.LaunchType,
            ["memory"] = task.Memory,
            ["overrides"] = task.Overrides?.DeepClone() ?? new JsonObject { ["containerOverrides"] = task.Containers.Select(c => (JsonNode?)new JsonObject { ["name"] = c.Name }).ToJsonArray(), ["inferenceAcceleratorOverrides"] = new JsonArray() },
            ["tags"] = task.Tags?.DeepClone() ?? new JsonArray(),
            ["taskArn"] = task.Arn,
            ["taskDefinitionArn"] = task.TaskDefinitionArn,
            ["version"] = task.Version,
        };
        result.Put("connectivity", task.ConnectivityAt is null ? null : task.LastStatus == "STOPPED" ? "DISCONNECTED" : "CONNECTED")
            .Put("connectivityAt", task.ConnectivityAt)
            .Put("containerInstanceArn", task.ContainerInstanceArn)
            .Put("platformVersion", task.PlatformVersion)
            .Put("platformFamily", task.LaunchType == "FARGATE" ? "Linux" : null)
            .Put("pullStartedAt", task.PullStartedAt)
            .Put("pullStoppedAt", task.PullStoppedAt)
            .Put("startedAt", task.StartedAt)
            .Put("startedBy", task.StartedBy)
            .Put("stopCode", task.StopCode)
            .Put("stoppedAt", task.StoppedAt)
            .Put("stoppedReason", task.StoppedReason)
            .Put("stoppingAt", task.StoppingAt)
            .Put("executionStoppedAt", task.ExecutionStoppedAt);
        if (task.LaunchType == "FARGATE")
        {
            result["ephemeralStorage"] = new JsonObject { ["sizeInGiB"] = 20 };
            result["fargateEphemeralStorage"] = new JsonObject { ["sizeInGiB"] = 20 };
        }

        return result;
    }
}
