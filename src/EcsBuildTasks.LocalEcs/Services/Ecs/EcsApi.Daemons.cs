using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

/// <summary>
/// ECS managed daemons: CreateDaemon/UpdateDaemon/DeleteDaemon start daemon deployments, which <see cref="Daemons"/>
/// carries out over simulated time; the Describe and List operations report daemons, their revisions and their
/// deployments with progress per capacity provider.
/// </summary>
internal sealed partial class EcsApi
{
    private static JsonObject CreateDaemon(AwsRequest request, SimulationContext context)
    {
        var input = request.Input;
        var region = request.RegionState;
        var cluster = FindCluster(region, input.Str("clusterArn"));
        var name = input.Str("daemonName") ?? throw EcsErrors.Required("daemonName");
        if (!NamePattern().IsMatch(name))
        {
            throw EcsErrors.Invalid("Invalid daemon name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
        }

        if (cluster.Daemons.TryGetValue(name, out var existing) && existing.Status != "DELETED")
        {
            if (input.Str("clientToken") is { } token && token == existing.ClientToken)
            {
                return DaemonSummary(existing, includeUpdatedAt: false);
            }

            throw EcsErrors.Invalid($"A daemon named {name} already exists in cluster {cluster.Name}.");
        }

        var definition = ResolveDaemonTaskDefinition(region, input.Str("daemonTaskDefinitionArn") ?? throw EcsErrors.Required("daemonTaskDefinitionArn"), activeOnly: true);
        var providers = DaemonCapacityProviders(region, cluster, input);
        var propagateTags = PropagateDaemonTags(input.Str("propagateTags")) ?? "NONE";
        var daemon = new DaemonRecord
        {
            Name = name,
            Arn = $"{EcsArns.Prefix(request.Region)}:daemon/{cluster.Name}/{name}",
            ClusterArn = cluster.Arn,
            CreatedAt = request.Now,
            UpdatedAt = request.Now,
            ClientToken = input.Str("clientToken"),
            Tags = input.CloneArr("tags"),
            DeploymentConfiguration = NormalizeDaemonDeploymentConfiguration(input.Obj("deploymentConfiguration"), null),
        };
        cluster.Daemons[name] = daemon;
        var revision = Daemons.CreateRevision(context, cluster, daemon, definition, providers, propagateTags,
            input.Bool("enableECSManagedTags") ?? false, input.Bool("enableExecuteCommand") ?? false);
        Daemons.StartDeployment(context, cluster, daemon, revision);
        return DaemonSummary(daemon, includeUpdatedAt: false);
    }

    private static JsonObject UpdateDaemon(AwsRequest request, SimulationContext context)
    {
        var input = request.Input;
        var region = request.RegionState;
        var (cluster, daemon) = FindDaemon(region, input.Str("daemonArn"));
        if (daemon.Status != "ACTIVE")
        {
            throw new AwsServiceException("DaemonNotActiveException", $"The daemon {daemon.Name} is {daemon.Status} and cannot be updated.");
        }

        var definition = ResolveDaemonTaskDefinition(region, input.Str("daemonTaskDefinitionArn") ?? throw EcsErrors.Required("daemonTaskDefinitionArn"), activeOnly: true);
        var providers = DaemonCapacityProviders(region, cluster, input);
        var current = Daemons.Revision(daemon, daemon.CurrentRevisionArn)!;
        var propagateTags = PropagateDaemonTags(input.Str("propagateTags")) ?? current.PropagateTags;
        var managedTags = input.Bool("enableECSManagedTags") ?? current.EnableEcsManagedTags;
        var execute = input.Bool("enableExecuteCommand") ?? current.EnableExecuteCommand;
        daemon.DeploymentConfiguration = NormalizeDaemonDeploymentConfiguration(input.Obj("deploymentConfiguration"), daemon.DeploymentConfiguration);
        daemon.UpdatedAt = request.Now;
        var unchanged = current.DaemonTaskDefinitionArn == definition.Arn && current.CapacityProviders.Order(StringComparer.Ordinal).SequenceEqual(providers.Order(StringComparer.Ordinal))
            && current.PropagateTags == propagateTags && current.EnableEcsManagedTags == managedTags && current.EnableExecuteCommand == execute;
        if (!unchanged || Daemons.Current(daemon) is { Status: "ROLLBACK_IN_PROGRESS" })
        {
            var revision = Daemons.CreateRevision(context, cluster, daemon, definition, providers, propagateTags, managedTags, execute);
            Daemons.StartDeployment(context, cluster, daemon, revision);
        }

        return DaemonSummary(daemon, includeUpdatedAt: true);
    }

    private static JsonObject DeleteDaemon(AwsRequest request, SimulationContext context)
    {
        var (cluster, daemon) = FindDaemon(request.RegionState, request.Input.Str("daemonArn"));
        if (daemon.Status != "ACTIVE")
        {
            throw new AwsServiceException("DaemonNotActiveException", $"The daemon {daemon.Name} is {daemon.Status}; only ACTIVE daemons can be deleted.");
        }

        daemon.Status = "DELETE_IN_PROGRESS";
        Daemons.StartDeployment(context, cluster, daemon, target: null);
        return DaemonSummary(daemon, includeUpdatedAt: true);
    }

    private static JsonObject DescribeDaemon(AwsRequest request)
    {
        var (cluster, daemon) = FindDaemon(request.RegionState, request.Input.Str("daemonArn"));
        var running = cluster.Tasks.Values.Where(t => t.DaemonName == daemon.Name && t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING").ToList();
        var revisions = running.Select(t => t.DaemonRevisionArn!).Append(daemon.CurrentRevisionArn).Distinct(StringComparer.Ordinal)
            .Select(arn => Daemons.Revision(daemon, arn)).OfType<DaemonRevisionRecord>()
            .Select(revision =>
            {
                var onRevision = running.Where(t => t.DaemonRevisionArn == revision.Arn).ToList();
                var providers = revision.CapacityProviders.Select(p => (JsonNode?)new JsonObject
                {
                    ["arn"] = CapacityProviderArn(request.Region, p),
                    ["runningCount"] = onRevision.Count(t => cluster.ContainerInstances.FirstOrDefault(i => i.Arn == t.ContainerInstanceArn)?.CapacityProviderName == p),
                }).ToJsonArray();
                return (JsonNode?)new JsonObject { ["arn"] = revision.Arn, ["capacityProviders"] = providers, ["totalRunningCount"] = onRevision.Count };
            }).ToJsonArray();
        var detail = new JsonObject
        {
            ["daemonArn"] = daemon.Arn,
            ["clusterArn"] = daemon.ClusterArn,
            ["status"] = daemon.Status,
            ["currentRevisions"] = revisions,
            ["createdAt"] = AwsValues.Timestamp(daemon.CreatedAt),
            ["updatedAt"] = AwsValues.Timestamp(daemon.UpdatedAt),
        };
        detail.Put("deploymentArn", daemon.Deployments.LastOrDefault()?.Arn);
        return new JsonObject { ["daemon"] = detail };
    }

    private static JsonObject ListDaemons(AwsRequest request)
    {
        var input = request.Input;
        var cluster = FindCluster(request.RegionState, input.Str("clusterArn"));
        var providers = input.Strings("capacityProviderArns").Select(EcsArns.NameOf).ToHashSet(StringComparer.Ordinal);
        var summaries = cluster.Daemons.Values
            .Where(d => d.Status != "DELETED"
                && (providers.Count == 0 || Daemons.Revision(d, d.CurrentRevisionArn)?.CapacityProviders.Any(providers.Contains) == true))
            .OrderBy(d => d.CreatedAt)
            .Select(d => (JsonNode?)new JsonObject
            {
                ["daemonArn"] = d.Arn,
                ["status"] = d.Status,
                ["createdAt"] = AwsValues.Timestamp(d.CreatedAt),
                ["updatedAt"] = AwsValues.Timestamp(d.UpdatedAt),
            }).ToList();
        return PageNodes(summaries, "daemonSummariesList");
    }

    private static JsonObject ListDaemonDeployments(AwsRequest request)
    {
        var input = request.Input;
        var (_, daemon) = FindDaemon(request.RegionState, input.Str("daemonArn"), allowDeleted: true);
        var statuses = input.Strings("status").ToHashSet(StringComparer.Ordinal);
        var after = input.Obj("createdAt")?["after"] is JsonValue a ? ParseTime(a) : null;
        var before = input.Obj("createdAt")?["before"] is JsonValue b ? ParseTime(b) : null;
        var summaries = daemon.Deployments
            .Where(d => (statuses.Count == 0 || statuses.Contains(d.Status)) && (after is null || d.CreatedAt >= after) && (before is null || d.CreatedAt <= before))
            .OrderByDescending(d => d.CreatedAt)
            .Select(d => (JsonNode?)new JsonObject
            {
                ["daemonDeploymentArn"] = d.Arn,
                ["daemonArn"] = daemon.Arn,
                ["clusterArn"] = daemon.ClusterArn,
                ["status"] = d.Status,
                ["createdAt"] = AwsValues.Timestamp(d.CreatedAt),
            }.Put("statusReason", d.StatusReason).Put("targetDaemonRevisionArn", d.TargetRevisionArn)
                .Put("startedAt", d.StartedAt).Put("stoppedAt", d.StoppedAt).Put("finishedAt", d.FinishedAt)).ToList();
        return PageNodes(summaries, "daemonDeployments");
    }

    private static JsonObject DescribeDaemonDeployments(AwsRequest request)
    {
        var arns = request.Input.Strings("daemonDeploymentArns").ToList();
        if (arns.Count is 0 or > 20)
        {
            throw EcsErrors.Invalid("daemonDeploymentArns must name between 1 and 20 daemon deployments.");
        }

        var deployments = new JsonArray();
        var failures = new JsonArray();
        foreach (var arn in arns)
        {
            var found = request.RegionState.Clusters.Values.SelectMany(c => c.Daemons.Values.Select(d => (Cluster: c, Daemon: d)))
                .SelectMany(x => x.Daemon.Deployments.Select(dep => (x.Cluster, x.Daemon, Deployment: dep)))
                .FirstOrDefault(x => x.Deployment.Arn == arn);
            if (found.Deployment is null)
            {
                failures.Add(Failure(arn, "MISSING"));
                continue;
            }

            deployments.Add(RenderDaemonDeployment(request.Region, found.Cluster, found.Daemon, found.Deployment));
        }

        return new JsonObject { ["daemonDeployments"] = deployments, ["failures"] = failures };
    }

    private static JsonObject DescribeDaemonRevisions(AwsRequest request)
    {
        var arns = request.Input.Strings("daemonRevisionArns").ToList();
        if (arns.Count is 0 or > 20)
        {
            throw EcsErrors.Invalid("daemonRevisionArns must name between 1 and 20 daemon revisions.");
        }

        var revisions = new JsonArray();
        var failures = new JsonArray();
        foreach (var arn in arns)
        {
            var found = request.RegionState.Clusters.Values.SelectMany(c => c.Daemons.Values)
                .SelectMany(d => d.Revisions.Select(r => (Daemon: d, Revision: r)))
                .FirstOrDefault(x => x.Revision.Arn == arn);
            if (found.Revision is null)
            {
                failures.Add(Failure(arn, "MISSING"));
                continue;
            }

            revisions.Add(new JsonObject
            {
                ["daemonRevisionArn"] = found.Revision.Arn,
                ["clusterArn"] = found.Daemon.ClusterArn,
                ["daemonArn"] = found.Daemon.Arn,
                ["daemonTaskDefinitionArn"] = found.Revision.DaemonTaskDefinitionArn,
                ["createdAt"] = AwsValues.Timestamp(found.Revision.CreatedAt),
                ["containerImages"] = found.Revision.ContainerImages.Select(i => (JsonNode?)new JsonObject
                {
                    ["containerName"] = i.ContainerName,
                    ["image"] = i.Image,
                }.Put("imageDigest", i.ImageDigest)).ToJsonArray(),
                ["propagateTags"] = found.Revision.PropagateTags,
                ["enableECSManagedTags"] = found.Revision.EnableEcsManagedTags,
                ["enableExecuteCommand"] = found.Revision.EnableExecuteCommand,
            });
        }

        return new JsonObject { ["daemonRevisions"] = revisions, ["failures"] = failures };
    }

    private static JsonObject RenderDaemonDeployment(string region, EcsCluster cluster, DaemonRecord daemon, DaemonDeploymentRecord deployment)
    {
        var result = new JsonObject
        {
            ["daemonDeploymentArn"] = deployment.Arn,
            ["clusterArn"] = daemon.ClusterArn,
            ["status"] = deployment.Status,
            ["sourceDaemonRevisions"] = deployment.SourceRevisionArns
                .Select(arn => (JsonNode?)Daemons.RevisionProgress(cluster, daemon, deployment, arn, Daemons.Revision(daemon, arn)?.CapacityProviders ?? [])).ToJsonArray(),
            ["circuitBreaker"] = new JsonObject
            {
                ["failureCount"] = deployment.CircuitBreaker.FailureCount,
                ["status"] = deployment.CircuitBreaker.Status,
                ["threshold"] = deployment.CircuitBreaker.Threshold,
            },
            ["alarms"] = new JsonObject
            {
                ["status"] = deployment.Alarms.Status,
                ["alarmNames"] = deployment.Alarms.Names.ToJsonArray(),
                ["triggeredAlarmNames"] = deployment.Alarms.Triggered.ToJsonArray(),
            },
            ["deploymentConfiguration"] = deployment.DeploymentConfiguration.DeepClone(),
            ["createdAt"] = AwsValues.Timestamp(deployment.CreatedAt),
        };
        if (deployment.TargetRevisionArn is { } target)
        {
            result["targetDaemonRevision"] = Daemons.RevisionProgress(cluster, daemon, deployment, target, deployment.CapacityProviders);
        }

        if (deployment.RollbackStartedAt is { } rollbackStarted)
        {
            result["rollback"] = new JsonObject
            {
                ["reason"] = deployment.RollbackReason,
                ["startedAt"] = AwsValues.Timestamp(rollbackStarted),
                ["rollbackTargetDaemonRevisionArn"] = deployment.RollbackRevisionArn,
                ["rollbackCapacityProviders"] = deployment.RollbackCapacityProviders.Select(p => CapacityProviderArn(region, p)).ToJsonArray(),
            };
        }

        return result.Put("statusReason", deployment.StatusReason).Put("startedAt", deployment.StartedAt)
            .Put("stoppedAt", deployment.StoppedAt).Put("finishedAt", deployment.FinishedAt);
    }

    private static JsonObject DaemonSummary(DaemonRecord daemon, bool includeUpdatedAt)
    {
        var result = new JsonObject
        {
            ["daemonArn"] = daemon.Arn,
            ["status"] = daemon.Status,
            ["createdAt"] = AwsValues.Timestamp(daemon.CreatedAt),
        };
        if (includeUpdatedAt)
        {
            result["updatedAt"] = AwsValues.Timestamp(daemon.UpdatedAt);
        }

        return result.Put("deploymentArn", daemon.Deployments.LastOrDefault()?.Arn);
    }

    /// <summary>Finds a daemon by ARN (<c>arn:aws:ecs:region:account:daemon/cluster/name</c>).</summary>
    private static (EcsCluster Cluster, DaemonRecord Daemon) FindDaemon(RegionState region, string? arn, bool allowDeleted = false)
    {
        if (arn is null)
        {
            throw EcsErrors.Required("daemonArn");
        }

        var clusterName = EcsArns.ClusterOf(arn) ?? throw EcsErrors.Invalid($"{arn} is not a daemon ARN.");
        var cluster = FindCluster(region, clusterName);
        if (!cluster.Daemons.TryGetValue(EcsArns.NameOf(arn), out var daemon) || (daemon.Status == "DELETED" && !allowDeleted))
        {
            if (allowDeleted)
            {
                throw EcsErrors.Client($"The daemon {arn} does not exist.");
            }

            throw new AwsServiceException("DaemonNotFoundException", $"The daemon {arn} does not exist.");
        }

        return (cluster, daemon);
    }

    /// <summary>
    /// The capacity providers (names) of a CreateDaemon/UpdateDaemon request: ECS Managed Instances providers of the
    /// daemon's cluster, the only kind managed daemons run on.
    /// </summary>
    private static List<string> DaemonCapacityProviders(RegionState region, EcsCluster cluster, JsonObject input)
    {
        var arns = input.Strings("capacityProviderArns").ToList();
        if (arns.Count == 0)
        {
            throw EcsErrors.Invalid("capacityProviderArns must name at least one capacity provider.");
        }

        var names = new List<string>();
        foreach (var arn in arns)
        {
            var name = EcsArns.NameOf(arn);
            if (!region.CapacityProviders.TryGetValue(name, out var provider) || provider.Status != "ACTIVE")
            {
                throw EcsErrors.Invalid($"The capacity provider {arn} does not exist.");
            }

            if (provider.Type != "MANAGED_INSTANCES")
            {
                throw EcsErrors.Invalid($"The capacity provider {name} is of type {provider.Type}. ECS Managed Daemons is only supported for Amazon ECS Managed Instances capacity providers.");
            }

            if (provider.Cluster != cluster.Name)
            {
                throw EcsErrors.Invalid($"The capacity provider {name} belongs to cluster {provider.Cluster}, not {cluster.Name}.");
            }

            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static string? PropagateDaemonTags(string? value) => value switch
    {
        null => null,
        "DAEMON" or "NONE" => value,
        _ => throw EcsErrors.Invalid($"1 validation error detected: Value '{value}' at 'propagateTags' failed to satisfy constraint: Member must satisfy enum value set: [DAEMON, NONE]"),
    };

    /// <summary>A daemon's deployment configuration with ECS's defaults (drain 25%, no bake, alarms off) and ranges.</summary>
    private static JsonObject NormalizeDaemonDeploymentConfiguration(JsonObject? requested, JsonObject? current)
    {
        var configuration = (JsonObject?)current?.DeepClone() ?? [];
        foreach (var (name, value) in requested ?? [])
        {
            configuration[name] = value?.DeepClone();
        }

        var drain = configuration.Double("drainPercent") ?? 25.0;
        if (drain is < 0 or > 100)
        {
            throw EcsErrors.Invalid("deploymentConfiguration.drainPercent must be between 0.0 and 100.0.");
        }

        var bake = configuration.Int("bakeTimeInMinutes") ?? 0;
        if (bake is < 0 or > 1440)
        {
            throw EcsErrors.Invalid("deploymentConfiguration.bakeTimeInMinutes must be between 0 and 1440.");
        }

        var alarms = configuration.Obj("alarms") ?? [];
        if (alarms.Bool("enable") == true && !alarms.Strings("alarmNames").Any())
        {
            throw EcsErrors.Invalid("deploymentConfiguration.alarms.alarmNames must name at least one alarm when alarms are enabled.");
        }

        configuration["drainPercent"] = drain;
        configuration["bakeTimeInMinutes"] = bake;
        configuration["alarms"] = new JsonObject
        {
            ["alarmNames"] = alarms.Strings("alarmNames").ToJsonArray(),
            ["enable"] = alarms.Bool("enable") ?? false,
        };
        return configuration;
    }
}
