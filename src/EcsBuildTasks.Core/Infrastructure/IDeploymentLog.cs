using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>Where the engine reports progress. The MSBuild tasks write it to the build log; tests record it.</summary>
internal interface IDeploymentLog
{
    /// <summary>A line the user should see (progress, plan, outcome).</summary>
    void Info(string message);

    /// <summary>A line for the detailed log only (requests made, values resolved).</summary>
    void Detail(string message);

    /// <summary>A coded warning.</summary>
    void Warning(EcsDiagnostic diagnostic);

    /// <summary>
    /// Where a long wait stands, on every poll, for a live display. It is not a line: the line log keeps its own
    /// (throttled) progress lines, so logs that show no live display ignore it.
    /// </summary>
    void Progress(DeploymentProgress progress)
    {
    }

    /// <summary>The wait reported through <see cref="Progress"/> is over: a live display clears it.</summary>
    void ProgressDone()
    {
    }
}

/// <summary>Collects log lines in memory (tests, and tasks that print later).</summary>
internal sealed class RecordingDeploymentLog : IDeploymentLog
{
    private readonly List<string> lines = [];
    private readonly List<EcsDiagnostic> warnings = [];
    private readonly List<DeploymentProgress> progress = [];
    private readonly object gate = new();

    public IReadOnlyList<string> Lines { get { lock (gate) { return [.. lines]; } } }

    /// <summary>Every progress update reported for a live display, in order.</summary>
    public IReadOnlyList<DeploymentProgress> ProgressUpdates { get { lock (gate) { return [.. progress]; } } }

    public IReadOnlyList<EcsDiagnostic> Warnings { get { lock (gate) { return [.. warnings]; } } }

    public string Text => string.Join("\n", Lines);

    public void Info(string message)
    {
        lock (gate)
        {
            lines.Add(message);
        }
    }

    public void Detail(string message)
    {
        lock (gate)
        {
            lines.Add("  (detail) " + message);
        }
    }

    public void Warning(EcsDiagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        lock (gate)
        {
            warnings.Add(diagnostic);
            lines.Add("warning " + diagnostic);
        }
    }

    public void Progress(DeploymentProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        lock (gate)
        {
            this.progress.Add(progress);
        }
    }
}

/// <summary>Keeps the lines of work that runs alongside other work, to be written in a fixed order afterwards.</summary>
internal sealed class BufferedDeploymentLog : IDeploymentLog
{
    private readonly List<Action<IDeploymentLog>> entries = [];
    private readonly object gate = new();

    public void Info(string message) => Add(log => log.Info(message));

    public void Detail(string message) => Add(log => log.Detail(message));

    public void Warning(EcsDiagnostic diagnostic) => Add(log => log.Warning(diagnostic));

    /// <summary>Writes the lines kept so far to <paramref name="log"/>, in the order they came, and forgets them.</summary>
    public void ReplayTo(IDeploymentLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        Action<IDeploymentLog>[] kept;
        lock (gate)
        {
            kept = [.. entries];
            entries.Clear();
        }

        foreach (var entry in kept)
        {
            entry(log);
        }
    }

    private void Add(Action<IDeploymentLog> entry)
    {
        lock (gate)
        {
            entries.Add(entry);
        }
    }
}
