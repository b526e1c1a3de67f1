using System.Globalization;

namespace EcsBuildTasks.Core.Features.Results;

/// <summary>
/// One stage (or phase) of a deployment as the build saw it: seconds from <see cref="DeploymentResult.TimelineStartedAt"/>
/// (null when it passed between two polls) and the share of production traffic the new revision had during it.
/// </summary>
internal sealed record StageTiming(string Stage, string Status, double? StartedAtSeconds, double? Seconds, double? ProductionTrafficWeight, double? TestTrafficWeight);

/// <summary>One verification gate of the build and what it decided.</summary>
internal sealed record GateSummary(string Stage, string Purpose, bool Passed, double Seconds, int Rounds, string Summary)
{
    /// <summary>When the gate began.</summary>
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>How a result shows the stages a deployment went through and the gates the build ran.</summary>
internal static class DeploymentTimeline
{
    /// <summary>The summary lines for a result (stage timeline and gates).</summary>
    public static IEnumerable<string> SummaryLines(IReadOnlyList<StageTiming> stages, IReadOnlyList<GateSummary> gates)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(gates);
        var inv = CultureInfo.InvariantCulture;
        foreach (var stage in stages)
        {
            var at = stage.StartedAtSeconds is { } s ? Clock(s) : "-";
            var took = stage.Seconds is { } d ? string.Create(inv, $"{d:0.0} s") : "between polls";
            yield return string.Create(inv, $"  Stage           {at,-8} {stage.Stage,-30} {took,-14}{Weights(stage.ProductionTrafficWeight, stage.TestTrafficWeight)}{(stage.Status is "IN_PROGRESS" or "SUCCESSFUL" ? string.Empty : $" ({stage.Status})")}").TrimEnd();
        }

        foreach (var gate in gates)
        {
            yield return string.Create(inv, $"  Gate            {gate.Stage} {(gate.Passed ? "passed" : "FAILED")} in {gate.Seconds:0.0} s ({gate.Purpose}): {gate.Summary}");
        }
    }

    private static string Clock(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)}:{seconds % 60:00.0}");

    /// <summary>" production: green 10% / blue 90% · test: green 100%" (empty when ECS reports no weights).</summary>
    public static string Weights(double? production, double? test) =>
        production is null && test is null
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $" production: green {production ?? 0:0.#}% / blue {100 - (production ?? 0):0.#}% · test: green {test ?? 0:0.#}%");
}
