using EcsBuildTasks.Core.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EcsBuildTasks.Tests;

/// <summary>
/// The live progress of a long wait (issue 19, part 3): when it is shown (an interactive terminal with MSBuild's
/// terminal logger, no CI) and what the status line writes; the pseudo-terminal test in the end-to-end tests reads it
/// from the screen of a real publish.
/// </summary>
[TestClass]
public sealed class TerminalProgressTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [TestMethod]
    [DataRow(true, null, null, "dotnet.dll|publish", DisplayName = "interactive terminal, the SDK's default (terminal logger auto)")]
    [DataRow(true, null, null, "dotnet.dll|publish|-tl:on", DisplayName = "-tl:on")]
    [DataRow(true, null, null, "dotnet.dll|publish|--tl:auto", DisplayName = "--tl:auto")]
    [DataRow(false, null, null, "dotnet.dll|publish|-tl:off", DisplayName = "-tl:off: the classic console logger")]
    [DataRow(false, null, null, "dotnet.dll|publish|-tl:on|/tl:false", DisplayName = "the last switch wins")]
    [DataRow(false, "MSBUILDTERMINALLOGGER", "off", "dotnet.dll|publish", DisplayName = "MSBUILDTERMINALLOGGER=off")]
    [DataRow(false, "CI", "true", "dotnet.dll|publish", DisplayName = "CI=true")]
    [DataRow(false, "GITHUB_ACTIONS", "true", "dotnet.dll|publish|-tl:on", DisplayName = "GitHub Actions, even with -tl:on")]
    [DataRow(false, "TF_BUILD", "True", "dotnet.dll|publish", DisplayName = "Azure Pipelines")]
    [DataRow(true, "CI", "false", "dotnet.dll|publish", DisplayName = "CI=false is no CI")]
    [DataRow(false, "TERM", "dumb", "dotnet.dll|publish", DisplayName = "a dumb terminal")]
    [DataRow(false, null, null, "dotnet.dll|publish|-noConsoleLogger", DisplayName = "no console logger")]
    [DataRow(false, "_MSBUILDTLENABLED", "0", "dotnet.dll|publish|-tl:on", DisplayName = "MSBuild decided against the terminal logger (e.g. MSBUILDENSURESTDOUTFORTASKPROCESSES=1 under dotnet test)")]
    [DataRow(true, "_MSBUILDTLENABLED", "1", "dotnet.dll|publish|-tl:off", DisplayName = "MSBuild's own decision wins over the switches a task can see")]
    public void The_live_line_is_shown_only_under_the_terminal_logger_on_an_interactive_terminal_outside_CI(bool live, string? variable, string? value, string commandLine)
    {
        Assert.AreEqual(live, TerminalProgress.IsLive(name => name == variable ? value : null, commandLine.Split('|'), outputIsTerminal: true));
    }

    [TestMethod]
    public void Output_that_is_not_a_terminal_gets_the_line_log_Visual_Studio_and_log_files_included()
    {
        Assert.IsFalse(TerminalProgress.IsLive(_ => null, ["dotnet.dll", "publish", "-tl:on"], outputIsTerminal: false));
    }

    [TestMethod]
    public void The_status_line_is_drawn_below_the_node_lines_and_its_clocks_move_between_polls()
    {
        var time = new FakeTimeProvider(Start);
        var terminal = new StringWriter();
        using var line = new LiveStatusLine(terminal, time, () => 120);

        line.Show(new DeploymentProgress("orders", "BAKE_TIME", Start.AddSeconds(-62)) { Running = 2, Desired = 2, TrafficPercent = 100, BakeEndsAt = Start.AddMinutes(5) });

        Assert.AreEqual("\u001b7\r    orders · BAKE_TIME · running 2/2 · traffic 100% · 1:02 · bake 5:00 left\u001b[K\u001b8", terminal.ToString(),
            "the cursor is saved, the line written from its start and erased to its end, the cursor restored: no newline, so the terminal logger's layout holds");
        terminal.GetStringBuilder().Clear();
        time.Advance(TimeSpan.FromSeconds(1));
        StringAssert.Contains(terminal.ToString(), "· 1:03 · bake 4:59 left", "redrawn every second without a new poll");

        terminal.GetStringBuilder().Clear();
        line.Clear();
        Assert.AreEqual("\u001b7\r\u001b[K\u001b8", terminal.ToString(), "the line is erased when the wait ends");
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.AreEqual("\u001b7\r\u001b[K\u001b8", terminal.ToString(), "and not drawn again");
    }

    [TestMethod]
    public void A_narrow_terminal_gets_the_line_cut_short_never_wrapped()
    {
        var terminal = new StringWriter();
        using var line = new LiveStatusLine(terminal, new FakeTimeProvider(Start), () => 40);

        line.Show(new DeploymentProgress("orders-api", "PRODUCTION_TRAFFIC_SHIFT", Start) { Running = 1, Desired = 4, TrafficPercent = 25 });

        var text = terminal.ToString()["\u001b7\r".Length..^"\u001b[K\u001b8".Length];
        Assert.AreEqual(39, text.Length);
        StringAssert.EndsWith(text, "…");
    }
}
