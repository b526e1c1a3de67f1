using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Dashboard;

/// <summary>What a section function sees: one region of the state (read under the state lock) at the simulated now.</summary>
internal sealed record SectionContext(LocalEcsRuntime Runtime, RegionState Region, DateTimeOffset Now)
{
    public AccountState Account => Runtime.State;

    /// <summary>A target group's name for display (its ARN when it is gone).</summary>
    public string TargetGroupName(string arn) => Region.Elbv2.TargetGroups.TryGetValue(arn, out var group) ? group.Name : arn;

    /// <summary>Every service with its cluster, for cross-references.</summary>
    public IEnumerable<(EcsCluster Cluster, EcsService Service)> Services =>
        Region.Clusters.Values.SelectMany(c => c.Services.Values.Where(s => s.Status != "INACTIVE").Select(s => (c, s)));
}

/// <summary>
/// The resource sections of the dashboard, in page order, each one function from the state to a
/// <see cref="DashboardTable"/>. The page draws any table it is given, so showing a new kind of resource (Route 53
/// records, say) is one function here and one line in <see cref="All"/>.
/// </summary>
internal static class DashboardSections
{
    public static readonly IReadOnlyList<Func<SectionContext, DashboardTable>> All =
    [
        Clusters,
        Tasks,
        TargetGroups,
        ListenerRules,
        CloudMapInstances,
        Route53WeightedRecords,
        ScalableTargets,
        EcrImages,
    ];

    public static DashboardTable Clusters(SectionContext context)
    {
        var table = new DashboardTable("clusters", "Clusters", "Cluster", "Status", "Services", "Running tasks", "Pending tasks", "Container instances")
        {
            Empty = "No clusters in this region.",
        };
        foreach (var cluster in context.Region.Clusters.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var live = cluster.Tasks.Values.Where(t => t.DesiredStatus == "RUNNING").ToList();
            table.Row(cluster.Arn, null,
                cluster.Name,
                Cell.Text(cluster.Status, Cell.Tone(cluster.Status)),
                cluster.Services.Values.Count(s => s.Status != "INACTIVE"),
                live.Count(t => t.LastStatus == "RUNNING"),
                live.Count(DeploymentHistory.IsPending),
                cluster.ContainerInstances.Count);
        }

        return table;
    }

    /// <summary>Running and recently stopped tasks (ECS keeps stopped ones for an hour), with why they stopped.</summary>
    public static DashboardTable Tasks(SectionContext context)
    {
        var table = new DashboardTable("tasks", "Tasks", "Task", "Service", "Revision", "Status", "Health", "Started", "Stopped reason", "Exit codes")
        {
            Empty = "No tasks.",
        };
        var tasks = context.Region.Clusters.Values.SelectMany(c => c.Tasks.Values.Select(t => (Cluster: c, Task: t)))
            .OrderBy(x => x.Task.LastStatus == "STOPPED")
            .ThenByDescending(x => x.Task.CreatedAt);
        foreach (var (cluster, task) in tasks)
        {
            var stopped = task.DesiredStatus == "STOPPED";
            var statusTone = !stopped ? Cell.Tone(task.LastStatus) : task.StopIsFailure ? "bad" : "muted";
            var exits = task.Containers.Where(c => c.ExitCode is not null)
                .Select(c => Cell.Text(string.Create(CultureInfo.InvariantCulture, $"{c.Name}: {c.ExitCode}"), c.ExitCode == 0 ? "muted" : "bad", c.Reason));
            table.Row(task.Arn, task.ServiceName is null ? null : $"{cluster.Name}/{task.ServiceName}",
                Cell.Code(task.Id, 8),
                task.ServiceName ?? task.Group,
                Revision(task.TaskDefinitionArn),
                Cell.Text(task.LastStatus, statusTone, task.StopCode),
                Cell.Text(task.HealthStatus, Cell.Tone(task.HealthStatus)),
                Cell.Time(task.StartedAt),
                Cell.Text(task.StoppedReason, task.StopIsFailure ? "bad" : null, task.StopCode),
                Cell.List(exits));
        }

        return table;
    }

