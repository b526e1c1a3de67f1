using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// The lease table that lets several builds share one LocalEcs: it exits only when the last build that started or
/// joined it is done (released, or its process gone), never under another build, and never when started by hand.
/// </summary>
[TestClass]
public sealed class BuildLeaseTests
{
    private static readonly TimeSpan IdleDelay = TimeSpan.FromSeconds(3);

    /// <summary>Processes of the test, by id: a start mark while running, none once "killed".</summary>
    private readonly Dictionary<int, string?> processes = new() { [100] = "a", [200] = "b", [300] = "c" };

    private readonly FakeTimeProvider time = new();

    [TestMethod]
    public void Started_for_a_build_it_exits_only_after_the_last_lease_ends_and_the_idle_delay()
    {
        var leases = Started();
        Assert.IsTrue(leases.ExitsWhenUnused);
        leases.Acquire("joiner", 200, "project Worker");

        Assert.IsTrue(leases.Release("starter"), "the starting build is done first");
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.IsFalse(leases.Sweep().ExitNow, "another build still holds a lease: never stop under it");
        Assert.AreEqual("project Worker", leases.Current.Single().Holder);

        Assert.IsTrue(leases.Release("joiner"));
        Assert.IsFalse(leases.Sweep().ExitNow, "a publish right after may still join it");
        time.Advance(IdleDelay);
        Assert.IsTrue(leases.Sweep().ExitNow);
        Assert.IsTrue(leases.Stopping);
        Assert.ThrowsExactly<LeaseRefusedException>(() => leases.Acquire("late", 300, "project Late"), "a stopping LocalEcs sends new builds to start another");
    }

    [TestMethod]
    public void A_build_that_joins_within_the_idle_delay_keeps_it_running()
    {
        var leases = Started();
        leases.Release("starter");
        time.Advance(IdleDelay - TimeSpan.FromMilliseconds(1));
        Assert.IsFalse(leases.Sweep().ExitNow);
        leases.Acquire("next", 200, "project Next");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.IsFalse(leases.Sweep().ExitNow);
        leases.Release("next");
        time.Advance(IdleDelay);
        Assert.IsTrue(leases.Sweep().ExitNow, "the idle delay counts from the last release");
    }

    [TestMethod]
    public void The_lease_of_a_killed_build_ends_with_its_process_and_the_others_keep_theirs()
    {
        var leases = Started();
        leases.Acquire("joiner", 200, "project Worker");

        processes[100] = null;
        var (ended, exitNow) = leases.Sweep();
        Assert.AreEqual("starter", ended.Single().Id, "the starting build was killed: its lease ends");
        Assert.IsFalse(exitNow, "the other build still uses it");

        processes[200] = null;
        Assert.AreEqual("joiner", leases.Sweep().Ended.Single().Id);
        time.Advance(IdleDelay);
        Assert.IsTrue(leases.Sweep().ExitNow, "nobody uses it: it does not run forever");
    }

    [TestMethod]
    public void A_reused_process_id_is_not_the_build_that_held_the_lease()
    {
        var leases = Started();
        processes[100] = "another process with the same id";
        Assert.AreEqual("starter", leases.Sweep().Ended.Single().Id);
    }

    [TestMethod]
    public void Started_by_hand_it_records_leases_but_never_exits_because_of_them()
    {
        var leases = new BuildLeases(time, startedBy: null, IdleDelay, pid => processes.GetValueOrDefault(pid));
        Assert.IsFalse(leases.ExitsWhenUnused);
        leases.Acquire("build", 100, "project Api");
        leases.Release("build");
        time.Advance(TimeSpan.FromHours(1));
        Assert.IsFalse(leases.Sweep().ExitNow);
        Assert.IsFalse(leases.Stopping);
    }

    [TestMethod]
    public void Acquiring_is_idempotent_and_refused_for_a_process_that_is_not_running()
    {
        var leases = Started();
        var first = leases.Acquire("joiner", 200, "project Worker");
        Assert.AreSame(first, leases.Acquire("joiner", 200, "project Worker"));
        Assert.AreEqual(2, leases.Current.Count);
        processes[300] = null;
        var refused = Assert.ThrowsExactly<LeaseRefusedException>(() => leases.Acquire("ghost", 300, "project Ghost"));
        StringAssert.Contains(refused.Message, "300");
        Assert.IsFalse(leases.Release("ghost"));
    }

    [TestMethod]
    public async Task The_control_API_takes_lists_and_releases_leases()
    {
        await using var localEcs = await LiveLocalEcs.StartAsync();
        var self = Environment.ProcessId;
        var (status, body) = await localEcs.Aws.ControlAsync(HttpMethod.Post, "leases", new JsonObject { ["id"] = "l1", ["processId"] = self, ["holder"] = "project Api" });
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        var table = JsonNode.Parse(body)!;
        Assert.IsNull(table["startedBy"], "started by hand (in-process)");
        Assert.IsFalse(table["exitsWhenUnused"]!.GetValue<bool>());
        Assert.AreEqual("project Api", table["lease"]!["holder"]!.GetValue<string>());

        (status, body) = await localEcs.Aws.ControlAsync(HttpMethod.Get, "leases");
        Assert.AreEqual(self, JsonNode.Parse(body)!["leases"]!.AsArray().Single()!["processId"]!.GetValue<int>());

        (status, body) = await localEcs.Aws.ControlAsync(HttpMethod.Delete, "leases/l1");
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        Assert.IsTrue(JsonNode.Parse(body)!["released"]!.GetValue<bool>());
        Assert.AreEqual(0, JsonNode.Parse(body)!["leases"]!.AsArray().Count);

        (status, body) = await localEcs.Aws.ControlAsync(HttpMethod.Post, "leases", new JsonObject { ["id"] = "l2", ["holder"] = "project Api" });
        Assert.AreEqual(HttpStatusCode.BadRequest, status, "no process id");
        StringAssert.Contains(body, "processId");
    }

