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

    /// <summary>
    /// Where MSBuild records whether it chose the terminal logger (<c>1</c> or <c>0</c>), in its own environment and its
    /// nodes'. It is the whole decision: MSBuild also turns the terminal logger off for causes a task cannot see in the
    /// command line, e.g. <c>MSBUILDENSURESTDOUTFORTASKPROCESSES=1</c>, which <c>dotnet test</c> sets for its child processes.
    /// </summary>
    internal const string TerminalLoggerDecision = "_MSBUILDTLENABLED";

    /// <summary>The live line for this process's console (or its build's terminal), or null for the line log.</summary>
    public static LiveStatusLine? ForThisProcess()
    {
        if (!Console.IsOutputRedirected)
        {
            return IsLive(Environment.GetEnvironmentVariable, Environment.GetCommandLineArgs(), outputIsTerminal: true)
                ? new LiveStatusLine(Console.Out, TimeProvider.System, ConsoleWidth)
                : null;
        }

        // An MSBuild worker node (the project was scheduled on another node, whose output goes to the main process): the
        // build's own process is its parent; when that one writes to a terminal with the terminal logger, so does the line.
        // The parent's environment is the one it started with; MSBuild's decision is in this node's own (it starts its nodes with it).
        return BuildTerminal.OfParentProcess() is { } build
            && IsLive(name => name == TerminalLoggerDecision ? Environment.GetEnvironmentVariable(name) : build.Environment(name), build.CommandLine, outputIsTerminal: true)
            ? build.OpenStatusLine()
            : null;
    }

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

        if (environment(TerminalLoggerDecision) is "0" or "1")
        {
            return environment(TerminalLoggerDecision) == "1";
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
/// The terminal of the build's main process, seen from an MSBuild worker node (Linux: <c>/proc</c> of the parent
/// process): its command line, its environment, and the terminal its standard output is.
/// </summary>
internal sealed class BuildTerminal
{
    private readonly Dictionary<string, string> environment;

    private BuildTerminal(string device, IReadOnlyList<string> commandLine, Dictionary<string, string> environment)
    {
        Device = device;
        CommandLine = commandLine;
        this.environment = environment;
    }

    /// <summary>The terminal device (<c>/dev/pts/3</c>).</summary>
    public string Device { get; }

    public IReadOnlyList<string> CommandLine { get; }

    public string? Environment(string name) => environment.GetValueOrDefault(name);

    /// <summary>The parent's terminal, or null (not Linux, no such process readable, output not a terminal, not a .NET build).</summary>
    public static BuildTerminal? OfParentProcess()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var parent = ParentProcessId();
            var process = $"/proc/{parent}";
            var commandLine = File.ReadAllText($"{process}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var device = new FileInfo($"{process}/fd/1").LinkTarget;
            if (parent <= 1 || commandLine.Length == 0 || !commandLine[0].Contains("dotnet", StringComparison.OrdinalIgnoreCase)
                || device is null || !(device.StartsWith("/dev/pts/", StringComparison.Ordinal) || device.StartsWith("/dev/tty", StringComparison.Ordinal)))
            {
                return null;
            }

            var environment = File.ReadAllText($"{process}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(e => e.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
            return new BuildTerminal(device, commandLine, environment);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>A status line written to the build's terminal, as wide as the terminal says it is (80 when it cannot tell).</summary>
    public LiveStatusLine? OpenStatusLine()
    {
        try
        {
            var terminal = new StreamWriter(new FileStream(Device, FileMode.Open, FileAccess.Write, FileShare.ReadWrite), new System.Text.UTF8Encoding(false)) { AutoFlush = false };
            var columns = Columns(Device);
            return new LiveStatusLine(terminal, TimeProvider.System, () => columns, ownsTerminal: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ParentProcessId()
    {
        // /proc/self/stat: "pid (command) state ppid ...": the command may hold spaces, so read after its closing parenthesis.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int Columns(string device)
    {
        try
        {
            using var stty = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stty", ["-F", device, "size"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (stty is not null && stty.WaitForExit(2000) && stty.ExitCode == 0
                && stty.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var width]
                && int.TryParse(width, System.Globalization.CultureInfo.InvariantCulture, out var columns) && columns > 0)
            {
                return columns;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }

        return 80;
    }
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
    private readonly bool ownsTerminal;
    private readonly TimeProvider time;
    private readonly Func<int> width;
    private readonly ITimer timer;
    private readonly object gate = new();
    private DeploymentProgress? current;
    private bool disposed;

    public LiveStatusLine(TextWriter terminal, TimeProvider time, Func<int> width, bool ownsTerminal = false)
    {
        this.terminal = terminal;
        this.ownsTerminal = ownsTerminal;
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
        if (ownsTerminal)
        {
            terminal.Dispose();
        }
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
