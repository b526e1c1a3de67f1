using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Solution;

/// <summary>What one project must do in its publish: the projects to wait for, and whether it combines the results.</summary>
/// <param name="AwaitFirst">The projects of this publish it deploys after (EcsDeployAfter), which deploy for real.</param>
/// <param name="NotInThisPublish">Projects it deploys after that this publish does not deploy (it goes ahead without them).</param>
/// <param name="CombinesResults">
/// This project writes the combined summary and result: the last (by path) of the projects nothing in the publish deploys
/// after nor references, so that it can wait for every other one without any of them waiting for it.
/// </param>
/// <param name="Deployments">Every project of the publish that deploys for real, this one included.</param>
internal sealed record SolutionCheck(IReadOnlyList<SolutionProject> AwaitFirst, IReadOnlyList<SolutionProject> NotInThisPublish, bool CombinesResults, IReadOnlyList<SolutionProject> Deployments);

/// <summary>
/// The projects of one publish (every project of a solution publish, or one project and the projects it deploys
/// after) and the checks each runs on them before anything changes: its EcsDeployAfter projects exist and deploy, they
/// form no cycle, and no other project deploys the same service.
/// </summary>
internal sealed class SolutionPlan
{
    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private readonly Dictionary<string, SolutionProject> described;
    private readonly HashSet<string> inThisPublish;

    /// <param name="described">Every project that described itself (projects without EcsBuildTasks describe nothing).</param>
    /// <param name="projectsInThisPublish">The project files the publish builds (a solution's), whether they use EcsBuildTasks or not.</param>
    public SolutionPlan(IEnumerable<SolutionProject> described, IEnumerable<string> projectsInThisPublish)
    {
        this.described = new Dictionary<string, SolutionProject>(PathComparer);
        foreach (var project in described)
        {
            this.described[Path.GetFullPath(project.ProjectFile)] = project;
        }

        inThisPublish = new HashSet<string>(projectsInThisPublish.Select(Path.GetFullPath), PathComparer);
    }

    /// <summary>The checks of <paramref name="projectFile"/>, its errors (named after its EcsDeployAfter items) in <paramref name="diagnostics"/>.</summary>
    public SolutionCheck Check(string projectFile, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var selfPath = Path.GetFullPath(projectFile);
        var deployments = described.Values.Where(p => p.DeploysForReal && inThisPublish.Contains(p.ProjectFile)).OrderBy(p => p.ProjectFile, StringComparer.Ordinal).ToList();
        if (!described.TryGetValue(selfPath, out var self))
        {
            return new SolutionCheck([], [], false, deployments);
        }

        var awaitFirst = new List<SolutionProject>();
        var notInThisPublish = new List<SolutionProject>();
        foreach (var dependencyPath in self.DeployAfter.Select(Path.GetFullPath).Distinct(PathComparer))
        {
            var item = $"<{EcsProperties.DeployAfterItem} Include=\"{Relative(self, dependencyPath)}\" />";
            if (PathComparer.Equals(dependencyPath, selfPath))
            {
                diagnostics.Error(DiagnosticCodes.DeploymentOrderCycle, EcsProperties.DeployAfterItem, $"{item} names this project itself: a project cannot deploy after itself. Remove the item.");
            }
            else if (!File.Exists(dependencyPath))
            {
                diagnostics.Error(DiagnosticCodes.DependencyDoesNotDeploy, EcsProperties.DeployAfterItem, $"{item}: there is no project file {dependencyPath}. Fix the path (relative to this project's folder) or remove the item.");
            }
            else if (!described.TryGetValue(dependencyPath, out var dependency))
            {
                diagnostics.Error(DiagnosticCodes.DependencyDoesNotDeploy, EcsProperties.DeployAfterItem, $"{item}: {Path.GetFileName(dependencyPath)} does not use EcsBuildTasks, so it never deploys to ECS and there is nothing to wait for. Reference the EcsBuildTasks package there, or remove the item.");
            }
            else if (!dependency.Deploys)
            {
                diagnostics.Error(DiagnosticCodes.DependencyDoesNotDeploy, EcsProperties.DeployAfterItem, $"{item}: {dependency.Name} does not deploy in this publish (EcsDeploy is not true there, or EcsSkip=true), so there is nothing to wait for. Deploy it too, or remove the item.");
            }
            else if (!inThisPublish.Contains(dependencyPath) || dependency.DryRun)
            {
                notInThisPublish.Add(dependency);
            }
            else
            {
                awaitFirst.Add(dependency);
            }
        }

        if (Cycle(selfPath) is { } cycle)
        {
            diagnostics.Error(DiagnosticCodes.DeploymentOrderCycle, EcsProperties.DeployAfterItem,
                $"The {EcsProperties.DeployAfterItem} items form a cycle: {string.Join(" → ", cycle.Select(p => described[p].Name))}. Nothing in it could deploy first; remove one of these items.");
        }

        if (self.DeploysForReal || self.Deploys)
        {
            foreach (var other in described.Values.Where(p => p.Deploys && !PathComparer.Equals(p.ProjectFile, selfPath) && inThisPublish.Contains(p.ProjectFile) && p.SameServiceAs(self)))
            {
                diagnostics.Error(DiagnosticCodes.DuplicateService, EcsProperties.ServiceName,
                    $"{self.Name} and {other.Name} ({other.ProjectFile}) both deploy service {self.Service} in cluster {self.Cluster}{(self.Region is null ? string.Empty : $" ({self.Region})")}: each would replace the other's revision. Give one of them its own {EcsProperties.ServiceName} (or cluster), or set EcsSkip=true in one.");
            }
        }

        return new SolutionCheck(awaitFirst, notInThisPublish, self.DeploysForReal && PathComparer.Equals(Combiner(deployments)?.ProjectFile ?? string.Empty, selfPath), deployments);
    }

