using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Dashboard;

/// <summary>
/// The JSON the page polls: the overview (clock, services, every resource section of a region, fault rules) and one
/// service's live view (its deployments, the selected deployment's stage timeline, gates and hooks, samples of counts
/// and weights over time, and its events). Read under the state lock; times are epoch milliseconds of simulated time.
/// </summary>
internal static partial class DashboardData
{
    private const int DeploymentsListed = 20;
    private const int EventsListed = 60;

    /// <summary>Samples just before a deployment starts, so the charts show where it came from.</summary>
    private static readonly TimeSpan LeadIn = TimeSpan.FromSeconds(5);

    public static JsonObject Overview(LocalEcsRuntime runtime, string? regionName)
    {
        var now = runtime.Clock.Now;
        var state = runtime.State;
        lock (state.Sync)
        {
            var regions = state.Regions.Values.Where(r => r.Clusters.Count > 0 || r.Elbv2.TargetGroups.Count > 0).Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
            var region = Region(state, regionName, regions);
            var context = new SectionContext(runtime, region, now);
            return new JsonObject
            {
                ["now"] = now.ToUnixTimeMilliseconds(),
                ["timeScale"] = runtime.Clock.Instant ? 0 : runtime.Clock.Scale,
                ["region"] = region.Name,
                ["regions"] = regions.Count == 0 ? new JsonArray(region.Name) : regions.ToJsonArray(),
                ["services"] = context.Services
                    .OrderBy(x => x.Cluster.Name, StringComparer.Ordinal).ThenBy(x => x.Service.Name, StringComparer.Ordinal)
                    .Select(x => (JsonNode?)ServiceSummary(x.Cluster, x.Service)).ToJsonArray(),
                ["sections"] = DashboardSections.All.Select(section => (JsonNode?)section(context).ToJson()).ToJsonArray(),
                ["faults"] = runtime.Faults.Rules.Select(r => (JsonNode?)new JsonObject
                {
                    ["service"] = r.Service,
                    ["operation"] = r.Operation,
                    ["throttleRate"] = r.ThrottleRate,
                    ["errorRate"] = r.ErrorRate,
                    ["dropRate"] = r.DropRate,
                    ["latencyMs"] = r.LatencyMs,
                    ["remainingCalls"] = r.RemainingCalls,
                }).ToJsonArray(),
            };
        }
    }

    /// <summary>One service's live view, or null when there is no such service.</summary>
    public static JsonObject? Service(LocalEcsRuntime runtime, string serviceArn, string? serviceDeploymentArn)
    {
        var now = runtime.Clock.Now;
        var state = runtime.State;
        lock (state.Sync)
        {
            var found = state.Regions.Values.SelectMany(r => r.Clusters.Values)
                .SelectMany(c => c.Services.Values.Select(s => (Cluster: c, Service: s)))
                .FirstOrDefault(x => x.Service.Arn == serviceArn);
            if (found.Service is null)
            {
                return null;
            }

            var (cluster, service) = found;
            var history = runtime.History.For(service.Arn);
            var record = serviceDeploymentArn is null
                ? service.ServiceDeployments.LastOrDefault()
                : service.ServiceDeployments.FirstOrDefault(d => d.Arn == serviceDeploymentArn);
            var from = record is null ? DateTimeOffset.MinValue : record.CreatedAt - LeadIn;
            var to = record?.FinishedAt ?? record?.StoppedAt ?? DateTimeOffset.MaxValue;
            var samples = history?.Samples.All().ToList() ?? [];

            // The window's samples, plus the one in force when it opens, so the first values are known.
            var opening = samples.LastOrDefault(s => s.At <= from);
            var shown = samples.Where(s => s.At > from && s.At <= to).Prepend(opening).Where(s => s is not null).TakeLast(DeploymentHistory.SamplesPerService);
            return new JsonObject
            {
                ["now"] = now.ToUnixTimeMilliseconds(),
                ["service"] = ServiceSummary(cluster, service),
                ["deployments"] = service.ServiceDeployments.AsEnumerable().Reverse().Take(DeploymentsListed).Select(d => (JsonNode?)new JsonObject
                {
                    ["arn"] = d.Arn,
                    ["id"] = d.Id,
                    ["status"] = d.Status,
                    ["strategy"] = d.Strategy,
                    ["createdAt"] = d.CreatedAt.ToUnixTimeMilliseconds(),
                    ["revision"] = DashboardSections.Revision(RevisionTaskDefinition(service, d.TargetRevisionArn)),
                }).ToJsonArray(),
                ["deployment"] = record is null ? null : Deployment(service, record, history?.Trace(record.Arn), now),
                ["samples"] = shown.Select(s => (JsonNode?)new JsonObject
                {
                    ["t"] = s!.At.ToUnixTimeMilliseconds(),
                    ["desired"] = s.Desired,
                    ["running"] = s.Running,
                    ["pending"] = s.Pending,
                    ["targetRunning"] = record is null ? s.Running : s.RunningOf(record.TargetRevisionArn),
                    ["otherRunning"] = record is null ? 0 : s.Running - s.RunningOf(record.TargetRevisionArn),
                    ["productionWeight"] = s.ServiceDeploymentArn == record?.Arn ? s.ProductionWeight : null,
                    ["testWeight"] = s.ServiceDeploymentArn == record?.Arn ? s.TestWeight : null,
                }).ToJsonArray(),
                // Events after the deployment began (the one before may have finished in the same instant).
                ["events"] = service.Events.Where(e => (record is null || e.CreatedAt > record.CreatedAt) && e.CreatedAt <= to).Take(EventsListed)
                    .Select(e => (JsonNode?)new JsonObject { ["at"] = e.CreatedAt.ToUnixTimeMilliseconds(), ["message"] = e.Message }).ToJsonArray(),
            };
        }
    }

