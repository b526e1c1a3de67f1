using System.Globalization;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.VersionedServices;

/// <summary>
/// One phase of a versioned deployment (an <c>EcsPhase</c> item): the new version's size after it, as a count or a
/// percent of the target count, and the gate that runs after it (null: none).
/// </summary>
internal sealed record VersionPhase(string Name, int? Count, double? Percent, VerificationSettings? Gate, int PauseMinutes)
{
    /// <summary>Without <c>EcsPhase</c> items: one phase, all of the target count.</summary>
    public static VersionPhase Full(VerificationSettings? gate) => new("deploy", null, 100, gate, 0);

    public string Describe() => Count is { } count
        ? string.Create(CultureInfo.InvariantCulture, $"{Name} ({count} task(s))")
        : string.Create(CultureInfo.InvariantCulture, $"{Name} ({Percent:0.#}%)");
}

/// <summary>What one phase does: the new version's count and each old version's count after it.</summary>
internal sealed record PhaseStep(VersionPhase Phase, int NewCount, IReadOnlyList<VersionCount> OldCounts)
{
    public int OldTotal => OldCounts.Sum(c => c.Count);
}

/// <summary>
/// The counts of a phased deployment (Harness's Upgrade Containers): each phase sizes the new version to its count or
/// percent of the target (rounded up, never lower than an earlier phase: phases are incremental), and the old versions
/// go down by the same share of what they ran, the oldest first, so that they reach 0 when the new version reaches 100%.
/// </summary>
internal static class PhasePlan
{
    public static IReadOnlyList<PhaseStep> Steps(IReadOnlyList<VersionPhase> phases, int target, IReadOnlyList<VersionCount> old)
    {
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(old);
        var oldTotal = old.Sum(c => c.Count);
        var steps = new List<PhaseStep>();
        var previous = 0;
        foreach (var phase in phases)
        {
            var count = Math.Max(previous, NewCount(phase, target));
            previous = count;
            var share = target == 0 ? 1.0 : (double)count / target;
            var remaining = count >= target ? 0 : oldTotal - (int)Math.Round(oldTotal * share, MidpointRounding.AwayFromZero);
            steps.Add(new PhaseStep(phase, count, Spread(old, oldTotal - remaining)));
        }

        return steps;
    }

    /// <summary>The new version's count a phase asks for.</summary>
    public static int NewCount(VersionPhase phase, int target)
    {
        ArgumentNullException.ThrowIfNull(phase);
        return phase.Count ?? (int)Math.Ceiling(target * (phase.Percent ?? 100) / 100.0 - 1e-9);
    }

    /// <summary>The old versions' counts once <paramref name="reduction"/> tasks are taken away, the oldest version first.</summary>
    private static List<VersionCount> Spread(IReadOnlyList<VersionCount> old, int reduction)
    {
        var counts = new List<VersionCount>();
        foreach (var version in old)
        {
            var taken = Math.Min(version.Count, reduction);
            reduction -= taken;
            counts.Add(version with { Count = version.Count - taken });
        }

        return counts;
    }
}
