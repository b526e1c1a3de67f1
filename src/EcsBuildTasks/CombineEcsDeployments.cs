using System.Globalization;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.Solution;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace EcsBuildTasks;

/// <summary>
/// The end of a solution publish, in the one project that combines it once every other deploying project is done: one
/// summary of every service (the failed ones first), one result file beside the solution, the GitHub step summary and
/// outputs. Never fails the build: each project's own outcome already does.
/// </summary>
public sealed class CombineEcsDeployments : MSBuildTask
{
    /// <summary>The descriptions of every project of the publish that deploys (this one included).</summary>
    public ITaskItem[] Deployments { get; set; } = [];

    /// <summary>What the other projects' builds returned (<c>_EcsDeploymentOutcome</c>); a project missing here failed.</summary>
    public ITaskItem[] Outcomes { get; set; } = [];

    /// <summary>This project's own file and whether its own deployment succeeded.</summary>
    [Required]
    public string ProjectFile { get; set; } = string.Empty;

    public bool ProjectSucceeded { get; set; }

    [Required]
    public string SolutionFile { get; set; } = string.Empty;

    [Required]
    public string ResultFile { get; set; } = string.Empty;

    [Output]
    public string? Status { get; private set; }

    public override bool Execute()
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var self = Path.GetFullPath(ProjectFile);
        var projects = SolutionItems.Projects(Deployments).Select(p => (p, string.Equals(p.ProjectFile, self, comparison)
            ? ProjectSucceeded
            : Outcomes.Any(o => string.Equals(Path.GetFullPath(o.ItemSpec), p.ProjectFile, comparison))));
        var combined = CombinedDeployments.From(SolutionFile, projects);
        Status = combined.Status;
        try
        {
            combined.WriteJson(ResultFile);
            if (combined.Deployments.Count > 1)
            {
                foreach (var line in combined.SummaryLines())
                {
                    Log.LogMessage(MessageImportance.High, line);
                }
            }

            Log.LogMessage(MessageImportance.High, $"EcsBuildTasks: combined result of the solution written to {ResultFile}");
            var github = GitHubActions.FromEnvironment;
            github.WriteStepSummary(combined.Markdown());
            github.WriteOutputs([("deployments-file", Path.GetFullPath(ResultFile)), ("deployments-outcome", combined.Status), ("outcome", combined.Status)]);
        }
        catch (IOException ex)
        {
            Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: could not write the combined result of the solution ({ResultFile}): {ex.Message}"));
        }

        return true;
    }
}
