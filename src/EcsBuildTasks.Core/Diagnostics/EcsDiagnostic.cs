namespace EcsBuildTasks.Core.Diagnostics;

internal enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One problem found in the user's configuration or during a deployment. <see cref="Subject"/> names what the user
/// changes to fix it: an MSBuild property (<c>EcsCpu</c>), an item (<c>EcsSecret 'DB_PASSWORD'</c>) or a template member.
/// </summary>
internal sealed record EcsDiagnostic(DiagnosticDescriptor Descriptor, DiagnosticSeverity Severity, string Subject, string Message)
{
    public string Code => Descriptor.Code;

    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>The text MSBuild shows after <c>error ECSnnnn:</c>.</summary>
    public override string ToString() => $"{Code}: {Message}";
}
