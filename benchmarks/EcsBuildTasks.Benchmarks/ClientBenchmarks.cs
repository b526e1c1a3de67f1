using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.ECS.Model;

namespace EcsBuildTasks.Benchmarks;

/// <summary>
/// A new factory and ECS client plus its first call (ListClusters) against a loopback endpoint: what one MSBuild task
/// invocation pays. "Cold" runs each measurement in a fresh process (JIT, SDK static initialisation, first
/// connection); "warm" repeats it in one process (the SDK then reuses its cached HttpClient).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.ColdStart, launchCount: 5, warmupCount: 0, iterationCount: 1, id: "Cold (new process)")]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10, id: "Warm (same process)")]
public class ClientBenchmarks : IDisposable
{
    private LoopbackEcs? server;

    [GlobalSetup]
    public void Setup() => server = new LoopbackEcs();

    [GlobalCleanup]
    public void Dispose()
    {
        server?.Dispose();
        server = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "new AwsClientFactory + CreateEcs + first ListClusters")]
    public async Task<int> CreateClientAndFirstCall()
    {
        var factory = new AwsClientFactory(new AwsConnectionSettings
        {
            EndpointUrl = server!.Endpoint,
            Region = "eu-west-1",
            Credentials = new BasicAWSCredentials("AKIDBENCHMARK0000001", "benchmark-secret"),
        });
        using var ecs = factory.CreateEcs();
        var response = await ecs.ListClustersAsync(new ListClustersRequest()).ConfigureAwait(false);
        return response.ClusterArns!.Count;
    }
}
