using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.Solution;

/// <summary>One service of a solution publish in the combined result.</summary>
internal sealed record CombinedDeployment
{
    /// <summary>The project file, relative to the solution's folder.</summary>
    public required string Project { get; init; }

    public required string Service { get; init; }

    public string? Cluster { get; init; }

    public string? Region { get; init; }

    public string? Environment { get; init; }

    /// <summary>The project's result status (<see cref="DeploymentResult.Status"/>), <c>skipped</c> after a failed EcsDeployAfter project, <c>not-built</c> when its build failed (it says where), or <c>not-deployed</c> when it failed before it deployed and left no result.</summary>
    public required string Status { get; init; }

    public bool Succeeded { get; init; }

    /// <summary>The task definition revision deployed (<c>family:revision</c>).</summary>
    public string? Revision { get; init; }

    public string? TaskDefinitionArn { get; init; }

    public string? Image { get; init; }

    public string? ImageDigest { get; init; }

    public string? ServiceDeploymentArn { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public double? DurationSeconds { get; init; }

    public double? WaitSeconds { get; init; }

    public string? Reason { get; init; }

    /// <summary>The project's own result file (<c>EcsResultFile</c>), when it wrote one.</summary>
    public string? ResultFile { get; init; }
}

/// <summary>
/// The combined result of a solution publish: every project that deployed (or should have), the failed ones first,
/// written to <c>ecs-deployments.json</c> beside the solution, summarised once on the console and in the GitHub step summary.
/// </summary>
internal sealed record CombinedDeployments
{
    public required string Solution { get; init; }

    /// <summary><c>succeeded</c> when every service did, otherwise <c>failed</c>.</summary>
    public required string Status { get; init; }

    public int Succeeded { get; init; }

    public int Failed { get; init; }

    public required IReadOnlyList<CombinedDeployment> Deployments { get; init; }

    /// <summary>
    /// Combines the projects' results: each project's result file when this publish wrote it (not older than the
    /// project's description), else what its build's outcome says.
    /// </summary>
    /// <param name="solutionFile">The solution published; project paths are shown relative to its folder.</param>
    /// <param name="projects">Every project that deployed for real, with whether its build succeeded.</param>
    public static CombinedDeployments From(string solutionFile, IEnumerable<(SolutionProject Project, bool BuildSucceeded)> projects)
    {
        ArgumentNullException.ThrowIfNull(projects);
        var folder = Path.GetDirectoryName(Path.GetFullPath(solutionFile))!;
        var deployments = projects.Select(p => Entry(folder, p.Project, p.BuildSucceeded))
            .OrderBy(d => d.Succeeded)
            .ThenBy(d => d.Service, StringComparer.Ordinal)
            .ThenBy(d => d.Project, StringComparer.Ordinal)
            .ToList();
        var failed = deployments.Count(d => !d.Succeeded);
        return new CombinedDeployments
        {
            Solution = Path.GetFileName(solutionFile),
            Status = failed == 0 ? "succeeded" : "failed",
            Succeeded = deployments.Count - failed,
            Failed = failed,
            Deployments = deployments,
        };
    }

