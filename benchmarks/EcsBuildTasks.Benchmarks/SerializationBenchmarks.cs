using BenchmarkDotNet.Attributes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;

namespace EcsBuildTasks.Benchmarks;

/// <summary>EcsJson on a large task definition (about 75 KB of JSON): what the engine does for every deployment.</summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private RegisterTaskDefinitionRequest request = null!;
    private string describeJson = null!;

    [GlobalSetup]
    public void Setup()
    {
        request = LargeTaskDefinition.Create();
        describeJson = LargeTaskDefinition.DescribeResponseJson();
    }

    [Benchmark(Description = "Serialize RegisterTaskDefinitionRequest")]
    public string Serialize() => EcsJson.Serialize(request);

    [Benchmark(Description = "Deserialize DescribeTaskDefinitionResponse")]
    public DescribeTaskDefinitionResponse Deserialize() => EcsJson.Deserialize<DescribeTaskDefinitionResponse>(describeJson);

    [Benchmark(Description = "Describe JSON -> RegisterTaskDefinitionRequest -> JSON")]
    public string RoundTrip() => EcsJson.Serialize(EcsJson.Deserialize<DescribeTaskDefinitionResponse>(describeJson).TaskDefinition!.ToRegisterTaskDefinitionRequest());
}
