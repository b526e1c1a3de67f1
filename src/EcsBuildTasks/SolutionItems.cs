using System.Globalization;
using EcsBuildTasks.Core.Features.Solution;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>The descriptions <c>DescribeEcsDeployment</c> returns, read back by the tasks that order and combine a publish.</summary>
internal static class SolutionItems
{
    public static SolutionProject Project(ITaskItem item) => new()
    {
        ProjectFile = Path.GetFullPath(item.ItemSpec),
        Deploys = string.Equals(item.GetMetadata("Deploys"), "true", StringComparison.OrdinalIgnoreCase),
        DryRun = string.Equals(item.GetMetadata("DryRun"), "true", StringComparison.OrdinalIgnoreCase),
        Service = NullIfEmpty(item.GetMetadata("Service")),
        Cluster = NullIfEmpty(item.GetMetadata("Cluster")),
        Region = NullIfEmpty(item.GetMetadata("Region")),
        EndpointUrl = NullIfEmpty(item.GetMetadata("EndpointUrl")),
        Environment = NullIfEmpty(item.GetMetadata("Environment")),
        ResultFile = NullIfEmpty(item.GetMetadata("ResultFile")),
        DeployAfter = [.. item.GetMetadata("DeployAfter").Split('|', StringSplitOptions.RemoveEmptyEntries)],
        References = [.. item.GetMetadata("References").Split('|', StringSplitOptions.RemoveEmptyEntries)],
        DescribedAt = DateTimeOffset.TryParse(item.GetMetadata("DescribedAt"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : DateTimeOffset.MinValue,
    };

    public static IReadOnlyList<SolutionProject> Projects(IEnumerable<ITaskItem> items)
    {
        var seen = new HashSet<string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        return [.. items.Select(Project).Where(p => seen.Add(p.ProjectFile))];
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
