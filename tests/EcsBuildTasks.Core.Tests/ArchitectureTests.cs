using System.Text.RegularExpressions;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// The engine's shape, read from its sources: layers without cycles, strategy names compared only by the strategies,
/// and one place each that reads the settings and generates the definitions (DEVELOPERS.md, "The engine").
/// </summary>
[TestClass]
public sealed partial class ArchitectureTests
{
    /// <summary>The engine's folders from the bottom up: a folder may use only those before it (and itself).</summary>
    private static readonly string[] Layers = ["Diagnostics", "Settings", "Infrastructure", "Definitions", "Features", "Local", "Strategies", "Engine"];

    private static readonly string Core = Path.Combine(Peers.RepositoryRoot, "src", "EcsBuildTasks.Core");
    private static readonly string Tasks = Path.Combine(Peers.RepositoryRoot, "src", "EcsBuildTasks");

    [TestMethod]
    public void Each_folder_uses_only_the_folders_below_it()
    {
        var violations = new List<string>();
        foreach (var (file, folder, _, uses) in Sources())
        {
            var layer = Array.IndexOf(Layers, folder);
            Assert.IsTrue(layer >= 0, $"{file} is in {folder}, which is not one of the engine's layers ({string.Join(", ", Layers)})");
            violations.AddRange(uses.Select(u => u.Split('.')[0]).Where(u => Array.IndexOf(Layers, u) > layer).Distinct().Select(u => $"{file} ({folder}) uses {u}"));
        }

        Assert.AreEqual(0, violations.Count, string.Join("\n", violations));
    }

    [TestMethod]
    public void Features_and_strategies_use_each_other_without_cycles()
    {
        foreach (var layer in new[] { "Features", "Strategies" })
        {
            // Namespace by namespace (Features.Images, Strategies.InPlace, ...); the registry of strategies is the one
            // file of the strategies' root that knows each strategy.
            var graph = Sources()
                .Where(s => s.Folder == layer && !s.File.EndsWith("DeploymentStrategies.cs", StringComparison.Ordinal))
                .GroupBy(s => s.Namespace)
                .ToDictionary(g => g.Key, g => g.SelectMany(s => s.Uses).Where(u => u.StartsWith(layer, StringComparison.Ordinal) && u != g.Key).ToHashSet(StringComparer.Ordinal));
            foreach (var start in graph.Keys)
            {
                var path = Cycle(graph, start, [start]);
                Assert.IsNull(path, $"{layer}: {string.Join(" → ", path ?? [])}");
            }
        }
    }

    [TestMethod]
    public void Only_the_strategies_compare_strategy_names()
    {
        var names = new[] { "Rolling", "BlueGreen", "Canary", "Linear", "ROLLING", "BLUE_GREEN", "CANARY", "LINEAR", "Versioned", "VersionedBlueGreen", "DnsBlueGreen", "Express", "ManagedDaemon" };
        var found = new List<string>();
        foreach (var file in Files(Core).Concat(Files(Tasks)))
        {
            if (Folder(file) == "Strategies")
            {
                continue;
            }

            var text = File.ReadAllText(file);
            found.AddRange(names.Where(n => text.Contains($"\"{n}\"", StringComparison.Ordinal)).Select(n => $"{Relative(file)}: \"{n}\""));
            found.AddRange(StrategyTypes().Matches(text).Select(m => $"{Relative(file)}: {m.Value}"));
        }

        Assert.AreEqual(0, found.Count, "Ask the strategy instead:\n" + string.Join("\n", found));
    }

    [TestMethod]
    public void The_settings_are_read_and_the_definitions_generated_in_one_place_which_every_task_passes_once()
    {
        var reads = Calls(@"\bSettingsReader\.Read\(", Core);
        var generations = Calls(@"\bDefinitionGenerator\.Generate\(", Core);
        var projectReads = Calls(@"\bProject\.Read\(", Tasks);
        var projectGenerations = Calls(@"\bproject(\s+with\s+\{[^}]*\})?\)?\.Generate\(|\.Generate\(diagnostics\)", Tasks);

        CollectionAssert.AreEqual(new[] { "Engine/Project.cs" }, reads, "the settings are read only by Project.Read");
        CollectionAssert.AreEqual(new[] { "Engine/Project.cs" }, generations, "the definitions are generated only by Project.Generate");
        CollectionAssert.AreEqual(new[] { "EcsTask.cs" }, projectReads, "only the tasks' base reads the project, once per task, before the task runs");
        CollectionAssert.AreEqual(new[] { "EcsTask.cs" }, projectGenerations, "tasks generate the definitions through EcsTask.Generate, which logs each generation");
    }

    /// <summary>Every source file of the engine: its folder, its namespace below <c>EcsBuildTasks.Core</c>, and the engine namespaces it uses.</summary>
    private static List<(string File, string Folder, string Namespace, IReadOnlyList<string> Uses)> Sources()
    {
        var files = Files(Core).Where(f => Path.GetDirectoryName(f) != Core).Select(f => (Path: f, Text: File.ReadAllText(f))).ToList();
        var namespaces = files.Select(f => Namespace().Match(f.Text).Groups[1].Value).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);

        // A using (EcsBuildTasks.Core.Features.Images;) or a qualified name (EcsBuildTasks.Core.Features.Images.ImageReuse):
        // the longest engine namespace it starts with.
        string? Used(string reference) => namespaces.Where(n => reference == n || reference.StartsWith(n + ".", StringComparison.Ordinal)).MaxBy(n => n.Length);
        return files.Select(f =>
        {
            var ns = Namespace().Match(f.Text).Groups[1].Value;
            var uses = CoreReference().Matches(f.Text).Select(m => Used(m.Groups[1].Value)).OfType<string>().Where(u => u != ns).Distinct().ToList();
            return (Relative(f.Path), Folder(f.Path), ns, (IReadOnlyList<string>)uses);
        }).ToList();
    }

    private static List<string> Calls(string pattern, string root) =>
        [.. Files(root).Where(f => Regex.IsMatch(File.ReadAllText(f), pattern)).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private static List<string>? Cycle(Dictionary<string, HashSet<string>> graph, string at, List<string> path)
    {
        foreach (var next in graph.GetValueOrDefault(at) ?? [])
        {
            if (next == path[0])
            {
                return [.. path, next];
            }

            if (!path.Contains(next) && Cycle(graph, next, [.. path, next]) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static IEnumerable<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Folder(string file) => Path.GetRelativePath(Core, file).Split(Path.DirectorySeparatorChar)[0];

    private static string Relative(string file) => Path.GetRelativePath(Peers.RepositoryRoot, file).Replace('\\', '/');

    [GeneratedRegex(@"^namespace EcsBuildTasks\.Core\.([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"\bEcsBuildTasks\.Core\.([A-Z][\w.]*\w)")]
    private static partial Regex CoreReference();

    [GeneratedRegex(@"\b(RollingStrategy|TrafficShiftingStrategy|TrafficShift\.\w+|(Versioned|VersionedBlueGreen|DnsBlueGreen|Express|ManagedDaemon|VersionedServices|InPlace)Strategy)\b")]
    private static partial Regex StrategyTypes();
}
