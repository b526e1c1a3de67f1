using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Settings;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// After waiting for the projects this one deploys after: when any failed, fails this project with ECS7004 naming
/// them, before it changes anything, and writes a <c>skipped</c> result so that the combined result says why.
/// </summary>
public sealed class ReportEcsDependencies : EcsTask
{
    /// <summary>The projects waited for.</summary>
    public ITaskItem[] Dependencies { get; set; } = [];

    /// <summary>What the ones that deployed returned (<c>_EcsDeploymentOutcome</c>); a dependency missing here failed.</summary>
    public ITaskItem[] Outcomes { get; set; } = [];

    [Required]
    public string ResultFile { get; set; } = string.Empty;

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var failed = Dependencies
            .Where(d => !Outcomes.Any(o => string.Equals(Path.GetFullPath(o.ItemSpec), Path.GetFullPath(d.ItemSpec), comparison)))
            .Select(d => Path.GetFileNameWithoutExtension(d.ItemSpec))
            .ToList();
        if (failed.Count == 0)
        {
            DeploymentLog.Info($"EcsBuildTasks: {string.Join(", ", Dependencies.Select(d => Path.GetFileNameWithoutExtension(d.ItemSpec)))} deployed: this project deploys now");
            return;
        }

        var reason = $"{string.Join(", ", failed)} failed, and this project deploys after {(failed.Count == 1 ? "it" : "them")} ({EcsProperties.DeployAfterItem})";
        diagnostics.Error(DiagnosticCodes.DependencyFailed, EcsProperties.DeployAfterItem,
            $"Not deployed: {reason}. Nothing of this project was changed in ECS; fix {string.Join(", ", failed)} (its errors say why) and publish again.");
        UndeployedResult(project, "skipped", reason).WriteJson(ResultFile);
    }
}
