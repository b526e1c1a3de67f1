using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.Dashboard.Tests.Support;
using EcsBuildTasks.LocalEcs.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EcsBuildTasks.Dashboard.Tests;

/// <summary>
/// A rolling deployment watched on the dashboard, then a rollback rehearsed by clicking: a crash injected into the next
/// revision, the deployment that follows, the circuit breaker and the rollback, each as a person sees it. The clock and
/// API fault buttons on the way.
/// </summary>
[TestClass]
[TestCategory("Browser")]
public sealed class RollingDashboardTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Rolling_deployment_then_a_crash_injected_by_clicking_rolls_back()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        var aws = session.Aws;
        await Services.RollingAsync(session, "prod", "api", desiredCount: 3);
        await Services.VersionedAsync(session, "prod", "checkout", 1, 2);

        var page = await session.OpenAsync();
        var controlCalls = new List<Microsoft.Playwright.IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/_localecs/", StringComparison.Ordinal) && !request.Url.Contains("/_localecs/dashboard/", StringComparison.Ordinal))
            {
                controlCalls.Add(request);
            }
        };
        var row = page.Locator("#services tr[data-service='prod/api']");
        await Expect(row).ToContainTextAsync("3 / 3");
        await Expect(row).ToContainTextAsync("rolling");
        await Expect(page.Locator("#services tr.group[data-group='prod/checkout']")).ToContainTextAsync("versions v1, v2");
        await Expect(page.Locator("#services tr.member[data-service='prod/checkout__2']")).ToContainTextAsync("v2");
        await Expect(page.Locator("#services tr.member[data-service='prod/checkout__2']")).ToContainTextAsync("1 / 1");

        // The clock buttons move simulated time; the API fault form adds a rule the control API lists, and clears it.
        var before = DateTimeOffset.Parse(JsonNode.Parse((await aws.ControlAsync(HttpMethod.Get, "clock")).Body)!["now"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        await page.GetByRole(AriaRole.Button, new() { Name = "+10 min" }).ClickAsync();
        await Expect(page.Locator("#clock")).ToHaveTextAsync(before.UtcDateTime.AddMinutes(10).ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        var after = DateTimeOffset.Parse(JsonNode.Parse((await aws.ControlAsync(HttpMethod.Get, "clock")).Body)!["now"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.AreEqual(TimeSpan.FromMinutes(10), after - before, "the simulated clock moved by the button's amount (simulated time stands still otherwise here)");

        await page.Locator("#fault-api").SelectOptionAsync("ecs");
        await page.Locator("#fault-operation").FillAsync("ListClusters");
        await page.Locator("#fault-kind").SelectOptionAsync("throttleRate");
        await page.Locator("#fault-rate").SelectOptionAsync("0.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add fault" }).ClickAsync();
        await Expect(page.Locator("#fault-rules")).ToContainTextAsync("ecs ListClusters: throttling 50%");
        var faults = JsonNode.Parse((await aws.ControlAsync(HttpMethod.Get, "faults")).Body)!["rules"]!.AsArray();
        Assert.AreEqual(1, faults.Count);
        Assert.AreEqual("ListClusters", faults[0]!["operation"]!.GetValue<string>());
        Assert.AreEqual(0.5, faults[0]!["throttleRate"]!.GetValue<double>());
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear all faults" }).ClickAsync();
        await Expect(page.Locator("#fault-rules li")).ToHaveCountAsync(0);
        Assert.AreEqual(0, JsonNode.Parse((await aws.ControlAsync(HttpMethod.Get, "faults")).Body)!["rules"]!.AsArray().Count);

        // The buttons' control API calls carry the control header and the page's own origin (never "null"), which is
        // what LocalEcs's cross-origin refusal lets through.
        Assert.IsTrue(controlCalls.Count >= 3, $"{controlCalls.Count} control API calls");
        foreach (var call in controlCalls)
        {
            var headers = await call.AllHeadersAsync();
            Assert.AreEqual("1", headers.GetValueOrDefault("localecs-control"), call.Url);
            Assert.AreEqual(session.Server.BaseUrl.ToString().TrimEnd('/'), headers.GetValueOrDefault("origin"), call.Url);
        }

        // A rolling deployment of a new revision, through SCALE_UP to CLEAN_UP.
        var v2 = await Services.NewRevisionAsync(session, "api");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["taskDefinition"] = v2 });
        session.Advance(TimeSpan.FromSeconds(3));
        var summary = page.Locator("#deployment-summary");
        await Expect(summary).ToContainTextAsync("IN_PROGRESS");
        await Expect(summary).ToContainTextAsync("api:1 → api:2");
        // LocalEcs leaves SCALE_UP as soon as every new task is launched; CLEAN_UP lasts until the old ones are gone.
        await Expect(page.Locator("#timeline li[data-stage='SCALE_UP'][data-outcome='completed']")).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline li[data-stage='CLEAN_UP'][data-outcome='current']")).ToBeVisibleAsync();
        await Expect(page.Locator("#traffic-chart")).ToContainTextAsync("Rolling deployments shift no weights");
        await Expect(row).ToContainTextAsync("(3 pending)");
        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync("prod", "api") == "SUCCESSFUL", TimeSpan.FromMinutes(10), "the rolling deployment");
        await Expect(summary).ToContainTextAsync("SUCCESSFUL");
        await Expect(page.Locator("#timeline li[data-stage='SCALE_UP']")).ToHaveAttributeAsync("data-outcome", "completed");
        await Expect(page.Locator("#timeline li[data-stage='CLEAN_UP']")).ToHaveAttributeAsync("data-outcome", "completed");
        await Expect(row).ToContainTextAsync("api:2");

        // Rehearse a rollback: inject a crash into the next revision by clicking, then deploy one.
        await page.Locator("#next-revision-behaviour").SelectOptionAsync("crash");
        await page.GetByRole(AriaRole.Button, new() { Name = "Inject into next revision" }).ClickAsync();
        await Expect(page.Locator("#next-revision-status")).ToContainTextAsync("Armed: the next revision of api will crash");
        await Expect(row).ToContainTextAsync("crash armed for the next revision");

        var v3 = await Services.NewRevisionAsync(session, "api");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["taskDefinition"] = v3 });
        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync("prod", "api") == "ROLLBACK_SUCCESSFUL", TimeSpan.FromMinutes(15), "the circuit breaker rolls back");

        await Expect(summary).ToContainTextAsync("ROLLBACK_SUCCESSFUL");
        await Expect(page.Locator("#deployment-reason")).ToContainTextAsync("Rolled back to api:2");
        await Expect(page.Locator("#deployment-reason")).ToContainTextAsync("tasks failed to start");
        await Expect(page.Locator("#timeline li[data-stage='CLEAN_UP']")).ToHaveAttributeAsync("data-outcome", "failed");
        await Expect(page.Locator("#timeline li[data-stage='ROLLBACK']")).ToHaveAttributeAsync("data-outcome", "completed");
        await Expect(page.Locator("#monitors")).ToContainTextAsync("TRIGGERED");
        await Expect(page.Locator("#events")).ToContainTextAsync("rolling back to deployment");
        await Expect(row).Not.ToContainTextAsync("armed");
        await Expect(page.Locator("#next-revision-status")).ToBeEmptyAsync();
        await Expect(row).ToContainTextAsync("3 / 3");
        var crashed = page.Locator("details[data-section='tasks'] tbody tr", new() { HasText = "Essential container in task exited" });
        await Expect(crashed.First).ToContainTextAsync("web: 1");
        await Expect(crashed.First).ToContainTextAsync("api:3");
        await Expect(crashed.First).ToContainTextAsync("STOPPED");
        await session.ScreenshotAsync("dashboard-rollback");

        // The injected crash belonged to that revision only: the next deployment (of the restored api:2) runs as defined.
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["forceNewDeployment"] = true });
        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync("prod", "api") == "SUCCESSFUL", TimeSpan.FromMinutes(10), "the next deployment");
        await Expect(summary).ToContainTextAsync("SUCCESSFUL");
        Assert.AreEqual(HttpStatusCode.OK, (await aws.ControlAsync(HttpMethod.Get, "health")).Status);
    }
}
