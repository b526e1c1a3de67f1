using System.Globalization;
using EcsBuildTasks.LocalEcs;

var options = CommandLine.Parse(args, out var error);
if (options is null)
{
    if (error is not null)
    {
        await Console.Error.WriteLineAsync(error);
    }

    await Console.Error.WriteLineAsync(CommandLine.Usage);
    return error is null ? 0 : 2;
}

await using var server = await LocalEcsServer.StartAsync(options);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"LocalEcs listening on {server.BaseUrl} (account {LocalEcsServer.AccountId}, registry {server.RegistryHost}, time scale {(options.TimeScale == 0 ? "instant" : options.TimeScale)}, state file {options.StateFile ?? "none"})"));
await server.WaitForShutdownAsync();
return 0;
