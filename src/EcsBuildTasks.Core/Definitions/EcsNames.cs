using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>ECS's rule for the names of families, containers, services and clusters: 1–255 letters, digits, '-' and '_'.</summary>
internal static partial class EcsNames
{
    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex Pattern();
}
