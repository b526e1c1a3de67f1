using System.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Local;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Core.Tests.Local;

/// <summary>
/// How builds share the embedded LocalEcs: the first one starts it, the others join it, and it stops when the last one
/// is done — whichever finishes first — while one started by hand is never stopped. Runs the real LocalEcs program.
/// </summary>
[TestClass]
public sealed class LocalEcsLauncherTests
{
    private static readonly string LocalEcsAssembly = Path.Combine(AppContext.BaseDirectory, "EcsBuildTasks.LocalEcs.dll");

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    [TestMethod]
    public async Task Builds_racing_to_start_it_share_one_that_stops_after_the_last_of_them_whichever_started_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Finds the LocalEcs process in /proc.");
        }

        var folder = Directory.CreateTempSubdirectory("localecs-launcher-").FullName;
        var endpoint = $"http://localhost:{ProcessRunner.FreeTcpPort()}";
        var stateFile = Path.Combine(folder, "state.json");
        var apiLog = new RecordingDeploymentLog();
        var workerLog = new RecordingDeploymentLog();
        try
        {
            var leases = await Task.WhenAll(
                new LocalEcsLauncher(apiLog, TimeProvider.System).AcquireAsync(Start(endpoint, stateFile, "project Api"), CancellationToken.None),
                new LocalEcsLauncher(workerLog, TimeProvider.System).AcquireAsync(Start(endpoint, stateFile, "project Worker"), CancellationToken.None));

            var starter = leases.Single(l => l.Origin == LocalEcsOrigin.StartedForThisBuild);
            var joiner = leases.Single(l => l.Origin == LocalEcsOrigin.StartedByAnotherBuild);
            Assert.AreEqual(starter.StartedBy, joiner.StartedBy, "the joiner names the build that started it");
            Assert.AreEqual(Environment.ProcessId, joiner.StartedByProcessId);
            var (starterLog, joinerLog) = starter == leases[0] ? (apiLog, workerLog) : (workerLog, apiLog);
            StringAssert.Contains(starterLog.Text, $"started LocalEcs at {endpoint} for this publish ({starter.StartedBy}; state in {stateFile})");
            StringAssert.Contains(joinerLog.Text, $"joined LocalEcs at {endpoint} started by {starter.StartedBy} (pid {Environment.ProcessId}; state in {stateFile})");
            using var localEcs = Process.GetProcessById(await LocalEcsProcessIdAsync(endpoint));

            // Later projects of each build reuse their build's lease.
            var again = await new LocalEcsLauncher(starterLog, TimeProvider.System).AcquireAsync(Start(endpoint, stateFile, "project Later"), CancellationToken.None, starter.LeaseId);
            Assert.AreEqual(starter, again with { }, "the same lease, nothing started");
            StringAssert.Contains(starterLog.Text, $"using LocalEcs at {endpoint}, started for this publish by {starter.StartedBy}");
            await new LocalEcsLauncher(joinerLog, TimeProvider.System).AcquireAsync(Start(endpoint, stateFile, "project Later"), CancellationToken.None, joiner.LeaseId);
            StringAssert.Contains(joinerLog.Text, $"using LocalEcs at {endpoint} started by {starter.StartedBy} (pid {Environment.ProcessId}), which this publish joined");
            var joinerHolder = joiner == leases[0] ? "project Api" : "project Worker";
            await new LocalEcsLauncher(starterLog, TimeProvider.System).ReportAsync(endpoint, starter.LeaseId!, CancellationToken.None);
            StringAssert.Contains(starterLog.Text, $"done with LocalEcs at {endpoint}; it keeps running until this publish and {joinerHolder} (pid {Environment.ProcessId}) are done");

            // The build that started it finishes first: it must keep running for the other.
            await new LocalEcsLauncher(starterLog, TimeProvider.System).ReleaseAsync(endpoint, starter.LeaseId!, CancellationToken.None);
            StringAssert.Contains(starterLog.Text, $"done with LocalEcs at {endpoint}; it keeps running for {joinerHolder} (pid {Environment.ProcessId})");
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.IsFalse(localEcs.HasExited, "LocalEcs stopped under a build that still uses it");

            await new LocalEcsLauncher(joinerLog, TimeProvider.System).ReleaseAsync(endpoint, joiner.LeaseId!, CancellationToken.None);
            StringAssert.Contains(joinerLog.Text, $"done with LocalEcs at {endpoint}; no other build uses it, so it stops (state kept in {stateFile})");
            Assert.IsTrue(localEcs.WaitForExit(TimeSpan.FromSeconds(30)), "LocalEcs kept running when no build used it");
            Assert.IsTrue(File.Exists(stateFile), "it saved its state on the way out");
        }
        finally
        {
            KillLeftovers(endpoint);
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task A_build_whose_LocalEcs_is_gone_starts_it_again_with_its_lease_and_says_when_it_will_stop()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Finds the LocalEcs process in /proc.");
        }

        var folder = Directory.CreateTempSubdirectory("localecs-restart-").FullName;
        var endpoint = $"http://localhost:{ProcessRunner.FreeTcpPort()}";
        var stateFile = Path.Combine(folder, "state.json");
        var log = new RecordingDeploymentLog();
        var launcher = new LocalEcsLauncher(log, TimeProvider.System);
        try
        {
            var lease = await launcher.AcquireAsync(Start(endpoint, stateFile, "project Api"), CancellationToken.None);
            using (var crashed = Process.GetProcessById(await LocalEcsProcessIdAsync(endpoint)))
            {
                crashed.Kill();
                await crashed.WaitForExitAsync();
            }

            var again = await launcher.AcquireAsync(Start(endpoint, stateFile, "project Worker"), CancellationToken.None, lease.LeaseId);

            Assert.AreEqual(lease.LeaseId, again.LeaseId);
            Assert.AreEqual(LocalEcsOrigin.StartedForThisBuild, again.Origin);
            Assert.HasCount(2, log.Lines.Where(l => l.Contains($"started LocalEcs at {endpoint} for this publish", StringComparison.Ordinal)).ToList(), log.Text);
            using var localEcs = Process.GetProcessById(await LocalEcsProcessIdAsync(endpoint));
            await launcher.ReportAsync(endpoint, lease.LeaseId!, CancellationToken.None);
            StringAssert.Contains(log.Text, $"done with LocalEcs at {endpoint}; no other build uses it, so it stops when this publish ends (state kept in {stateFile})");
            await launcher.ReleaseAsync(endpoint, lease.LeaseId!, CancellationToken.None);
            Assert.IsTrue(localEcs.WaitForExit(TimeSpan.FromSeconds(30)), "LocalEcs kept running when no build used it");
        }
        finally
        {
            KillLeftovers(endpoint);
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task A_LocalEcs_started_by_hand_is_joined_and_left_running()
    {
        await using var byHand = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 });
        var endpoint = byHand.BaseUrl.ToString().TrimEnd('/');
        var log = new RecordingDeploymentLog();
        var launcher = new LocalEcsLauncher(log, TimeProvider.System);

        var lease = await launcher.AcquireAsync(Start(endpoint, Path.Combine(Path.GetTempPath(), "unused.json"), "project Api"), CancellationToken.None);
        Assert.AreEqual(LocalEcsOrigin.StartedByHand, lease.Origin);
        StringAssert.Contains(log.Text, $"using LocalEcs at {endpoint}, started outside any build (it is left running)");

        await launcher.ReleaseAsync(endpoint, lease.LeaseId!, CancellationToken.None);
        StringAssert.Contains(log.Text, "(detail) EcsBuildTasks: released LocalEcs at");
        Assert.DoesNotContain("stops", log.Text);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.IsFalse(byHand.Unused.IsCompleted, "a LocalEcs started by hand never stops because builds are done");
    }

    [TestMethod]
    public async Task Nothing_listening_on_another_host_is_a_coded_error_naming_the_endpoint()
    {
        var start = Start("http://localecs.invalid:4599", "state.json", "project Api");
        var error = await Assert.ThrowsExactlyAsync<DeploymentException>(() => new LocalEcsLauncher(new RecordingDeploymentLog(), TimeProvider.System).AcquireAsync(start, CancellationToken.None));
        Assert.AreEqual("ECS9000", error.Diagnostics.Single().Code);
        StringAssert.Contains(error.Diagnostics.Single().Message, "EcsEndpointUrl=http://localecs.invalid:4599");
    }

    [TestMethod]
    public async Task A_missing_LocalEcs_assembly_is_a_coded_error()
    {
        var start = Start($"http://localhost:{ProcessRunner.FreeTcpPort()}", Path.Combine(Path.GetTempPath(), "unused.json"), "project Api") with { AssemblyPath = "/nonexistent/EcsBuildTasks.LocalEcs.dll" };
        var error = await Assert.ThrowsExactlyAsync<DeploymentException>(() => new LocalEcsLauncher(new RecordingDeploymentLog(), TimeProvider.System).AcquireAsync(start, CancellationToken.None));
        Assert.AreEqual("ECS9000", error.Diagnostics.Single().Code);
        StringAssert.Contains(error.Diagnostics.Single().Message, "/nonexistent/EcsBuildTasks.LocalEcs.dll");
    }

    private static LocalEcsStart Start(string endpoint, string stateFile, string holder) =>
        new(endpoint, LocalEcsAssembly, stateFile, DotnetHost, holder, Environment.ProcessId);

    /// <summary>The LocalEcs process serving the endpoint: one, once those that lost the race for the port have exited.</summary>
    private static async Task<int> LocalEcsProcessIdAsync(string endpoint)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (LocalEcsProcesses(endpoint) is var processes && processes.Count != 1)
        {
            Assert.IsLessThan(deadline, DateTime.UtcNow, $"{processes.Count} LocalEcs processes for {endpoint}; one should serve it and the others exit");
            await Task.Delay(100);
        }

        return LocalEcsProcesses(endpoint)[0];
    }

    /// <summary>LocalEcs processes started with the endpoint's port (from /proc/*/cmdline).</summary>
    private static List<int> LocalEcsProcesses(string endpoint)
    {
        var port = new Uri(endpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return [.. Directory.GetDirectories("/proc").Select(Path.GetFileName).OfType<string>().Where(n => n.All(char.IsAsciiDigit))
            .Where(pid =>
            {
                try
                {
                    var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
                    return arguments.Any(a => a.EndsWith("EcsBuildTasks.LocalEcs.dll", StringComparison.Ordinal))
                        && arguments.SkipWhile(a => a != "--port").Skip(1).FirstOrDefault() == port;
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .Select(int.Parse)];
    }

    private static void KillLeftovers(string endpoint)
    {
        foreach (var id in LocalEcsProcesses(endpoint))
        {
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill();
            }
            catch (ArgumentException)
            {
            }
        }
    }
}
