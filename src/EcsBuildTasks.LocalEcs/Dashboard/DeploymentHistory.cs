using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Dashboard;

/// <summary>
/// What the dashboard draws over time and the state does not keep: per service a bounded ring of samples (task counts,
/// traffic weights, lifecycle stage), and per service deployment the spans of its lifecycle stages and when its hooks
/// changed status. The simulation calls <see cref="Observe"/> after every step, with the state lock held; the dashboard
/// reads under the same lock, so nothing here locks on its own. Samples are taken only when something changed, so a
/// quiet service costs nothing and a ring covers long deployments. Kept in memory: a restarted LocalEcs draws from the
/// time it started.
/// </summary>
internal sealed class DeploymentHistory
{
    /// <summary>Samples kept per service (the oldest go first).</summary>
    public const int SamplesPerService = 2048;

    /// <summary>Service deployments whose stage timeline is kept per service (the oldest go first).</summary>
    public const int TracesPerService = 20;

    private static readonly HashSet<string> PendingStatuses = ["PROVISIONING", "PENDING", "ACTIVATING"];

    private readonly Dictionary<string, ServiceHistory> services = new(StringComparer.Ordinal);
    private long generation;

    /// <summary>The history of a service (by ARN), or null when it was never observed.</summary>
    public ServiceHistory? For(string serviceArn) => services.GetValueOrDefault(serviceArn);

    /// <summary>Samples every service of every region at <paramref name="now"/>. Call with the state lock held.</summary>
    public void Observe(AccountState state, DateTimeOffset now)
    {
        generation++;
        foreach (var region in state.Regions.Values)
        {
            foreach (var cluster in region.Clusters.Values)
            {
                if (cluster.Services.Count == 0)
                {
                    continue;
                }

                var tasksByService = cluster.Tasks.Values
                    .Where(t => t.ServiceName is not null && t.DesiredStatus == "RUNNING")
                    .ToLookup(t => t.ServiceName!, StringComparer.Ordinal);
                foreach (var service in cluster.Services.Values)
                {
                    if (!services.TryGetValue(service.Arn, out var history))
                    {
                        history = new ServiceHistory();
                        services[service.Arn] = history;
                    }

                    history.Generation = generation;
                    history.Observe(cluster, service, tasksByService[service.Name], now);
                }
            }
        }

        // Services that are gone (deleted, or a reset) take their history with them.
        if (services.Count > 0 && services.Values.Any(h => h.Generation != generation))
        {
            foreach (var arn in services.Where(p => p.Value.Generation != generation).Select(p => p.Key).ToList())
            {
                services.Remove(arn);
            }
        }
    }

    internal static bool IsPending(EcsTask task) => PendingStatuses.Contains(task.LastStatus);

    /// <summary>Samples and deployment traces of one service.</summary>
    internal sealed class ServiceHistory
    {
        private readonly Dictionary<string, DeploymentTrace> traces = new(StringComparer.Ordinal);
        private readonly Queue<string> traceOrder = new();

        public SampleRing Samples { get; } = new(SamplesPerService);

        public long Generation { get; set; }

        public DeploymentTrace? Trace(string serviceDeploymentArn) => traces.GetValueOrDefault(serviceDeploymentArn);

        public void Observe(EcsCluster cluster, EcsService service, IEnumerable<EcsTask> liveTasks, DateTimeOffset now)
        {
            var current = Deployments.Current(service);
            var tasks = liveTasks.ToList();
            var shifting = current is not null && current.Strategy != "ROLLING";
            var revisionOf = service.Deployments.ToDictionary(d => d.Id, d => d.ServiceRevisionArn, StringComparer.Ordinal);
            var running = tasks.Where(t => t.LastStatus == "RUNNING")
                .GroupBy(t => t.DeploymentId is not null && revisionOf.TryGetValue(t.DeploymentId, out var arn) ? arn : string.Empty, StringComparer.Ordinal)
                .Select(g => new RevisionCount(g.Key, g.Count()))
                .OrderBy(c => c.RevisionArn, StringComparer.Ordinal)
                .ToArray();
            var sample = new Sample(
                now,
                Deployments.DesiredCount(cluster, service),
                tasks.Count(IsPending),
                running,
                shifting ? current!.ProductionWeight : null,
                shifting ? current!.TestWeight : null,
                current?.Arn);
            Samples.AddIfChanged(sample);

            // Every deployment still moving, and the last one (which may have finished during this step).
            foreach (var record in service.ServiceDeployments.Count == 0 ? [] : service.ServiceDeployments.TakeLast(2))
            {
                if (!traces.TryGetValue(record.Arn, out var trace))
                {
                    if (!Deployments.InProgressStatuses.Contains(record.Status))
                    {
                        continue;
                    }

                    trace = new DeploymentTrace();
                    traces[record.Arn] = trace;
                    traceOrder.Enqueue(record.Arn);
                    while (traceOrder.Count > TracesPerService)
                    {
                        traces.Remove(traceOrder.Dequeue());
                    }
                }

                trace.Observe(record, now);
            }
        }
    }

