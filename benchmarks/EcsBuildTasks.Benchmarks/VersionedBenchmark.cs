using System.Diagnostics;
using System.Globalization;
using EcsBuildTasks.Aws.EC2.Model;
using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.VersionedServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.Testing;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;
using Task = System.Threading.Tasks.Task;

using static EcsBuildTasks.Benchmarks.DeploymentBenchmarks;

namespace EcsBuildTasks.Benchmarks;

/// <summary>
/// How much time the build adds to a 3-phase Versioned deployment (25% / 50% / 100% of 4 tasks, a pause after each
/// phase), and how many AWS requests it sends. LocalEcs and the engine run on one clock sped up by the time scale, so
/// that a 2-minute pause takes 2 s; the build's simulated duration (wall time × scale) is compared with the waits the
/// configuration asks for: the phases' pauses and the 5 s each phase stays steady before it counts.
/// </summary>
internal static class VersionedBenchmark
{
    private const string Cluster = "bench-versioned";

    /// <param name="args"><c>--runs N</c> (default 3), <c>--time-scale X</c> (default 60).</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Option(args, "--runs", 3);
        var timeScale = Option(args, "--time-scale", 60);
        await using var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = timeScale });
        var endpoint = server.BaseUrl.ToString().TrimEnd('/');
        var clients = new AwsClientFactory(new AwsConnectionSettings { Region = "us-east-1", EndpointUrl = endpoint, Credentials = new BasicAWSCredentials("bench", "bench") });
        using var ecs = (AmazonECSClient)clients.CreateEcs();
        await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Cluster });
        using var ec2 = clients.CreateEc2();
        var vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("isDefault", ["true"])] })).Vpcs![0].VpcId!;
        var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpc])] })).Subnets!.Select(s => s.SubnetId!).ToList();
        var group = (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", [vpc]), new Filter("group-name", ["default"])] })).SecurityGroups![0].GroupId!;
        var time = new ScaledTimeProvider(timeScale);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LocalEcs and the engine at {timeScale}×, {runs} run(s) per scenario, {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        Console.WriteLine("| Scenario | Run | Build duration (wall × scale) | Asked for (pauses, steady 5 s per phase) | Task start-up in LocalEcs | Target health checks | Ratio to asked | Ratio to asked + ECS/ELB's part | Build wall time | AWS requests |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var index = 0;
        foreach (var (name, pause, balanced) in new[] { ("Worker, 3 phases, pause 2 min each", 2, false), ("Web behind a target group, 3 phases, pause 2 min each", 2, true) })
        {
            var service = $"bench-v{index}";
            var wiring = balanced ? await TrafficWiring.CreateAsync(clients, $"benchv{index}") : null;
            index++;

            // ELB's part of each phase: a new target counts once it passed the target group's healthy threshold of checks.
            var health = TimeSpan.Zero;
            if (wiring is not null)
            {
                var elb = clients.CreateElasticLoadBalancingV2();
                var targetGroup = (await elb.DescribeTargetGroupsAsync(new EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model.DescribeTargetGroupsRequest { TargetGroupArns = [wiring.BlueTargetGroupArn] })).TargetGroups![0];
                (elb as IDisposable)?.Dispose();
                health = 3 * TimeSpan.FromSeconds((targetGroup.HealthCheckIntervalSeconds ?? 30) * (targetGroup.HealthyThresholdCount ?? 5));
            }

            SettingsInput Input(int revision)
            {
                var input = new SettingsInput()
                    .Set("ContainerRepository", service).Set("UsingMicrosoftNETSdkWeb", "true").Set("EcsImage", "public.ecr.aws/docker/library/nginx:1.27")
                    .Set("EcsTarget", "local").Set("EcsEndpointUrl", endpoint).Set("EcsRegion", "us-east-1").Set("EcsCluster", Cluster)
                    .Set("EcsCpu", "256").Set("EcsMemory", "512").Set("EcsDesiredCount", "4").Set("EcsAwsLogs", "false")
                    .Set("EcsSubnets", string.Join(";", subnets)).Set("EcsSecurityGroups", group)
                    .Set("EcsDeploymentStrategy", "Versioned").Set("EcsKeepVersions", "1");
                if (wiring is not null)
                {
                    input.Set("EcsTargetGroupArn", wiring.BlueTargetGroupArn);
                }

                foreach (var (phase, percent) in new[] { ("quarter", "25"), ("half", "50"), ("all", "100") })
                {
                    input.Add("EcsPhase", phase, ("Percent", percent), ("PauseMinutes", pause.ToString(CultureInfo.InvariantCulture)));
                }

                return input.Add("EcsEnvironmentVariable", "REVISION", ("Value", revision.ToString(CultureInfo.InvariantCulture)));
            }

            await DeployAsync(Input(0), time);
            for (var run = 1; run <= runs; run++)
            {
                var stopwatch = Stopwatch.StartNew();
                var report = await DeployAsync(Input(run), time);
                var wall = stopwatch.Elapsed;
                if (report.Result.Status != "succeeded")
                {
                    Console.Error.WriteLine($"{name}: run {run} did not succeed: {report.Failure}");
                    return 1;
                }

                var simulated = wall * timeScale;
                var asked = TimeSpan.FromMinutes(3 * pause) + 3 * VersionSteadyState.SettleTime;
                var startup = await StartupAsync(ecs, report.Result.Service);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {run} | {simulated.TotalSeconds:0} s | {asked.TotalSeconds:0} s | {startup.TotalSeconds:0} s | {health.TotalSeconds:0} s | {simulated / asked:0.000} | {simulated / (asked + startup + health):0.000} | {wall.TotalSeconds:0.00} s | {report.Result.ApiCalls} |"));
            }
        }

        return 0;
    }

    /// <summary>
    /// ECS's own part of the phases: for each batch of the new version's tasks (one per phase), from the first task's
    /// creation to the last one's start, as LocalEcs simulated it.
    /// </summary>
    private static async Task<TimeSpan> StartupAsync(AmazonECSClient ecs, string service)
    {
        var arns = (await ecs.ListTasksAsync(new ListTasksRequest { Cluster = Cluster, ServiceName = service })).TaskArns!;
        var tasks = (await ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = Cluster, Tasks = arns })).Tasks!.OrderBy(t => t.CreatedAt).ToList();
        var total = TimeSpan.Zero;
        var batch = new List<EcsBuildTasks.Aws.ECS.Model.Task>();
        foreach (var task in tasks.Append(null))
        {
            if (task is null || (batch.Count > 0 && task.CreatedAt - batch[0].CreatedAt > TimeSpan.FromSeconds(5)))
            {
                total += batch.Max(t => t.StartedAt!.Value) - batch.Min(t => t.CreatedAt!.Value);
                batch.Clear();
            }

            if (task is not null)
            {
                batch.Add(task);
            }
        }

        return total;
    }

    /// <summary>The system clock sped up <c>scale</c> times, as LocalEcs's simulation runs: timers fire that much sooner.</summary>
    private sealed class ScaledTimeProvider(double scale) : TimeProvider
    {
        private readonly long start = Stopwatch.GetTimestamp();
        private readonly DateTimeOffset origin = DateTimeOffset.UtcNow;

        public override long TimestampFrequency => Stopwatch.Frequency;

        public override long GetTimestamp() => start + (long)((Stopwatch.GetTimestamp() - start) * scale);

        public override DateTimeOffset GetUtcNow() => origin + Stopwatch.GetElapsedTime(start) * scale;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new ScaledTimer(System.CreateTimer(callback, state, Shrink(dueTime), Shrink(period)), this);

        private TimeSpan Shrink(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / scale;

        private sealed class ScaledTimer(ITimer timer, ScaledTimeProvider provider) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(provider.Shrink(dueTime), provider.Shrink(period));

            public void Dispose() => timer.Dispose();

            public ValueTask DisposeAsync() => timer.DisposeAsync();
        }
    }
}
