using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks;

/// <summary>
/// Whether a long wait is shown live, as a status line under MSBuild's terminal logger, or as today's line log.
/// MSBuild (18.x) gives tasks no way to put text on the terminal logger's live node line, and the terminal logger
/// shows no high-importance message at its default verbosity; what it does keep is one fixed layout: the build's
/// node lines at the bottom, the cursor on the line just below them, redrawn in place. The status line is written on
/// that line, with the cursor saved and restored, so it sits under the project's node line like the terminal
/// logger's own progress; anything the terminal logger writes first erases it and the next redraw puts it back.
/// Live only when all of this holds: the build writes to an interactive terminal (not redirected: not Visual
/// Studio's output window, not a log file, not a pipe), no CI system is detected, and the terminal logger is on
/// (<c>-tl:on|auto</c> or the .NET SDK's default, not <c>-tl:off</c> nor <c>MSBUILDTERMINALLOGGER=off</c>).
/// </summary>
internal static partial class TerminalProgress
{
    /// <summary>Variables CI systems set (MSBuild turns its terminal logger off for the same ones).</summary>
    private static readonly string[] CiVariables =
    [
        "CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "TRAVIS", "APPVEYOR", "JENKINS_URL", "TEAMCITY_VERSION",
        "CODEBUILD_BUILD_ID", "BITBUCKET_BUILD_NUMBER", "JB_SPACE_API_URL",
    ];

    /// <summary>The live line for this process's console, or null for the line log.</summary>
    public static LiveStatusLine? ForThisProcess() =>
        IsLive(Environment.GetEnvironmentVariable, Environment.GetCommandLineArgs(), !Console.IsOutputRedirected)
            ? new LiveStatusLine(Console.Out, TimeProvider.System, ConsoleWidth)
            : null;

    /// <summary>The decision, from the environment, the command line of the build and whether its output is a terminal.</summary>
    internal static bool IsLive(Func<string, string?> environment, IReadOnlyList<string> commandLine, bool outputIsTerminal)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(commandLine);
        if (!outputIsTerminal || string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal))
        {
            return false;
        }

        if (CiVariables.Any(name => environment(name) is { Length: > 0 } value && !value.Equals("false", StringComparison.OrdinalIgnoreCase) && value != "0"))
        {
            return false;
        }

        if (commandLine.Any(a => NoConsoleLogger().IsMatch(a)))
        {
            return false;
        }

        var choice = commandLine.Select(a => TerminalLoggerSwitch().Match(a)).LastOrDefault(m => m.Success)?.Groups["value"].Value
            ?? environment("MSBUILDTERMINALLOGGER");
        return choice is null || !(choice.Equals("off", StringComparison.OrdinalIgnoreCase) || choice.Equals("false", StringComparison.OrdinalIgnoreCase));
    }

    private static int ConsoleWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 120;
        }
    }

    [GeneratedRegex("^(?:/|-|--)(?:tl|terminallogger):(?<value>on|off|true|false|auto)$", RegexOptions.IgnoreCase)]
    private static partial Regex TerminalLoggerSwitch();

    [GeneratedRegex("^(?:/|-|--)(?:noconsolelogger|noconlog)$", RegexOptions.IgnoreCase)]
    private static partial Regex NoConsoleLogger();
}

/// <summary>
/// The live status line: the latest <see cref="DeploymentProgress"/>, redrawn every second (so the elapsed time and
/// the time left of a bake move on between polls) on the line below the terminal logger's node lines.
/// </summary>
internal sealed class LiveStatusLine : IDisposable
{
    /// <summary>Save the cursor, go to the start of its line, ..., erase to the end of the line, restore the cursor.</summary>
    private const string Save = "\u001b7\r", EraseRestOfLine = "\u001b[K", Restore = "\u001b8";

    private readonly TextWriter terminal;
    private readonly TimeProvider time;
    private readonly Func<int> width;
    private readonly ITimer timer;
    private readonly object gate = new();
    private DeploymentProgress? current;
    private bool disposed;

    public LiveStatusLine(TextWriter terminal, TimeProvider time, Func<int> width)
    {
        this.terminal = terminal;
        this.time = time;
        this.width = width;
        timer = time.CreateTimer(_ => Redraw(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Show(DeploymentProgress progress)
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            var first = current is null;
            current = progress;
            if (first)
            {
                timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            }
        }

        Redraw();
    }

    /// <summary>The wait is over: the line is erased (the summary follows in the log).</summary>
    public void Clear()
    {
        lock (gate)
        {
            if (current is null)
            {
                return;
            }

            current = null;
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Write(Save + EraseRestOfLine + Restore);
        }
    }

    public void Dispose()
    {
        Clear();
        lock (gate)
        {
            disposed = true;
        }

        timer.Dispose();
    }

    private void Redraw()
    {
        lock (gate)
        {
            if (current is null || disposed)
            {
                return;
            }

            // Indented under the project's node line; one column short of the width so the terminal never wraps it.
            var text = "    " + current.Line(time.GetUtcNow());
            var room = Math.Max(width() - 1, 10);
            if (text.Length > room)
            {
                text = text[..(room - 1)] + "…";
            }

            Write(Save + text + EraseRestOfLine + Restore);
        }
    }

    private void Write(string text)
    {
        try
        {
            // One write: the terminal logger's own redraws never land in the middle of it.
            terminal.Write(text);
            terminal.Flush();
        }
        catch (IOException)
        {
            // The terminal went away (closed window): the build goes on without the live line.
        }
    }
}
