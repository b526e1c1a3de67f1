using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.LocalEcs;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// One LocalEcs per test run, in-process, for the deployments the tests run through `dotnet publish`
/// (`EcsTarget=local` finds it listening at `EcsEndpointUrl`). Tests use their own service names.
/// </summary>
internal static class LocalEcsFixture
{
    private static readonly Lazy<Task<LocalEcsServer>> Server = new(() => LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 300 }));

    public static async Task<LocalEcsServer> GetAsync() => await Server.Value.ConfigureAwait(false);

    public static async Task<AwsClientFactory> ClientsAsync()
    {
        var server = await GetAsync().ConfigureAwait(false);
        return new AwsClientFactory(new AwsConnectionSettings
        {
            Region = "us-east-1",
            EndpointUrl = server.BaseUrl.ToString(),
            Credentials = new BasicAWSCredentials("test", "test"),
        });
    }

    /// <summary>An HTTP client for LocalEcs's control API: every control request carries LocalEcs's control header.</summary>
    public static HttpClient ControlClient()
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Add(LocalEcsServer.ControlHeader, "1");
        return http;
    }

    public static async Task<string> EndpointAsync() => (await GetAsync().ConfigureAwait(false)).BaseUrl.ToString().TrimEnd('/');

    /// <remarks>The concrete client: the AWS client interfaces (static abstract members) cannot be a Task's type argument.</remarks>
    public static async Task<AmazonECSClient> EcsAsync() => (AmazonECSClient)(await ClientsAsync().ConfigureAwait(false)).CreateEcs();
}
