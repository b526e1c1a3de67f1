using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies.EcsTrafficShifting;
using EcsBuildTasks.Core.Strategies.InPlace;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// BlueGreen, Canary and Linear settings: every invalid configuration is stopped before anything is built or changed,
/// with its code (a row per code), and valid ones generate what ECS needs.
/// </summary>
[TestClass]
public sealed class TrafficShiftingConfigurationTests
{
    public const string GreenTargetGroup = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hello-green/fedcba9876543210";
    public const string ProductionRule = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
    public const string TestRule = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/0a1b2c3d4e5f6a7b/1234567890abcdef";
    public const string NlbListener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
    public const string InfrastructureRole = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers";
    public const string HookFunction = "arn:aws:lambda:us-east-1:123456789012:function:check-green";
    public const string HookRole = "arn:aws:iam::123456789012:role/ecsLambdaHookRole";

    public static IEnumerable<object[]> Cases()
    {
        // Reading the properties and items.
        yield return Case("canary percent below 0.1", "ECS4000", "EcsCanaryPercent", i => Canary(i).Set("EcsCanaryPercent", "0.05"));
        yield return Case("canary percent in 0.01 steps", "ECS4000", "EcsCanaryPercent", i => Canary(i).Set("EcsCanaryPercent", "10.25"));
        yield return Case("linear step below 3", "ECS4000", "EcsLinearStepPercent", i => i.Set("EcsDeploymentStrategy", "Linear").Set("EcsLinearStepPercent", "2.5"));
        yield return Case("canary percent not a number", "ECS4000", "EcsCanaryPercent", i => Canary(i).Set("EcsCanaryPercent", "ten"));
        yield return Case("bake time above a day", "ECS0001", "EcsBakeTimeMinutes", i => i.Set("EcsBakeTimeMinutes", "1441"));
        yield return Case("linear step bake negative", "ECS0001", "EcsLinearStepBakeTimeMinutes", i => i.Set("EcsDeploymentStrategy", "Linear").Set("EcsLinearStepBakeTimeMinutes", "-1"));
        yield return Case("hook timeout of 0 minutes", "ECS0001", "EcsLifecycleHook 'PAUSE'", i => i.Add("EcsLifecycleHook", "PAUSE", ("Stages", "POST_SCALE_UP"), ("TimeoutMinutes", "0")));
        yield return Case("hook timeout above two weeks", "ECS0001", "EcsLifecycleHook 'PAUSE'", i => i.Add("EcsLifecycleHook", "PAUSE", ("Stages", "POST_SCALE_UP"), ("TimeoutMinutes", "20161")));
        yield return Case("zero successes", "ECS0001", "EcsVerifySuccesses", i => i.Set("EcsVerifySuccesses", "0"));
        yield return Case("verification timeout of 1 s", "ECS0001", "EcsVerifyTimeoutSeconds", i => i.Set("EcsVerifyTimeoutSeconds", "1"));
        yield return Case("each step misspelled", "ECS0002", "EcsVerifyEachStep", i => i.Set("EcsVerifyEachStep", "yes"));
        yield return Case("hook without stages", "ECS0007", "EcsLifecycleHook 'PAUSE'", i => i.Add("EcsLifecycleHook", "PAUSE"));
        yield return Case("verification alarm twice", "ECS0008", "EcsVerifyAlarm 'hello-5xx'", i => i.Add("EcsVerifyAlarm", "hello-5xx").Add("EcsVerifyAlarm", "hello-5xx"));
        yield return Case("PAUSE at TEST_TRAFFIC_SHIFT", "ECS4004", "EcsLifecycleHook 'PAUSE'", i => i.Add("EcsLifecycleHook", "PAUSE", ("Stages", "TEST_TRAFFIC_SHIFT")));
        yield return Case("PAUSE at PRODUCTION_TRAFFIC_SHIFT", "ECS4004", "EcsLifecycleHook 'PAUSE'", i => i.Add("EcsLifecycleHook", "PAUSE", ("Stages", "PRODUCTION_TRAFFIC_SHIFT")));
        yield return Case("unknown stage", "ECS4004", "EcsLifecycleHook 'PAUSE'", i => i.Add("EcsLifecycleHook", "PAUSE", ("Stages", "AFTER_BAKE")));
        yield return Case("hook target neither Lambda nor PAUSE", "ECS4004", "EcsLifecycleHook 'check-green'", i => i.Add("EcsLifecycleHook", "check-green", ("Stages", "POST_SCALE_UP"), ("RoleArn", HookRole)));
        yield return Case("Lambda hook without role", "ECS4004", $"EcsLifecycleHook '{HookFunction}'", i => i.Add("EcsLifecycleHook", HookFunction, ("Stages", "POST_SCALE_UP")));
        yield return Case("Lambda hook details not an object", "ECS4004", $"EcsLifecycleHook '{HookFunction}'", i => i.Add("EcsLifecycleHook", HookFunction, ("Stages", "POST_SCALE_UP"), ("RoleArn", HookRole), ("Details", "[1,2]")));
        yield return Case("hook timeout action unknown", "ECS4004", "EcsLifecycleHook 'PAUSE'", i => i.Add("EcsLifecycleHook", "PAUSE", ("Stages", "POST_SCALE_UP"), ("TimeoutAction", "ABORT")));
        yield return Case("verification URL without scheme", "ECS4006", "EcsVerifyUrl", i => i.Set("EcsVerifyUrl", "localhost:8080/health"));
        yield return Case("expected status as a class", "ECS4009", "EcsVerifyExpectedStatus", i => i.Set("EcsVerifyExpectedStatus", "2xx"));
        yield return Case("expected status range upside down", "ECS4009", "EcsVerifyExpectedStatus", i => i.Set("EcsVerifyExpectedStatus", "299-200"));

        // How the settings fit the strategy and the service.
        yield return Case("no alternate target group", "ECS4001", "EcsAlternateTargetGroupArn", i => i.Set("EcsAlternateTargetGroupArn", null));
        yield return Case("alternate is the target group", "ECS4001", "EcsAlternateTargetGroupArn", i => i.Set("EcsAlternateTargetGroupArn", TestInputs.TargetGroup));
        yield return Case("alternate is a load balancer", "ECS4001", "EcsAlternateTargetGroupArn", i => i.Set("EcsAlternateTargetGroupArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"));
        yield return Case("no production rule", "ECS4002", "EcsProductionListenerRuleArn", i => i.Set("EcsProductionListenerRuleArn", null));
        yield return Case("production rule is a target group", "ECS4002", "EcsProductionListenerRuleArn", i => i.Set("EcsProductionListenerRuleArn", GreenTargetGroup));
        yield return Case("test rule is the production rule", "ECS4002", "EcsTestListenerRuleArn", i => i.Set("EcsTestListenerRuleArn", ProductionRule));
        yield return Case("no infrastructure role", "ECS4003", "EcsInfrastructureRoleArn", i => i.Set("EcsInfrastructureRoleArn", null));
        yield return Case("infrastructure role is a user", "ECS4003", "EcsInfrastructureRoleArn", i => i.Set("EcsInfrastructureRoleArn", "arn:aws:iam::123456789012:user/deployer"));
        yield return Case("verification with Rolling", "ECS4007", "EcsVerifyUrl", i => i.Set("EcsDeploymentStrategy", "Rolling").Set("EcsVerifyUrl", "http://localhost:8080/health"));
        yield return Case("verification alarm with Rolling", "ECS4007", "EcsVerifyAlarm", i => i.Set("EcsDeploymentStrategy", "Rolling").Add("EcsVerifyAlarm", "hello-5xx"));
        yield return Case("verification URL without test rule", "ECS4008", "EcsTestListenerRuleArn", i => i.Set("EcsTestListenerRuleArn", null).Set("EcsVerifyUrl", "http://localhost:8080/health"));
        yield return Case("verification URL without load balancer", "ECS4008", "EcsVerifyUrl", i => Headless(i).Set("EcsVerifyUrl", "http://localhost:8080/health"));
        yield return Case("own PAUSE where the test gate pauses", "ECS4010", "EcsLifecycleHook 'PAUSE'", i => i.Set("EcsVerifyUrl", "http://localhost:8080/health").Add("EcsLifecycleHook", "PAUSE", ("Stages", "POST_TEST_TRAFFIC_SHIFT")));
        yield return Case("own PAUSE where the step gates pause", "ECS4010", "EcsLifecycleHook 'PAUSE'", i => Canary(i).Set("EcsVerifyEachStep", "true").Add("EcsVerifyAlarm", "hello-5xx").Add("EcsLifecycleHook", "PAUSE", ("Stages", "POST_PRODUCTION_TRAFFIC_SHIFT")));
        yield return Case("wiring without a target group", "ECS4011", "EcsTargetGroupArn", i => i.Set("EcsTargetGroupArn", null));
        yield return Case("gates without waiting", "ECS4012", "EcsWait", i => i.Set("EcsWait", "false").Add("EcsVerifyAlarm", "hello-5xx"));
        yield return Case("template bake time above a day", "ECS0001", "bakeTimeInMinutes in EcsServiceDefinitionTemplate", i => Template(i, """{"serviceName":"hello-ecs","deploymentConfiguration":{"bakeTimeInMinutes":2000}}"""));
        yield return Case("template canary percent 200", "ECS4000", "canaryPercent in EcsServiceDefinitionTemplate", i => Template(Canary(i), """{"serviceName":"hello-ecs","deploymentConfiguration":{"canaryConfiguration":{"canaryPercent":200}}}"""));
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Invalid_traffic_shifting_configuration_is_reported_with_its_code(string description, string code, string subject, ProjectChange change)
    {
        using var directory = new TempDirectory();
        var input = BlueGreen(directory.Path);
        change.ApplyTo(input);

        TestInputs.AssertRejected(input, description, code, subject);
    }

    [TestMethod]
    public void Every_traffic_shifting_validation_code_has_a_case()
    {
        var covered = Cases().Select(c => (string)c[1]).Append("ECS4005").ToHashSet(StringComparer.Ordinal); // ECS4005 is a warning: its own test below.
        var missing = DiagnosticCodes.All.Select(d => d.Code).Where(c => string.CompareOrdinal(c, "ECS4000") >= 0 && string.CompareOrdinal(c, "ECS4020") < 0).Where(c => !covered.Contains(c)).ToList();

        Assert.AreEqual(0, missing.Count, "ECS40xx validation codes without a case: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void Settings_the_strategy_does_not_use_are_warned_about_and_ignored()
    {
        var diagnostics = new DiagnosticCollection();

        var definitions = Project.Generate(BlueGreen().Set("EcsCanaryPercent", "20").Set("EcsVerifyEachStep", "true"), diagnostics);
        var rolling = Project.Generate(TestInputs.ValidFargate().Set("EcsBakeTimeMinutes", "5"), diagnostics);

        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        Assert.IsNotNull(rolling, string.Join("\n", diagnostics));
        var warnings = diagnostics.Where(d => d.Code == "ECS4005").Select(d => d.Subject).ToList();
        CollectionAssert.AreEquivalent(new[] { "EcsCanaryPercent", "EcsVerifyEachStep", "EcsBakeTimeMinutes" }, warnings);
        Assert.IsNull(definitions.Service.DeploymentConfiguration!.CanaryConfiguration);
        Assert.IsNull(rolling.Service.DeploymentConfiguration!.BakeTimeInMinutes);
    }

    [TestMethod]
    public void BlueGreen_writes_the_strategy_bake_time_and_load_balancer_wiring()
    {
        var definitions = Generate(BlueGreen());

        var service = Json(definitions.Service);
        var deployment = service["deploymentConfiguration"]!;
        Assert.AreEqual("BLUE_GREEN", (string?)deployment["strategy"]);
        Assert.AreEqual(TrafficShiftingSettings.DefaultBakeTimeMinutes, (int)deployment["bakeTimeInMinutes"]!, "ECS requires a bake time for BLUE_GREEN");
        Assert.IsNull(deployment["lifecycleHooks"], "no hooks and no gates: none are sent");
        var balancer = service["loadBalancers"]![0]!;
        Assert.AreEqual(TestInputs.TargetGroup, (string?)balancer["targetGroupArn"]);
        var advanced = balancer["advancedConfiguration"]!;
        Assert.AreEqual(GreenTargetGroup, (string?)advanced["alternateTargetGroupArn"]);
        Assert.AreEqual(ProductionRule, (string?)advanced["productionListenerRule"]);
        Assert.AreEqual(TestRule, (string?)advanced["testListenerRule"]);
        Assert.AreEqual(InfrastructureRole, (string?)advanced["roleArn"]);
        Assert.AreEqual(0, AwsModel.Load("ecs").Check(service, "CreateServiceRequest").Count);
    }

    [TestMethod]
    public void Canary_and_linear_send_ECS_defaults_unless_set_so_no_earlier_value_lingers()
    {
        var canary = Json(Generate(Canary(BlueGreen())).Service)["deploymentConfiguration"]!;
        var linear = Json(Generate(BlueGreen().Set("EcsDeploymentStrategy", "Linear").Set("EcsLinearStepPercent", "25").Set("EcsBakeTimeMinutes", "0")).Service)["deploymentConfiguration"]!;

        Assert.AreEqual("CANARY", (string?)canary["strategy"]);
        Assert.AreEqual(5.0, (double)canary["canaryConfiguration"]!["canaryPercent"]!);
        Assert.AreEqual(10, (int)canary["canaryConfiguration"]!["canaryBakeTimeInMinutes"]!);
        Assert.AreEqual("LINEAR", (string?)linear["strategy"]);
        Assert.AreEqual(25.0, (double)linear["linearConfiguration"]!["stepPercent"]!);
        Assert.AreEqual(6, (int)linear["linearConfiguration"]!["stepBakeTimeInMinutes"]!);
        Assert.AreEqual(0, (int)linear["bakeTimeInMinutes"]!);
        CollectionAssert.AreEqual(new[] { 25.0, 50.0, 75.0, 100.0 }, ServiceDeploymentStages.ProductionSteps(Generate(BlueGreen().Set("EcsDeploymentStrategy", "Linear").Set("EcsLinearStepPercent", "25")).Service.DeploymentConfiguration).ToArray());
        CollectionAssert.AreEqual(new[] { 2.5, 100.0 }, ServiceDeploymentStages.ProductionSteps(Generate(Canary(BlueGreen()).Set("EcsCanaryPercent", "2.5")).Service.DeploymentConfiguration).ToArray());
    }

    [TestMethod]
    public void Gates_add_one_marked_PAUSE_hook_after_test_traffic_and_with_EachStep_around_every_production_step()
    {
        var blueGreen = Generate(BlueGreen().Set("EcsVerifyUrl", "http://web-123.elb.amazonaws.com:8080/health").Add("EcsVerifyAlarm", "hello-5xx"));
        var canary = Generate(Canary(BlueGreen()).Set("EcsVerifyEachStep", "true").Set("EcsVerifyTimeoutSeconds", "600").Add("EcsVerifyAlarm", "hello-5xx").Add("EcsAlarm", "hello-cpu"));

        var gate = blueGreen.Service.DeploymentConfiguration!.LifecycleHooks!.Single();
        Assert.IsTrue(GateHooks.IsGateHook(gate));
        Assert.AreEqual("PAUSE", gate.TargetType!.Value);
        CollectionAssert.AreEqual(new[] { "POST_TEST_TRAFFIC_SHIFT" }, gate.LifecycleStages);
        Assert.AreEqual(5 + TrafficShiftingDefinitions.GateHookGraceMinutes, gate.TimeoutConfiguration!.TimeoutInMinutes);
        Assert.AreEqual("ROLLBACK", gate.TimeoutConfiguration.Action!.Value);
        var alarms = blueGreen.Service.DeploymentConfiguration.Alarms!;
        CollectionAssert.AreEqual(new[] { "hello-5xx" }, alarms.AlarmNames, "ECS watches the verification alarms through the bake time too");
        Assert.IsTrue(alarms.Rollback);
        var stepGate = canary.Service.DeploymentConfiguration!.LifecycleHooks!.Single();
        CollectionAssert.AreEqual(new[] { "POST_TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT" }, stepGate.LifecycleStages);
        Assert.AreEqual(10 + TrafficShiftingDefinitions.GateHookGraceMinutes, stepGate.TimeoutConfiguration!.TimeoutInMinutes);
        CollectionAssert.AreEqual(new[] { "hello-cpu", "hello-5xx" }, canary.Service.DeploymentConfiguration.Alarms!.AlarmNames);
        var problems = AwsModel.Load("ecs").Check(Json(canary.Service), "CreateServiceRequest");
        Assert.AreEqual(0, problems.Count, string.Join("\n", problems));
    }

    [TestMethod]
    public void Lifecycle_hook_items_become_hooks_with_their_details_and_survive_a_describe_round_trip()
    {
        var input = BlueGreen()
            .Add("EcsLifecycleHook", HookFunction, ("Stages", "post_scale_up;POST_TEST_TRAFFIC_SHIFT"), ("RoleArn", HookRole), ("TimeoutMinutes", "15"), ("TimeoutAction", "continue"), ("Details", """{"threshold": 5, "paths": ["/", "/health"]}"""))
            .Add("EcsLifecycleHook", "pause", ("Stages", "POST_SCALE_UP"));

        var hooks = Generate(input).Service.DeploymentConfiguration!.LifecycleHooks!;
        var json = EcsJson.Serialize(hooks[0]);
        var readBack = EcsJson.Deserialize<DeploymentLifecycleHook>(json);

        Assert.AreEqual(2, hooks.Count);
        Assert.AreEqual("AWS_LAMBDA", hooks[0].TargetType!.Value);
        Assert.AreEqual(HookFunction, hooks[0].HookTargetArn);
        Assert.AreEqual(HookRole, hooks[0].RoleArn);
        CollectionAssert.AreEqual(new[] { "POST_SCALE_UP", "POST_TEST_TRAFFIC_SHIFT" }, hooks[0].LifecycleStages);
        Assert.AreEqual(15, hooks[0].TimeoutConfiguration!.TimeoutInMinutes);
        Assert.AreEqual("CONTINUE", hooks[0].TimeoutConfiguration!.Action!.Value);
        Assert.IsTrue(JsonNode.DeepEquals(JsonNode.Parse("""{"threshold": 5, "paths": ["/", "/health"]}"""), JsonNode.Parse(json)!["hookDetails"]), json);
        Assert.AreEqual(5, readBack.HookDetails!.Members["threshold"].GetInt32());
        Assert.AreEqual("PAUSE", hooks[1].TargetType!.Value);
        Assert.IsNull(hooks[1].HookTargetArn);
        Assert.IsFalse(GateHooks.IsGateHook(hooks[1]));
    }

    [TestMethod]
    public void An_NLB_listener_is_accepted_as_the_production_rule()
    {
        var definitions = Generate(BlueGreen().Set("EcsProductionListenerRuleArn", NlbListener).Set("EcsTestListenerRuleArn", null));

        Assert.AreEqual(NlbListener, definitions.Service.LoadBalancers![0].AdvancedConfiguration!.ProductionListenerRule);
        Assert.AreEqual("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2", ElbArns.ListenerOf(ProductionRule));
        Assert.AreEqual(NlbListener, ElbArns.ListenerOf(NlbListener));
    }

    [TestMethod]
    public void Hooks_the_project_no_longer_asks_for_are_cleared_on_update()
    {
        var rolling = Generate(TestInputs.ValidFargate()).Service;
        var withHooks = new Service { DeploymentConfiguration = new DeploymentConfiguration { LifecycleHooks = [new DeploymentLifecycleHook { TargetType = "PAUSE", LifecycleStages = ["POST_SCALE_UP"] }] } };
        var withoutHooks = new Service { DeploymentConfiguration = new DeploymentConfiguration() };
        var untouched = Generate(TestInputs.ValidFargate()).Service;

        ServiceUpdate.ClearStaleHooks(rolling, withHooks);
        ServiceUpdate.ClearStaleHooks(untouched, withoutHooks);

        Assert.IsNotNull(rolling.DeploymentConfiguration!.LifecycleHooks);
        Assert.AreEqual(0, rolling.DeploymentConfiguration.LifecycleHooks.Count, "an empty list makes ECS drop the old hooks");
        Assert.AreEqual("ROLLING", rolling.DeploymentConfiguration.Strategy!.Value, "the strategy is always sent: switching back needs it");
        Assert.IsNull(untouched.DeploymentConfiguration!.LifecycleHooks, "nothing to clear: nothing sent, so an unchanged service stays unchanged");
    }

    [TestMethod]
    public void The_plan_and_the_timeout_account_for_steps_bakes_hooks_and_gates()
    {
        using var directory = new TempDirectory();
        var definitions = Generate(BlueGreen().Set("EcsDeploymentStrategy", "Linear").Set("EcsLinearStepPercent", "25").Set("EcsLinearStepBakeTimeMinutes", "3").Set("EcsBakeTimeMinutes", "5")
            .Set("EcsVerifyUrl", "http://web.example.com:8080/health").Set("EcsVerifyEachStep", "true").Set("EcsVerifyTimeoutSeconds", "120")
            .Add("EcsLifecycleHook", HookFunction, ("Stages", "POST_SCALE_UP"), ("RoleArn", HookRole)));

        var plan = File.ReadAllText(DefinitionWriter.Write(definitions, directory.Path).PlanFile);
        var waits = TrafficShiftingPlan.ConfiguredWaits(definitions.Service.DeploymentConfiguration, TrafficShiftingPlan.GateCount(definitions.Settings, TrafficShift.Linear, definitions.Service.DeploymentConfiguration), definitions.Settings.TrafficShifting.Verification);

        StringAssert.Contains(plan, "Shifting    25% more production to green every 3 min (4 steps); blue kept 5 min after (bake time)");
        StringAssert.Contains(plan, "Wiring      target groups hello / hello-green; production rule " + ProductionRule);
        StringAssert.Contains(plan, $"Hook        Lambda {HookFunction} at POST_SCALE_UP");
        StringAssert.Contains(plan, "Hook        PAUSE for the verification gates at POST_TEST_TRAFFIC_SHIFT, PRE_PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT");
        StringAssert.Contains(plan, "Gates       at POST_TEST_TRAFFIC_SHIFT, PRE_PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT: GET http://web.example.com:8080/health (200-299); 3 in a row every 5 s; rollback after 120 s");

        // 5 min bake + 3 × 3 min between the 4 steps + 5 gates (test, before steps 2–4, after the last) × 2 min.
        Assert.AreEqual(TimeSpan.FromMinutes(5 + 9 + 10), waits);
    }

    [TestMethod]
    public void Expected_status_accepts_codes_ranges_and_lists()
    {
        Assert.IsTrue(StatusRange.TryParse("200", out var single));
        Assert.IsTrue(StatusRange.TryParse("200-299, 304", out var list));
        Assert.IsFalse(StatusRange.TryParse("600", out _));
        Assert.IsFalse(StatusRange.TryParse(",", out _));

        Assert.IsTrue(single.Matches(200));
        Assert.IsFalse(single.Matches(204));
        Assert.IsTrue(list.Matches(204));
        Assert.IsTrue(list.Matches(304));
        Assert.IsFalse(list.Matches(302));
        Assert.AreEqual("200-299,304", list.Text);
        Assert.IsTrue(StatusRange.Default.Matches(299));
        Assert.IsFalse(StatusRange.Default.Matches(500));
    }

    /// <summary>A valid BlueGreen service: the quick start plus the wiring.</summary>
    internal static SettingsInput BlueGreen(string? directory = null) => TestInputs.ValidFargate(directory)
        .Set("EcsDeploymentStrategy", "BlueGreen")
        .Set("EcsTargetGroupArn", TestInputs.TargetGroup)
        .Set("EcsAlternateTargetGroupArn", GreenTargetGroup)
        .Set("EcsProductionListenerRuleArn", ProductionRule)
        .Set("EcsTestListenerRuleArn", TestRule)
        .Set("EcsInfrastructureRoleArn", InfrastructureRole);

    private static SettingsInput Canary(SettingsInput input) => input.Set("EcsDeploymentStrategy", "Canary");

    private static SettingsInput Headless(SettingsInput input) => input.Set("EcsTargetGroupArn", null).Set("EcsAlternateTargetGroupArn", null)
        .Set("EcsProductionListenerRuleArn", null).Set("EcsTestListenerRuleArn", null).Set("EcsInfrastructureRoleArn", null);

    private static SettingsInput Template(SettingsInput input, string json)
    {
        File.WriteAllText(Path.Combine(input.BaseDirectory, "service.json"), json);
        return input.Set("EcsServiceDefinitionTemplate", "service.json");
    }

    private static object[] Case(string description, string code, string subject, Action<SettingsInput> change) => [description, code, subject, new ProjectChange(change)];

    private static GeneratedDefinitions Generate(SettingsInput input)
    {
        var diagnostics = new DiagnosticCollection();
        var definitions = Project.Generate(input, diagnostics);
        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        return definitions;
    }

    private static JsonNode Json<T>(T value) => JsonNode.Parse(EcsJson.Serialize(value))!;
}
