using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// The live plan of every strategy and of the features around the service, against the in-process LocalEcs: after a
/// deploy an unchanged project plans no change, a changed one the resources the strategy would change, with reads only.
/// </summary>
[TestClass]
public sealed class StrategyPlanTests
{
    [TestMethod]
    public async Task Versioned_plans_no_change_for_the_serving_version_and_a_new_version_against_it_after_a_change()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = VersionedStrategyTests.Versioned(await env.ProjectAsync("vplan")).Set("EcsDesiredCount", "2").Set("EcsKeepVersions", "1");
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        var (same, _) = await LivePlanTests.PlanAsync(env, VersionedStrategyTests.Versioned(env.Project("vplan")).Set("EcsDesiredCount", "2").Set("EcsKeepVersions", "1"));

        Assert.AreEqual(DeploymentPlan.NoChange, same.Verdict, string.Join("\n", same.Lines()));
        Assert.AreEqual("vplan__1", same.Resources.Single(r => r.Kind == "service version").Name);

        var (changed, operations) = await LivePlanTests.PlanAsync(env, VersionedStrategyTests.Versioned(env.Project("vplan")).Set("EcsDesiredCount", "2").Set("EcsKeepVersions", "1").Set("EcsMemory", "1024"));

        Console.WriteLine(string.Join("\n", changed.Lines()));
        Assert.AreEqual(DeploymentPlan.Changes, changed.Verdict);
        var version = changed.Resources.Single(r => r.Kind == "service version");
        Assert.AreEqual(("vplan__2", PlanAction.Create), (version.Name, version.Action));
        StringAssert.StartsWith(version.Live, "vplan__1 serves vplan:1");
        CollectionAssert.AreEqual(new[] { "ECS CreateService (vplan__2, the new revision, 0 tasks)", "ECS UpdateService (desiredCount: vplan__2 → 2, vplan__1 → 0)" }, version.Calls.ToList());
        Assert.AreEqual("~ memory: \"512\" → \"1024\"", changed.Resources.Single(r => r.Kind == TaskDefinitionPlan.Kind).Changes.Single().Describe());
        Assert.IsTrue(operations.All(AwsSession.IsRead), string.Join(", ", operations));
    }

    [TestMethod]
    public async Task VersionedBlueGreen_plans_the_swap_of_production_and_stage()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var wiring = await TrafficWiring.CreateAsync(env.Clients, "vbgplan");
        SettingsInput Input(string memory) => env.Project("vbgplan").Set("EcsDeploymentStrategy", "VersionedBlueGreen").Set("EcsMemory", memory)
            .Set("EcsTargetGroupArn", wiring.BlueTargetGroupArn).Set("EcsAlternateTargetGroupArn", wiring.GreenTargetGroupArn)
            .Set("EcsProductionListenerRuleArn", wiring.ProductionRuleArn).Set("EcsTestListenerRuleArn", wiring.TestRuleArn);
        await env.ProjectAsync("vbgplan");
        Assert.IsNull((await env.DeployAsync(Input("512"))).Failure);

        Assert.AreEqual(DeploymentPlan.NoChange, (await LivePlanTests.PlanAsync(env, Input("512"))).Plan.Verdict);
        var (plan, operations) = await LivePlanTests.PlanAsync(env, Input("1024"));

        Console.WriteLine(string.Join("\n", plan.Lines()));
        var rules = plan.Resources.Where(r => r.Kind == "listener rule").ToList();
        Assert.AreEqual(2, rules.Count);
        var production = rules.Single(r => r.Name.EndsWith("(production)", StringComparison.Ordinal));
        Assert.AreEqual(PlanAction.Update, production.Action);
        StringAssert.Contains(production.Changes.Single().Old, "vbgplan-g 100%", "the first version took production to green");
        StringAssert.Contains(production.Changes.Single().New, "vbgplan-b 100%");
        CollectionAssert.Contains(plan.Resources.Single(r => r.Kind == "service version").Calls.ToList(), "ELBv2 ModifyRule or ModifyListener (production and stage swap target groups)");
        Assert.IsTrue(operations.All(AwsSession.IsRead), string.Join(", ", operations));
    }

    [TestMethod]
    public async Task BlueGreen_plans_the_listener_rules_ECS_shifts_to_the_other_target_group()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var wiring = await TrafficWiring.CreateAsync(env.Clients, "bgplan");
        Assert.IsNull((await env.DeployAsync(env.BlueGreen(wiring, "bgplan"))).Failure);

        var (same, _) = await LivePlanTests.PlanAsync(env, env.BlueGreen(wiring, "bgplan"));
        Assert.AreEqual(DeploymentPlan.NoChange, same.Verdict, string.Join("\n", same.Lines()));

        var (plan, operations) = await LivePlanTests.PlanAsync(env, env.BlueGreen(wiring, "bgplan").Add("EcsEnvironmentVariable", "REVISION", ("Value", "2")));

        Console.WriteLine(string.Join("\n", plan.Lines()));
        var production = plan.Resources.Single(r => r.Kind == "listener rule" && r.Name.EndsWith("(production)", StringComparison.Ordinal));
        Assert.AreEqual(PlanAction.Update, production.Action);
        Assert.AreEqual("~ forward: bgplan-b 100% → bgplan-g 100%", production.Changes.Single().Describe());
        Assert.AreEqual(0, production.Calls.Count, "ECS shifts the rule; the build calls nothing on it");
        Assert.AreEqual(PlanAction.Update, plan.Resources.Single(r => r.Kind == "listener rule" && r.Name.EndsWith("(test)", StringComparison.Ordinal)).Action);
        Assert.IsTrue(operations.All(AwsSession.IsRead), string.Join(", ", operations));
    }

    [TestMethod]
    public async Task Log_groups_and_pre_deploy_tasks_are_planned_with_the_revision_that_needs_them()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("featplan");
        SettingsInput Input(string memory) => env.Project("featplan").Set("EcsMemory", memory).Set("EcsLogGroup", "/ecs/featplan").Set("EcsLogRetentionDays", "7")
            .Add("EcsPreDeployTask", "migrate", ("Command", "migrate"), ("Environment", "LOCALECS_SIMULATE=exit:0"));

        var (first, _) = await LivePlanTests.PlanAsync(env, Input("512"));

        Console.WriteLine(string.Join("\n", first.Lines()));
        var group = first.Resources.Single(r => r.Kind == FeaturePlans.LogGroupKind);
        Assert.AreEqual(("/ecs/featplan", PlanAction.Create), (group.Name, group.Action));
        CollectionAssert.AreEqual(new[] { "CloudWatch Logs CreateLogGroup", "CloudWatch Logs PutRetentionPolicy" }, group.Calls.ToList());
        var migrate = first.Resources.Single(r => r.Kind == FeaturePlans.PreDeployTaskKind);
        Assert.AreEqual(("migrate", PlanAction.Run), (migrate.Name, migrate.Action));
        StringAssert.StartsWith(migrate.Calls.Single(), "ECS RunTask (featplan");

        Assert.IsNull((await env.DeployAsync(Input("512"))).Failure);
        var (again, _) = await LivePlanTests.PlanAsync(env, Input("512"));

        Assert.AreEqual(DeploymentPlan.NoChange, again.Verdict, string.Join("\n", again.Lines()));
        Assert.AreEqual("retention 7 days", again.Resources.Single(r => r.Kind == FeaturePlans.LogGroupKind).Live);
        StringAssert.StartsWith(again.Resources.Single(r => r.Kind == FeaturePlans.PreDeployTaskKind).Note, "not run");

        var (changed, _) = await LivePlanTests.PlanAsync(env, Input("1024"));
        Assert.AreEqual(PlanAction.Run, changed.Resources.Single(r => r.Kind == FeaturePlans.PreDeployTaskKind).Action, "a new revision runs its pre-deploy tasks first");
    }

    [TestMethod]
    public async Task Service_Connect_is_planned_against_its_namespace_ARN_so_a_namespace_name_is_no_change()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("scplan");
        var namespaceArn = await env.HttpNamespaceAsync("scplan-mesh");
        SettingsInput Input() => env.Project("scplan").Set("EcsServiceConnectNamespace", "scplan-mesh");
        Assert.IsNull((await env.DeployAsync(Input())).Failure);

        var (plan, _) = await LivePlanTests.PlanAsync(env, Input());

        Console.WriteLine(string.Join("\n", plan.Lines()));
        Assert.AreEqual(DeploymentPlan.NoChange, plan.Verdict, string.Join("\n", plan.Lines()));
        var ns = plan.Resources.Single(r => r.Kind == FeaturePlans.ServiceConnectKind);
        StringAssert.EndsWith(ns.Live, namespaceArn.Split('/')[^1]);
        StringAssert.StartsWith(ns.Live, "arn:aws:servicediscovery:");
    }

    [TestMethod]
    public async Task Express_plans_the_creation_then_no_change_then_the_members_it_would_update()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ExpressStrategyTests.ExpressProjectAsync(env, "xplan");

        var (first, _) = await LivePlanTests.PlanAsync(env, input);
        Assert.AreEqual(PlanAction.Create, first.Resources.Single(r => r.Kind == "Express service").Action);

        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var (same, _) = await LivePlanTests.PlanAsync(env, ExpressStrategyTests.Express(env.Project("xplan")));
        Assert.AreEqual(DeploymentPlan.NoChange, same.Verdict, string.Join("\n", same.Lines()));

        var (changed, operations) = await LivePlanTests.PlanAsync(env, ExpressStrategyTests.Express(env.Project("xplan")).Set("EcsMemory", "1024"));

        Console.WriteLine(string.Join("\n", changed.Lines()));
        var express = changed.Resources.Single(r => r.Kind == "Express service");
        Assert.AreEqual(PlanAction.Update, express.Action);
        StringAssert.StartsWith(express.Calls.Single(), "ECS UpdateExpressGatewayService (");
        StringAssert.Contains(express.Calls.Single(), "memory");
        Assert.IsTrue(operations.All(AwsSession.IsRead), string.Join(", ", operations));
    }

    [TestMethod]
    public async Task ManagedDaemon_plans_its_task_definition_and_daemon_against_the_live_ones()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ManagedDaemonStrategyTests.DaemonProjectAsync(env, "dplan", instances: 1);

        var (first, _) = await LivePlanTests.PlanAsync(env, input);
        CollectionAssert.AreEqual(new[] { PlanAction.Create, PlanAction.Create }, first.Resources.Where(r => r.Kind is "daemon task definition" or "managed daemon").Select(r => r.Action).ToList(), string.Join("\n", first.Lines()));

        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var (same, _) = await LivePlanTests.PlanAsync(env, input);
        Assert.AreEqual(DeploymentPlan.NoChange, same.Verdict, string.Join("\n", same.Lines()));

        var (changed, operations) = await LivePlanTests.PlanAsync(env, input.Set("EcsMemory", "1024"));

        Console.WriteLine(string.Join("\n", changed.Lines()));
        Assert.AreEqual(PlanAction.Register, changed.Resources.Single(r => r.Kind == "daemon task definition").Action);
        var daemon = changed.Resources.Single(r => r.Kind == "managed daemon");
        Assert.AreEqual("ECS UpdateDaemon (daemonTaskDefinitionArn)", daemon.Calls.Single());
        Assert.IsTrue(operations.All(AwsSession.IsRead), string.Join(", ", operations));
    }

    [TestMethod]
    public async Task DnsBlueGreen_plans_the_weights_moving_to_the_new_versions_entry()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        const string zone = "plan.internal";
        await env.PrivateNamespaceAsync("dnsplan.local");
        await env.Aws.Route53.CreateHostedZoneAsync(new Aws.Route53.Model.CreateHostedZoneRequest { Name = zone, CallerReference = Guid.NewGuid().ToString() });
        await env.ProjectAsync("dnsplan");
        SettingsInput Input(string memory) => env.Project("dnsplan").Set("EcsDeploymentStrategy", "DnsBlueGreen").Set("EcsMemory", memory)
            .Set("EcsServiceDiscoveryNamespace", "dnsplan.local").Set(EcsProperties.DnsHostedZone, zone).Set(EcsProperties.DnsRecordName, $"dnsplan.{zone}");
        Assert.IsNull((await env.DeployAsync(Input("512"))).Failure);

        Assert.AreEqual(DeploymentPlan.NoChange, (await LivePlanTests.PlanAsync(env, Input("512"))).Plan.Verdict);
        var (plan, operations) = await LivePlanTests.PlanAsync(env, Input("1024"));

        Console.WriteLine(string.Join("\n", plan.Lines()));
        var record = plan.Resources.Single(r => r.Kind == "DNS record");
        Assert.AreEqual(PlanAction.Update, record.Action);
        Assert.AreEqual("~ weights: Green 0 · Blue 100 → Green 100 · Blue 0", record.Changes.Single().Describe());
        CollectionAssert.AreEquivalent(new[] { "dnsplan-blue", "dnsplan-green" }, plan.Resources.Where(r => r.Kind == "Cloud Map service").Select(r => r.Name).ToList());
        Assert.IsTrue(plan.Resources.Single(r => r.Kind == "service version").Calls.Any(c => c.StartsWith("Route 53 ChangeResourceRecordSets", StringComparison.Ordinal)));
        Assert.IsTrue(operations.All(AwsSession.IsRead), string.Join(", ", operations));
    }
}