    /// <summary>
    /// The project that combines the results: the last, by path, of those no project of the publish deploys after nor
    /// references. Nothing asks for its outcome and no other project's build runs its build, so its combining, also in
    /// its failed build's OnError, waits for no project that waits for it.
    /// </summary>
    private static SolutionProject? Combiner(IReadOnlyList<SolutionProject> deployments)
    {
        var dependedOn = new HashSet<string>(deployments.SelectMany(p => p.DeployAfter.Select(Path.GetFullPath)), PathComparer);
        var referenced = new HashSet<string>(deployments.SelectMany(p => p.References.Select(Path.GetFullPath)), PathComparer);
        var candidates = deployments.Where(p => !dependedOn.Contains(p.ProjectFile)).OrderBy(p => p.ProjectFile, StringComparer.Ordinal).ToList();
        return candidates.LastOrDefault(p => !referenced.Contains(p.ProjectFile)) ?? candidates.LastOrDefault();
    }

    /// <summary>A path of EcsDeployAfter edges from <paramref name="start"/> back to itself, or null.</summary>
    private List<string>? Cycle(string start)
    {
        var visited = new HashSet<string>(PathComparer);
        var path = new List<string> { start };
        return Visit(start) ? path : null;

        bool Visit(string project)
        {
            if (!described.TryGetValue(project, out var node))
            {
                return false;
            }

            foreach (var next in node.DeployAfter.Select(Path.GetFullPath))
            {
                if (PathComparer.Equals(next, start))
                {
                    // A project naming itself is reported on its own (ECS7006 for the item).
                    if (PathComparer.Equals(project, start))
                    {
                        continue;
                    }

                    path.Add(next);
                    return true;
                }

                if (visited.Add(next))
                {
                    path.Add(next);
                    if (Visit(next))
                    {
                        return true;
                    }

                    path.RemoveAt(path.Count - 1);
                }
            }

            return false;
        }
    }

    private static string Relative(SolutionProject self, string path) =>
        Path.GetRelativePath(Path.GetDirectoryName(self.ProjectFile)!, path);
}
