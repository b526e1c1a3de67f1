using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Core.Tests;

/// <summary>The README and the targets must stay in step with what the engine reads and reports.</summary>
[TestClass]
public sealed partial class DocumentationTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(Peers.RepositoryRoot, "README.md"));
    private static readonly string Targets = File.ReadAllText(Path.Combine(Peers.RepositoryRoot, "nuget", "build", "EcsBuildTasks.targets"));

    [TestMethod]
    public void Every_documented_property_has_a_readme_row_with_its_default()
    {
        var missing = new List<string>();
        foreach (var setting in EcsProperties.Documented)
        {
            var row = Readme.Split('\n').FirstOrDefault(line => line.StartsWith($"| `{setting.Name}` |", StringComparison.Ordinal));
            if (row is null || !row.TrimEnd().EndsWith($"| {setting.Default} |", StringComparison.Ordinal))
            {
                missing.Add($"| `{setting.Name}` | {setting.Description} | {setting.Default} |");
            }
        }

        Assert.AreEqual(0, missing.Count, "README rows missing or out of date (expected):\n" + string.Join("\n", missing));
    }

    [TestMethod]
    public void Every_documented_property_and_item_reaches_the_engine()
    {
        var missing = EcsProperties.Documented
            .Where(s => s.Name is not (EcsProperties.Deploy or EcsProperties.Skip or EcsProperties.Verbosity or EcsProperties.DefinitionsDirectory))
            .Where(s => s.Kind == SettingKind.Property
                ? !Targets.Contains($"<_EcsSetting Include=\"{s.Name}\" Value=\"$({s.Name})\" />", StringComparison.Ordinal)
                : !Targets.Contains($"<_EcsItem Include=\"@({s.Name})\" EcsItemType=\"{s.Name}\" />", StringComparison.Ordinal))
            .Select(s => s.Name)
            .ToList();

        Assert.AreEqual(0, missing.Count, "Not passed to the tasks by EcsBuildTasks.targets: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void Every_diagnostic_code_is_listed_in_the_readme()
    {
        var missing = DiagnosticCodes.All.Where(d => !Readme.Contains($"| {d.Code} |", StringComparison.Ordinal)).Select(d => $"| {d.Code} | {d.Title} |").ToList();

        Assert.AreEqual(0, missing.Count, "README is missing:\n" + string.Join("\n", missing));
    }

    [TestMethod]
    public void The_readme_lists_no_code_that_does_not_exist()
    {
        var known = DiagnosticCodes.All.Select(d => d.Code).ToHashSet(StringComparer.Ordinal);
        var listed = CodeRow().Matches(Readme).Select(m => m.Groups[1].Value).ToList();

        Assert.IsTrue(listed.Count > 0);
        CollectionAssert.AreEquivalent(known.ToList(), listed.Distinct().ToList());
    }

    [TestMethod]
    public void Codes_are_unique()
    {
        var duplicates = DiagnosticCodes.All.GroupBy(d => d.Code).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.AreEqual(0, duplicates.Count, string.Join(", ", duplicates));
    }

    [GeneratedRegex(@"^\| (ECS\d{4}) \|", RegexOptions.Multiline)]
    private static partial Regex CodeRow();
}
