using Microsoft.Extensions.Logging;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Ends the leases of builds whose process is gone and, for a LocalEcs a build started, completes <see cref="Unused"/>
/// once no build has held a lease for the idle delay (the state file is saved first, while the port is still held, so
/// the next LocalEcs on this state file starts from everything this one knew).
/// </summary>
internal sealed partial class LeaseWatcher : IAsyncDisposable
{
    private readonly LocalEcsRuntime runtime;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stop = new();
    private readonly TaskCompletionSource unused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task loop;

    public LeaseWatcher(LocalEcsRuntime runtime, ILogger<LeaseWatcher> logger)
    {
        this.runtime = runtime;
        this.logger = logger;
        loop = RunAsync();
    }

    /// <summary>Completes when a LocalEcs started for a build should exit; never for one started by hand.</summary>
    public Task Unused => unused.Task;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private async Task RunAsync()
    {
        var leases = runtime.Leases;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(runtime.Options.LeaseCheckInterval, runtime.RealTime, stop.Token).ConfigureAwait(false);
            var (ended, exitNow) = leases.Sweep();
            foreach (var lease in ended)
            {
                LogLeaseEnded(logger, lease.Holder, lease.ProcessId);
            }

            if (exitNow)
            {
                runtime.Store.Save(runtime.State, runtime.Clock.Now);
                LogUnused(logger, leases.IdleExitDelay.TotalSeconds);
                unused.TrySetResult();
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease of {Holder} ended: its process {ProcessId} is gone")]
    private static partial void LogLeaseEnded(ILogger logger, string holder, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "No build has used this LocalEcs for {Seconds} s; stopping")]
    private static partial void LogUnused(ILogger logger, double seconds);
}
