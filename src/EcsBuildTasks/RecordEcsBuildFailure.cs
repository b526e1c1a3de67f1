using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;

namespace EcsBuildTasks;

/// <summary>
/// A project of a solution publish whose build failed before its deployment (a compile error, a project reference that
/// failed): writes a <c>not-built</c> result with the compiler's first error, so that the publish's combined summary says
/// where it broke. Reports nothing: the build's own errors already fail it.
/// </summary>
public sealed class RecordEcsBuildFailure : EcsTask
{
    /// <summary>This project's <c>EcsResultFile</c>.</summary>
    [Microsoft.Build.Framework.Required]
    public string ResultFile { get; set; } = string.Empty;

    /// <summary>The compiler's SARIF log of this build (<c>ErrorLog</c>); may not exist (the build failed before compiling).</summary>
    public string? CompilerErrorLog { get; set; }

    private protected override bool ReportsDiagnostics => false;

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        var firstError = string.IsNullOrEmpty(CompilerErrorLog) ? null : Core.Features.Solution.CompilerErrorLog.FirstError(CompilerErrorLog, ProjectDirectory);
        var definitions = diagnostics.HasErrors ? null : DefinitionsOfDeployedService(project, new DiagnosticCollection());
        var now = DateTimeOffset.UtcNow;
        new DeploymentResult
        {
            Status = "not-built",
            Service = definitions?.Service.ServiceName ?? project.Settings.ServiceName ?? Path.GetFileNameWithoutExtension(ProjectFile ?? BuildEngine.ProjectFileOfTaskNode),
            Cluster = definitions?.Service.Cluster ?? project.Settings.Cluster ?? "default",
            Region = project.Settings.Region,
            Environment = project.Settings.Release.Environment,
            StatusReason = firstError is null ? "its build failed (its errors say why); nothing was deployed" : $"its build failed at {firstError}; nothing was deployed",
            StartedAt = now,
            FinishedAt = now,
        }.WriteJson(ResultFile);
        DeploymentLog.Info($"EcsBuildTasks: not built, so not deployed: the solution's summary lists it as not-built ({ResultFile})");
    }
}
