using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>
/// LocalEcs in-process on a free port with a <see cref="FakeTimeProvider"/> and no background loop: tests move time
/// with <see cref="Advance"/>, which steps the simulation once per simulated second. Deterministic and fast.
/// </summary>
internal sealed class SimulatedLocalEcs : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private SimulatedLocalEcs(LocalEcsServer server, FakeTimeProvider time)
    {
        Server = server;
        Time = time;
        Aws = new AwsClient(server.BaseUrl);
    }

    public LocalEcsServer Server { get; }

    public FakeTimeProvider Time { get; }

    public AwsClient Aws { get; }

    public string Registry => Server.RegistryHost;

    public static async Task<SimulatedLocalEcs> StartAsync(int containerInstances = 2, string? stateFile = null, FakeTimeProvider? time = null, bool strictIamRoles = false, string? iamPolicy = null)
    {
        time ??= new FakeTimeProvider(Start);
        var server = await LocalEcsServer.StartAsync(new LocalEcsOptions
        {
            Port = 0,
            TimeScale = 1,
            TimeProvider = time,
            RunSimulationLoop = false,
            ContainerInstancesPerCluster = containerInstances,
            StateFile = stateFile,
            StrictIamRoles = strictIamRoles,
            IamPolicy = iamPolicy,
        });
        return new SimulatedLocalEcs(server, time);
    }

    /// <summary>Moves simulated time forward one second at a time, stepping the simulation after each.</summary>
    public void Advance(TimeSpan by, Action? afterEachSecond = null)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < by; elapsed += TimeSpan.FromSeconds(1))
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            Server.Runtime.Engine.RunDue();
            afterEachSecond?.Invoke();
        }
    }

    /// <summary>Advances until <paramref name="done"/> holds (checked every <paramref name="every"/>); fails after <paramref name="limit"/>.</summary>
    public async Task<TimeSpan> AdvanceUntilAsync(Func<Task<bool>> done, TimeSpan limit, string what, TimeSpan? every = null)
    {
        var step = every ?? TimeSpan.FromSeconds(5);
        for (var elapsed = TimeSpan.Zero; elapsed <= limit; elapsed += step)
        {
            if (await done())
            {
                return elapsed;
            }

            Advance(step);
        }

        Assert.Fail($"Not reached within {limit} of simulated time: {what}");
        return limit;
    }

    public Task<JsonObject> EcsAsync(string operation, JsonObject body) => Aws.EcsAsync(operation, body);

    public async ValueTask DisposeAsync()
    {
        Aws.Dispose();
        await Server.DisposeAsync();
    }
}
