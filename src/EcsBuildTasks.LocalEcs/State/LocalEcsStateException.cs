using System.Diagnostics.CodeAnalysis;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// The state file (or its journal) cannot be read. LocalEcs does not start on it: it never resets state silently. The
/// message names the file, says what is wrong and how to start fresh (<c>--reset-state</c>, which keeps the file aside).
/// </summary>
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "Thrown by the public LocalEcsServer.StartAsync.")]
public sealed class LocalEcsStateException : Exception
{
    public LocalEcsStateException(string file, string problem)
        : base($"LocalEcs cannot read its state file {file}: {problem}. Nothing was changed. To start with empty state, start LocalEcs with --reset-state "
            + "(it moves the state file and its journal aside as a backup, named in its output) or move them aside yourself; or restore a good copy.")
    {
        File = file;
    }

    public LocalEcsStateException()
    {
        File = string.Empty;
    }

    public LocalEcsStateException(string message)
        : base(message)
    {
        File = string.Empty;
    }

    public LocalEcsStateException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = string.Empty;
    }

    /// <summary>The file that could not be read.</summary>
    public string File { get; }
}
