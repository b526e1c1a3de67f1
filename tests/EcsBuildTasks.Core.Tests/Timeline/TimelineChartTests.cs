using System.Text.Json;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Timeline;

/// <summary>
/// The deployment timeline in the GitHub step summary (issue 19, part 2): a Mermaid Gantt chart of the stages, the
/// gates and the production weights, drawn from what <c>ecs-deployment.json</c> keeps, and rendered by Mermaid itself
/// in headless Chromium to prove GitHub can draw it.
/// </summary>
[TestClass]
public sealed class TimelineChartTests
{
    [TestMethod]
    [TestCategory("Browser")]
    public async Task A_blue_green_deployment_summary_charts_its_lifecycle_stages_and_production_weights()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var wiring = await TrafficWiring.CreateAsync(env.Clients, "tc");
        var input = env.BlueGreen(wiring, "timeline-bg").Set("EcsBakeTimeMinutes", "2");
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        var report = await env.DeployAsync(input.Also(i => i.Add("EcsEnvironmentVariable", "REVISION", ("Value", "2"))));

        Assert.IsNull(report.Failure, report.Failure?.Message);
        var markdown = StepSummary(report.Result);
        var chart = MermaidInChromium.ChartIn(markdown);
        StringAssert.StartsWith(chart, "gantt\n    title timeline-bg · BlueGreen · succeeded\n    dateFormat x\n    axisFormat %H:%M:%S\n    section Stages\n");
        var stages = report.Result.LifecycleStages!;
        foreach (var stage in new[] { "SCALE_UP", "TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP" })
        {
            StringAssert.Contains(chart, $"\n    {stage} :", $"the chart has the stage {stage}");
        }

        var bake = stages.Single(s => s.Stage == "BAKE_TIME");
        Assert.AreEqual(120.0, bake.Seconds!.Value, 3.0, "the bake of 2 minutes is drawn as long as the build saw it last (to a poll)");
        var origin = report.Result.TimelineStartedAt!.Value.ToUnixTimeMilliseconds();
        StringAssert.Contains(chart, $"BAKE_TIME :done, s{IndexOf(stages, "BAKE_TIME")}, {origin + (long)(bake.StartedAtSeconds!.Value * 1000)}, {origin + (long)((bake.StartedAtSeconds.Value + bake.Seconds.Value) * 1000)}\n");
        StringAssert.Contains(chart, "    section Production traffic\n    green 0% / blue 100% :done, w0, ");
        StringAssert.Contains(chart, "    green 100% / blue 0% :active, w1, ");

        // The chart is drawn from what the result file keeps.
        var json = JsonDocument.Parse(JsonSerializer.Serialize(report.Result, DeploymentResultJsonContext.Default.DeploymentResult)).RootElement;
        Assert.AreEqual("BlueGreen", json.GetProperty("strategy").GetString());
        Assert.AreEqual(report.Result.TimelineStartedAt, json.GetProperty("timelineStartedAt").GetDateTimeOffset());
        Assert.AreEqual(stages.Count, json.GetProperty("lifecycleStages").GetArrayLength());
        Assert.AreEqual(100, json.GetProperty("lifecycleStages")[IndexOf(stages, "BAKE_TIME")].GetProperty("productionTrafficWeight").GetDouble());

