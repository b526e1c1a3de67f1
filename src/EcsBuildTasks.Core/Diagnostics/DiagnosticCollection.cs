using System.Collections;

namespace EcsBuildTasks.Core.Diagnostics;

/// <summary>Collects diagnostics so that one run reports every problem, not just the first.</summary>
internal sealed class DiagnosticCollection : IReadOnlyCollection<EcsDiagnostic>
{
    private readonly List<EcsDiagnostic> diagnostics = [];

    public int Count => diagnostics.Count;

    public bool HasErrors => diagnostics.Exists(d => d.IsError);

    public void Error(DiagnosticDescriptor descriptor, string subject, string message) =>
        diagnostics.Add(new EcsDiagnostic(descriptor, DiagnosticSeverity.Error, subject, message));

    public void Warning(DiagnosticDescriptor descriptor, string subject, string message) =>
        diagnostics.Add(new EcsDiagnostic(descriptor, DiagnosticSeverity.Warning, subject, message));

    public void Add(EcsDiagnostic diagnostic) => diagnostics.Add(diagnostic);

    public void AddRange(IEnumerable<EcsDiagnostic> items) => diagnostics.AddRange(items);

    public IEnumerator<EcsDiagnostic> GetEnumerator() => diagnostics.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