    public static DashboardTable TargetGroups(SectionContext context)
    {
        var table = new DashboardTable("target-groups", "Target groups", "Target group", "Protocol", "Health check", "Targets", "Used by")
        {
            Empty = "No target groups.",
        };
        var users = context.Services.SelectMany(x => x.Service.LoadBalancers.OfType<JsonObject>().SelectMany(lb =>
        {
            var declared = lb.Str("targetGroupArn");
            var alternate = lb.Obj("advancedConfiguration")?.Str("alternateTargetGroupArn");
            return new[] { declared, alternate }.Where(a => a is not null)
                .Select(arn => (Arn: arn!, Label: $"{x.Cluster.Name}/{x.Service.Name}" + (x.Service.ProductionTargetGroupArns.Contains(arn!) ? " (production)" : alternate is not null ? " (standby)" : string.Empty)));
        })).ToLookup(u => u.Arn, u => u.Label, StringComparer.Ordinal);
        foreach (var group in context.Region.Elbv2.TargetGroups.Values.OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            var targets = group.Targets.Select(t => Cell.Text($"{t.Id}:{t.Port} {t.State}", Cell.Tone(t.State), t.Description));
            var check = string.Create(CultureInfo.InvariantCulture,
                $"{group.HealthCheckPath ?? "/"} every {group.HealthCheckIntervalSeconds} s, healthy after {group.HealthyThresholdCount}, unhealthy after {group.UnhealthyThresholdCount}");
            table.Row(group.Arn, null,
                group.Name,
                string.Create(CultureInfo.InvariantCulture, $"{group.Protocol ?? "-"}:{group.Port?.ToString(CultureInfo.InvariantCulture) ?? "-"} ({group.TargetType})"),
                check,
                Cell.List(targets),
                Cell.List(users[group.Arn].Select(u => (JsonNode?)u)));
        }

        return table;
    }

