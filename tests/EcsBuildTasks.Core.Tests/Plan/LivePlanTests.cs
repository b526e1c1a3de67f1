using System.Text.Json.Nodes;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// The live plan (<c>EcsDryRun=true</c> with live reads) at the engine level against the in-process LocalEcs: it reads
/// the deployed service and task definition, lists exactly the fields a deploy would change, and sends nothing but reads.
/// </summary>
[TestClass]
public sealed class LivePlanTests
{
    [TestMethod]
    public async Task A_change_to_memory_one_environment_variable_and_the_desired_count_plans_exactly_those_three_and_reads_only()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("planned");
        var deployed = await env.DeployAsync(Project(env, "planned", memory: "512", logLevel: "Information", count: "1"));
        Assert.IsNull(deployed.Failure, deployed.Failure?.Message);

        var (plan, operations) = await PlanAsync(env, Project(env, "planned", memory: "1024", logLevel: "Debug", count: "3"));

        Console.WriteLine(string.Join("\n", plan.Lines()));
        Console.WriteLine(plan.Markdown());
        var changes = plan.Resources.SelectMany(r => r.Changes.Select(c => $"{r.Kind}: {c.Describe()}")).ToList();
        CollectionAssert.AreEquivalent(
            new[]
            {
                "task definition: ~ memory: \"512\" → \"1024\"",
                "task definition: ~ containerDefinitions[planned].environment[Logging__LogLevel__Default].value: \"Information\" → \"Debug\"",
                "service: ~ desiredCount: 1 → 3",
            },
            changes,
            string.Join("\n", plan.Lines()));
        Assert.AreEqual(DeploymentPlan.Changes, plan.Verdict);
        var service = plan.Resources.Single(r => r.Kind == ServicePlan.Kind);
        Assert.AreEqual(PlanAction.Update, service.Action);
        Assert.AreEqual("ECS UpdateService (desiredCount, taskDefinition)", service.Calls.Single());
        Assert.AreEqual(PlanAction.Register, plan.Resources.Single(r => r.Kind == TaskDefinitionPlan.Kind).Action);
        Assert.IsTrue(operations.All(AwsSession.IsRead), string.Join(", ", operations));
        CollectionAssert.Contains(operations.ToList(), "DescribeTaskDefinition");
        CollectionAssert.Contains(operations.ToList(), "DescribeServices");

        // The machine-readable and the Markdown forms carry the same three changes.
        var json = JsonNode.Parse(plan.ToJson())!;
        Assert.AreEqual("changes", (string?)json["verdict"]);
        var fields = json["resources"]!.AsArray().SelectMany(r => r!["changes"]!.AsArray()).Select(c => (string?)c!["path"]).ToList();
        CollectionAssert.AreEquivalent(new[] { "memory", "containerDefinitions[planned].environment[Logging__LogLevel__Default].value", "desiredCount" }, fields);
        var markdown = plan.Markdown();
        StringAssert.Contains(markdown, "### ECS plan: planned in planned");
        StringAssert.Contains(markdown, "| task definition `planned` | register | `~ memory: \"512\" → \"1024\"` |");
        StringAssert.Contains(markdown, "| service `planned` | update | `~ desiredCount: 1 → 3` |");
        StringAssert.Contains(markdown, "`ECS UpdateService (desiredCount, taskDefinition)`");
    }

    [TestMethod]
    public async Task An_unchanged_project_plans_no_change_and_a_new_one_plans_the_creation()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("steady");
        var input = Project(env, "steady", memory: "512", logLevel: "Warning", count: "2");

        var (first, _) = await PlanAsync(env, input);

        Assert.AreEqual(DeploymentPlan.Changes, first.Verdict);
        CollectionAssert.AreEqual(new[] { PlanAction.Create, PlanAction.Create, PlanAction.Create }, first.Resources.Select(r => r.Action).ToList());
        CollectionAssert.AreEqual(new[] { "ECS RegisterTaskDefinition", "ECS CreateService", "CloudWatch Logs CreateLogGroup" }, first.Calls.ToList());
        Assert.AreEqual("/ecs/steady", first.Resources[^1].Name, "the log group the deploy creates");

        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var (again, operations) = await PlanAsync(env, Project(env, "steady", memory: "512", logLevel: "Warning", count: "2"));

        Assert.AreEqual(DeploymentPlan.NoChange, again.Verdict, string.Join("\n", again.Lines()));
        Assert.AreEqual(0, again.Calls.Count());
        StringAssert.Contains(again.Lines()[0], "no change");
        StringAssert.Contains(again.Markdown(), "**no change**");
        Assert.IsTrue(operations.All(AwsSession.IsRead), string.Join(", ", operations));
    }

    [TestMethod]
    public async Task A_read_only_session_refuses_a_change_before_it_is_sent()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        using var session = new AwsSession(env.Clients) { ReadOnly = true };

        var refused = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => session.Ecs.CreateClusterAsync(new Aws.ECS.Model.CreateClusterRequest { ClusterName = "never" }));

        StringAssert.Contains(refused.Message, "CreateCluster");
        var clusters = await env.Aws.Ecs.DescribeClustersAsync(new Aws.ECS.Model.DescribeClustersRequest { Clusters = ["never"] });
        Assert.IsFalse(clusters.Clusters?.Exists(c => c.Status == "ACTIVE") ?? false);
    }

    internal static SettingsInput Project(LocalEcsHarness env, string name, string memory, string logLevel, string count) =>
        env.Project(name)
            .Set("EcsMemory", memory)
            .Set("EcsDesiredCount", count)
            .Add("EcsEnvironmentVariable", "Logging__LogLevel__Default", ("Value", logLevel));

    internal static async Task<(DeploymentPlan Plan, IReadOnlyList<string> Operations)> PlanAsync(LocalEcsHarness env, SettingsInput input)
    {
        using var session = new AwsSession(env.Clients) { ReadOnly = true };
        var plan = await new Planner(session, new RecordingDeploymentLog(), env.Time!).PlanAsync(LocalEcsHarness.Generate(input), CancellationToken.None);
        return (plan, session.Operations);
    }
}

