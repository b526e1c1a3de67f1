using System.Globalization;
using System.Text;

namespace EcsBuildTasks.Core.Features.Results;

/// <summary>
/// The deployment as a Mermaid Gantt chart, which GitHub renders in a step summary without any service: a section of
/// stages (lifecycle stages, rollout steps or phases) with their start and duration, one of the build's gates, and,
/// when the strategy moves traffic (or tasks) step by step, one of the new revision's share during each step.
/// Times are real instants (Unix milliseconds), so the axis shows the wall clock in the reader's time zone.
/// </summary>
internal static class TimelineChart
{
    /// <summary>The chart in a fenced <c>mermaid</c> block; null when the result has no timeline (nothing was deployed or waited for).</summary>
    public static string? Mermaid(DeploymentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var stages = result.LifecycleStages ?? [];
        var gates = (result.VerificationGates ?? []).Where(g => g.StartedAt is not null).ToList();
        if (result.TimelineStartedAt is not { } origin || (stages.Count == 0 && gates.Count == 0))
        {
            return null;
        }

        var builder = new StringBuilder();
        builder.AppendLine("```mermaid");
        builder.AppendLine("gantt");
        builder.AppendLine(CultureInfo.InvariantCulture, $"    title {Label($"{result.Service}{(result.Strategy is null ? string.Empty : " · " + result.Strategy)} · {result.Status}")}");
        builder.AppendLine("    dateFormat x");
        builder.AppendLine("    axisFormat %H:%M:%S");
        if (stages.Count > 0)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"    section {(SharesTasks(result) ? "Phases" : "Stages")}");
            var placed = Place(stages);
            for (var i = 0; i < placed.Count; i++)
            {
                var (stage, start, end) = placed[i];
                var name = stage.Seconds is null ? $"{stage.Stage} (between polls)" : stage.Stage;
                var tags = stage.Seconds is null ? "milestone" : Tag(stage.Status);
                builder.AppendLine(CultureInfo.InvariantCulture, $"    {Label(name)} :{tags}, s{i}, {Millis(origin, start)}, {Millis(origin, end)}");
            }
        }

        if (gates.Count > 0)
        {
            builder.AppendLine("    section Gates");
            for (var i = 0; i < gates.Count; i++)
            {
                var gate = gates[i];
                var start = gate.StartedAt!.Value.ToUnixTimeMilliseconds();
                var end = start + (long)Math.Round(gate.Seconds * 1000);
                builder.AppendLine(CultureInfo.InvariantCulture, $"    {Label($"gate {gate.Stage} {(gate.Passed ? "passed" : "FAILED")}")} :{(gate.Passed ? "done" : "crit")}, g{i}, {start}, {end}");
            }
        }

        var weights = Weights(stages);
        if (weights.Count > 0)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"    section {(SharesTasks(result) ? "New version share" : "Production traffic")}");
            for (var i = 0; i < weights.Count; i++)
            {
                var (weight, start, end) = weights[i];
                builder.AppendLine(CultureInfo.InvariantCulture, $"    {Label(WeightLabel(result, weight))} :{(weight >= 100 ? "active" : "done")}, w{i}, {Millis(origin, start)}, {Millis(origin, end)}");
            }
        }

        builder.AppendLine("```");
        return builder.ToString();
    }

    /// <summary>The strategy grew the new version by tasks (its result says so): the steps are phases and the share is of tasks, not of routed traffic.</summary>
    private static bool SharesTasks(DeploymentResult result) => result.StepShare == StepShare.Tasks;

    private static string WeightLabel(DeploymentResult result, double weight) => SharesTasks(result)
        ? string.Create(CultureInfo.InvariantCulture, $"new {weight:0.#}% / old {100 - weight:0.#}% of tasks")
        : string.Create(CultureInfo.InvariantCulture, $"green {weight:0.#}% / blue {100 - weight:0.#}%");

    /// <summary>Every stage with its start and end in seconds; a stage that passed between two polls is a milestone where the next timed stage begins.</summary>
    private static List<(StageTiming Stage, double Start, double End)> Place(IReadOnlyList<StageTiming> stages)
    {
        var placed = new List<(StageTiming, double, double)>();
        var previousEnd = 0.0;
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            if (stage.StartedAtSeconds is { } start && stage.Seconds is { } seconds)
            {
                placed.Add((stage, start, start + seconds));
                previousEnd = start + seconds;
                continue;
            }

            var next = stages.Skip(i + 1).FirstOrDefault(s => s.StartedAtSeconds is not null)?.StartedAtSeconds ?? previousEnd;
            placed.Add((stage, next, next));
        }

        return placed;
    }

    /// <summary>The new revision's share of production traffic over time: consecutive stages with the same weight are one step.</summary>
    private static List<(double Weight, double Start, double End)> Weights(IReadOnlyList<StageTiming> stages)
    {
        var steps = new List<(double Weight, double Start, double End)>();
        foreach (var stage in stages)
        {
            if (stage.ProductionTrafficWeight is not { } weight || stage.StartedAtSeconds is not { } start || stage.Seconds is not { } seconds)
            {
                continue;
            }

            if (steps.Count > 0 && steps[^1].Weight == weight)
            {
                steps[^1] = (weight, steps[^1].Start, start + seconds);
            }
            else
            {
                steps.Add((weight, start, start + seconds));
            }
        }

        return steps;
    }

    private static string Tag(string status) => status switch
    {
        // A stage first seen PENDING (the deployment had not started its tasks yet at that poll) did not fail.
        "PENDING" or "IN_PROGRESS" or "SUCCESSFUL" or "COMPLETED" => "done",
        _ => "crit",
    };

    private static long Millis(DateTimeOffset origin, double seconds) => origin.ToUnixTimeMilliseconds() + (long)Math.Round(seconds * 1000);

    /// <summary>A task name Mermaid reads as one: no colon (it ends the name), no semicolon, no comment (<c>%%</c>) or entity (<c>#</c>) marks, one line.</summary>
    internal static string Label(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                ':' => '-',
                ';' or '#' or '\r' or '\n' => ' ',
                _ => c,
            });
        }

        return builder.Replace("%%", "%").ToString().Trim();
    }
}