    /// <summary>The lifecycle of one service deployment as the simulation went through it.</summary>
    internal sealed class DeploymentTrace
    {
        private readonly List<StageSpan> spans = [];
        private readonly Dictionary<string, (string Status, DateTimeOffset At)> hookChanges = new(StringComparer.Ordinal);
        private string? lastKey;
        private int nextStageIndex;
        private bool observed;

        /// <summary>The pseudo-stage of a rollback in the timeline.</summary>
        public const string RollbackStage = "ROLLBACK";

        /// <summary>The lifecycle stages a rolling deployment reports, in order.</summary>
        private static readonly string[] RollingStages = ["SCALE_UP", "CLEAN_UP"];

        /// <summary>First observed mid-way (after a restart): the timeline starts at the stage it was in then.</summary>
        public bool Partial { get; private set; }

        public IReadOnlyList<StageSpan> Spans => spans;

        /// <summary>When a hook last changed status (its result time once it is no longer waiting).</summary>
        public DateTimeOffset? HookChangedAt(string hookId) => hookChanges.TryGetValue(hookId, out var change) ? change.At : null;

        public void Observe(ServiceDeploymentRecord record, DateTimeOffset now)
        {
            foreach (var hook in record.Hooks)
            {
                if (!hookChanges.TryGetValue(hook.HookId, out var seen) || seen.Status != hook.Status)
                {
                    hookChanges[hook.HookId] = (hook.Status, seen.Status is null ? hook.CreatedAt : now);
                }
            }

            if (!observed)
            {
                // First seen mid-way (LocalEcs restarted during the deployment): earlier stages are unknown, not instant.
                observed = true;
                Partial = record.StartedAt is { } started && started < now;
                nextStageIndex = !Partial ? 0 : record.Stages.Count > 0 ? record.StageIndex : Array.IndexOf(RollingStages, record.LifecycleStage) + 1;
            }

            var key = StageKey(record);
            if (key == lastKey)
            {
                return;
            }

            var outcome = record.Status switch
            {
                "ROLLBACK_IN_PROGRESS" or "ROLLBACK_REQUESTED" or "ROLLBACK_FAILED" => StageOutcome.Failed,
                "STOPPED" or "STOP_REQUESTED" => record.StatusReason?.Contains("newer service deployment", StringComparison.Ordinal) == true ? StageOutcome.Stopped : StageOutcome.Failed,
                _ => StageOutcome.Completed,
            };
            if (spans.Count > 0 && spans[^1].End is null)
            {
                var open = spans[^1];
                open.End = now;
                open.Outcome = open.Stage == RollbackStage
                    ? record.Status == "ROLLBACK_SUCCESSFUL" ? StageOutcome.Completed : StageOutcome.Failed
                    : outcome;
            }

            // Traffic-shifting stages that began and ended between two observations, shown where they passed.
            if (record.Stages.Count > 0 && record.Status is "IN_PROGRESS" or "SUCCESSFUL")
            {
                var reached = record.Status == "SUCCESSFUL" ? record.Stages.Count : Math.Min(record.StageIndex, record.Stages.Count);
                for (; nextStageIndex < reached; nextStageIndex++)
                {
                    spans.Add(Span(record.Stages[nextStageIndex], nextStageIndex, now, now, StageOutcome.Completed));
                }
            }

            if (key == RollbackStage)
            {
                spans.Add(new StageSpan { Stage = RollbackStage, Start = record.RollbackStartedAt is { } at && at <= now ? at : now });
            }
            else if (key is not null && record.Stages.Count > 0)
            {
                spans.Add(Span(record.Stages[record.StageIndex], record.StageIndex, now, null, null));
                nextStageIndex = record.StageIndex + 1;
            }
            else if (key is not null)
            {
                // Rolling: stages skipped within one step (SCALE_UP ends as soon as every new task is launched).
                var position = Array.IndexOf(RollingStages, key);
                for (var i = Math.Max(0, nextStageIndex); i < position; i++)
                {
                    spans.Add(new StageSpan { Stage = RollingStages[i], Start = now, End = now, Outcome = StageOutcome.Completed });
                }

                nextStageIndex = Math.Max(nextStageIndex, position + 1);
                spans.Add(new StageSpan { Stage = key, Start = now });
            }

            lastKey = key;
        }

