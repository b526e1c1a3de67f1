using EcsBuildTasks.LocalEcs.Hosting;
using Microsoft.Extensions.Logging;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// Advances the simulation: one background loop (every 50 ms of real time) steps every region's clusters, services,
/// tasks and load balancers up to the simulated now, in steps of at most one simulated second so that short phases are
/// not skipped at high time scales. In instant mode it then jumps the clock to the next simulated wait and steps again.
/// </summary>
internal sealed partial class SimulationEngine : IDisposable
{
    private static readonly TimeSpan LoopInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxStep = TimeSpan.FromSeconds(1);
    private const int MaxStepsPerRun = 600;
    private const int MaxInstantJumps = 2000;

    private readonly LocalEcsRuntime runtime;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock runGate = new();
    private Task? loop;
    private readonly Lock observedGate = new();
    private DateTimeOffset? lastStep;
    private DateTimeOffset lastObserved;

    public SimulationEngine(LocalEcsRuntime runtime, ILogger<SimulationEngine> logger)
    {
        this.runtime = runtime;
        this.logger = logger;
    }

    public void Start() => loop = Task.Run(LoopAsync);

    public async Task StopAsync()
    {
        await stopping.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public void Dispose() => stopping.Dispose();

    /// <summary>Steps the simulation up to the clock's now (and, in instant mode, through every simulated wait).</summary>
    public void RunDue()
    {
        lock (runGate)
        {
            var clock = runtime.Clock;
            DateTimeOffset observed;
            lock (observedGate)
            {
                observed = lastObserved;
            }

            var now = clock.Now;

            // Never step at a time before an API call that already happened: records must not predate their cause.
            var from = lastStep is { } last && last > observed ? last : observed > DateTimeOffset.MinValue ? observed : now;
            var steps = 0;
            while (from + MaxStep < now && steps++ < MaxStepsPerRun)
            {
                from += MaxStep;
                Step(from);
            }

            var wake = Step(now);
            lastStep = now;
            if (!clock.Instant)
            {
                return;
            }

            for (var jumps = 0; jumps < MaxInstantJumps && wake.Earliest is { } next && next - now < TimeSpan.FromDays(2); jumps++)
            {
                clock.Advance(next - now);
                now = clock.Now;
                wake = Step(now);
                lastStep = now;
            }
        }
    }

    /// <summary>Notes the simulated time of an API call, so the next step does not happen before it.</summary>
    public void Observe(DateTimeOffset now)
    {
        lock (observedGate)
        {
            if (now > lastObserved)
            {
                lastObserved = now;
            }
        }
    }

    private WakeUps Step(DateTimeOffset now)
    {
        var wake = new WakeUps(now);
        var state = runtime.State;
        var active = false;
        lock (state.Sync)
        {
            foreach (var region in state.Regions.Values)
            {
                var context = new SimulationContext(runtime, region, now, wake);
                active |= CapacityProviderInstances.Step(context);
                foreach (var cluster in region.Clusters.Values)
                {
                    if (cluster.Status != "ACTIVE")
                    {
                        continue;
                    }

                    ContainerInstances.Synchronize(context, cluster);
                    active |= ServiceScheduler.Step(context, cluster);
                    active |= Daemons.Step(context, cluster);
                    active |= TaskRunner.StepAll(context, cluster);
                    active |= ExpressGateways.Step(context, cluster);
                }

                active |= LoadBalancing.Step(context);
            }

            runtime.History.Observe(state, now);
        }

        if (active)
        {
            runtime.Store.MarkDirty();
        }

        return wake;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(LoopInterval, runtime.RealTime);
        while (await timer.WaitForNextTickAsync(stopping.Token))
        {
            try
            {
                RunDue();
                runtime.Store.SaveIfDue(runtime.State, runtime.Clock.Now);
            }
#pragma warning disable CA1031 // The loop must survive a bug in one step; it is logged and the next step retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogStepFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Simulation step failed")]
    private static partial void LogStepFailed(ILogger logger, Exception exception);
}