    private static RegionState Region(AccountState state, string? requested, List<string> withResources)
    {
        if (requested is not null && state.Regions.TryGetValue(requested, out var region))
        {
            return region;
        }

        // The default region when it has anything, else the first that does; an empty default region otherwise.
        var name = withResources.Contains(Account.DefaultRegion) || withResources.Count == 0 ? Account.DefaultRegion : withResources[0];
        return state.Regions.TryGetValue(name, out region) ? region : new RegionState { Name = name };
    }

    /// <summary>A service row: counts, revision, the current or last deployment, and its version group (<c>name__N</c>).</summary>
    private static JsonObject ServiceSummary(EcsCluster cluster, EcsService service)
    {
        var tasks = cluster.Tasks.Values.Where(t => t.ServiceName == service.Name && t.DesiredStatus == "RUNNING").ToList();
        var version = VersionSuffix().Match(service.Name);
        var last = service.ServiceDeployments.LastOrDefault();
        var strategy = service.DeploymentController == "ECS"
            ? service.DeploymentConfiguration.Str("strategy") ?? "ROLLING"
            : service.DeploymentController;
        return new JsonObject
        {
            ["arn"] = service.Arn,
            ["cluster"] = cluster.Name,
            ["name"] = service.Name,
            ["key"] = $"{cluster.Name}/{service.Name}",
            ["group"] = version.Success ? version.Groups["base"].Value : service.Name,
            ["version"] = version.Success ? int.Parse(version.Groups["version"].Value, CultureInfo.InvariantCulture) : null,
            ["status"] = service.Status,
            ["launchType"] = Deployments.EffectiveLaunchType(service.LaunchType, service.CapacityProviderStrategy),
            ["schedulingStrategy"] = service.SchedulingStrategy,
            ["strategy"] = strategy,
            ["desired"] = Deployments.DesiredCount(cluster, service),
            ["running"] = tasks.Count(t => t.LastStatus == "RUNNING"),
            ["pending"] = tasks.Count(DeploymentHistory.IsPending),
            ["revision"] = DashboardSections.Revision(service.TaskDefinitionArn),
            ["deployment"] = last is null ? null : new JsonObject
            {
                ["arn"] = last.Arn,
                ["status"] = last.Status,
                ["stage"] = last.LifecycleStage,
                ["strategy"] = last.Strategy,
                ["productionWeight"] = last.Strategy == "ROLLING" ? null : last.ProductionWeight,
            },
            ["nextRevisionFault"] = service.NextRevisionSimulate,
        };
    }

