namespace EcsBuildTasks.LocalEcs.Services.Route53;

/// <summary>
/// A propagation time set through the control API, in place of <see cref="Route53Api.Propagation"/> (and of instant
/// mode's at-once): a slow Route 53 (changes PENDING for an hour) can be rehearsed, for every change or for the next few.
/// Like fault rules it lives with the process, not in the state file.
/// </summary>
internal sealed class Route53Propagation
{
    private readonly Lock sync = new();
    private TimeSpan? delay;
    private int? remaining;

    /// <summary>The delay set and how many changes it still applies to (null: every change); null when none is set.</summary>
    public (TimeSpan Delay, int? Remaining)? Current
    {
        get
        {
            lock (sync)
            {
                return delay is { } d ? (d, remaining) : null;
            }
        }
    }

    public void Set(TimeSpan value, int? count)
    {
        lock (sync)
        {
            (delay, remaining) = (value, count);
        }
    }

    public void Clear()
    {
        lock (sync)
        {
            (delay, remaining) = (null, null);
        }
    }

    /// <summary>The delay for a change submitted now, counting it against the set's limit; null when none is set.</summary>
    public TimeSpan? Take()
    {
        lock (sync)
        {
            if (delay is not { } d)
            {
                return null;
            }

            if (remaining is { } left)
            {
                (delay, remaining) = left <= 1 ? ((TimeSpan?)null, (int?)null) : (d, left - 1);
            }

            return d;
        }
    }
}