        var drawn = MermaidInChromium.Render(chart);
        Assert.IsTrue(drawn.Parsed, drawn.Error);
        CollectionAssert.IsSubsetOf(new[] { "SCALE_UP", "PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP", "green 100% / blue 0%" }, drawn.Texts.ToList(), string.Join(" | ", drawn.Texts));
    }

    [TestMethod]
    [TestCategory("Browser")]
    public async Task A_rolling_deployment_summary_charts_how_its_tasks_were_replaced()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await env.ProjectAsync("timeline-rolling");
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        var report = await env.DeployAsync(input.Set(EcsProperties.DesiredCount, "2").Also(i => i.Add("EcsEnvironmentVariable", "REVISION", ("Value", "2"))));

        Assert.IsNull(report.Failure, report.Failure?.Message);
        var chart = MermaidInChromium.ChartIn(StepSummary(report.Result));
        StringAssert.StartsWith(chart, "gantt\n    title timeline-rolling · Rolling · succeeded\n");
        StringAssert.Contains(chart, "\n    start new tasks :done, s0, ");
        StringAssert.Contains(chart, "\n    replace old tasks, reach steady state :done, s1, ");
        Assert.IsFalse(chart.Contains("Production traffic", StringComparison.Ordinal), "a rolling update shifts no weights");
        var stages = report.Result.LifecycleStages!;
        Assert.AreEqual(report.Result.WaitSeconds, stages[^1].StartedAtSeconds!.Value + stages[^1].Seconds!.Value, 1.0, "the stages cover the wait");

        var drawn = MermaidInChromium.Render(chart);
        Assert.IsTrue(drawn.Parsed, drawn.Error);
        CollectionAssert.IsSubsetOf(new[] { "start new tasks", "replace old tasks, reach steady state" }, drawn.Texts.ToList(), string.Join(" | ", drawn.Texts));
    }

    [TestMethod]
    [TestCategory("Browser")]
    public void The_browser_check_rejects_a_chart_Mermaid_cannot_read()
    {
        var drawn = MermaidInChromium.Render("gantt\n    dateFormat x\n    section Stages\n    SCALE_UP :done, s0, 1780315200000, not-a-date, extra\n");

        Assert.IsFalse(drawn.Parsed, "a broken chart must not pass the check");
        Assert.IsFalse(string.IsNullOrEmpty(drawn.Error));
    }

    [TestMethod]
    public async Task The_labels_follow_what_the_strategy_says_its_steps_share_not_its_name()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = VersionedStrategyTests.Versioned(await env.ProjectAsync("share")).Set("EcsDesiredCount", "2");
        Assert.IsNull((await env.DeployAsync(input)).Failure);

        var versioned = await env.DeployAsync(input.Set("EcsMemory", "1024"));

        Assert.IsNull(versioned.Failure, versioned.Failure?.Message);
        Assert.AreEqual(StepShare.Tasks, versioned.Result.StepShare, "Versioned grows the new version by tasks");
        var chart = TimelineChart.Mermaid(versioned.Result)!;
        StringAssert.Contains(chart, "    section Phases\n");
        StringAssert.Contains(chart, "    section New version share\n");
        StringAssert.Contains(chart, "of tasks :");
        var json = JsonDocument.Parse(JsonSerializer.Serialize(versioned.Result, DeploymentResultJsonContext.Default.DeploymentResult)).RootElement;
        Assert.AreEqual("Tasks", json.GetProperty("stepShare").GetString(), "the result file keeps what the chart is drawn from");

        // The same stages under another name or none: the data decides, not the name.
        var renamed = TimelineChart.Mermaid(versioned.Result with { Strategy = "Custom" })!;
        StringAssert.Contains(renamed, "    section Phases\n");
        StringAssert.Contains(renamed, "of tasks :");
        var traffic = TimelineChart.Mermaid(versioned.Result with { StepShare = null })!;
        StringAssert.Contains(traffic, "    section Stages\n");
        StringAssert.Contains(traffic, "    section Production traffic\n");
        Assert.IsFalse(traffic.Contains("of tasks", StringComparison.Ordinal), traffic);
    }

    [TestMethod]
    public void Names_that_would_break_a_Gantt_task_line_are_made_safe_and_a_result_without_a_timeline_has_no_chart()
    {
        Assert.AreEqual("phase 1- 25% canary   x 50%", TimelineChart.Label("phase 1: 25% canary; #x 50%%"));
        var result = new DeploymentResult { Status = "up-to-date", Cluster = "c", Service = "s" };
        Assert.IsNull(TimelineChart.Mermaid(result));
        Assert.IsFalse(result.Markdown().Contains("```mermaid", StringComparison.Ordinal));
    }

    [TestMethod]
    [TestCategory("Browser")]
    public void A_canary_plan_charts_its_configured_steps_and_weights()
    {
        var definitions = LocalEcsHarness.Generate(TrafficShiftingConfigurationTests.BlueGreen()
            .Set(EcsProperties.DeploymentStrategy, "Canary").Set(EcsProperties.CanaryPercent, "10").Set(EcsProperties.CanaryBakeTimeMinutes, "5").Set(EcsProperties.BakeTimeMinutes, "15"));
        var strategy = EcsBuildTasks.Core.Strategies.DeploymentStrategies.Of(definitions);
        var plannedAt = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var plan = new EcsBuildTasks.Core.Features.Plan.DeploymentPlan
        {
            Live = true, Cluster = "prod", Service = "web", Strategy = strategy.Name, PlannedAt = plannedAt, Steps = strategy.PlannedSteps(definitions),
            Resources = [new("service", "web", EcsBuildTasks.Core.Features.Plan.PlanAction.Update, ["ECS UpdateService"], [])],
        };

        var chart = MermaidInChromium.ChartIn(plan.Markdown());

        var start = plannedAt.ToUnixTimeMilliseconds();
        StringAssert.Contains(chart, $"    scale up green, test traffic (green 0%) :milestone, p0, {start}, {start}\n");
        StringAssert.Contains(chart, $"    production step 1/2 (green 10%) :active, p1, {start}, {start + (5 * 60_000)}\n");
        StringAssert.Contains(chart, $"    bake time, blue kept for an instant rollback (green 100%) :active, p2, {start + (5 * 60_000)}, {start + (20 * 60_000)}\n");
        var drawn = MermaidInChromium.Render(chart);
        Assert.IsTrue(drawn.Parsed, drawn.Error);
        CollectionAssert.Contains(drawn.Texts.ToList(), "production step 1/2 (green 10%)");
    }

    private static string StepSummary(DeploymentResult result)
    {
        var directory = Directory.CreateTempSubdirectory("ecs-summary-").FullName;
        try
        {
            var summary = Path.Combine(directory, "summary.md");
            new GitHubActions(name => name == "GITHUB_STEP_SUMMARY" ? summary : null).WriteStepSummary(result.Markdown());
            return File.ReadAllText(summary);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int IndexOf(IReadOnlyList<StageTiming> stages, string stage) => stages.ToList().FindIndex(s => s.Stage == stage);
}
