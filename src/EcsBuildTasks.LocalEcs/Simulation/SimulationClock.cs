namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// Simulated time: real elapsed time (from the injected <see cref="TimeProvider"/>) multiplied by the time scale, plus
/// explicit jumps (the control API's clock advance, and instant mode skipping simulated waits).
/// </summary>
internal sealed class SimulationClock
{
    private readonly TimeProvider real;
    private readonly long anchorTimestamp;
    private readonly DateTimeOffset anchor;
    private readonly Lock gate = new();
    private TimeSpan jumped;

    public SimulationClock(TimeProvider real, double timeScale, DateTimeOffset resumeFrom)
    {
        if (timeScale < 0 || double.IsNaN(timeScale) || double.IsInfinity(timeScale))
        {
            throw new ArgumentOutOfRangeException(nameof(timeScale), timeScale, "The time scale must be 0 (instant) or positive.");
        }

        this.real = real;
        Instant = timeScale == 0;
        Scale = Instant ? 1 : timeScale;
        anchorTimestamp = real.GetTimestamp();
        var now = real.GetUtcNow();

        // A resumed state may be ahead of the wall clock (time ran faster than real time); never go backwards.
        anchor = resumeFrom > now ? resumeFrom : now;
    }

    /// <summary>True in instant mode: the simulation jumps over its own waits.</summary>
    public bool Instant { get; }

    /// <summary>Simulated seconds per real second (1 in instant mode, where jumps do the rest).</summary>
    public double Scale { get; }

    public DateTimeOffset Now
    {
        get
        {
            var elapsed = real.GetElapsedTime(anchorTimestamp);
            lock (gate)
            {
                return anchor + TimeSpan.FromTicks((long)(elapsed.Ticks * Scale)) + jumped;
            }
        }
    }

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), by, "The clock only moves forward.");
        }

        lock (gate)
        {
            jumped += by;
        }
    }

    /// <summary>Converts a real duration into simulated time (for display in the control API).</summary>
    public TimeSpan ToSimulated(TimeSpan realDuration) => TimeSpan.FromTicks((long)(realDuration.Ticks * Scale));
}
