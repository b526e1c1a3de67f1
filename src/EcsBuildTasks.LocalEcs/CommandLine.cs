using System.Globalization;
using EcsBuildTasks.LocalEcs.Iam.Policies;

namespace EcsBuildTasks.LocalEcs;

/// <summary>Parses LocalEcs's command-line options (documented in README.md).</summary>
internal static class CommandLine
{
    public const string Usage = """
        Usage: EcsBuildTasks.LocalEcs [--port N] [--time-scale X] [--state-file PATH [--reset-state]] [--container-instances N] [--exit-with PID]
                                      [--lease ID --lease-process PID --lease-holder TEXT [--idle-exit-seconds S]]
                                      [--iam-policy FILE] [--strict-iam-roles]
          --port N                 TCP port on localhost (default 4599; 0 picks a free one)
          --time-scale X           simulated seconds per real second (default 60; 0 = instant)
          --state-file PATH        persist state across restarts (blobs in PATH.blobs/)
          --reset-state            start empty: move the state file and its journal aside first (PATH.bak-<time>)
          --container-instances N  simulated EC2 container instances per cluster (default 2)
          --exit-with PID          stop (saving the state file) when process PID exits
          --lease ID               started for a build: its lease (with --lease-process, the build's process id, and
                                   --lease-holder, e.g. "project Orders"); exits once no build holds a lease
          --idle-exit-seconds S    with --lease: how long to wait, unused, before exiting (default 3)
          --iam-policy FILE        authorise every AWS request against this IAM policy (JSON)
          --strict-iam-roles       task and execution roles must exist in LocalEcs's IAM and trust ecs-tasks.amazonaws.com
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
        string? leaseId = null;
        int? leaseProcess = null;
        string? leaseHolder = null;
        var idleExit = TimeSpan.FromSeconds(3);
        string? iamPolicy = null;
        var strictRoles = false;
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

            if (name == "--strict-iam-roles")
            {
                strictRoles = true;
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
                case "--lease" when !string.IsNullOrWhiteSpace(value):
                    leaseId = value;
                    break;
                case "--lease-process" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var leasePid) && leasePid > 0:
                    leaseProcess = leasePid;
                    break;
                case "--lease-holder" when !string.IsNullOrWhiteSpace(value):
                    leaseHolder = value;
                    break;
                case "--idle-exit-seconds" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var idle) && idle is >= 0 and <= 3600:
                    idleExit = TimeSpan.FromSeconds(idle);
                    break;
                case "--iam-policy":
                    iamPolicy = ReadPolicy(value, out error);
                    if (iamPolicy is null)
                    {
                        return null;
                    }
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

        if ((leaseId, leaseProcess, leaseHolder) is not (null, null, null) and not ({ }, { }, { }))
        {
            error = "--lease, --lease-process and --lease-holder go together.";
            return null;
        }

        return new LocalEcsOptions
        {
            StartedForBuild = leaseId is null ? null : new LocalEcsBuildLease(leaseId, leaseProcess!.Value, leaseHolder!),
            IdleExitDelay = idleExit,
            Port = port,
            TimeScale = timeScale,
            StateFile = stateFile,
            ResetState = resetState,
            ContainerInstancesPerCluster = instances,
            IamPolicy = iamPolicy,
            StrictIamRoles = strictRoles,
            ConsoleLogging = true,
        };
    }

    /// <summary>Reads and checks the <c>--iam-policy</c> file; null with <paramref name="error"/> when it cannot be used.</summary>
    private static string? ReadPolicy(string path, out string? error)
    {
        error = null;
        try
        {
            var text = File.ReadAllText(path);
            PolicyDocument.Parse(text, PolicyKind.Identity);
            return text;
        }
        catch (IOException e)
        {
            error = $"Cannot read --iam-policy {path}: {e.Message}";
        }
        catch (UnauthorizedAccessException e)
        {
            error = $"Cannot read --iam-policy {path}: {e.Message}";
        }
        catch (PolicyFormatException e)
        {
            error = $"--iam-policy {path} is not a policy IAM would accept: {e.Message}";
        }

        return null;
    }
}