    /// <summary>Every listener's rules in priority order with their forward weights: where blue/green traffic goes now.</summary>
    public static DashboardTable ListenerRules(SectionContext context)
    {
        var table = new DashboardTable("listener-rules", "Listener rules", "Load balancer", "Listener", "Priority", "Conditions", "Forwards to", "Role")
        {
            Empty = "No listeners.",
        };
        var elb = context.Region.Elbv2;
        var roles = context.Services.SelectMany(x => x.Service.LoadBalancers.OfType<JsonObject>().SelectMany(lb =>
        {
            var advanced = lb.Obj("advancedConfiguration");
            return new[] { (Arn: advanced?.Str("productionListenerRule"), Role: "production"), (Arn: advanced?.Str("testListenerRule"), Role: "test") }
                .Where(r => r.Arn is not null).Select(r => (r.Arn, Label: $"{r.Role} rule of {x.Cluster.Name}/{x.Service.Name}"));
        })).ToLookup(r => r.Arn!, r => r.Label, StringComparer.Ordinal);
        foreach (var listener in elb.Listeners.Values.OrderBy(l => elb.LoadBalancers.GetValueOrDefault(l.LoadBalancerArn)?.Name, StringComparer.Ordinal).ThenBy(l => l.Port))
        {
            var balancer = elb.LoadBalancers.GetValueOrDefault(listener.LoadBalancerArn)?.Name ?? listener.LoadBalancerArn;
            var name = string.Create(CultureInfo.InvariantCulture, $"{listener.Protocol ?? "-"}:{listener.Port}");
            var rules = elb.Rules.Values.Where(r => r.ListenerArn == listener.Arn)
                .OrderBy(r => int.TryParse(r.Priority, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : int.MaxValue);
            foreach (var rule in rules)
            {
                table.Row(rule.Arn, null, balancer, name, rule.Priority, Conditions(rule.Conditions), Forward(context, rule.Actions),
                    Cell.List(roles[rule.Arn].Select(r => (JsonNode?)r)));
            }

            table.Row(listener.DefaultRuleArn.Length > 0 ? listener.DefaultRuleArn : listener.Arn, null, balancer, name, "default", "(any request)",
                Forward(context, listener.DefaultActions),
                Cell.List(roles[listener.Arn].Concat(roles[listener.DefaultRuleArn]).Select(r => (JsonNode?)r)));
        }

        return table;
    }

    public static DashboardTable CloudMapInstances(SectionContext context)
    {
        var table = new DashboardTable("cloud-map", "Cloud Map instances", "Namespace", "Service", "Instance", "Address", "Health", "ECS service")
        {
            Empty = "No Cloud Map services.",
        };
        var cloudMap = context.Region.CloudMap;
        foreach (var service in cloudMap.Services.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var ns = cloudMap.Namespaces.GetValueOrDefault(service.NamespaceId)?.Name ?? service.NamespaceId;
            if (service.Instances.Count == 0)
            {
                table.Row(service.Arn, null, ns, service.Name, Cell.Text("no instances", "muted"), null, null, null);
            }

            foreach (var instance in service.Instances.Values.OrderBy(i => i.Id, StringComparer.Ordinal))
            {
                var attributes = instance.Attributes;
                var address = attributes.GetValueOrDefault("AWS_INSTANCE_IPV4") is { } ip
                    ? ip + (attributes.GetValueOrDefault("AWS_INSTANCE_PORT") is { } port ? ":" + port : string.Empty)
                    : null;
                var ecs = attributes.GetValueOrDefault("ECS_SERVICE_NAME") is { } ecsService
                    ? $"{attributes.GetValueOrDefault("ECS_CLUSTER_NAME")}/{ecsService}"
                    : null;
                table.Row(service.Arn + "/" + instance.Id, ecs, ns, service.Name, Cell.Code(instance.Id, 12), Cell.Code(address), Cell.Text(instance.HealthStatus, Cell.Tone(instance.HealthStatus)), ecs);
            }
        }

        return table;
    }

    /// <summary>
    /// Route 53 (global: the same in every region): each hosted zone's weighted records, one row per name and type with
    /// the share of DNS answers each set identifier gets (equal shares when every weight is 0, as Route 53 answers), and
    /// whether the zone's last change is still propagating. Where DNS-weighted blue/green traffic goes now.
    /// </summary>
    public static DashboardTable Route53WeightedRecords(SectionContext context)
    {
        var table = new DashboardTable("route53", "Route 53 weighted records", "Hosted zone", "Record", "Type", "TTL", "Answers", "Values", "Last change")
        {
            Empty = "No hosted zones.",
        };
        var route53 = context.Account.Route53;
        foreach (var zone in route53.Zones.Values.OrderBy(z => z.Name, StringComparer.Ordinal))
        {
            var last = route53.Changes.Values.Where(c => c.ZoneId == zone.Id).MaxBy(c => c.Sequence);
            var change = last is null ? null : Cell.Text(last.Status(context.Now), Cell.Tone(last.Status(context.Now)));
            var weighted = zone.RecordSets.Where(r => r.Weight is not null).GroupBy(r => (r.Name, r.Type)).ToList();
            if (weighted.Count == 0)
            {
                table.Row(zone.Id, null, zone.Name, Cell.Text("no weighted records", "muted"), null, null, null, null, change);
            }

            foreach (var records in weighted.OrderBy(g => g.Key.Name, StringComparer.Ordinal).ThenBy(g => g.Key.Type, StringComparer.Ordinal))
            {
                var sets = records.OrderBy(r => r.SetIdentifier, StringComparer.Ordinal).ToList();
                var total = sets.Sum(r => r.Weight!.Value);
                table.Row($"{zone.Id}/{records.Key.Name}/{records.Key.Type}", null, zone.Name, Cell.Code(records.Key.Name), records.Key.Type,
                    sets[0].Ttl is { } ttl ? ttl.ToString(CultureInfo.InvariantCulture) : null,
                    Cell.Weights(sets.Select(r => (r.SetIdentifier ?? "?", total == 0 ? Math.Round(100.0 / sets.Count, 1) : Math.Round(100.0 * r.Weight!.Value / total, 1)))),
                    Cell.List(sets.Select(r => (JsonNode?)$"{r.SetIdentifier} → {(r.AliasTarget?.Str("DNSName") ?? string.Join(", ", r.Values))}")),
                    change);
            }
        }

        return table;
    }

    public static DashboardTable ScalableTargets(SectionContext context)
    {
        var table = new DashboardTable("scalable-targets", "Scalable targets", "Resource", "Dimension", "Capacity", "Desired now", "Suspended", "Policies", "Last activity")
        {
            Empty = "No scalable targets.",
        };
        var scaling = context.Region.AutoScaling;
        foreach (var target in scaling.ScalableTargets.OrderBy(t => t.ResourceId, StringComparer.Ordinal))
        {
            var parts = target.ResourceId.Split('/');
            var service = parts is ["service", var clusterName, var serviceName]
                && context.Region.Clusters.GetValueOrDefault(clusterName)?.Services.GetValueOrDefault(serviceName) is { } s ? s : null;
            var suspended = new[]
            {
                target.DynamicScalingInSuspended ? "scale-in" : null,
                target.DynamicScalingOutSuspended ? "scale-out" : null,
                target.ScheduledScalingSuspended ? "scheduled" : null,
            }.Where(x => x is not null).ToList();
            var policies = scaling.Policies.Where(p => p.ResourceId == target.ResourceId && p.ScalableDimension == target.ScalableDimension)
                .Select(p => (JsonNode?)$"{p.Name} ({p.PolicyType})");
            var activity = scaling.Activities.Where(a => a.ResourceId == target.ResourceId).MaxBy(a => a.StartTime);
            table.Row(target.Arn.Length > 0 ? target.Arn : target.ResourceId, service is null ? null : $"{parts[1]}/{parts[2]}",
                target.ResourceId,
                target.ScalableDimension,
                string.Create(CultureInfo.InvariantCulture, $"{target.MinCapacity}–{target.MaxCapacity}"),
                service?.DesiredCount,
                suspended.Count == 0 ? Cell.Text("no", "muted") : Cell.Text(string.Join(", ", suspended), "warn"),
                Cell.List(policies),
                Cell.Text(activity?.Description, activity is null ? null : Cell.Tone(activity.StatusCode == "Successful" ? "SUCCESSFUL" : "FAILED"), activity?.Cause));
        }

        return table;
    }

    /// <summary>ECR images, newest push first (the registry serves every repository, whatever its region).</summary>
    public static DashboardTable EcrImages(SectionContext context)
    {
        var table = new DashboardTable("ecr", "ECR repositories and images", "Repository", "Image", "Tags", "Size", "Pushed", "Settings")
        {
            Empty = "No repositories.",
        };
        foreach (var repository in context.Account.Repositories.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            var settings = $"tags {repository.ImageTagMutability.ToLowerInvariant()}{(repository.ScanOnPush ? ", scan on push" : string.Empty)}";
            var uri = $"{context.Runtime.RegistryHost}/{repository.Name}";
            if (repository.Images.Count == 0)
            {
                table.Row(repository.Arn, null, Cell.Code(uri), Cell.Text("no images", "muted"), null, null, null, settings);
            }

            var tags = repository.Tags2Digest.ToLookup(p => p.Value, p => p.Key, StringComparer.Ordinal);
            foreach (var image in repository.Images.Values.OrderByDescending(i => i.PushedAt))
            {
                table.Row(repository.Arn + "@" + image.Digest, null,
                    Cell.Code(uri),
                    Cell.Code(image.Digest, 19),
                    Cell.List(tags[image.Digest].Order(StringComparer.Ordinal).Select(t => (JsonNode?)t)),
                    Cell.Size(image.SizeInBytes),
                    Cell.Time(image.PushedAt),
                    settings);
            }
        }

        return table;
    }

    /// <summary><c>family:revision</c> of a task definition ARN.</summary>
    public static string Revision(string taskDefinitionArn)
    {
        var slash = taskDefinitionArn.LastIndexOf('/');
        return slash >= 0 ? taskDefinitionArn[(slash + 1)..] : taskDefinitionArn;
    }

    private static JsonNode? Conditions(JsonArray conditions)
    {
        var parts = conditions.OfType<JsonObject>().Select(c =>
        {
            var field = c.Str("Field") ?? "?";
            var values = c.Strings("Values").ToList();
            if (values.Count == 0)
            {
                var config = c.Obj("PathPatternConfig") ?? c.Obj("HostHeaderConfig") ?? c.Obj("HttpRequestMethodConfig") ?? c.Obj("SourceIpConfig");
                values = config?.Strings("Values").ToList() ?? [];
                if (c.Obj("HttpHeaderConfig") is { } header)
                {
                    values = [$"{header.Str("HttpHeaderName")}: {string.Join(" | ", header.Strings("Values"))}"];
                }
            }

            return (JsonNode?)$"{field} {string.Join(" | ", values)}";
        });
        return Cell.List(parts);
    }

    private static JsonNode? Forward(SectionContext context, JsonArray actions)
    {
        var action = actions.OfType<JsonObject>().OrderBy(a => a.Int("Order") ?? 0).FirstOrDefault(a => a.Str("Type") is "forward") ?? actions.OfType<JsonObject>().FirstOrDefault();
        if (action is null)
        {
            return null;
        }

        if (action.Str("Type") != "forward")
        {
            var status = action.Obj("FixedResponseConfig")?.Str("StatusCode");
            return Cell.Text(status is null ? action.Str("Type") : $"{action.Str("Type")} {status}", "muted");
        }

        var groups = action.Obj("ForwardConfig")?.Objects("TargetGroups").ToList() ?? [];
        if (groups.Count == 0 && action.Str("TargetGroupArn") is { } single)
        {
            return Cell.Weights([(context.TargetGroupName(single), 100)]);
        }

        var total = groups.Sum(g => g.Int("Weight") ?? 1);
        return Cell.Weights(groups.Select(g => (context.TargetGroupName(g.Str("TargetGroupArn") ?? "?"), total == 0 ? 0 : Math.Round(100.0 * (g.Int("Weight") ?? 1) / total, 1))));
    }
}
