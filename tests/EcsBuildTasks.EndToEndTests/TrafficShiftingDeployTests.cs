using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.CloudWatch;
using EcsBuildTasks.Aws.CloudWatch.Model;
using EcsBuildTasks.Aws.ECR;
using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// BlueGreen, Canary and Linear through `dotnet publish -p:EcsDeploy=true` against LocalEcs (300× speed: a minute of
/// bake time takes 0.2 s): the traffic on the listener rules, the build's verification gates, hooks, rollbacks, and
/// wiring mistakes caught before anything changes.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class TrafficShiftingDeployTests
{
    private const string Cluster = "e2e";
    private const string HookRole = "arn:aws:iam::123456789012:role/ecsLambdaHookRole";

    [TestMethod]
    public async Task BlueGreen_from_Rolling_moves_production_to_the_other_target_group_cleans_up_blue_after_the_bake_and_switches_back()
    {
        var wiring = await WiringAsync();
        using var green = new VerifyEndpoint(HttpStatusCode.OK, "healthy");
        using var project = await CreateProjectAsync($"<EcsTargetGroupArn>{wiring.BlueTargetGroupArn}</EcsTargetGroupArn><EcsDesiredCount>2</EcsDesiredCount>");
        AssertSucceeded(Publish(project));

        // A 10-minute bake (2 s here) is long enough for the build's polls to see it.
        var blueGreen = Publish(project, [.. Wiring(wiring, "BlueGreen"), "-p:EcsBakeTimeMinutes=10", $"-p:EcsVerifyUrl={green.Url}", "-p:EcsVerifySuccesses=2", "-p:EcsVerifyIntervalSeconds=1", "-p:Revision=2"]);

        AssertSucceeded(blueGreen);
        var output = blueGreen.StandardOutput;
        StringAssert.Contains(output, "production traffic is on " + TargetGroupName(wiring.BlueTargetGroupArn));
        StringAssert.Contains(output, "verification gate at POST_TEST_TRAFFIC_SHIFT (green has test traffic only)");
        StringAssert.Contains(output, $"[ok 2/2] GET {green.Url} → 200 OK");
        StringAssert.Contains(output, "verification gate at POST_TEST_TRAFFIC_SHIFT PASSED");
        StringAssert.Contains(output, "BAKE_TIME · production: green 100% / blue 0%");
        foreach (var stage in new[] { "SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP" })
        {
            StringAssert.Contains(output, $" {stage} ", $"the summary lists every stage:\n{output}");
        }

        var result = Result(project);
        Assert.AreEqual("succeeded", (string?)result["status"]);
        Assert.IsTrue(result["lifecycleStages"]!.AsArray().Any(s => (string?)s!["stage"] == "BAKE_TIME" && s["seconds"] is not null), result.ToJsonString());
        Assert.AreEqual(1, result["lifecycleStages"]!.AsArray().Count(s => (string?)s!["stage"] == "CLEAN_UP"), "a blue/green deployment cleans up once: " + result.ToJsonString());
        Assert.IsTrue((bool)result["verificationGates"]![0]!["passed"]!);
        Assert.IsGreaterThanOrEqualTo(2, green.Requests);
        var weights = await WeightsAsync(wiring.ProductionRuleArn);
        Assert.AreEqual(100, weights[wiring.GreenTargetGroupArn], "production now forwards to the other target group");
        Assert.AreEqual(0, weights.GetValueOrDefault(wiring.BlueTargetGroupArn));
        var service = await DescribeAsync(project.Name);
        StringAssert.EndsWith(service.TaskDefinition, ":2");
        Assert.AreEqual(1, service.Deployments!.Count, "blue's deployment is gone after the bake");
        Assert.AreEqual(0, (await TargetsAsync(wiring.BlueTargetGroupArn)).Count, "blue's tasks are drained and stopped");
        Assert.AreEqual(2, (await TargetsAsync(wiring.GreenTargetGroupArn)).Count);

        var rolling = Publish(project, "-p:Revision=3");

        AssertSucceeded(rolling);
        var back = await DescribeAsync(project.Name);
        Assert.AreEqual("ROLLING", back.DeploymentConfiguration!.Strategy!.Value);
        Assert.AreEqual(0, back.DeploymentConfiguration.LifecycleHooks?.Count ?? 0, "the gate's PAUSE hook is gone");
        StringAssert.EndsWith(back.TaskDefinition, ":3");
        var serving = await TargetsAsync(wiring.GreenTargetGroupArn);
        Assert.AreEqual(2, serving.Count, "the rolling deployment registers its tasks where production traffic goes");
        Assert.AreEqual(100, (await WeightsAsync(wiring.ProductionRuleArn))[wiring.GreenTargetGroupArn]);
    }

    [TestMethod]
    public async Task Canary_moves_10_percent_then_the_rest_with_the_weights_on_the_production_rule_at_each_step()
    {
        var wiring = await WiringAsync();
        using var green = new VerifyEndpoint(HttpStatusCode.OK, "healthy");
        using var project = await CreateProjectAsync();
        string[] canary = [.. Wiring(wiring, "Canary"), "-p:EcsCanaryPercent=10", "-p:EcsCanaryBakeTimeMinutes=1", "-p:EcsBakeTimeMinutes=1",
            $"-p:EcsVerifyUrl={green.Url}", "-p:EcsVerifyEachStep=true", "-p:EcsVerifySuccesses=2", "-p:EcsVerifyIntervalSeconds=1"];
        AssertSucceeded(Publish(project, canary));

        var (publish, seen) = await PublishWatchingAsync(project, wiring, [.. canary, "-p:Revision=2"]);

        AssertSucceeded(publish);
        CollectionAssert.IsSubsetOf(new[] { 10, 100 }, seen.ToList(), "green's weights seen on the production rule: " + string.Join(", ", seen));
        StringAssert.Contains(publish.StandardOutput, "PRODUCTION_TRAFFIC_SHIFT · production: green 10% / blue 90%");
        StringAssert.Contains(publish.StandardOutput, "verification gate at PRE_PRODUCTION_TRAFFIC_SHIFT (green has 10% of production traffic)");
        StringAssert.Contains(publish.StandardOutput, "verification gate at POST_PRODUCTION_TRAFFIC_SHIFT (green has all production traffic)");
        Assert.AreEqual(100, (await WeightsAsync(wiring.ProductionRuleArn))[wiring.GreenTargetGroupArn]);
    }

    [TestMethod]
    public async Task Linear_moves_production_traffic_in_25_percent_steps()
    {
        var wiring = await WiringAsync();
        using var green = new VerifyEndpoint(HttpStatusCode.OK, "healthy");
        using var project = await CreateProjectAsync();
        string[] linear = [.. Wiring(wiring, "Linear"), "-p:EcsLinearStepPercent=25", "-p:EcsLinearStepBakeTimeMinutes=1", "-p:EcsBakeTimeMinutes=1",
            $"-p:EcsVerifyUrl={green.Url}", "-p:EcsVerifyEachStep=true", "-p:EcsVerifySuccesses=2", "-p:EcsVerifyIntervalSeconds=1"];
        AssertSucceeded(Publish(project, linear));

        var (publish, seen) = await PublishWatchingAsync(project, wiring, [.. linear, "-p:Revision=2"]);

        AssertSucceeded(publish);
        CollectionAssert.IsSubsetOf(new[] { 25, 50, 75, 100 }, seen.ToList(), "green's weights seen on the production rule: " + string.Join(", ", seen));
        foreach (var step in new[] { 25, 50, 75 })
        {
            StringAssert.Contains(publish.StandardOutput, $"production: green {step}% / blue {100 - step}%");
        }
    }

    [TestMethod]
    public async Task A_failing_verification_URL_rolls_back_and_prints_the_evidence()
    {
        var wiring = await WiringAsync();
        using var green = new VerifyEndpoint(HttpStatusCode.InternalServerError, "database unavailable: connection refused");
        using var project = await CreateProjectAsync();
        string[] blueGreen = [.. Wiring(wiring, "BlueGreen"), "-p:EcsBakeTimeMinutes=1", $"-p:EcsVerifyUrl={green.Url}", "-p:EcsVerifySuccesses=2", "-p:EcsVerifyIntervalSeconds=1", "-p:EcsVerifyTimeoutSeconds=5"];
        AssertSucceeded(Publish(project, blueGreen));

        var failed = Publish(project, [.. blueGreen, "-p:Revision=2"]);

        Assert.AreNotEqual(0, failed.ExitCode, failed.ToString());
        var output = failed.StandardOutput;
        StringAssert.Contains(output, "error ECS4040");
        StringAssert.Contains(output, $"GET {green.Url} → 500 InternalServerError in ");
        StringAssert.Contains(output, "database unavailable: connection refused (expected 200-299)");
        StringAssert.Contains(output, "evidence of the failed verification gate at POST_TEST_TRAFFIC_SHIFT");
        StringAssert.Contains(output, "production traffic is back on blue");
        Assert.AreEqual("verification-failed", (string?)Result(project)["status"]);
        StringAssert.EndsWith((await DescribeAsync(project.Name)).TaskDefinition, ":1");
        Assert.AreEqual(100, (await WeightsAsync(wiring.ProductionRuleArn))[wiring.BlueTargetGroupArn]);
    }

    [TestMethod]
    public async Task An_alarm_going_into_ALARM_during_the_bake_time_rolls_back_to_blue()
    {
        var wiring = await WiringAsync();
        var name = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        var alarm = name + "-5xx";
        using var cloudWatch = (AmazonCloudWatchClient)(await LocalEcsFixture.ClientsAsync()).CreateCloudWatch();
        await cloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest
        {
            AlarmName = alarm, MetricName = "HTTPCode_Target_5XX_Count", Namespace = "AWS/ApplicationELB", Statistic = "Sum",
            Period = 60, EvaluationPeriods = 1, Threshold = 5, ComparisonOperator = "GreaterThanThreshold",
        });
        await cloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = alarm, StateValue = "OK", StateReason = "no errors" });
        using var project = await CreateProjectAsync(items: $"""<EcsVerifyAlarm Include="{alarm}" />""", name: name);
        string[] blueGreen = [.. Wiring(wiring, "BlueGreen"), "-p:EcsBakeTimeMinutes=60", "-p:EcsVerifySuccesses=1"];
        AssertSucceeded(Publish(project, blueGreen));

        var publishing = Task.Run(() => Publish(project, [.. blueGreen, "-p:Revision=2"]));
        await WaitForStageAsync(project.Name, "BAKE_TIME");
        await cloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = alarm, StateValue = "ALARM", StateReason = "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0)." });
        var failed = await publishing;

        Assert.AreNotEqual(0, failed.ExitCode, failed.ToString());
        StringAssert.Contains(failed.StandardOutput, "error ECS3002");
        StringAssert.Contains(failed.StandardOutput, $"ECS rolled back because alarm {alarm} is ALARM since");
        StringAssert.Contains(failed.StandardOutput, "Threshold Crossed: 1 datapoint [12.0]");
        StringAssert.Contains(failed.StandardOutput, "production traffic is back on blue");
        StringAssert.EndsWith((await DescribeAsync(project.Name)).TaskDefinition, ":1");
        Assert.AreEqual(100, (await WeightsAsync(wiring.ProductionRuleArn))[wiring.BlueTargetGroupArn]);
    }

    [TestMethod]
    public async Task A_Lambda_hook_reporting_FAILED_rolls_back()
    {
        var wiring = await WiringAsync();
        using var project = await CreateProjectAsync(items: HookItem(out var function, timeout: null));
        await SetLambdaResultAsync(function, "FAILED");
        AssertSucceeded(Publish(project, [.. Wiring(wiring, "BlueGreen"), "-p:EcsBakeTimeMinutes=1"]));

        var failed = Publish(project, [.. Wiring(wiring, "BlueGreen"), "-p:EcsBakeTimeMinutes=1", "-p:Revision=2"]);

        Assert.AreNotEqual(0, failed.ExitCode, failed.ToString());
        StringAssert.Contains(failed.StandardOutput, "error ECS4042");
        StringAssert.Contains(failed.StandardOutput, $"The Lambda hook {function} (");
        StringAssert.Contains(failed.StandardOutput, "reported FAILED, so ECS rolled the deployment back");
        StringAssert.EndsWith((await DescribeAsync(project.Name)).TaskDefinition, ":1");
        Assert.AreEqual(100, (await WeightsAsync(wiring.ProductionRuleArn))[wiring.BlueTargetGroupArn]);
    }

    [TestMethod]
    public async Task A_hook_that_times_out_takes_its_TimeoutAction()
    {
        var wiring = await WiringAsync();
        using var project = await CreateProjectAsync(items: HookItem(out var function, timeout: ("1", "CONTINUE")));
        AssertSucceeded(Publish(project, [.. Wiring(wiring, "BlueGreen"), "-p:EcsBakeTimeMinutes=1"]));

        var publish = Publish(project, [.. Wiring(wiring, "BlueGreen"), "-p:EcsBakeTimeMinutes=1", "-p:Revision=2"]);

        AssertSucceeded(publish);
        StringAssert.Contains(publish.StandardOutput, $"Lambda hook {function} (");
        StringAssert.Contains(publish.StandardOutput, "TIMED OUT: ECS applies its timeout action CONTINUE: the deployment goes on");
        StringAssert.EndsWith((await DescribeAsync(project.Name)).TaskDefinition, ":2");
        Assert.AreEqual(100, (await WeightsAsync(wiring.ProductionRuleArn))[wiring.GreenTargetGroupArn]);
    }

    [TestMethod]
    public async Task Invalid_wiring_fails_preflight_with_its_code_before_anything_changes()
    {
        var prefix = "ts-" + Guid.NewGuid().ToString("N")[..8];
        var clients = await LocalEcsFixture.ClientsAsync();
        var wiring = await TrafficWiring.CreateAsync(clients, prefix);
        using var elb = (AmazonElasticLoadBalancingV2Client)clients.CreateElasticLoadBalancingV2();
        var otherPort = await TrafficWiring.CreateTargetGroupAsync(elb, prefix + "-p", wiring.VpcId, 9090);
        var otherBalancer = await TrafficWiring.CreateLoadBalancerAsync(elb, prefix + "-o", [.. wiring.Subnets]);
        var otherListener = await TrafficWiring.CreateListenerAsync(elb, otherBalancer, 8080, wiring.GreenTargetGroupArn);
        var otherRule = await TrafficWiring.CreateRuleAsync(elb, otherListener, TrafficWiring.Forward(wiring.GreenTargetGroupArn));
        using var project = await CreateProjectAsync();
        string[] blueGreen = [.. Wiring(wiring, "BlueGreen")];

        var missing = Publish(project, [.. blueGreen, "-p:EcsAlternateTargetGroupArn=" + wiring.GreenTargetGroupArn[..wiring.GreenTargetGroupArn.LastIndexOf('/')] + "/0000000000000000"]);
        var port = Publish(project, [.. blueGreen, "-p:EcsAlternateTargetGroupArn=" + otherPort]);
        var otherLoadBalancer = Publish(project, [.. blueGreen, "-p:EcsTestListenerRuleArn=" + otherRule]);

        AssertFailedWith(missing, "ECS4020", "EcsAlternateTargetGroupArn=");
        AssertFailedWith(port, "ECS4021", "is HTTP:9090, but EcsTargetGroupArn");
        AssertFailedWith(otherLoadBalancer, "ECS4023", "EcsTestListenerRuleArn is on load balancer");
        using var ecr = (AmazonECRClient)clients.CreateEcr();
        await Assert.ThrowsExactlyAsync<RepositoryNotFoundException>(() => ecr.DescribeRepositoriesAsync(new DescribeRepositoriesRequest { RepositoryNames = [project.Name] }));
        var families = await (await LocalEcsFixture.EcsAsync()).ListTaskDefinitionsAsync(new ListTaskDefinitionsRequest { FamilyPrefix = project.Name });
        Assert.AreEqual(0, families.TaskDefinitionArns?.Count ?? 0, "nothing was registered");
        CollectionAssert.AreEqual(new[] { wiring.BlueTargetGroupArn }, (await WeightsAsync(wiring.ProductionRuleArn)).Keys.ToList(), "the production rule is untouched");
    }

    private static async Task<TrafficWiring> WiringAsync() =>
        await TrafficWiring.CreateAsync(await LocalEcsFixture.ClientsAsync(), "ts-" + Guid.NewGuid().ToString("N")[..8]);

    private static string[] Wiring(TrafficWiring wiring, string strategy) =>
    [
        $"-p:EcsDeploymentStrategy={strategy}",
        $"-p:EcsTargetGroupArn={wiring.BlueTargetGroupArn}",
        $"-p:EcsAlternateTargetGroupArn={wiring.GreenTargetGroupArn}",
        $"-p:EcsProductionListenerRuleArn={wiring.ProductionRuleArn}",
        $"-p:EcsTestListenerRuleArn={wiring.TestRuleArn}",
        $"-p:EcsInfrastructureRoleArn={TrafficWiring.InfrastructureRoleArn}",
    ];

    private static string HookItem(out string function, (string Minutes, string Action)? timeout)
    {
        function = "arn:aws:lambda:us-east-1:123456789012:function:check-green-" + Guid.NewGuid().ToString("N")[..12];
        var timeoutMetadata = timeout is { } t ? $"""TimeoutMinutes="{t.Minutes}" TimeoutAction="{t.Action}" """ : string.Empty;
        return $$"""<EcsLifecycleHook Include="{{function}}" Stages="POST_TEST_TRAFFIC_SHIFT" RoleArn="{{HookRole}}" {{timeoutMetadata}}Details="{&quot;path&quot;: &quot;/health&quot;}" />""";
    }

    private static async Task SetLambdaResultAsync(string function, string status)
    {
        using var http = LocalEcsFixture.ControlClient();
        using var response = await http.PutAsJsonAsync(new Uri(await LocalEcsFixture.EndpointAsync() + "/_localecs/lambda-hook-results"), new { functionArn = function, status });
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Publishes while a watcher records every weight the production rule gives green.</summary>
    private static async Task<(ProcessResult Publish, IReadOnlyCollection<int> GreenWeights)> PublishWatchingAsync(ConsumerProject project, TrafficWiring wiring, string[] arguments)
    {
        var seen = new ConcurrentDictionary<int, bool>();
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            using var elb = (AmazonElasticLoadBalancingV2Client)(await LocalEcsFixture.ClientsAsync()).CreateElasticLoadBalancingV2();
            while (!stop.IsCancellationRequested)
            {
                var weights = await TrafficWiring.WeightsAsync(elb, wiring.ProductionRuleArn);
                var total = weights.Values.Sum();
                if (total > 0)
                {
                    seen.TryAdd(100 * weights.GetValueOrDefault(wiring.GreenTargetGroupArn) / total, true);
                }

                await Task.Delay(50, CancellationToken.None);
            }
        });
        var publish = await Task.Run(() => Publish(project, arguments));
        await stop.CancelAsync();
        await watching;
        return (publish, seen.Keys.Order().ToList());
    }

    private static async Task WaitForStageAsync(string service, string stage)
    {
        var ecs = await LocalEcsFixture.EcsAsync();
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            var listed = await ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = Cluster, Service = service, Status = ["IN_PROGRESS"] });
            if (listed.ServiceDeployments is { Count: > 0 } inProgress)
            {
                var deployment = (await ecs.DescribeServiceDeploymentsAsync(new DescribeServiceDeploymentsRequest { ServiceDeploymentArns = [inProgress[0].ServiceDeploymentArn!] })).ServiceDeployments![0];
                if (deployment.LifecycleStage?.Value == stage)
                {
                    return;
                }
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{service} never reached {stage}");
    }

    private static async Task<Dictionary<string, int>> WeightsAsync(string ruleArn)
    {
        using var elb = (AmazonElasticLoadBalancingV2Client)(await LocalEcsFixture.ClientsAsync()).CreateElasticLoadBalancingV2();
        return await TrafficWiring.WeightsAsync(elb, ruleArn);
    }

    private static async Task<List<TargetHealthDescription>> TargetsAsync(string targetGroup)
    {
        using var elb = (AmazonElasticLoadBalancingV2Client)(await LocalEcsFixture.ClientsAsync()).CreateElasticLoadBalancingV2();
        return (await elb.DescribeTargetHealthAsync(new DescribeTargetHealthRequest { TargetGroupArn = targetGroup })).TargetHealthDescriptions ?? [];
    }

    private static string TargetGroupName(string arn) => arn.Split('/')[^2];


    private static Task<ConsumerProject> CreateProjectAsync(string properties = "", string items = "", string? name = null) =>
        LocalEcsProjects.CreateAsync(Cluster, name ?? LocalEcsProjects.NewName(), properties, items);

    private static ProcessResult Publish(ConsumerProject project, params string[] extra) => LocalEcsProjects.Publish(project, extra);

    private static void AssertSucceeded(ProcessResult result) => LocalEcsProjects.AssertSucceeded(result);

    private static void AssertFailedWith(ProcessResult result, string code, string text)
    {
        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.StandardOutput, $"error {code}", result.ToString());
        StringAssert.Contains(result.StandardOutput, text, result.ToString());
    }

    private static JsonNode Result(ConsumerProject project) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "ecs-deployment.json")))!;

    private static async Task<EcsBuildTasks.Aws.ECS.Model.Service> DescribeAsync(string name)
    {
        var response = await (await LocalEcsFixture.EcsAsync()).DescribeServicesAsync(new DescribeServicesRequest { Cluster = Cluster, Services = [name] });
        return response.Services!.Single();
    }
}
