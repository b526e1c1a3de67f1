using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.Dashboard.Tests.Support;
using EcsBuildTasks.LocalEcs.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EcsBuildTasks.Dashboard.Tests;

/// <summary>An ECS-native blue/green deployment watched on the dashboard, from the first task to CLEAN_UP.</summary>
[TestClass]
[TestCategory("Browser")]
public sealed class BlueGreenDashboardTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Blue_green_deployment_shows_its_stages_weights_and_gate_as_they_happen()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        var aws = session.Aws;
        var balancer = await Services.BlueGreenAsync(session, "prod", "web", new JsonObject
        {
            ["bakeTimeInMinutes"] = 5,
            ["deploymentCircuitBreaker"] = new JsonObject { ["enable"] = true, ["rollback"] = true },
            // The PAUSE hook EcsBuildTasks adds for its verification gate (probing through the test listener).
            ["lifecycleHooks"] = new JsonArray(new JsonObject
            {
                ["targetType"] = "PAUSE",
                ["lifecycleStages"] = new JsonArray("POST_TEST_TRAFFIC_SHIFT"),
                ["hookDetails"] = new JsonObject { ["ecsBuildTasks"] = "verification-gate" },
                ["timeoutConfiguration"] = new JsonObject { ["timeoutInMinutes"] = 90, ["action"] = "ROLLBACK" },
            }),
        });

        var page = await session.OpenAsync();
        var row = page.Locator("#services tr[data-service='prod/web']");
        await Expect(row).ToContainTextAsync("web");
        await Expect(row).ToContainTextAsync("2 / 2");
        await Expect(row).ToContainTextAsync("blue green");
        await Expect(row).ToContainTextAsync("web:1");

        var v2 = await Services.NewRevisionAsync(session, "web");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        await session.AdvanceUntilAsync(async () =>
            (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["lifecycleHookDetails"]?.AsArray().Any(h => h!["status"]!.GetValue<string>() == "AWAITING_ACTION") == true,
            TimeSpan.FromMinutes(10), "the gate's PAUSE hook awaits action");

        // Green is up behind the test listener, production still all blue; the gate is waiting.
        var summary = page.Locator("#deployment-summary");
        await Expect(summary).ToContainTextAsync("IN_PROGRESS");
        await Expect(summary).ToContainTextAsync("web:1 → web:2");
        await Expect(page.Locator("#timeline li[data-stage='POST_TEST_TRAFFIC_SHIFT'][data-outcome='current']")).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline li[data-stage='SCALE_UP'][data-outcome='completed']")).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline li[data-stage='CLEAN_UP'][data-outcome='planned']")).ToBeVisibleAsync();
        var gate = page.Locator("#hooks tbody tr").First;
        await Expect(gate).ToContainTextAsync("verification gate (EcsBuildTasks)");
        await Expect(gate).ToContainTextAsync("AWAITING_ACTION");
        var traffic = page.Locator("#traffic-chart");
        await Expect(traffic.Locator(".legend li[data-series='Test']")).ToContainTextAsync("100%");
        await Expect(traffic.Locator(".legend li[data-series='Production']")).ToContainTextAsync("0%");
        var productionRule = page.Locator($"details[data-section='listener-rules'] tr[data-key='{balancer.RuleArn}']");
        var testRule = page.Locator($"details[data-section='listener-rules'] tr[data-key='{balancer.TestRuleArn}']");
        await Expect(productionRule).ToContainTextAsync("bg-blue 100%");
        await Expect(productionRule).ToContainTextAsync("bg-green 0%");
        await Expect(productionRule).ToContainTextAsync("production rule of prod/web");
        await Expect(testRule).ToContainTextAsync("bg-green 100%");
        var greenGroup = page.Locator($"details[data-section='target-groups'] tr[data-key='{balancer.GreenTargetGroupArn}']");
        await Expect(greenGroup.Locator(".badge.tone-ok")).ToHaveCountAsync(2);

        // The gate passes (the build continues the hook), production traffic shifts, and the bake begins.
        var waiting = await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web");
        await aws.EcsAsync("ContinueServiceDeployment", new JsonObject
        {
            ["serviceDeploymentArn"] = waiting["serviceDeploymentArn"]!.DeepClone(),
            ["hookId"] = waiting["lifecycleHookDetails"]![0]!["hookId"]!.DeepClone(),
            ["action"] = "CONTINUE",
        });
        await session.AdvanceUntilAsync(async () =>
            (await Scenario.LatestServiceDeploymentAsync(aws, "prod", "web"))["lifecycleStage"]?.GetValue<string>() == "BAKE_TIME",
            TimeSpan.FromMinutes(5), "bake time", TimeSpan.FromSeconds(1));
        session.Advance(TimeSpan.FromSeconds(100));

        await Expect(traffic.Locator(".legend li[data-series='Production']")).ToContainTextAsync("100%");
        await Expect(productionRule).ToContainTextAsync("bg-green 100%");
        await Expect(productionRule).ToContainTextAsync("bg-blue 0%");
        await Expect(page.Locator("#timeline li[data-stage='BAKE_TIME'][data-outcome='current']")).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline li[data-stage='PRODUCTION_TRAFFIC_SHIFT'][data-outcome='completed']")).ToContainTextAsync("100%");
        await Expect(gate).ToContainTextAsync("PASSED");
        await Expect(row).ToContainTextAsync("4 / 2");
        await Expect(page.Locator("#events")).ToContainTextAsync("registered 2 targets");
        await session.ScreenshotAsync("dashboard-bluegreen");

        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync("prod", "web") == "SUCCESSFUL", TimeSpan.FromMinutes(10), "blue/green completes");
        await Expect(summary).ToContainTextAsync("SUCCESSFUL");
        var cleanUp = page.Locator("#timeline li[data-stage='CLEAN_UP']");
        await Expect(cleanUp).ToHaveAttributeAsync("data-outcome", "completed");
        await Expect(page.Locator("#timeline li[data-outcome='planned']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#timeline li[data-stage='BAKE_TIME'] .took")).ToHaveTextAsync(new Regex("^5 min"));
        await Expect(row).ToContainTextAsync("2 / 2");
        await Expect(row).ToContainTextAsync("web:2");
        await Expect(greenGroup.Locator(".badge.tone-ok")).ToHaveCountAsync(2);
        var blueGroup = page.Locator($"details[data-section='target-groups'] tr[data-key='{balancer.BlueTargetGroupArn}']");
        await Expect(blueGroup.Locator(".badge.tone-ok, .badge.tone-warn, .badge.tone-info")).ToHaveCountAsync(0);
        await Expect(blueGroup).ToContainTextAsync("prod/web (standby)");
        await Expect(greenGroup).ToContainTextAsync("prod/web (production)");
        await Expect(page.Locator("#tasks-chart .legend li[data-series='New revision running']")).ToContainTextAsync("2");
        await Expect(page.Locator("#tasks-chart .legend li[data-series='Previous running']")).ToContainTextAsync("0");
    }
}
