using System.Text.Json.Nodes;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>
/// LocalEcs in-process on a free port with the real clock, for protocol and CLI tests. Instant mode (time scale 0)
/// by default, so deployments finish as fast as the simulation can step.
/// </summary>
internal sealed class LiveLocalEcs : IAsyncDisposable
{
    private LiveLocalEcs(LocalEcsServer server)
    {
        Server = server;
        Aws = new AwsClient(server.BaseUrl);
    }

    public LocalEcsServer Server { get; }

    public AwsClient Aws { get; }

    public string Endpoint => Server.BaseUrl.ToString().TrimEnd('/');

    public string Registry => Server.RegistryHost;

    public static async Task<LiveLocalEcs> StartAsync(double timeScale = 0, string? stateFile = null, int containerInstances = 2, string? iamPolicy = null, bool strictIamRoles = false) =>
        new(await LocalEcsServer.StartAsync(new LocalEcsOptions
        {
            Port = 0,
            TimeScale = timeScale,
            StateFile = stateFile,
            ContainerInstancesPerCluster = containerInstances,
            IamPolicy = iamPolicy,
            StrictIamRoles = strictIamRoles,
        }));

    /// <summary>Runs the AWS CLI against this server and parses its JSON output.</summary>
    public JsonNode Cli(params string[] args) => AwsCli.Json(Endpoint, args) ?? new JsonObject();

    /// <summary>Runs the AWS CLI expecting an error; returns its stderr, which names the error code in parentheses.</summary>
    public string CliError(params string[] args)
    {
        var result = AwsCli.Run(Endpoint, args);
        Assert.AreNotEqual(0, result.ExitCode, $"aws {string.Join(' ', args)} should have failed:\n{result}");
        return result.StandardError;
    }

    /// <summary>Polls (real time) until <paramref name="done"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> done, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for {what}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Aws.Dispose();
        await Server.DisposeAsync();
    }
}
