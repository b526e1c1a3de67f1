using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// Load: 50 services created and then redeployed concurrently against one LocalEcs (instant and default time), then a burst of
/// concurrent reads. Prints the figures recorded in docs/benchmarks.md; fails on any error or unfinished deployment.
/// </summary>
[TestClass]
public sealed class LoadTests
{
    private const int Services = 50;
    private const int ReadClients = 16;
    private const int ReadsPerClient = 250;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(0.0, DisplayName = "instant time (--time-scale 0)")]
    [DataRow(60.0, DisplayName = "default time scale (--time-scale 60)")]
    public async Task Fifty_services_deploy_concurrently_without_errors(double timeScale)
    {
        await using var local = await LiveLocalEcs.StartAsync(timeScale: timeScale);
        var aws = local.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "load");
        var latencies = new List<double>();
        var errors = new List<string>();
        var requests = 0;

        async Task<JsonObject> Call(string operation, JsonObject body)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await aws.EcsAsync(operation, body);
            }
            catch (AwsErrorException e)
            {
                lock (errors)
                {
                    errors.Add($"{operation}: {e.Message}");
                }

                throw;
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(elapsed);
                    requests++;
                }
            }
        }

        async Task DeployedAsync(string service, string arn)
        {
            var deadline = Stopwatch.GetTimestamp();
            while (true)
            {
                var record = await Call("DescribeServiceDeployments", new JsonObject { ["serviceDeploymentArns"] = new JsonArray(arn) });
                if (record["serviceDeployments"]![0]!["status"]!.GetValue<string>() == "SUCCESSFUL")
                {
                    return;
                }

                Assert.IsTrue(Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromMinutes(3), $"{service} did not finish deploying");
                await Task.Delay(50);
            }
        }

        async Task<string> LatestArnAsync(string service) =>
            (await Call("ListServiceDeployments", new JsonObject { ["cluster"] = "load", ["service"] = service }))["serviceDeployments"]![0]!["serviceDeploymentArn"]!.GetValue<string>();

        async Task DeployAsync(int index)
        {
            var name = $"svc{index:D2}";
            string Definition(string version) => CliTests.TaskDefinitionJson(local.Registry, null).Replace("\"family\":\"web\"", $"\"family\":\"{name}\"", StringComparison.Ordinal);
            var v1 = (await Call("RegisterTaskDefinition", JsonNode.Parse(Definition("1"))!.AsObject()))["taskDefinition"]!["taskDefinitionArn"]!.DeepClone();
            await Call("CreateService", ServiceRequest.Fargate("load", name, v1, 2, subnets, group).CircuitBreaker());
            await DeployedAsync(name, await LatestArnAsync(name));
            var v2 = (await Call("RegisterTaskDefinition", JsonNode.Parse(Definition("2"))!.AsObject()))["taskDefinition"]!["taskDefinitionArn"]!.DeepClone();
            await Call("UpdateService", new JsonObject { ["cluster"] = "load", ["service"] = name, ["taskDefinition"] = v2 });
            await DeployedAsync(name, await LatestArnAsync(name));
        }

        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Services).Select(i => Task.Run(() => DeployAsync(i))));
        wall.Stop();
        Assert.AreEqual(0, errors.Count, string.Join('\n', errors));
        var services = await aws.EcsAsync("ListServices", new JsonObject { ["cluster"] = "load", ["maxResults"] = 100 });
        Assert.AreEqual(Services, services["serviceArns"]!.AsArray().Count);
        var running = (await aws.EcsAsync("DescribeClusters", new JsonObject { ["clusters"] = new JsonArray("load") }))["clusters"]![0]!["runningTasksCount"]!.GetValue<int>();
        Assert.AreEqual(Services * 2, running, "every service runs its two tasks");
        var deployLatencies = Snapshot(latencies);
        var deployRequests = requests;

        // Read burst: concurrent DescribeServices, the call deployment tools poll most.
        latencies.Clear();
        var burst = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, ReadClients).Select(client => Task.Run(async () =>
        {
            for (var i = 0; i < ReadsPerClient; i++)
            {
                await Call("DescribeServices", new JsonObject { ["cluster"] = "load", ["services"] = new JsonArray($"svc{(client + i) % Services:D2}", $"svc{(client + i + 1) % Services:D2}") });
            }
        })));
        burst.Stop();
        Assert.AreEqual(0, errors.Count, string.Join('\n', errors));
        var readLatencies = Snapshot(latencies);

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"time scale: {timeScale}")
            .AppendLine(CultureInfo.InvariantCulture, $"deployments: {Services} services x (create + update), {Services * 2} deployments, all SUCCESSFUL, 0 errors")
            .AppendLine(CultureInfo.InvariantCulture, $"deploy phase: {wall.Elapsed.TotalSeconds:F1} s wall, {deployRequests} requests, {deployRequests / wall.Elapsed.TotalSeconds:F0} requests/s, latency p50 {Percentile(deployLatencies, 50):F1} ms, p95 {Percentile(deployLatencies, 95):F1} ms, max {deployLatencies[^1]:F1} ms")
            .AppendLine(CultureInfo.InvariantCulture, $"read burst: {ReadClients} clients x {ReadsPerClient} DescribeServices in {burst.Elapsed.TotalSeconds:F1} s, {ReadClients * ReadsPerClient / burst.Elapsed.TotalSeconds:F0} requests/s, latency p50 {Percentile(readLatencies, 50):F1} ms, p95 {Percentile(readLatencies, 95):F1} ms, max {readLatencies[^1]:F1} ms")
            .ToString();
        TestContext.WriteLine(report);
        Console.WriteLine(report);
        if (Environment.GetEnvironmentVariable("LOCALECS_BENCHMARK_OUTPUT") is { Length: > 0 } output)
        {
            await File.AppendAllTextAsync(output, report);
        }
    }

    private static List<double> Snapshot(List<double> latencies)
    {
        lock (latencies)
        {
            var sorted = latencies.ToList();
            sorted.Sort();
            return sorted;
        }
    }

    private static double Percentile(List<double> sorted, int percent) => sorted[Math.Min(sorted.Count - 1, sorted.Count * percent / 100)];
}