/// <summary>What <c>EcsPlanLive</c> does when the live state cannot be read: offline and said so (auto), or ECS7100 (true), and ECS7101 when reading fails half-way.</summary>
[TestClass]
public sealed class LivePlanModeTests
{
    [TestMethod]
    public async Task Without_an_answering_endpoint_auto_stays_offline_and_says_why_and_true_is_ECS7100()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var closed = $"http://127.0.0.1:{FreePort()}";
        var input = env.Project("nowhere").Set("EcsEndpointUrl", closed).Set("EcsDryRun", "true");

        var offline = await PlanOrOfflineAsync(env, input.Set("EcsPlanLive", "auto"));

        Assert.IsFalse(offline.Plan.Live);
        Assert.AreEqual(DeploymentPlan.Offline, offline.Plan.Verdict);
        StringAssert.Contains(offline.Plan.OfflineReason, closed);
        StringAssert.StartsWith(offline.Plan.Lines()[0], "EcsBuildTasks: live plan skipped: no AWS identity answered at " + closed);

        var required = await Assert.ThrowsExactlyAsync<DeploymentException>(() => PlanOrOfflineAsync(env, input.Set("EcsPlanLive", "true")));

        Assert.AreEqual("ECS7100", required.Diagnostics[0].Code);
        StringAssert.Contains(required.Diagnostics[0].Message, "EcsPlanLive=true");
    }

    [TestMethod]
    public async Task A_read_that_fails_half_way_is_ECS7101_and_the_plan_offline_with_auto()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("halfway");
        await env.FaultAsync("ecs", "DescribeServices");
        try
        {
            var (plan, log) = await PlanOrOfflineAsync(env, env.Project("halfway").Set("EcsDryRun", "true"));

            Assert.IsFalse(plan.Live);
            var warning = log.Warnings.Single();
            Assert.AreEqual("ECS7101", warning.Code);
            StringAssert.Contains(warning.Message, "DescribeServices");
        }
        finally
        {
            await env.ClearFaultsAsync();
        }
    }

    [TestMethod]
    public async Task EcsPlanLive_false_reads_nothing()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        using var session = AwsSession.ReadOnlyFor(LocalEcsHarness.Generate(env.Project("quiet")).Settings);
        var plan = await new Planner(session, new RecordingDeploymentLog(), env.Time!).PlanOrOfflineAsync(LocalEcsHarness.Generate(env.Project("quiet").Set("EcsPlanLive", "false")), CancellationToken.None);

        Assert.IsFalse(plan.Live);
        Assert.AreEqual("EcsPlanLive=false", plan.OfflineReason);
        Assert.AreEqual(0, session.Operations.Count);
    }

    private static async Task<(DeploymentPlan Plan, RecordingDeploymentLog Log)> PlanOrOfflineAsync(LocalEcsHarness env, SettingsInput input)
    {
        var definitions = LocalEcsHarness.Generate(input);
        using var session = AwsSession.ReadOnlyFor(definitions.Settings);
        var log = new RecordingDeploymentLog();
        return (await new Planner(session, log, env.Time!).PlanOrOfflineAsync(definitions, CancellationToken.None), log);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
