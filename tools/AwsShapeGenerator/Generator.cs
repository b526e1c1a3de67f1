using System.Text;

namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>Entry points used by Program and by the test that checks the committed output is current.</summary>
internal static class Generator
{
    /// <summary>Every generated file: path relative to the output root (e.g. <c>ECS/Generated/Model/Task.cs</c>) → content.</summary>
    public static SortedDictionary<string, string> GenerateAll(string modelsDirectory)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in ServiceCatalog.All)
        {
            var model = ServiceModel.Load(modelsDirectory, spec.ModelName);
            foreach (var (path, content) in new ServiceGenerator(spec, model).Generate())
            {
                result[$"{spec.Folder}/Generated/{path}"] = content;
            }
        }

        return result;
    }

    /// <summary>Regenerates every service's Generated folder under <paramref name="outputRoot"/>, removing stale files.</summary>
    public static int WriteAll(string modelsDirectory, string outputRoot)
    {
        var files = GenerateAll(modelsDirectory);
        foreach (var spec in ServiceCatalog.All)
        {
            var generated = Path.Combine(outputRoot, spec.Folder, "Generated");
            if (Directory.Exists(generated))
            {
                Directory.Delete(generated, recursive: true);
            }
        }

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var (path, content) in files)
        {
            var fullPath = Path.Combine(outputRoot, path);
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            File.WriteAllText(fullPath, content, utf8);
        }

        return files.Count;
    }

    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EcsBuildTasks.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
