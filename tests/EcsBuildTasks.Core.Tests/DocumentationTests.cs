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
    public void The_targets_pass_exactly_the_catalogues_properties_and_items_to_the_tasks()
    {
        var passed = EcsProperties.Documented.Where(s => !EcsProperties.ReadByTargetsOnly.Contains(s.Name)).ToList();
        var properties = passed.Where(s => s.Kind == SettingKind.Property).Select(s => $"<_EcsSetting Include=\"{s.Name}\" Value=\"$({s.Name})\" />");
        var items = passed.Where(s => s.Kind == SettingKind.Item).Select(s => $"<_EcsItem Include=\"@({s.Name})\" EcsItemType=\"{s.Name}\" {EcsProperties.ItemDefinedInMetadata}=\"%({s.Name}.DefiningProjectFullPath)\" />");

        CollectionAssert.AreEqual(properties.ToList(), Block("settings"), "regenerate the targets' lines with: python3 tools/docs/targets_settings.py");
        CollectionAssert.AreEqual(items.ToList(), Block("items"), "regenerate the targets' lines with: python3 tools/docs/targets_settings.py");
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

    /// <summary>The lines between the targets' markers (<c>&lt;!-- name:begin ... --&gt;</c> and <c>&lt;!-- name:end --&gt;</c>), trimmed.</summary>
    private static List<string> Block(string name)
    {
        var start = Targets.IndexOf($"<!-- {name}:begin", StringComparison.Ordinal);
        var end = Targets.IndexOf($"<!-- {name}:end -->", StringComparison.Ordinal);
        Assert.IsTrue(start >= 0 && end > start, $"the targets have no {name} markers");
        return Targets[start..end].Split('\n').Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
    }

    [GeneratedRegex(@"^\| (ECS\d{4}) \|", RegexOptions.Multiline)]
    private static partial Regex CodeRow();
}
