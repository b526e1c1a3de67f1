using System.Diagnostics;
using System.Globalization;
using EcsBuildTasks.LocalEcs;

var options = CommandLine.Parse(args, out var error, out var exitWith);
if (options is null)
{
    if (error is not null)
    {
        await Console.Error.WriteLineAsync(error);
    }

    await Console.Error.WriteLineAsync(CommandLine.Usage);
    return error is null ? 0 : 2;
}

LocalEcsServer started;
try
{
    started = await LocalEcsServer.StartAsync(options);
}
catch (EcsBuildTasks.LocalEcs.State.LocalEcsStateException e)
{
    // A state file it cannot read stops LocalEcs with the reason and the way out, never a stack trace or a silent reset.
    await Console.Error.WriteLineAsync(e.Message);
    return 3;
}

await using var server = started;
foreach (var backup in server.StateBackups)
{
    Console.WriteLine($"LocalEcs: --reset-state: the previous state is kept as {backup}");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"LocalEcs listening on {server.BaseUrl} (account {LocalEcsServer.AccountId}, registry {server.RegistryHost}, time scale {(options.TimeScale == 0 ? "instant" : options.TimeScale)}, state file {options.StateFile ?? "none"})"));
using var parentExited = new CancellationTokenSource();
if (exitWith is { } pid)
{
    // Started for one build: a build that ends without stopping it (crash, Ctrl+C) must not leave it behind.
    _ = WatchAsync(pid, parentExited);
}

try
{
    // Started for a build: it also stops once no build holds a lease (each build's lease ends with its process too).
    var ended = await Task.WhenAny(server.WaitForShutdownAsync(parentExited.Token), server.Unused);
    await ended;
    if (ended == server.Unused)
    {
        Console.WriteLine("LocalEcs: no build uses it any more; stopping.");
    }
}
catch (OperationCanceledException) when (parentExited.IsCancellationRequested)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LocalEcs: process {exitWith} exited; stopping."));
}

return 0;

static async Task WatchAsync(int pid, CancellationTokenSource exited)
{
    try
    {
        using var process = Process.GetProcessById(pid);
        await process.WaitForExitAsync();
    }
    catch (ArgumentException)
    {
        // Already gone.
    }

    await exited.CancelAsync();
}
