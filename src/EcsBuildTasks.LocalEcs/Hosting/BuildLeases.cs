namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>A build that uses this LocalEcs: who it is and which process it runs in.</summary>
/// <param name="Id">Chosen by the build, so that acquiring is idempotent and the starting build knows its lease in advance.</param>
/// <param name="ProcessId">The build's process; the lease ends when it does.</param>
/// <param name="Holder">What the build says it is, e.g. <c>project Orders</c>.</param>
/// <param name="ProcessStartMark">Tells the process apart from a later one with the same id (<see cref="ProcessIdentity"/>).</param>
internal sealed record BuildLease(string Id, int ProcessId, string Holder, string? ProcessStartMark, DateTimeOffset AcquiredAt);

/// <summary>Why a lease could not be taken.</summary>
internal sealed class LeaseRefusedException(string message) : Exception(message);

/// <summary>
/// The builds that use this LocalEcs. A LocalEcs that a build started (<see cref="StartedBy"/> set) exits once no lease
/// is left, after <see cref="IdleExitDelay"/> so that the next publish of a script can join it instead of starting
/// another; a lease ends when its build releases it or when its process is gone (a build killed with SIGKILL never
/// releases anything). One started by hand keeps the table for the record and never exits because of it.
/// LocalEcs holds the table itself, so there is no lock file and no race between builds that start and join it.
/// </summary>
internal sealed class BuildLeases
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, BuildLease> leases = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly Func<int, string?> startMarkOf;
    private long unusedSince;

    /// <param name="startedBy">The lease of the build that started this LocalEcs (from the command line), or null when a user did.</param>
    /// <param name="startMarkOf">The running process's start mark, or null when it is gone (<see cref="ProcessIdentity.StartMark"/>).</param>
    public BuildLeases(TimeProvider time, BuildLease? startedBy, TimeSpan idleExitDelay, Func<int, string?>? startMarkOf = null)
    {
        this.time = time;
        this.startMarkOf = startMarkOf ?? ProcessIdentity.StartMark;
        IdleExitDelay = idleExitDelay;
        unusedSince = time.GetTimestamp();
        if (startedBy is not null)
        {
            StartedBy = startedBy with { ProcessStartMark = startedBy.ProcessStartMark ?? this.startMarkOf(startedBy.ProcessId) };
            leases[startedBy.Id] = StartedBy;
        }
    }

    /// <summary>The build that started this LocalEcs; null when it was started by hand (it then never exits on its own).</summary>
    public BuildLease? StartedBy { get; }

    /// <summary>Whether this LocalEcs exits when no build uses it any more.</summary>
    public bool ExitsWhenUnused => StartedBy is not null;

    public TimeSpan IdleExitDelay { get; }

    /// <summary>Set once this LocalEcs has decided to exit: new leases are refused so their builds start a fresh one.</summary>
    public bool Stopping { get; private set; }

    public IReadOnlyList<BuildLease> Current
    {
        get
        {
            lock (sync)
            {
                return [.. leases.Values.OrderBy(l => l.AcquiredAt)];
            }
        }
    }

    /// <summary>
    /// Takes (or, with the same id, keeps) a lease for the build in process <paramref name="processId"/>.
    /// </summary>
    /// <exception cref="LeaseRefusedException">LocalEcs is stopping, or the process is not running.</exception>
    public BuildLease Acquire(string id, int processId, string holder)
    {
        var mark = startMarkOf(processId);
        lock (sync)
        {
            if (Stopping)
            {
                throw new LeaseRefusedException("LocalEcs is stopping because no build uses it any more; start another one.");
            }

            if (leases.TryGetValue(id, out var existing))
            {
                return existing;
            }

            if (mark is null)
            {
                throw new LeaseRefusedException($"No process {processId} is running: a lease lasts as long as its build's process.");
            }

            var lease = new BuildLease(id, processId, holder, mark, time.GetUtcNow());
            leases[id] = lease;
            return lease;
        }
    }

    /// <summary>Ends a lease; false when there was none with that id (released already, or its process was gone).</summary>
    public bool Release(string id)
    {
        lock (sync)
        {
            var removed = leases.Remove(id);
            if (removed && leases.Count == 0)
            {
                unusedSince = time.GetTimestamp();
            }

            return removed;
        }
    }

    /// <summary>
    /// Drops the leases whose process is gone and says whether this LocalEcs should exit now: it was started by a build,
    /// and no lease has been left for <see cref="IdleExitDelay"/>. Once it says so, it refuses new leases.
    /// </summary>
    public (IReadOnlyList<BuildLease> Ended, bool ExitNow) Sweep()
    {
        BuildLease[] held;
        lock (sync)
        {
            held = [.. leases.Values];
        }

        // Process checks read /proc (or ask the OS): outside the lock.
        var ended = held.Where(l => startMarkOf(l.ProcessId) is not { } mark || mark != l.ProcessStartMark).ToList();
        lock (sync)
        {
            foreach (var lease in ended)
            {
                if (leases.Remove(lease.Id) && leases.Count == 0)
                {
                    unusedSince = time.GetTimestamp();
                }
            }

            if (ExitsWhenUnused && !Stopping && leases.Count == 0 && time.GetElapsedTime(unusedSince) >= IdleExitDelay)
            {
                Stopping = true;
            }

            return (ended, Stopping);
        }
    }
}
