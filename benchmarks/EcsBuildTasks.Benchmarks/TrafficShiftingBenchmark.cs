using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies.EcsTrafficShifting;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.Testing;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;
using Task = System.Threading.Tasks.Task;

using static EcsBuildTasks.Benchmarks.DeploymentBenchmarks;

namespace EcsBuildTasks.Benchmarks;

/// <summary>
/// How much time the build adds to a BlueGreen, Canary or Linear deployment, and how many AWS requests it sends.
/// Each run deploys a new revision with the engine (EcsServiceDeployment: registration, UpdateService, waiting with the
/// traffic-shifting monitor) to an in-process LocalEcs, and compares the wall time with the time the deployment itself
/// took in LocalEcs: from UpdateService to SUCCESSFUL in simulated time (task start-up and health checks, rule
/// propagation, the step and bake times, draining), divided by the time scale. The ratio is the tool's overhead.
/// </summary>
internal static class TrafficShiftingBenchmark
{
    private const string Cluster = "bench";

    private static readonly (string Name, string Strategy, (string Name, string Value)[] Settings, bool Gate)[] Scenarios =
    [
        ("BlueGreen, bake 10 min", "BlueGreen", [("EcsBakeTimeMinutes", "10")], false),
        ("BlueGreen, bake 10 min, URL gate", "BlueGreen", [("EcsBakeTimeMinutes", "10")], true),
        ("Canary 10% for 5 min, bake 10 min", "Canary", [("EcsCanaryPercent", "10"), ("EcsCanaryBakeTimeMinutes", "5"), ("EcsBakeTimeMinutes", "10")], false),
        ("Linear 25% every 3 min, bake 10 min", "Linear", [("EcsLinearStepPercent", "25"), ("EcsLinearStepBakeTimeMinutes", "3"), ("EcsBakeTimeMinutes", "10")], false),
    ];

    /// <param name="args"><c>--runs N</c> (default 3), <c>--time-scale X</c> (default 60, LocalEcs's default).</param>
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
        using var green = new AlwaysOk();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LocalEcs time scale {timeScale}×, {runs} run(s) per scenario, {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        Console.WriteLine("| Scenario | Run | Deployment in LocalEcs (simulated ÷ scale) | Asked for (bakes, steps) | Build wall time | Overhead ratio | AWS requests |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        var index = 0;
        foreach (var (name, strategy, settings, gate) in Scenarios)
        {
            var wiring = await TrafficWiring.CreateAsync(clients, $"bench{index}");
            var service = $"bench-{index++}";
            SettingsInput Input(int revision)
            {
                var input = new SettingsInput()
                    .Set("ContainerRepository", service).Set("UsingMicrosoftNETSdkWeb", "true").Set("EcsImage", "public.ecr.aws/docker/library/nginx:1.27")
                    .Set("EcsTarget", "local").Set("EcsEndpointUrl", endpoint).Set("EcsRegion", "us-east-1").Set("EcsCluster", Cluster)
                    .Set("EcsCpu", "256").Set("EcsMemory", "512").Set("EcsDesiredCount", "2").Set("EcsAwsLogs", "false")
                    .Set("EcsSubnets", string.Join(";", subnets)).Set("EcsSecurityGroups", group)
                    .Set("EcsDeploymentStrategy", strategy)
                    .Set("EcsTargetGroupArn", wiring.BlueTargetGroupArn).Set("EcsAlternateTargetGroupArn", wiring.GreenTargetGroupArn)
                    .Set("EcsProductionListenerRuleArn", wiring.ProductionRuleArn).Set("EcsTestListenerRuleArn", wiring.TestRuleArn)
                    .Set("EcsInfrastructureRoleArn", TrafficWiring.InfrastructureRoleArn);
                foreach (var (setting, value) in settings)
                {
                    input.Set(setting, value);
                }

                if (gate)
                {
                    input.Set("EcsVerifyUrl", "http://green.bench/health").Set("EcsVerifySuccesses", "1");
                }

                return input.Add("EcsEnvironmentVariable", "REVISION", ("Value", revision.ToString(CultureInfo.InvariantCulture)));
            }

            await DeployAsync(Input(0), TimeProvider.System, green);
            for (var run = 1; run <= runs; run++)
            {
                var input = Input(run);
                var definitions = Generate(input);
                var stopwatch = Stopwatch.StartNew();
                var report = await DeployAsync(input, TimeProvider.System, green);
                var wall = stopwatch.Elapsed;
                if (report.Result.Status != "succeeded" || report.Result.ServiceDeploymentArn is not { } arn)
                {
                    Console.Error.WriteLine($"{name}: run {run} did not succeed: {report.Failure}");
                    return 1;
                }

                var deployment = (await ecs.DescribeServiceDeploymentsAsync(new DescribeServiceDeploymentsRequest { ServiceDeploymentArns = [arn] })).ServiceDeployments![0];
                var simulated = TimeSpan.FromSeconds((deployment.FinishedAt!.Value - deployment.CreatedAt!.Value).TotalSeconds / timeScale);
                var asked = TrafficShiftingPlan.ConfiguredWaits(definitions.Service.DeploymentConfiguration, 0, definitions.Settings.TrafficShifting.Verification) / timeScale;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {run} | {simulated.TotalSeconds:0.00} s | {asked.TotalSeconds:0.00} s | {wall.TotalSeconds:0.00} s | {wall / simulated:0.000} | {report.Result.ApiCalls} |"));
            }
        }

        return 0;
    }

    /// <summary>Green behind the test listener, healthy: the gate passes on its first probe.</summary>
    private sealed class AlwaysOk : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("healthy") });
    }
}