    [TestMethod]
    public async Task The_program_started_for_a_build_outlives_its_starter_while_another_build_holds_a_lease_then_exits()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-lease-").FullName;
        var port = ProcessRunner.FreeTcpPort();
        var stateFile = Path.Combine(folder, "state.json");
        var log = new StringBuilder();
        using var starter = ProcessRunner.Start("sleep", ["300"], new StringBuilder());
        using var joiner = ProcessRunner.Start("sleep", ["300"], new StringBuilder());
        var program = Path.Combine(AppContext.BaseDirectory, "EcsBuildTasks.LocalEcs.dll");
        using var process = ProcessRunner.Start("dotnet", [program, "--port", port.ToString(CultureInfo.InvariantCulture), "--time-scale", "0", "--state-file", stateFile,
            "--lease", "starter", "--lease-process", starter.Id.ToString(CultureInfo.InvariantCulture), "--lease-holder", "project Api", "--idle-exit-seconds", "1"], log);
        try
        {
            using var aws = new AwsClient(new Uri($"http://localhost:{port}"));
            await LiveLocalEcs.WaitUntilAsync(async () => await ListensAsync(aws), "LocalEcs to listen\n" + log, 60);
            var (status, body) = await aws.ControlAsync(HttpMethod.Post, "leases", new JsonObject { ["id"] = "joiner", ["processId"] = joiner.Id, ["holder"] = "project Worker" });
            Assert.AreEqual(HttpStatusCode.OK, status, body);
            Assert.AreEqual("project Api", JsonNode.Parse(body)!["startedBy"]!["holder"]!.GetValue<string>(), "the joiner learns who started it");
            await aws.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "saved-when-the-last-build-leaves" });

            // The starting build is killed (SIGKILL: it releases nothing); the joiner keeps it running.
            starter.Kill();
            await LiveLocalEcs.WaitUntilAsync(async () => JsonNode.Parse((await aws.ControlAsync(HttpMethod.Get, "leases")).Body)!["leases"]!.AsArray().Count == 1,
                "the killed starter's lease to end\n" + log, 30);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.IsFalse(process.HasExited, "it stopped under the build that still holds a lease:\n" + log);

            (status, body) = await aws.ControlAsync(HttpMethod.Delete, "leases/joiner");
            Assert.AreEqual(HttpStatusCode.OK, status, body);
            Assert.IsTrue(process.WaitForExit(TimeSpan.FromSeconds(30)), "nobody uses it any more, yet it keeps running:\n" + log);
            process.WaitForExit(); // the redirected output read to its end
            Assert.AreEqual(0, process.ExitCode, log.ToString());
            StringAssert.Contains(log.ToString(), "no build uses it any more");
            StringAssert.Contains(File.ReadAllText(stateFile), "saved-when-the-last-build-leaves");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            joiner.Kill();
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task The_program_started_for_a_build_that_is_killed_and_joined_by_none_exits_on_its_own()
    {
        var port = ProcessRunner.FreeTcpPort();
        var log = new StringBuilder();
        using var starter = ProcessRunner.Start("sleep", ["300"], new StringBuilder());
        var program = Path.Combine(AppContext.BaseDirectory, "EcsBuildTasks.LocalEcs.dll");
        using var process = ProcessRunner.Start("dotnet", [program, "--port", port.ToString(CultureInfo.InvariantCulture), "--time-scale", "0",
            "--lease", "starter", "--lease-process", starter.Id.ToString(CultureInfo.InvariantCulture), "--lease-holder", "project Api", "--idle-exit-seconds", "0"], log);
        try
        {
            using var aws = new AwsClient(new Uri($"http://localhost:{port}"));
            await LiveLocalEcs.WaitUntilAsync(async () => await ListensAsync(aws), "LocalEcs to listen\n" + log, 60);
            starter.Kill();
            Assert.IsTrue(process.WaitForExit(TimeSpan.FromSeconds(30)), "LocalEcs outlived the only build that used it:\n" + log);
            // The timed wait returns before the redirected output is read to its end; this one waits for the readers.
            process.WaitForExit();
            StringAssert.Contains(log.ToString(), "Lease of project Api ended: its process");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [TestMethod]
    public void Lease_options_go_together()
    {
        var options = CommandLine.Parse(["--lease", "id1", "--lease-process", "42", "--lease-holder", "project Api", "--idle-exit-seconds", "5"], out var error);
        Assert.IsNull(error);
        Assert.AreEqual(new LocalEcsBuildLease("id1", 42, "project Api"), options!.StartedForBuild);
        Assert.AreEqual(TimeSpan.FromSeconds(5), options.IdleExitDelay);
        Assert.IsNull(CommandLine.Parse([], out _)!.StartedForBuild, "started by hand: no lease, never exits on its own");
        Assert.IsNull(CommandLine.Parse(["--lease", "id1"], out error));
        StringAssert.Contains(error, "go together");
    }

    private BuildLeases Started() =>
        new(time, new BuildLease("starter", 100, "project Api", null, time.GetUtcNow()), IdleDelay, pid => processes.GetValueOrDefault(pid));

    private static async Task<bool> ListensAsync(AwsClient aws)
    {
        try
        {
            return (await aws.ControlAsync(HttpMethod.Get, "health")).Status == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
