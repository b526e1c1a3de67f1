using System.Globalization;
using System.Text;
using EcsBuildTasks.Core.Features.Results;

namespace EcsBuildTasks.Core.Features.Plan;

/// <summary>
/// One step of a deployment as the project configures it: how long it is set to last (a bake, a canary's or a linear
/// step's interval, a pause; 0 when only AWS decides) and the new revision's share of production traffic during it.
/// </summary>
internal sealed record PlannedStep(string Name, double Minutes, double? ProductionWeight);

/// <summary>The plan's timeline chart: the configured steps as a Mermaid Gantt chart, starting at the time of the plan.</summary>
internal static class PlannedTimeline
{
    /// <returns>The chart in a fenced <c>mermaid</c> block, or null when the strategy configures no step.</returns>
    public static string? Mermaid(string service, string strategy, IReadOnlyList<PlannedStep> steps, DateTimeOffset from)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
        {
            return null;
        }

        var builder = new StringBuilder();
        builder.AppendLine("```mermaid");
        builder.AppendLine("gantt");
        builder.AppendLine(CultureInfo.InvariantCulture, $"    title {TimelineChart.Label($"{service} · {strategy} · planned steps if deployed now")}");
        builder.AppendLine("    dateFormat x");
        builder.AppendLine("    axisFormat %H:%M");
        builder.AppendLine("    section Steps");
        var at = from.ToUnixTimeMilliseconds();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var end = at + (long)Math.Round(step.Minutes * 60_000);
            var weight = step.ProductionWeight is { } w ? string.Create(CultureInfo.InvariantCulture, $" (green {w:0.#}%)") : string.Empty;
            builder.AppendLine(CultureInfo.InvariantCulture, $"    {TimelineChart.Label(step.Name + weight)} :{(step.Minutes > 0 ? "active" : "milestone")}, p{i}, {at}, {end}");
            at = end;
        }

        builder.AppendLine("```");
        return builder.ToString();
    }
}
