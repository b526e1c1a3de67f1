using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>The command line: options, serving, and saving the state file when stopped with SIGTERM.</summary>
[TestClass]
public sealed class CommandLineTests
{
    [TestMethod]
    public void Options_parse_and_bad_values_are_refused()
    {
        var options = CommandLine.Parse(["--port", "0", "--time-scale", "0", "--state-file", "s.json", "--container-instances", "3"], out var error);
        Assert.IsNull(error);
        Assert.AreEqual(0, options!.Port);
        Assert.AreEqual(0, options.TimeScale);
        Assert.AreEqual("s.json", options.StateFile);
        Assert.AreEqual(3, options.ContainerInstancesPerCluster);
        Assert.AreEqual(60, CommandLine.Parse([], out _)!.TimeScale, "60 simulated seconds per real second by default");
        Assert.AreEqual(4599, CommandLine.Parse([], out _)!.Port);
        Assert.IsNull(CommandLine.Parse(["--time-scale", "-1"], out error));
        StringAssert.Contains(error, "--time-scale");
        Assert.IsNull(CommandLine.Parse(["--port"], out error));
        StringAssert.Contains(error, "needs a value");
        Assert.IsNull(CommandLine.Parse(["--help"], out error));
        Assert.IsNull(error, "help is not an error");
        Assert.IsTrue(CommandLine.Parse(["--state-file", "s.json", "--reset-state", "--port", "0"], out error)!.ResetState, "a flag without a value");
        Assert.IsFalse(CommandLine.Parse(["--state-file", "s.json"], out _)!.ResetState);
        Assert.IsNull(CommandLine.Parse(["--reset-state"], out error));
        StringAssert.Contains(error, "--reset-state needs --state-file");
    }

    [TestMethod]
    public void The_IAM_options_take_a_policy_file_IAM_would_accept_and_a_strictness_flag()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-iam-options-").FullName;
        try
        {
            var policy = Path.Combine(folder, "policy.json");
            File.WriteAllText(policy, """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]}""");
            var options = CommandLine.Parse(["--iam-policy", policy, "--strict-iam-roles", "--port", "0"], out var error);
            Assert.IsNull(error);
            StringAssert.Contains(options!.IamPolicy, "ecs:*");
            Assert.IsTrue(options.StrictIamRoles);
            Assert.IsFalse(CommandLine.Parse([], out _)!.StrictIamRoles, "format-only role checks by default");
            Assert.IsNull(CommandLine.Parse([], out _)!.IamPolicy, "no enforcement by default");

            File.WriteAllText(policy, """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:*"}]}""");
            Assert.IsNull(CommandLine.Parse(["--iam-policy", policy], out error));
            StringAssert.Contains(error, "is not a policy IAM would accept");
            StringAssert.Contains(error, "Resource");
            Assert.IsNull(CommandLine.Parse(["--iam-policy", Path.Combine(folder, "missing.json")], out error));
            StringAssert.Contains(error, "Cannot read --iam-policy");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task The_program_stops_and_saves_its_state_when_the_process_it_was_started_for_exits()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-exit-with-").FullName;
        var port = ProcessRunner.FreeTcpPort();
        var stateFile = Path.Combine(folder, "state.json");
        var log = new StringBuilder();
        using var parent = ProcessRunner.Start("sleep", ["300"], new StringBuilder());
        var program = Path.Combine(AppContext.BaseDirectory, "EcsBuildTasks.LocalEcs.dll");
        using var process = ProcessRunner.Start("dotnet", [program, "--port", port.ToString(CultureInfo.InvariantCulture), "--time-scale", "0", "--state-file", stateFile, "--exit-with", parent.Id.ToString(CultureInfo.InvariantCulture)], log);
        try
        {
            using var aws = new AwsClient(new Uri($"http://localhost:{port}"));
            await LiveLocalEcs.WaitUntilAsync(async () =>
            {
                try
                {
                    return (await aws.ControlAsync(HttpMethod.Get, "health")).Status == System.Net.HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "LocalEcs to listen\n" + log, 60);
            await aws.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "kept-after-the-parent-exits" });

            parent.Kill();

            Assert.IsTrue(process.WaitForExit(TimeSpan.FromSeconds(30)), "LocalEcs outlived the process it was started for:\n" + log);
            StringAssert.Contains(File.ReadAllText(stateFile), "kept-after-the-parent-exits");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task The_program_serves_on_its_port_and_saves_its_state_file_on_SIGTERM()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Sends SIGTERM with kill(1).");
        }

        var folder = Directory.CreateTempSubdirectory("localecs-cli-").FullName;
        var port = ProcessRunner.FreeTcpPort();
        var stateFile = Path.Combine(folder, "state.json");
        var log = new StringBuilder();
        var program = Path.Combine(AppContext.BaseDirectory, "EcsBuildTasks.LocalEcs.dll");
        using var process = ProcessRunner.Start("dotnet", [program, "--port", port.ToString(CultureInfo.InvariantCulture), "--time-scale", "0", "--state-file", stateFile], log);
        try
        {
            using var aws = new AwsClient(new Uri($"http://localhost:{port}"));
            await LiveLocalEcs.WaitUntilAsync(async () =>
            {
                try
                {
                    return (await aws.ControlAsync(HttpMethod.Get, "health")).Status == System.Net.HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "LocalEcs to listen\n" + log, 60);
            await aws.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "from-the-command-line" });
            var kill = ProcessRunner.Run("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            Assert.AreEqual(0, kill.ExitCode, kill.ToString());
            Assert.IsTrue(process.WaitForExit(30_000), "LocalEcs stops on SIGTERM\n" + log);
            Assert.AreEqual(0, process.ExitCode, log.ToString());
            StringAssert.Contains(log.ToString(), $"LocalEcs listening on http://localhost:{port}/");
            StringAssert.Contains(await File.ReadAllTextAsync(stateFile), "from-the-command-line", "state saved at shutdown");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }
}
