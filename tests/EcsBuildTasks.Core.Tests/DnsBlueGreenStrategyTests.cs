using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.CloudWatch.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.Route53.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// <c>EcsDeploymentStrategy=DnsBlueGreen</c> through the engine against the in-process LocalEcs on simulated time:
/// the versions in two Cloud Map services, the weighted CNAME moving step by step (observed through LocalEcs's
/// resolver after each INSYNC), rollback of a crash and of a failed gate, <c>-t:EcsRollback</c>, <c>-t:EcsStatus</c>,
/// and the zone and record problems refused before anything changes.
/// </summary>
[TestClass]
public sealed class DnsBlueGreenStrategyTests
{
    private const string Zone = "example.internal";

    [TestMethod]
    public async Task The_weights_move_step_by_step_to_the_new_version_and_the_old_one_is_downsized_at_weight_0()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "dbg");

        var first = await env.DeployAsync(input);

        Assert.IsNull(first.Failure, first.Failure?.Message);
        Assert.AreEqual("dbg__1", first.Result.Service);
        var resolved = await ResolveAsync(env, "dbg");
        Assert.AreEqual(100, WeightOf(resolved, "Blue"), "a first deployment takes the whole name at once");
        Assert.AreEqual(0, WeightOf(resolved, "Green"), "both weighted entries exist from the first deployment");
        Assert.AreEqual("dbg-blue", CloudMapServiceOf(resolved, "Blue"));
        Assert.AreEqual(2, InstancesOf(resolved, "Blue"));

        var seen = new List<(long Blue, long Green)>();
        var log = new ObservingLog("INSYNC; waiting one TTL", () =>
        {
            var now = ResolveAsync(env, "dbg").GetAwaiter().GetResult();
            seen.Add((WeightOf(now, "Blue"), WeightOf(now, "Green")));
        });
        var second = await env.DeployAsync(input.Set("EcsMemory", "1024").Set(EcsProperties.DnsWeightSteps, "10;50;100"), log);

        Assert.IsNull(second.Failure, second.Failure?.Message);
        Assert.AreEqual("dbg__2", second.Result.Service);
        CollectionAssert.AreEqual(new[] { (90L, 10L), (50L, 50L), (0L, 100L) }, seen, "weights answered after each INSYNC: " + string.Join(", ", seen));
        resolved = await ResolveAsync(env, "dbg");
        Assert.AreEqual("dbg-green", CloudMapServiceOf(resolved, "Green"));
        Assert.AreEqual(2, InstancesOf(resolved, "Green"));
        Assert.AreEqual((2, 2), await CountsAsync(env, "dbg", "dbg__2"));
        Assert.AreEqual(0, (await CountsAsync(env, "dbg", "dbg__1")).Desired, "downsized once its weight is 0");
        StringAssert.Contains(log.Text, "waiting one TTL (60 s)");

        var unchanged = await env.DeployAsync(input.Set("EcsMemory", "1024").Set(EcsProperties.DnsWeightSteps, "10;50;100"));

        Assert.IsNull(unchanged.Failure, unchanged.Failure?.Message);
        Assert.AreEqual("up-to-date", unchanged.Result.Status);
        Assert.AreEqual("dbg__2", unchanged.Result.Service);
    }

    [TestMethod]
    public async Task EcsStatus_shows_the_weights_and_EcsRollback_moves_the_name_back_with_the_old_count()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "dbr");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        Assert.IsNull((await env.DeployAsync(input.Set("EcsMemory", "1024"))).Failure);
        var deployer = new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!);

        var status = string.Join("\n", await deployer.StatusAsync(LocalEcsHarness.Generate(input), CancellationToken.None));

        StringAssert.Matches(status, new System.Text.RegularExpressions.Regex(@"dbr__2\s+running 2/2\s+dbr:2\s+BLUE"));
        StringAssert.Contains(status, "CNAME dbr.example.internal. set Green weight 100 → dbr-green.dbr.local.  (dbr__2)");
        StringAssert.Contains(status, "set Blue weight 0 → dbr-blue.dbr.local.  (no version with tasks)");

        var rollback = await env.WhileTimeRunsAsync(() => deployer.RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None));

        Assert.IsNull(rollback.Failure, rollback.Failure?.Message);
        Assert.AreEqual("rolled-back", rollback.Result.Status);
        var resolved = await ResolveAsync(env, "dbr");
        Assert.AreEqual((100L, 0L), (WeightOf(resolved, "Blue"), WeightOf(resolved, "Green")));
        Assert.AreEqual((2, 2), await CountsAsync(env, "dbr", "dbr__1"));
        Assert.AreEqual(0, (await CountsAsync(env, "dbr", "dbr__2")).Desired);
    }

    [TestMethod]
    public async Task A_crashing_new_version_never_gets_weight()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "dbc");
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        var report = await env.DeployAsync(input.Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash")).Set("EcsFailFastFailedTasks", "2"));

        Assert.AreEqual("ECS4140", report.Failure?.Code, report.Failure?.Message);
        StringAssert.Contains(report.Failure!.Message, "dbc__2 failed at scaling up in dbc-green");
        var resolved = await ResolveAsync(env, "dbc");
        Assert.AreEqual((100L, 0L), (WeightOf(resolved, "Blue"), WeightOf(resolved, "Green")));
        Assert.AreEqual((2, 2), await CountsAsync(env, "dbc", "dbc__1"));
    }

    [TestMethod]
    public async Task A_failed_gate_at_50_restores_weight_100_and_the_old_count()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        const string alarm = "dbg-errors";
        await env.Aws.CloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest
        {
            AlarmName = alarm, MetricName = "Errors", Namespace = "App", Statistic = "Sum", Period = 60, EvaluationPeriods = 1, Threshold = 1, ComparisonOperator = "GreaterThanOrEqualToThreshold",
        });
        await env.Aws.CloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = alarm, StateValue = "OK", StateReason = "quiet" });
        var input = await ProjectAsync(env, "dbf");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var gated = input.Set(EcsProperties.DnsWeightSteps, "10;50;100").Add(EcsProperties.VerifyAlarmItem, alarm).Set("EcsVerifyIntervalSeconds", "1").Set("EcsVerifySuccesses", "1");
        var log = new ObservingLog("→ Green (dbf-green) 50", () =>
            env.Aws.CloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = alarm, StateValue = "ALARM", StateReason = "errors at half traffic" }).GetAwaiter().GetResult());
        var seen = new List<long>();
        var observer = new ObservingLog("INSYNC; waiting one TTL", () => seen.Add(WeightOf(ResolveAsync(env, "dbf").GetAwaiter().GetResult(), "Green")), log);

        var report = await env.DeployAsync(gated.Set("EcsMemory", "1024"), observer);

        Assert.AreEqual("ECS4141", report.Failure?.Code, report.Failure?.Message);
        StringAssert.Contains(report.Failure!.Message, "failed at the gate at weight 50");
        Assert.AreEqual("verification-failed", report.Result.Status);
        CollectionAssert.AreEqual(new long[] { 10, 50, 0 }, seen, "10, 50, then back to 0 by the rollback");
        var resolved = await ResolveAsync(env, "dbf");
        Assert.AreEqual((100L, 0L), (WeightOf(resolved, "Blue"), WeightOf(resolved, "Green")));
        Assert.AreEqual((2, 2), await CountsAsync(env, "dbf", "dbf__1"));
    }

    [TestMethod]
    public async Task A_weight_change_Route_53_never_brings_INSYNC_fails_with_ECS4240_and_the_name_stays_on_the_old_version()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "dbs");
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        // The next change (the first step's) stays PENDING for an hour: past the 15 minutes the build waits for INSYNC.
        await env.ControlAsync(HttpMethod.Put, "route53/propagation", new { seconds = 3600, count = 1 });
        var log = new RecordingDeploymentLog();
        var report = await env.DeployAsync(input.Set("EcsMemory", "1024").Set(EcsProperties.DnsWeightSteps, "50;100"), log);

        Assert.AreEqual("ECS4240", report.Failure?.Code, report.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual(EcsProperties.DnsRecordName, report.Failure!.Subject);
        StringAssert.Contains(report.Failure.Message, "was not INSYNC within 15 minutes");
        StringAssert.Contains(report.Failure.Message, "The build rolled back: dbs__1 at 2 again");
        var records = await env.Aws.Route53.ListResourceRecordSetsAsync(new ListResourceRecordSetsRequest { HostedZoneId = await ZoneIdAsync(env), StartRecordName = "dbs." + Zone });
        var weights = records.ResourceRecordSets!.Where(r => r.Name == $"dbs.{Zone}.").ToDictionary(r => r.SetIdentifier!, r => r.Weight);
        Assert.AreEqual(100L, weights["Blue"], "the rollback's change put the weight back on the old version");
        Assert.AreEqual(0L, weights["Green"]);
        Assert.AreEqual((2, 2), await CountsAsync(env, "dbs", "dbs__1"));
    }

    [TestMethod]
    public async Task A_zone_that_does_not_exist_is_refused_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = (await ProjectAsync(env, "dbz")).Set(EcsProperties.DnsHostedZone, "missing.internal").Set(EcsProperties.DnsRecordName, "dbz.missing.internal");

        var problems = await env.PreflightAsync(input);

        Assert.AreEqual(EcsProperties.DnsHostedZone, problems.Single(p => p.Code == "ECS4220").Subject);
    }

    [TestMethod]
    public async Task A_record_outside_the_zone_is_refused()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var problems = await env.PreflightAsync((await ProjectAsync(env, "dbo")).Set(EcsProperties.DnsRecordName, "dbo.elsewhere.com"));

        var problem = problems.Single(p => p.Code == "ECS4221");
        Assert.AreEqual(EcsProperties.DnsRecordName, problem.Subject);
        StringAssert.Contains(problem.Message, "not inside the hosted zone example.internal.");
    }

    [TestMethod]
    public async Task The_zone_Cloud_Map_manages_is_refused()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "dbm");
        var zones = await env.Aws.Route53.ListHostedZonesByNameAsync(new ListHostedZonesByNameRequest { DNSName = "dbm.local." });
        var cloudMapZone = zones.HostedZones!.Single(z => z.Name == "dbm.local.");

        var problems = await env.PreflightAsync(input.Set(EcsProperties.DnsHostedZone, cloudMapZone.Id).Set(EcsProperties.DnsRecordName, "api.dbm.local"));

        Assert.AreEqual(EcsProperties.DnsHostedZone, problems.Single(p => p.Code == "ECS4222").Subject);
    }

    [TestMethod]
    public async Task A_plain_record_of_the_name_is_refused_with_how_to_convert_it()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "dbp");
        await env.Aws.Route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
        {
            HostedZoneId = await ZoneIdAsync(env),
            ChangeBatch = new ChangeBatch
            {
                Changes = [new Change { Action = Aws.Route53.ChangeAction.CREATE, ResourceRecordSet = new ResourceRecordSet { Name = "dbp.example.internal", Type = Aws.Route53.RRType.CNAME, TTL = 300, ResourceRecords = [new ResourceRecord { Value = "legacy.example.internal" }] } }],
            },
        });

        var problems = await env.PreflightAsync(input);

        var problem = problems.Single(p => p.Code == "ECS4223");
        Assert.AreEqual(EcsProperties.DnsRecordName, problem.Subject);
        StringAssert.Contains(problem.Message, "CNAME dbp.example.internal. (not weighted) → legacy.example.internal");
        StringAssert.Contains(problem.Message, "DELETE the existing record and CREATE a weighted CNAME with SetIdentifier=Blue");
    }

    [TestMethod]
    public async Task A_Harness_record_is_taken_over_with_its_set_identifiers_only_the_weights_move_and_EcsRollback_moves_them_back()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await HarnessSetupAsync(env, "hx");
        var seen = new List<(long Blue, long Green)>();
        var log = new ObservingLog("INSYNC; waiting one TTL", () =>
        {
            var now = ResolveAsync(env, "hx").GetAwaiter().GetResult();
            seen.Add((WeightOf(now, "Harness-Blue"), WeightOf(now, "Harness-Green")));
        });

        var report = await env.DeployAsync(input.Set("EcsMemory", "1024").Set(EcsProperties.DnsWeightSteps, "10;50;100"), log);

        Assert.IsNull(report.Failure, report.Failure?.Message + "\n" + log.Text);
        Assert.AreEqual("hx__8", report.Result.Service, "the next version of Harness's family");
        StringAssert.Contains(log.Text, "taking over the weighted entries of hx.example.internal. as they are: Harness-Blue → hx-spec1, Harness-Green → hx-spec2");
        CollectionAssert.AreEqual(new[] { (90L, 10L), (50L, 50L), (0L, 100L) }, seen, "the weights moved on Harness's entries: " + string.Join(", ", seen));
        CollectionAssert.AreEquivalent(new[] { "Harness-Blue", "Harness-Green" }, (await RecordSetsAsync(env, "hx")).Select(r => r.SetIdentifier).ToArray(), "no pair of the package's own beside them");
        var resolved = await ResolveAsync(env, "hx");
        Assert.AreEqual("hx-spec2", CloudMapServiceOf(resolved, "Harness-Green"), "each entry stays on its Cloud Map service");
        Assert.AreEqual(2, InstancesOf(resolved, "Harness-Green"));
        Assert.AreEqual("hx-spec1", CloudMapServiceOf(resolved, "Harness-Blue"));
        Assert.AreEqual((2, 2), await CountsAsync(env, "hx", "hx__8"));
        Assert.AreEqual(0, (await CountsAsync(env, "hx", "hx__7")).Desired, "Harness's version downsized at weight 0");
        Assert.AreEqual(("BLUE", "GREEN"), (await TagAsync(env, "hx", "hx__8", "BG_VERSION"), await TagAsync(env, "hx", "hx__7", "BG_VERSION")), "Harness's colour tags kept in step");

        var deployer = new Deployer(env.Aws, new RecordingDeploymentLog(), env.Time!);
        var status = string.Join("\n", await deployer.StatusAsync(LocalEcsHarness.Generate(input), CancellationToken.None));
        StringAssert.Contains(status, "set Harness-Green weight 100 → hx-spec2.hx.local.  (hx__8)");

        var rollback = await env.WhileTimeRunsAsync(() => deployer.RollbackAsync(LocalEcsHarness.Generate(input), CancellationToken.None));

        Assert.IsNull(rollback.Failure, rollback.Failure?.Message);
        Assert.AreEqual("rolled-back", rollback.Result.Status);
        resolved = await ResolveAsync(env, "hx");
        Assert.AreEqual((100L, 0L), (WeightOf(resolved, "Harness-Blue"), WeightOf(resolved, "Harness-Green")));
        Assert.AreEqual((2, 2), await CountsAsync(env, "hx", "hx__7"));
        Assert.AreEqual(("BLUE", "GREEN"), (await TagAsync(env, "hx", "hx__7", "BG_VERSION"), await TagAsync(env, "hx", "hx__8", "BG_VERSION")));
    }

    [TestMethod]
    public async Task A_Harness_pair_pointing_elsewhere_is_refused_with_ECS4224_naming_what_to_set()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "hy");
        await HarnessRecordAsync(env, "hy", ("hy-one.hy.local", 100), ("hy-two.hy.local", 0));

        var given = await env.PreflightAsync(input.Copy().Set(EcsProperties.DnsCloudMapServices, "hy-blue;hy-green"));

        var problem = given.Single(p => p.Code == "ECS4224");
        Assert.AreEqual(EcsProperties.DnsCloudMapServices, problem.Subject);
        StringAssert.Contains(problem.Message, "set EcsDnsCloudMapServices=hy-one;hy-two");

        await HarnessRecordAsync(env, "hy", ("hy-one.elsewhere.local", 100), ("hy-two.elsewhere.local", 0));
        var outside = await env.PreflightAsync(input);

        Assert.AreEqual(EcsProperties.ServiceDiscoveryNamespace, outside.Single(p => p.Code == "ECS4224").Subject);
    }

    [TestMethod]
    public async Task A_Harness_entry_with_weight_on_a_service_the_project_does_not_version_is_refused_with_ECS4225_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, "hz");
        await HarnessRecordAsync(env, "hz", ("hz-spec1.hz.local", 100), ("hz-spec2.hz.local", 0));

        var problems = await env.PreflightAsync(input);
        var refused = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.DeployAsync(input));

        var problem = problems.Single(p => p.Code == "ECS4225");
        Assert.AreEqual(EcsProperties.ServiceName, problem.Subject);
        StringAssert.Contains(problem.Message, "entry Harness-Blue (weight 100) sends traffic to the Cloud Map service hz-spec1, where no version of hz (hz__<N>) has tasks");
        Assert.AreEqual("ECS4225", refused.Diagnostics.Single().Code, refused.Message);
        var services = await env.Aws.Ecs.ListServicesAsync(new ListServicesRequest { Cluster = "hz" });
        Assert.AreEqual(0, services.ServiceArns?.Count ?? 0, "no version created");
        Assert.AreEqual(100L, (await RecordSetsAsync(env, "hz")).Single(r => r.SetIdentifier == "Harness-Blue").Weight, "the record untouched");
    }

    /// <summary>
    /// What Harness FirstGen's Route 53 blue/green leaves behind: the family's version <c>&lt;name&gt;__7</c> (2 tasks,
    /// <c>BG_VERSION=BLUE</c>) registered in the Cloud Map service <c>&lt;name&gt;-spec1</c>, an empty <c>&lt;name&gt;-spec2</c>,
    /// and the record's entries Harness-Blue → spec1 (100) and Harness-Green → spec2 (0), values without the trailing dot.
    /// Returns the DnsBlueGreen project that takes it over (<c>EcsDnsCloudMapServices</c> unset).
    /// </summary>
    private static async Task<SettingsInput> HarnessSetupAsync(LocalEcsHarness env, string name)
    {
        var input = await ProjectAsync(env, name);
        var harness = await env.DeployAsync(input.Copy().Set("EcsDeploymentStrategy", "Rolling").Set("EcsServiceName", name + "__7").Set("EcsServiceDiscoveryName", name + "-spec1"));
        Assert.IsNull(harness.Failure, harness.Failure?.Message);
        var version = (await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = name, Services = [name + "__7"] })).Services!.Single();
        await env.Aws.Ecs.TagResourceAsync(new EcsBuildTasks.Aws.ECS.Model.TagResourceRequest { ResourceArn = version.ServiceArn, Tags = [new EcsBuildTasks.Aws.ECS.Model.Tag { Key = "BG_VERSION", Value = "BLUE" }] });
        var registry = version.ServiceRegistries!.Single().RegistryArn!;
        var spec1 = await env.Aws.ServiceDiscovery.GetServiceAsync(new Aws.ServiceDiscovery.Model.GetServiceRequest { Id = registry[(registry.LastIndexOf('/') + 1)..] });
        await env.Aws.ServiceDiscovery.CreateServiceAsync(new Aws.ServiceDiscovery.Model.CreateServiceRequest
        {
            Name = name + "-spec2", NamespaceId = spec1.Service!.NamespaceId, DnsConfig = spec1.Service.DnsConfig, HealthCheckCustomConfig = spec1.Service.HealthCheckCustomConfig,
        });
        await HarnessRecordAsync(env, name, ($"{name}-spec1.{name}.local", 100), ($"{name}-spec2.{name}.local", 0));
        return input;
    }

    /// <summary>Writes the record's entries Harness-Blue and Harness-Green as Harness does (UPSERT of both, TTL 60).</summary>
    private static async Task HarnessRecordAsync(LocalEcsHarness env, string name, (string Value, long Weight) blue, (string Value, long Weight) green)
    {
        static Change Upsert(string record, string id, (string Value, long Weight) entry) => new()
        {
            Action = Aws.Route53.ChangeAction.UPSERT,
            ResourceRecordSet = new ResourceRecordSet { Name = record, Type = Aws.Route53.RRType.CNAME, TTL = 60, SetIdentifier = id, Weight = entry.Weight, ResourceRecords = [new ResourceRecord { Value = entry.Value }] },
        };
        await env.Aws.Route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
        {
            HostedZoneId = await ZoneIdAsync(env),
            ChangeBatch = new ChangeBatch { Changes = [Upsert($"{name}.{Zone}", "Harness-Blue", blue), Upsert($"{name}.{Zone}", "Harness-Green", green)] },
        });
    }

    private static async Task<List<ResourceRecordSet>> RecordSetsAsync(LocalEcsHarness env, string name)
    {
        var records = await env.Aws.Route53.ListResourceRecordSetsAsync(new ListResourceRecordSetsRequest { HostedZoneId = await ZoneIdAsync(env), StartRecordName = $"{name}.{Zone}" });
        return [.. records.ResourceRecordSets!.Where(r => r.Name == $"{name}.{Zone}.")];
    }

    private static async Task<string?> TagAsync(LocalEcsHarness env, string cluster, string service, string key)
    {
        var described = await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [service], Include = ["TAGS"] });
        return described.Services!.Single().Tags?.Find(t => t.Key == key)?.Value;
    }

    /// <summary>A Fargate web service in its own cluster, a private Cloud Map namespace <c>&lt;name&gt;.local</c>, and the record <c>&lt;name&gt;.example.internal</c>.</summary>
    internal static async Task<SettingsInput> ProjectAsync(LocalEcsHarness env, string name)
    {
        await env.PrivateNamespaceAsync(name + ".local");
        await ZoneIdAsync(env);
        return (await env.ProjectAsync(name))
            .Set("EcsDeploymentStrategy", "DnsBlueGreen")
            .Set("EcsDesiredCount", "2")
            .Set("EcsServiceDiscoveryNamespace", name + ".local")
            .Set(EcsProperties.DnsHostedZone, Zone)
            .Set(EcsProperties.DnsRecordName, $"{name}.{Zone}");
    }

    private static async Task<string> ZoneIdAsync(LocalEcsHarness env)
    {
        var zones = await env.Aws.Route53.ListHostedZonesByNameAsync(new ListHostedZonesByNameRequest { DNSName = Zone + "." });
        if (zones.HostedZones?.FirstOrDefault(z => z.Name == Zone + ".") is { } existing)
        {
            return existing.Id!;
        }

        var created = await env.Aws.Route53.CreateHostedZoneAsync(new CreateHostedZoneRequest { Name = Zone, CallerReference = Guid.NewGuid().ToString() });
        return created.HostedZone!.Id!;
    }

    private static async Task<JsonNode> ResolveAsync(LocalEcsHarness env, string name)
    {
        using var http = new HttpClient { DefaultRequestHeaders = { { EcsBuildTasks.LocalEcs.LocalEcsServer.ControlHeader, "1" } } };
        var text = await http.GetStringAsync(new Uri($"{env.Endpoint}/_localecs/route53/resolve?name={name}.{Zone}"));
        return JsonNode.Parse(text)!;
    }

    private static JsonNode Answer(JsonNode resolved, string setIdentifier) =>
        resolved["answers"]!.AsArray().Single(a => (string?)a!["setIdentifier"] == setIdentifier)!;

    private static long WeightOf(JsonNode resolved, string setIdentifier) => (long)Answer(resolved, setIdentifier)["weight"]!;

    private static string? CloudMapServiceOf(JsonNode resolved, string setIdentifier) => (string?)Answer(resolved, setIdentifier)["reaches"]?["cloudMap"]?["service"];

    private static int InstancesOf(JsonNode resolved, string setIdentifier) => Answer(resolved, setIdentifier)["reaches"]?["cloudMap"]?["instances"]?.AsArray().Count ?? 0;

    private static async Task<(int Desired, int Running)> CountsAsync(LocalEcsHarness env, string cluster, string name)
    {
        var service = (await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [name] })).Services!.Single();
        return (service.DesiredCount ?? 0, service.RunningCount ?? 0);
    }
}