    private static JsonObject Deployment(EcsService service, ServiceDeploymentRecord record, DeploymentHistory.DeploymentTrace? trace, DateTimeOffset now)
    {
        var gateStages = record.DeploymentConfiguration.Objects("lifecycleHooks")
            .Where(h => h.Str("targetType") == "PAUSE" && h.Obj("hookDetails")?.Str("ecsBuildTasks") == "verification-gate")
            .SelectMany(h => h.Strings("lifecycleStages")).ToHashSet(StringComparer.Ordinal);
        var source = record.SourceRevisionArns.Select(arn => DashboardSections.Revision(RevisionTaskDefinition(service, arn))).ToList();
        return new JsonObject
        {
            ["arn"] = record.Arn,
            ["id"] = record.Id,
            ["status"] = record.Status,
            ["statusReason"] = record.StatusReason,
            ["strategy"] = record.Strategy,
            ["stage"] = record.LifecycleStage,
            ["createdAt"] = record.CreatedAt.ToUnixTimeMilliseconds(),
            ["startedAt"] = record.StartedAt?.ToUnixTimeMilliseconds(),
            ["finishedAt"] = (record.FinishedAt ?? record.StoppedAt)?.ToUnixTimeMilliseconds(),
            ["sourceRevisions"] = source.ToJsonArray(),
            ["targetRevision"] = DashboardSections.Revision(RevisionTaskDefinition(service, record.TargetRevisionArn)),
            ["productionWeight"] = record.Strategy == "ROLLING" ? null : record.ProductionWeight,
            ["testWeight"] = record.Strategy == "ROLLING" ? null : record.TestWeight,
            ["rollback"] = record.RollbackStartedAt is null ? null : new JsonObject
            {
                ["reason"] = record.RollbackReason,
                ["startedAt"] = record.RollbackStartedAt.Value.ToUnixTimeMilliseconds(),
                ["revision"] = record.RollbackRevisionArn is null ? null : DashboardSections.Revision(RevisionTaskDefinition(service, record.RollbackRevisionArn)),
            },
            ["plan"] = record.Stages.Select(s => (JsonNode?)new JsonObject { ["stage"] = s.Stage, ["weight"] = s.ProductionWeight, ["waitMinutes"] = s.WaitMinutes }).ToJsonArray(),
            ["partial"] = trace?.Partial ?? true,
            ["timeline"] = (trace?.Spans ?? []).Select(s => (JsonNode?)new JsonObject
            {
                ["stage"] = s.Stage,
                ["weight"] = s.ProductionWeight,
                ["start"] = s.Start.ToUnixTimeMilliseconds(),
                ["end"] = s.End?.ToUnixTimeMilliseconds(),
                ["outcome"] = s.Outcome switch
                {
                    StageOutcome.Completed => "completed",
                    StageOutcome.Failed => "failed",
                    StageOutcome.Stopped => "stopped",
                    _ => "current",
                },
            }).ToJsonArray(),
            ["circuitBreaker"] = Monitor(record.CircuitBreaker, threshold: true),
            ["alarms"] = Monitor(record.Alarms, threshold: false),
            ["hooks"] = record.Hooks.Select(h => (JsonNode?)new JsonObject
            {
                ["hookId"] = h.HookId,
                ["stage"] = h.Stage,
                ["type"] = h.TargetType,
                ["target"] = h.TargetArn,
                ["gate"] = h.TargetType == "PAUSE" && gateStages.Contains(h.Stage),
                ["status"] = h.Status,
                ["createdAt"] = h.CreatedAt.ToUnixTimeMilliseconds(),
                ["changedAt"] = (trace?.HookChangedAt(h.HookId) ?? h.CreatedAt).ToUnixTimeMilliseconds(),
                ["expiresAt"] = h.ExpiresAt.ToUnixTimeMilliseconds(),
                ["timeoutAction"] = h.TimeoutAction,
            }).ToJsonArray(),
            ["elapsedMs"] = (long)(((record.FinishedAt ?? record.StoppedAt ?? now) - (record.StartedAt ?? record.CreatedAt)).TotalMilliseconds),
        };
    }

    private static JsonObject Monitor(MonitorState monitor, bool threshold)
    {
        var result = new JsonObject { ["status"] = monitor.Status, ["rollback"] = monitor.Rollback };
        if (threshold)
        {
            result["failures"] = monitor.FailureCount;
            result["threshold"] = monitor.Threshold;
        }
        else
        {
            result["names"] = monitor.Names.ToJsonArray();
            result["triggered"] = monitor.Triggered.ToJsonArray();
        }

        return result;
    }

    private static string RevisionTaskDefinition(EcsService service, string revisionArn) =>
        service.Revisions.FirstOrDefault(r => r.Arn == revisionArn)?.TaskDefinitionArn ?? revisionArn;

    /// <summary>Versioned services (Harness style) are named <c>base__N</c>; the page groups them under <c>base</c>.</summary>
    [GeneratedRegex(@"^(?<base>.+)__(?<version>[0-9]{1,9})$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSuffix();
}
