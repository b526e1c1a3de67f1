using System.Text.Json.Nodes;
using EcsBuildTasks.Dashboard.Tests.Support;
using EcsBuildTasks.LocalEcs.Dashboard;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.Dashboard.Tests;

/// <summary>What the simulation records over time, as the dashboard's data endpoint hands it to the page.</summary>
[TestClass]
public sealed class DeploymentHistoryTests
{
    private static readonly string[] CanaryStages =
    [
        "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
        "PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP",
    ];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Canary_timeline_has_every_stage_back_to_back_and_weights_step_as_the_rule_does()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        await Services.BlueGreenAsync(session, "prod", "web", new JsonObject
        {
            ["strategy"] = "CANARY",
            ["bakeTimeInMinutes"] = 2,
            ["canaryConfiguration"] = new JsonObject { ["canaryPercent"] = 20.0, ["canaryBakeTimeInMinutes"] = 3 },
        });
        var v2 = await Services.NewRevisionAsync(session, "web");
        await session.Aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["taskDefinition"] = v2 });
        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync("prod", "web") == "SUCCESSFUL", TimeSpan.FromMinutes(20), "the canary deployment");

        var view = await session.ServiceViewAsync("prod", "web");
        var deployment = view["deployment"]!.AsObject();
        Assert.AreEqual("CANARY", deployment["strategy"]!.GetValue<string>());
        Assert.IsFalse(deployment["partial"]!.GetValue<bool>());
        var timeline = deployment["timeline"]!.AsArray().Select(s => s!.AsObject()).ToList();
        CollectionAssert.AreEqual(CanaryStages, timeline.Select(s => s["stage"]!.GetValue<string>()).ToArray(), string.Join(", ", timeline.Select(s => s["stage"])));
        Assert.IsTrue(timeline.All(s => s["outcome"]!.GetValue<string>() == "completed"));
        for (var i = 1; i < timeline.Count; i++)
        {
            Assert.AreEqual(timeline[i - 1]["end"]!.GetValue<long>(), timeline[i]["start"]!.GetValue<long>(), $"{timeline[i]["stage"]} starts where {timeline[i - 1]["stage"]} ended");
        }

        var shifts = timeline.Where(s => s["stage"]!.GetValue<string>() == "PRODUCTION_TRAFFIC_SHIFT").ToList();
        CollectionAssert.AreEqual(new[] { 20.0, 100.0 }, shifts.Select(s => s["weight"]!.GetValue<double>()).ToArray());
        Assert.AreEqual(TimeSpan.FromMinutes(3), Duration(shifts[0]), "the canary step bakes for its canaryBakeTimeInMinutes");
        Assert.AreEqual(TimeSpan.FromMinutes(2), Duration(timeline.Single(s => s["stage"]!.GetValue<string>() == "BAKE_TIME")));
        Assert.AreEqual(deployment["finishedAt"]!.GetValue<long>(), timeline[^1]["end"]!.GetValue<long>(), "CLEAN_UP ends when the deployment does");

        var weights = view["samples"]!.AsArray().Select(s => s!["productionWeight"]).Where(w => w is not null).Select(w => w!.GetValue<double>())
            .Aggregate(new List<double>(), (list, w) => { if (list.Count == 0 || list[^1] != w) { list.Add(w); } return list; });
        CollectionAssert.AreEqual(new[] { 0.0, 20.0, 100.0 }, weights, string.Join(" → ", weights));
        var samples = view["samples"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.AreEqual(4, samples.Max(s => s["running"]!.GetValue<int>()), "blue and green both ran during the shift");
        Assert.AreEqual(2, samples[^1]["targetRunning"]!.GetValue<int>());
        Assert.AreEqual(0, samples[^1]["otherRunning"]!.GetValue<int>());

        var previous = view["deployments"]!.AsArray()[1]!["arn"]!.GetValue<string>();
        var first = await session.ServiceViewAsync("prod", "web", previous);
        Assert.AreEqual("web:1", first["deployment"]!["targetRevision"]!.GetValue<string>(), "earlier deployments stay selectable");
    }

    [TestMethod]
    public async Task Rolling_rollback_timeline_ends_with_the_failed_stage_and_the_rollback()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        await Services.RollingAsync(session, "prod", "api", desiredCount: 2);
        var crashing = await Scenario.FargateTaskDefinitionAsync(session.Aws, "api", $"{session.Registry}/localecs/base:latest", simulate: "crash");
        await session.Aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["taskDefinition"] = crashing });
        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync("prod", "api") == "ROLLBACK_SUCCESSFUL", TimeSpan.FromMinutes(15), "the rollback");

        var deployment = (await session.ServiceViewAsync("prod", "api"))["deployment"]!.AsObject();
        var timeline = deployment["timeline"]!.AsArray().Select(s => (Stage: s!["stage"]!.GetValue<string>(), Outcome: s["outcome"]!.GetValue<string>())).ToList();
        CollectionAssert.AreEqual(new[] { ("SCALE_UP", "completed"), ("CLEAN_UP", "failed"), ("ROLLBACK", "completed") }, timeline, string.Join(", ", timeline));
        Assert.AreEqual("api:1", deployment["rollback"]!["revision"]!.GetValue<string>());
        Assert.AreEqual("TRIGGERED", deployment["circuitBreaker"]!["status"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task Versioned_services_are_grouped_by_their_name_without_the_version_suffix()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        await Services.VersionedAsync(session, "prod", "shop", 3, 4);
        await Services.VersionedAsync(session, "prod", "shop__x", 1);

        var services = (await session.ApiAsync("overview"))["services"]!.AsArray().Select(s => s!.AsObject()).ToList();
        var shop = services.Where(s => s["group"]!.GetValue<string>() == "shop").ToList();
        CollectionAssert.AreEqual(new[] { 3, 4 }, shop.Select(s => s["version"]!.GetValue<int>()).ToArray());
        Assert.IsTrue(shop.All(s => s["running"]!.GetValue<int>() == 1));
        Assert.AreEqual("shop__x", services.Single(s => s["name"]!.GetValue<string>() == "shop__x__1")["group"]!.GetValue<string>());
    }

    [TestMethod]
    public void Sample_ring_keeps_the_newest_changes_only()
    {
        var ring = new SampleRing(3);
        var start = DashboardSession.Start;
        Sample At(int seconds, int desired) => new(start.AddSeconds(seconds), desired, 0, [new RevisionCount("r1", desired)], null, null, null);

        Assert.IsTrue(ring.AddIfChanged(At(0, 1)));
        Assert.IsFalse(ring.AddIfChanged(At(1, 1)), "a sample that repeats the last one is not kept");
        foreach (var (seconds, desired) in new[] { (2, 2), (3, 3), (4, 4) })
        {
            Assert.IsTrue(ring.AddIfChanged(At(seconds, desired)));
        }

        CollectionAssert.AreEqual(new[] { 2, 3, 4 }, ring.All().Select(s => s.Desired).ToArray(), "the oldest go first");
        Assert.AreEqual(4, ring.Last!.Running);
    }

    private static TimeSpan Duration(JsonObject span) =>
        TimeSpan.FromMilliseconds(span["end"]!.GetValue<long>() - span["start"]!.GetValue<long>());
}
