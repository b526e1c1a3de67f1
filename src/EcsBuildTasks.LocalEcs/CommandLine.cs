using System.Globalization;

namespace EcsBuildTasks.LocalEcs;

/// <summary>Parses LocalEcs's command-line options (documented in README.md).</summary>
internal static class CommandLine
{
    public const string Usage = """
        Usage: EcsBuildTasks.LocalEcs [--port N] [--time-scale X] [--state-file PATH [--reset-state]] [--container-instances N] [--exit-with PID]
          --port N                 TCP port on localhost (default 4599; 0 picks a free one)
          --time-scale X           simulated seconds per real second (default 60; 0 = instant)
          --state-file PATH        persist state across restarts (blobs in PATH.blobs/)
          --reset-state            start empty: move the state file and its journal aside first (PATH.bak-<time>)
          --container-instances N  simulated EC2 container instances per cluster (default 2)
          --exit-with PID          stop (saving the state file) when process PID exits
        """;

    /// <summary>Returns the options, or null with <paramref name="error"/> set (null error: help was asked for).</summary>
    public static LocalEcsOptions? Parse(IReadOnlyList<string> args, out string? error) => Parse(args, out error, out _);

    /// <param name="exitWithProcessId">The process whose exit stops LocalEcs (the build that started it), or null.</param>
    public static LocalEcsOptions? Parse(IReadOnlyList<string> args, out string? error, out int? exitWithProcessId)
    {
        exitWithProcessId = null;
        var port = 4599;
        var timeScale = 60.0;
        string? stateFile = null;
        var instances = 2;
        var resetState = false;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return null;
            }

            if (name == "--reset-state")
            {
                resetState = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                error = $"Option {name} needs a value.";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--port" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535:
                    port = p;
                    break;
                case "--time-scale" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t >= 0 && double.IsFinite(t):
                    timeScale = t;
                    break;
                case "--state-file":
                    stateFile = value;
                    break;
                case "--exit-with" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0:
                    exitWithProcessId = pid;
                    break;
                case "--container-instances" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 100:
                    instances = n;
                    break;
                default:
                    error = $"Unknown option or invalid value: {name} {value}";
                    return null;
            }
        }

        if (resetState && stateFile is null)
        {
            error = "--reset-state needs --state-file: without a state file LocalEcs always starts empty.";
            return null;
        }

        return new LocalEcsOptions
        {
            Port = port,
            TimeScale = timeScale,
            StateFile = stateFile,
            ResetState = resetState,
            ContainerInstancesPerCluster = instances,
            ConsoleLogging = true,
        };
    }
}
