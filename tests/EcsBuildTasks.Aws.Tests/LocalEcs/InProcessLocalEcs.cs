using Amazon.Runtime;
using EcsBuildTasks.LocalEcs;

namespace EcsBuildTasks.Aws.Tests.LocalEcs;

/// <summary>
/// One in-process LocalEcs (instant time) for the client tests of this assembly: started on first use, stopped when the
/// run ends (<see cref="TestAssembly"/>). Each test class signs with an access key of its own and each test uses names of
/// its own, so the tests share the server without seeing each other's resources.
/// </summary>
internal static class InProcessLocalEcs
{
    private static readonly Lazy<Task<LocalEcsServer>> Started = new(() => LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 }, CancellationToken.None));

    public static Task<LocalEcsServer> ServerAsync() => Started.Value;

    /// <summary>Clients of our generated services pointed at the server, without retries (a test sees the first answer).</summary>
    public static async Task<AwsClientFactory> ClientsAsync(string region, string accessKeyId) => new(new AwsConnectionSettings
    {
        EndpointUrl = (await ServerAsync().ConfigureAwait(false)).BaseUrl.ToString(),
        Region = region,
        Credentials = new BasicAWSCredentials(accessKeyId, "s"),
        MaxErrorRetry = 0,
    });

    public static async Task StopAsync()
    {
        if (Started.IsValueCreated)
        {
            await (await Started.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
    }
}
