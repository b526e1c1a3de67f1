using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>
/// Stops a deployment step with one or more coded diagnostics. The message of each diagnostic is what the user reads;
/// it already says what to fix or which state the service is in.
/// </summary>
internal sealed class DeploymentException : Exception
{
    public DeploymentException()
        : this([])
    {
    }

    public DeploymentException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    public DeploymentException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [];
    }

    public DeploymentException(IReadOnlyList<EcsDiagnostic> diagnostics, Exception? innerException = null)
        : base(string.Join("\n", diagnostics.Select(d => d.ToString())), innerException)
    {
        Diagnostics = diagnostics;
    }

    public DeploymentException(DiagnosticDescriptor descriptor, string subject, string message, Exception? innerException = null)
        : this([new EcsDiagnostic(descriptor, DiagnosticSeverity.Error, subject, message)], innerException)
    {
    }

    public IReadOnlyList<EcsDiagnostic> Diagnostics { get; }
}
