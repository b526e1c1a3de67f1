using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Solution;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EcsBuildTasks;

/// <summary>
/// Before anything changes: checks this project against the other projects of its publish (its EcsDeployAfter
/// projects exist and deploy, no cycle, no other project deploying the same service) and says what it must wait for
/// and whether it combines the publish's results.
/// </summary>
public sealed class CheckEcsSolution : EcsTask
{
    /// <summary>What every project of the publish described (<c>DescribeEcsDeployment</c>).</summary>
    public ITaskItem[] Descriptions { get; set; } = [];

    /// <summary>The projects the publish builds, with the global properties it builds them with (<c>AdditionalProperties</c>).</summary>
    public ITaskItem[] PublishProjects { get; set; } = [];

    /// <summary>The solution published; empty for the publish of one project (nothing to combine).</summary>
    public string? SolutionFile { get; set; }

    /// <summary>MSBuild's node count (<c>$(MSBuildNodeCount)</c>): how many deployments can wait at once depends on it.</summary>
    public int NodeCount { get; set; } = 1;

    /// <summary>The projects to wait for (their <c>AdditionalProperties</c> as the publish builds them).</summary>
    [Output]
    public ITaskItem[] AwaitFirst { get; private set; } = [];

    /// <summary>For the project that combines the results: every other project that deploys.</summary>
    [Output]
    public ITaskItem[] CombineFrom { get; private set; } = [];

    /// <summary>For the project that combines the results: the descriptions of every project that deploys.</summary>
    [Output]
    public ITaskItem[] Deployments { get; private set; } = [];

    [Output]
    public bool CombinesResults { get; private set; }

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        var self = Path.GetFullPath(ProjectFile ?? BuildEngine.ProjectFileOfTaskNode);
        var plan = new SolutionPlan(SolutionItems.Projects(Descriptions), PublishProjects.Select(p => p.ItemSpec));
        var check = plan.Check(self, diagnostics);
        foreach (var skipped in check.NotInThisPublish)
        {
            DeploymentLog.Info($"EcsBuildTasks: deploys after {skipped.Name} (EcsDeployAfter), which this publish does not deploy: going ahead without waiting for it");
        }

        AwaitFirst = [.. check.AwaitFirst.Select(AsPublished)];
        if (check.AwaitFirst.Count > 0)
        {
            DeploymentLog.Info($"EcsBuildTasks: deploys after {string.Join(", ", check.AwaitFirst.Select(d => d.Service is null ? d.Name : $"{d.Name} (service {d.Service})"))} (EcsDeployAfter): waits for {(check.AwaitFirst.Count == 1 ? "its deployment" : "their deployments")} to succeed first");
        }

        CombinesResults = check.CombinesResults && !string.IsNullOrEmpty(SolutionFile);
        if (CombinesResults)
        {
            CombineFrom = [.. check.Deployments.Where(d => !string.Equals(d.ProjectFile, self, StringComparison.Ordinal)).Select(AsPublished)];
            Deployments = [.. Descriptions.Where(d => check.Deployments.Any(p => string.Equals(p.ProjectFile, Path.GetFullPath(d.ItemSpec), StringComparison.Ordinal)))];
            OverlappingWaits.Check(
                check.Deployments.Count,
                NodeCount,
                Environment.GetEnvironmentVariable(OverlappingWaits.NodeLimitOffsetVariable),
                Environment.GetEnvironmentVariable(OverlappingWaits.SchedulingUnlimitedVariable),
                diagnostics);
        }
    }

    private TaskItem AsPublished(SolutionProject project)
    {
        var item = new TaskItem(project.ProjectFile);
        var published = PublishProjects.FirstOrDefault(p => string.Equals(Path.GetFullPath(p.ItemSpec), project.ProjectFile, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
        item.SetMetadata("AdditionalProperties", published?.GetMetadata("AdditionalProperties") ?? string.Empty);
        return item;
    }
}
