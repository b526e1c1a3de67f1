using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using EcsBuildTasks.LocalEcs;

namespace EcsBuildTasks.Benchmarks;

/// <summary>
/// What durability costs a LocalEcs client: one small mutating request (TagResource changing a cluster's tag, so the
/// state keeps its size from one call to the next) answered by an in-process LocalEcs without a state file (memory
/// only) and with one (the change journaled and flushed to disk before the answer), on an account holding
/// <see cref="Definitions"/> task definitions of about 1 KB and a service with its deployments. The difference is the
/// journal's cost per acknowledged write; the simulation loop runs, so the snapshots it writes while changes come in
/// are part of the measure. Results in docs/benchmarks.md.
/// </summary>
[MemoryDiagnoser]
public class LocalEcsJournalBenchmarks : IDisposable
{
    private const string TaskDefinition = """
        {"family": "FAMILY", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
         "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
         "containerDefinitions": [{"name": "app", "image": "public.ecr.aws/nginx/nginx:latest", "essential": true,
           "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
           "environment": [{"name": "SEQUENCE", "value": "WRITE"}, {"name": "ASPNETCORE_ENVIRONMENT", "value": "Production"}],
           "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/bench", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}}}]}
        """;

    private LocalEcsServer server = null!;
    private HttpClient http = null!;
    private string? folder;
    private string clusterArn = null!;
    private int sequence;

    /// <summary>Whether LocalEcs has a state file (journal and snapshot) or keeps state in memory only.</summary>
    [Params(false, true)]
    public bool StateFile { get; set; }

    /// <summary>Task definitions already registered: how large the state is (about 1 KB each).</summary>
    [Params(10, 1000)]
    public int Definitions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        folder = StateFile ? Directory.CreateTempSubdirectory("localecs-journal-bench-").FullName : null;
        server = LocalEcsServer.StartAsync(new LocalEcsOptions
        {
            Port = 0,
            TimeScale = 0,
            StateFile = folder is null ? null : Path.Combine(folder, "state.json"),
        }).GetAwaiter().GetResult();
        http = new HttpClient { BaseAddress = server.BaseUrl };
        clusterArn = Send("CreateCluster", """{"clusterName": "bench"}""").Split("\"clusterArn\":\"")[1].Split('"')[0];
        for (var i = 0; i < Definitions; i++)
        {
            Send("RegisterTaskDefinition", TaskDefinition
                .Replace("FAMILY", "bench-" + (i % 20).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("WRITE", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        Send("RegisterTaskDefinition", """{"family": "bench-service", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 64}]}""");
        Send("CreateService", """{"cluster": "bench", "serviceName": "web", "taskDefinition": "bench-service", "desiredCount": 0, "launchType": "EC2"}""");
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    [Benchmark(Description = "TagResource (a cluster's tag changes)")]
    public void TagResource() => Send("TagResource",
        $$"""{"resourceArn": "{{clusterArn}}", "tags": [{"key": "write", "value": "{{(sequence++).ToString(CultureInfo.InvariantCulture)}}"}]}""");

    public void Dispose()
    {
        http?.Dispose();
        server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (folder is not null && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    private string Send(string operation, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerServiceV20141113." + operation);
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0");
        using var response = http.Send(request);
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        return response.IsSuccessStatusCode ? text : throw new InvalidOperationException($"{operation} failed: {response.StatusCode} {text}");
    }
}
