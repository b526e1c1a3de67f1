using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.Dashboard.Tests.Support;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.Dashboard.Tests;

/// <summary>The control API's faults for a service's next revision (the dashboard's "inject a crash" button).</summary>
[TestClass]
public sealed class NextRevisionFaultTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Arming_is_validated_shown_and_can_be_undone()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        await Services.RollingAsync(session, "prod", "api", desiredCount: 1);
        var aws = session.Aws;

        foreach (var bad in new[] { "explode", "crash,", "exit:256", "slow-start:-1", "crash;rm -rf", string.Empty })
        {
            var (status, body) = await aws.ControlAsync(HttpMethod.Post, "faults/next-revision", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["simulate"] = bad });
            Assert.AreEqual(HttpStatusCode.BadRequest, status, $"{bad}: {body}");
            StringAssert.Contains(body, "crash, unhealthy, pull-error");
        }

        var (missing, missingBody) = await aws.ControlAsync(HttpMethod.Post, "faults/next-revision", new JsonObject { ["cluster"] = "prod", ["service"] = "nope", ["simulate"] = "crash" });
        Assert.AreEqual(HttpStatusCode.NotFound, missing, missingBody);
        var (noCluster, noClusterBody) = await aws.ControlAsync(HttpMethod.Post, "faults/next-revision", new JsonObject { ["cluster"] = "nope", ["service"] = "api", ["simulate"] = "crash" });
        Assert.AreEqual(HttpStatusCode.BadRequest, noCluster, noClusterBody);
        StringAssert.Contains(noClusterBody, "ClusterNotFoundException");

        var (armed, armedBody) = await aws.ControlAsync(HttpMethod.Post, "faults/next-revision", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["simulate"] = "unhealthy, slow-start:30" });
        Assert.AreEqual(HttpStatusCode.OK, armed, armedBody);
        var overview = await session.ApiAsync("overview");
        Assert.AreEqual("unhealthy, slow-start:30", overview["services"]![0]!["nextRevisionFault"]!.GetValue<string>(), "the dashboard shows what is armed");
        Assert.AreEqual("api", overview["services"]![0]!["group"]!.GetValue<string>());
        Assert.IsNull(overview["services"]![0]!["version"], "a plain service has no version");

        var (disarmed, disarmedBody) = await aws.ControlAsync(HttpMethod.Delete, "faults/next-revision", new JsonObject { ["cluster"] = "prod", ["service"] = "api" });
        Assert.AreEqual(HttpStatusCode.OK, disarmed, disarmedBody);
        Assert.IsNull((await session.ApiAsync("overview"))["services"]![0]!["nextRevisionFault"]);
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["forceNewDeployment"] = true });
        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync("prod", "api") == "SUCCESSFUL", TimeSpan.FromMinutes(10), "a deployment after disarming");
    }

    [TestMethod]
    public async Task An_armed_pull_error_fails_only_the_next_revision()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        await Services.RollingAsync(session, "prod", "api", desiredCount: 2);
        var aws = session.Aws;
        var (status, body) = await aws.ControlAsync(HttpMethod.Post, "faults/next-revision", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["simulate"] = "pull-error" });
        Assert.AreEqual(HttpStatusCode.OK, status, body);

        var v2 = await Services.NewRevisionAsync(session, "api");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "api", ["taskDefinition"] = v2 });
        await session.AdvanceUntilAsync(async () => await session.DeploymentStatusAsync("prod", "api") == "ROLLBACK_SUCCESSFUL", TimeSpan.FromMinutes(15), "the rollback");

        var stopped = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "prod", ["desiredStatus"] = "STOPPED" });
        var tasks = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "prod", ["tasks"] = stopped["taskArns"]!.DeepClone() }))["tasks"]!.AsArray();
        var failed = tasks.Where(t => t!["taskDefinitionArn"]!.GetValue<string>() == v2).ToList();
        Assert.IsTrue(failed.Count >= 3, $"the circuit breaker needed three failed tasks of {v2}, saw {failed.Count}");
        Assert.IsTrue(failed.All(t => t!["stoppedReason"]!.GetValue<string>().StartsWith("CannotPullContainerError", StringComparison.Ordinal)));
        var running = (await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "prod", ["desiredStatus"] = "RUNNING" }))["taskArns"]!.AsArray();
        Assert.AreEqual(2, running.Count, "the restored revision runs its tasks as defined");
        Assert.IsNull((await session.ApiAsync("overview"))["services"]![0]!["nextRevisionFault"], "the fault went with the revision it was armed for");
    }
}