    private static CombinedDeployment Entry(string solutionFolder, SolutionProject project, bool buildSucceeded)
    {
        var relativeProject = Path.GetRelativePath(solutionFolder, project.ProjectFile).Replace('\\', '/');
        if (ReadFreshResult(project) is { } result)
        {
            return new CombinedDeployment
            {
                Project = relativeProject,
                Service = result.Service,
                Cluster = result.Cluster,
                Region = result.Region,
                Environment = result.Environment,
                Status = result.Status,
                Succeeded = result.Succeeded,
                Revision = result.TaskDefinitionArn is { } arn ? Arns.Short(arn) : null,
                TaskDefinitionArn = result.TaskDefinitionArn,
                Image = result.Image,
                ImageDigest = result.ImageDigest,
                ServiceDeploymentArn = result.ServiceDeploymentArn,
                StartedAt = result.StartedAt == default ? null : result.StartedAt,
                FinishedAt = result.FinishedAt == default ? null : result.FinishedAt,
                DurationSeconds = result.DeploySeconds,
                WaitSeconds = result.WaitSeconds,
                Reason = result.StatusReason,
                ResultFile = project.ResultFile,
            };
        }

        return new CombinedDeployment
        {
            Project = relativeProject,
            Service = project.Service ?? project.Name,
            Cluster = project.Cluster,
            Region = project.Region,
            Environment = project.Environment,
            Status = "not-deployed",
            Succeeded = false,
            Reason = buildSucceeded ? "the project wrote no result" : "its build failed before it deployed (its errors say why)",
        };
    }

    /// <summary>The project's result file, when this publish wrote it (an older one is from an earlier publish).</summary>
    private static DeploymentResult? ReadFreshResult(SolutionProject project)
    {
        if (project.ResultFile is not { Length: > 0 } path || !File.Exists(path)
            || File.GetLastWriteTimeUtc(path) < project.DescribedAt.UtcDateTime - TimeSpan.FromSeconds(1))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), DeploymentResultJsonContext.Default.DeploymentResult);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void WriteJson(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(this, CombinedDeploymentsJsonContext.Default.CombinedDeployments) + "\n");
    }

    /// <summary>The one console summary of the publish: a line per service, the failed ones first.</summary>
    public IReadOnlyList<string> SummaryLines()
    {
        var withEnvironment = Deployments.Any(d => d.Environment is not null);
        var rows = new List<string[]> { withEnvironment ? ["Outcome", "Service", "Cluster", "Environment", "Revision", "Image digest", "Took"] : ["Outcome", "Service", "Cluster", "Revision", "Image digest", "Took"] };
        foreach (var deployment in Deployments)
        {
            var cells = new List<string> { Outcome(deployment), deployment.Service, deployment.Cluster ?? "-" };
            if (withEnvironment)
            {
                cells.Add(deployment.Environment ?? "-");
            }

            cells.Add(deployment.Revision ?? "-");
            cells.Add(ShortDigest(deployment.ImageDigest));
            cells.Add(deployment.DurationSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s") : "-");
            rows.Add([.. cells]);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(r => r[column].Length)).ToArray();
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: {Solution}: {Deployments.Count} services, {Succeeded} deployed, {Failed} failed"),
        };
        lines.AddRange(rows.Select(r => "  " + string.Join("  ", r.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd()));
        foreach (var deployment in Deployments.Where(d => !d.Succeeded && d.Reason is not null))
        {
            lines.Add($"  {deployment.Service}: {deployment.Reason}");
        }

        return lines;
    }

    /// <summary>A Markdown table for <c>$GITHUB_STEP_SUMMARY</c>.</summary>
    public string Markdown()
    {
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"### ECS deployments of `{Solution}`: {Succeeded} deployed, {Failed} failed");
        builder.AppendLine();
        builder.AppendLine("| Outcome | Service | Cluster | Environment | Revision | Image digest | Took |");
        builder.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var d in Deployments)
        {
            var took = d.DurationSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s") : string.Empty;
            builder.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(Outcome(d))} | `{d.Service}` | `{d.Cluster}` | {Cell(d.Environment ?? string.Empty)} | `{d.Revision}` | `{ShortDigest(d.ImageDigest)}` | {took} |");
        }

        return builder.ToString();
    }

    private static string Outcome(CombinedDeployment deployment) => deployment.Succeeded ? deployment.Status : deployment.Status.ToUpperInvariant();

    private static string ShortDigest(string? digest) => digest is null ? "-" : digest.Length > 19 ? digest[..19] : digest;

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CombinedDeployments))]
internal sealed partial class CombinedDeploymentsJsonContext : JsonSerializerContext;
