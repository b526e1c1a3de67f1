namespace EcsBuildTasks.Core.Diagnostics;

/// <summary>A diagnostic code and the one-line title the README lists for it.</summary>
internal sealed record DiagnosticDescriptor(string Code, string Title);
