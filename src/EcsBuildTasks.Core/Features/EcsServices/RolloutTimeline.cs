using EcsBuildTasks.Core.Features.Results;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary>
/// The stages of a deployment ECS reports no lifecycle stages for (a rolling update), told from what the watch saw:
/// the new revision's tasks starting, the old ones replaced until the service is steady, a rollback.
/// </summary>
internal static class RolloutTimeline
{
    public const string StartNewTasks = "start new tasks";
    public const string ReplaceOldTasks = "replace old tasks, reach steady state";
    public const string RollBack = "roll back";

    private static readonly HashSet<string> Finished = new(StringComparer.Ordinal) { "SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED", "COMPLETED", "FAILED" };

    /// <returns>The stages, or null when the watch saw none (it did not poll before the verdict).</returns>
    public static IReadOnlyList<StageTiming>? From(WaitResult wait)
    {
        ArgumentNullException.ThrowIfNull(wait);
        var starts = new List<(string Stage, string Status, TimeSpan At)>();
        foreach (var sample in wait.Samples)
        {
            if (Finished.Contains(sample.Status))
            {
                break;
            }

            var stage = sample.Status.StartsWith("ROLLBACK", StringComparison.Ordinal) ? RollBack
                : sample.Running < sample.Desired || sample.Pending > 0 ? StartNewTasks
                : ReplaceOldTasks;
            if (starts.Count == 0 || starts[^1].Stage != stage)
            {
                starts.Add((stage, sample.Status, sample.At));
            }
        }

        if (starts.Count == 0)
        {
            return null;
        }

        var end = wait.Samples.FirstOrDefault(s => Finished.Contains(s.Status))?.At ?? wait.Duration;
        return [.. starts.Select((s, i) => new StageTiming(s.Stage, s.Status, Math.Round(s.At.TotalSeconds, 1),
            Math.Round(((i + 1 < starts.Count ? starts[i + 1].At : end) - s.At).TotalSeconds, 1), null, null))];
    }
}
