using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>What one step of the simulation (or one API call that changes simulated resources) works with.</summary>
internal sealed class SimulationContext(LocalEcsRuntime runtime, RegionState region, DateTimeOffset now, WakeUps? wake = null)
{
    public LocalEcsRuntime Runtime { get; } = runtime;

    public RegionState Region { get; } = region;

    public DateTimeOffset Now { get; } = now;

    public WakeUps Wake { get; } = wake ?? new WakeUps(now);

    public AccountState Account => Runtime.State;

    /// <summary>Task-level service events of this step, written when the step ends.</summary>
    public ServiceEvents Events { get; } = new();

    /// <summary>Asks for a step at <paramref name="at"/> (instant mode jumps there when nothing else is due).</summary>
    public void WakeAt(DateTimeOffset at) => Wake.At(at);

    public void WakeAfter(TimeSpan delay) => Wake.At(Now + delay);
}

/// <summary>The earliest future time any simulated wait ends; instant mode advances the clock to it.</summary>
internal sealed class WakeUps(DateTimeOffset now)
{
    public DateTimeOffset? Earliest { get; private set; }

    public void At(DateTimeOffset at)
    {
        if (at > now && (Earliest is null || at < Earliest))
        {
            Earliest = at;
        }
    }
}
