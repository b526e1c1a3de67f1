using System.Text;
using System.Text.RegularExpressions;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// What a person at a terminal sees while a deployment waits (issue 19, part 3): `dotnet publish` run under a
/// pseudo-terminal (tmux), its screen read while the blue/green deployment bakes. Under the terminal logger the wait is
/// one live status line below the project's node line, not a scroll; under CI=true the build log is the line log it
/// always was, without an escape code.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed partial class TerminalProgressDeployTests
{
    [TestMethod]
    public async Task A_blue_green_bake_shows_as_one_live_line_under_the_terminal_logger_and_as_the_line_log_under_CI()
    {
        if (!Peers.CommandWorks("tmux", "-V"))
        {
            Peers.Missing("tmux (apt-get install tmux)");
        }

        var wiring = await TrafficWiring.CreateAsync(await LocalEcsFixture.ClientsAsync(), "tp-" + Guid.NewGuid().ToString("N")[..8]);
        using var project = await LocalEcsProjects.CreateAsync("e2e", LocalEcsProjects.NewName("tp"));
        string[] blueGreen =
        [
            "-p:EcsDeploymentStrategy=BlueGreen", $"-p:EcsTargetGroupArn={wiring.BlueTargetGroupArn}", $"-p:EcsAlternateTargetGroupArn={wiring.GreenTargetGroupArn}",
            $"-p:EcsProductionListenerRuleArn={wiring.ProductionRuleArn}", $"-p:EcsTestListenerRuleArn={wiring.TestRuleArn}",
            $"-p:EcsInfrastructureRoleArn={TrafficWiring.InfrastructureRoleArn}",
        ];

        // CI: the line log of today, as a CI system records it.
        var ci = project.Dotnet(new Dictionary<string, string?> { ["CI"] = "true" }, ["publish", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false", .. blueGreen]);

        LocalEcsProjects.AssertSucceeded(ci);
        Assert.IsFalse(ci.Output.Contains('\u001b', StringComparison.Ordinal), "no escape code in a CI log");
        Assert.IsTrue(WaitLine().IsMatch(ci.StandardOutput), $"the waiting is logged line by line:\n{ci.StandardOutput}");
        StringAssert.Contains(ci.StandardOutput, "EcsBuildTasks: deployed: the new revision is serving");

        // An interactive terminal: the SDK's default logger (the terminal logger), the screen read while green bakes (an hour: 12 s here).
        var screen = await RunInTerminalAsync(project, ["publish", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false", .. blueGreen, "-p:EcsBakeTimeMinutes=60", "-p:Revision=2"]);

        var live = screen.During.Split('\n').Where(l => LiveLine().IsMatch(l)).ToList();
        Assert.HasCount(1, live, $"one live status line while it bakes:\n{screen.During}");
        StringAssert.StartsWith(live[0], $"    {project.Name} · BAKE_TIME · running 1/1 · traffic 100% · ");
        var lines = screen.During.Split('\n').ToList();
        var at = lines.IndexOf(live[0]);
        StringAssert.StartsWith(lines[at - 1], "  consumer ", $"it sits under the project's node line, as the SDK's own steps show:\n{screen.During}");
        Assert.IsFalse(screen.During.Contains("EcsBuildTasks: [", StringComparison.Ordinal), $"no scroll of progress lines:\n{screen.During}");
        Assert.AreEqual(0, screen.ExitCode, screen.After);
        Assert.IsFalse(screen.After.Split('\n').Any(l => LiveLine().IsMatch(l)), $"the live line is gone when the build ends:\n{screen.After}");
        StringAssert.Contains(screen.After, "Build succeeded");
        Assert.AreEqual("succeeded", (string?)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "ecs-deployment.json")))!["status"]);
    }

    /// <summary>Runs dotnet in a detached tmux session (a real pseudo-terminal, 150×40) and reads its screen while the deployment bakes and at the end.</summary>
    private static async Task<(string During, string After, int ExitCode)> RunInTerminalAsync(ConsumerProject project, string[] arguments)
    {
        var socket = "ecs-tp-" + Guid.NewGuid().ToString("N")[..8];
        var exitFile = Path.Combine(project.Directory, "exit-code");
        var environment = Dotnet.Environment(null);
        var command = new StringBuilder("env");

        // What a person's shell would not have: the CI variables of the test run, what `dotnet test` sets for its child processes
        // (MSBUILDENSURESTDOUTFORTASKPROCESSES=1 turns MSBuild's terminal logger off), and the variables Dotnet.Environment removes.
        foreach (var name in new[] { "CI", "GITHUB_ACTIONS", "TF_BUILD", "MSBUILDTERMINALLOGGER", "NO_COLOR", "MSBUILDENSURESTDOUTFORTASKPROCESSES", "_MSBUILDTLENABLED" }.Concat(environment.Where(e => e.Value is null).Select(e => e.Key)))
        {
            command.Append(" -u ").Append(name);
        }

        foreach (var (name, value) in environment.Where(e => e.Value is not null))
        {
            command.Append(' ').Append(Quote($"{name}={value}"));
        }

        command.Append(" TERM=xterm-256color dotnet");
        foreach (var argument in arguments)
        {
            command.Append(' ').Append(Quote(argument));
        }

        command.Append($"; echo $? > {Quote(exitFile)}; sleep 600");
        var started = ProcessRunner.Run("tmux", ["-L", socket, "new-session", "-d", "-x", "150", "-y", "40", "-c", project.Directory, "bash", "-c", command.ToString()], timeout: TimeSpan.FromSeconds(30));
        Assert.AreEqual(0, started.ExitCode, started.ToString());
        try
        {
            string? during = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
            while (!File.Exists(exitFile) && DateTime.UtcNow < deadline)
            {
                var screen = Capture(socket);
                if (screen.Split('\n').Any(l => LiveLine().IsMatch(l)))
                {
                    during = screen;
                    break;
                }

                await Task.Delay(200);
            }

            while (!File.Exists(exitFile) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            var after = Capture(socket);
            Assert.IsTrue(File.Exists(exitFile), $"the publish did not end in time:\n{after}");
            Assert.IsNotNull(during, $"the screen never showed the live line while the deployment baked:\n{after}");
            return (during, after, int.Parse(File.ReadAllText(exitFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            ProcessRunner.Run("tmux", ["-L", socket, "kill-server"], timeout: TimeSpan.FromSeconds(30));
        }
    }

    private static string Capture(string socket)
    {
        var capture = ProcessRunner.Run("tmux", ["-L", socket, "capture-pane", "-p", "-J"], timeout: TimeSpan.FromSeconds(30));
        Assert.AreEqual(0, capture.ExitCode, capture.ToString());
        return capture.StandardOutput.Replace("\r", string.Empty, StringComparison.Ordinal);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^ {4}\S+ · BAKE_TIME · running \d+/\d+ · traffic 100% · \d+:\d\d · bake \d+:\d\d left\s*$")]
    private static partial Regex LiveLine();

    // The first deployment of a new service may pass from PENDING to SUCCESSFUL between two polls on a busy machine.
    [GeneratedRegex(@"EcsBuildTasks: \[\d+:\d\d\] [A-Z_]+(?: \([A-Z_]+\))? · running \d+/\d+ · pending \d+ · failed \d+")]
    private static partial Regex WaitLine();
}
