using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Tests.Features;

/// <summary>
/// Records like <see cref="RecordingDeploymentLog"/> and runs an action once, the first time a line containing
/// <paramref name="trigger"/> is written: a deterministic point in the deployment (e.g. right after UpdateService) at
/// which a test looks at AWS or interferes.
/// </summary>
internal sealed class HookedLog(string trigger, Action action) : IDeploymentLog
{
    private readonly RecordingDeploymentLog inner = new();
    private int fired;

    public bool Fired => Volatile.Read(ref fired) == 1;

    public string Text => inner.Text;

    public RecordingDeploymentLog Recording => inner;

    public void Info(string message)
    {
        inner.Info(message);
        Fire(message);
    }

    public void Detail(string message)
    {
        inner.Detail(message);
        Fire(message);
    }

    public void Warning(EcsDiagnostic diagnostic) => inner.Warning(diagnostic);

    private void Fire(string message)
    {
        if (message.Contains(trigger, StringComparison.Ordinal) && Interlocked.Exchange(ref fired, 1) == 0)
        {
            action();
        }
    }
}
