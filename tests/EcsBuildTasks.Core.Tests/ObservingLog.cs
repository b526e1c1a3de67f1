using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Tests;

/// <summary>Records the deployment's lines and runs an action each time a line contains <paramref name="trigger"/> (a point at which the test looks at AWS or interferes).</summary>
internal sealed class ObservingLog(string trigger, Action action, IDeploymentLog? inner = null) : IDeploymentLog
{
    private readonly RecordingDeploymentLog recording = new();

    public string Text => recording.Text;

    public void Info(string message)
    {
        recording.Info(message);
        inner?.Info(message);
        if (message.Contains(trigger, StringComparison.Ordinal))
        {
            action();
        }
    }

    public void Detail(string message)
    {
        recording.Detail(message);
        inner?.Detail(message);
    }

    public void Warning(EcsDiagnostic diagnostic)
    {
        recording.Warning(diagnostic);
        inner?.Warning(diagnostic);
    }
}