        private static StageSpan Span(StageStep step, int index, DateTimeOffset start, DateTimeOffset? end, StageOutcome? outcome) => new()
        {
            Stage = step.Stage,
            StageIndex = index,
            ProductionWeight = step.Stage is "PRODUCTION_TRAFFIC_SHIFT" or "PRE_PRODUCTION_TRAFFIC_SHIFT" ? step.ProductionWeight : null,
            Start = start,
            End = end,
            Outcome = outcome,
        };

        /// <summary>What the deployment is doing: a traffic-shifting step (#index), a rolling stage, ROLLBACK, or nothing (done).</summary>
        private static string? StageKey(ServiceDeploymentRecord record) => record.Status switch
        {
            "ROLLBACK_IN_PROGRESS" or "ROLLBACK_REQUESTED" => RollbackStage,
            "PENDING" or "IN_PROGRESS" when record.Stages.Count > 0 && record.StageIndex < record.Stages.Count =>
                "#" + record.StageIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "PENDING" or "IN_PROGRESS" when record.Stages.Count == 0 => record.LifecycleStage,
            _ => null,
        };
    }
}

/// <summary>One lifecycle stage (or the rollback) of a service deployment, from when it began until it ended.</summary>
internal sealed class StageSpan
{
    public string Stage { get; init; } = string.Empty;

    /// <summary>Position in a traffic-shifting plan (-1 for rolling stages and the rollback).</summary>
    public int StageIndex { get; init; } = -1;

    /// <summary>The production weight a traffic shift step sets.</summary>
    public double? ProductionWeight { get; init; }

    public DateTimeOffset Start { get; init; }

    /// <summary>Null while the stage is current.</summary>
    public DateTimeOffset? End { get; set; }

    /// <summary>How the stage ended; null while it is current.</summary>
    public StageOutcome? Outcome { get; set; }
}

internal enum StageOutcome
{
    /// <summary>The deployment went on to the next stage (or, for the rollback, the old revision serves again).</summary>
    Completed,

    /// <summary>The deployment failed here (circuit breaker, alarm, hook, stop) or, for the rollback, the rollback failed.</summary>
    Failed,

    /// <summary>A newer deployment replaced this one.</summary>
    Stopped,
}

/// <summary>
/// A service at one simulated instant: desired and pending counts, running tasks per service revision (so any
/// deployment's chart can split its own revision from the others), and the weights of the deployment in progress.
/// </summary>
internal sealed record Sample(
    DateTimeOffset At,
    int Desired,
    int Pending,
    RevisionCount[] RunningByRevision,
    double? ProductionWeight,
    double? TestWeight,
    string? ServiceDeploymentArn)
{
    public int Running => RunningByRevision.Sum(r => r.Running);

    public int RunningOf(string revisionArn) => RunningByRevision.FirstOrDefault(r => r.RevisionArn == revisionArn)?.Running ?? 0;

    public bool SameValuesAs(Sample other) =>
        Desired == other.Desired && Pending == other.Pending && RunningByRevision.SequenceEqual(other.RunningByRevision)
        && Nullable.Equals(ProductionWeight, other.ProductionWeight) && Nullable.Equals(TestWeight, other.TestWeight)
        && ServiceDeploymentArn == other.ServiceDeploymentArn;
}

/// <summary>Running tasks of one service revision (empty ARN: tasks of a revision no longer in <c>deployments[]</c>).</summary>
internal sealed record RevisionCount(string RevisionArn, int Running);

/// <summary>A fixed-size ring of samples: the newest <c>capacity</c> changes.</summary>
internal sealed class SampleRing(int capacity)
{
    private readonly Sample[] items = new Sample[capacity];
    private int start;

    public int Count { get; private set; }

    public Sample? Last => Count == 0 ? null : items[(start + Count - 1) % items.Length];

    /// <summary>Adds <paramref name="sample"/> unless it repeats the last one; returns whether it was added.</summary>
    public bool AddIfChanged(Sample sample)
    {
        if (Last is { } last && last.SameValuesAs(sample))
        {
            return false;
        }

        if (Count < items.Length)
        {
            items[(start + Count) % items.Length] = sample;
            Count++;
        }
        else
        {
            items[start] = sample;
            start = (start + 1) % items.Length;
        }

        return true;
    }

    /// <summary>The samples from oldest to newest.</summary>
    public IEnumerable<Sample> All()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return items[(start + i) % items.Length];
        }
    }
}
