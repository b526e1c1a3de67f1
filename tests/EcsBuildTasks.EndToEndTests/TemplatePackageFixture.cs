using EcsBuildTasks.Testing;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// Packs the <c>dotnet new</c> templates once per test run, with the version of the EcsBuildTasks package the run
/// packed, installs them into a template hive of the run's own (never the user's), and creates projects from them.
/// </summary>
internal static class TemplatePackageFixture
{
    private static readonly Lazy<TemplatePackage> Installed = new(InstallOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    public static TemplatePackage Instance => Installed.Value;

    private static TemplatePackage InstallOnce()
    {
        var package = PackageFixture.Instance;
        var result = Dotnet.Run(Repository.Root, "pack", Path.Combine(Repository.Root, "templates", "EcsBuildTasks.Templates", "EcsBuildTasks.Templates.csproj"),
            "-c", Repository.Configuration, "-o", package.Feed, "-p:Version=" + package.Version, "-nodeReuse:false");
        Assert.AreEqual(0, result.ExitCode, "dotnet pack of the templates failed:\n" + result);
        var templates = Path.Combine(package.Feed, $"EcsBuildTasks.Templates.{package.Version}.nupkg");
        Assert.IsTrue(File.Exists(templates), $"{templates} was not produced:\n{result}");

        var hive = Path.Combine(package.Root, "template-hive");
        var install = Dotnet.Run(package.Root, "new", "install", templates, "--debug:custom-hive", hive);
        Assert.AreEqual(0, install.ExitCode, "dotnet new install failed:\n" + install);
        StringAssert.Contains(install.StandardOutput, "ecs-web", "the package installs the ecs-web template");
        return new TemplatePackage(package, hive);
    }
}

internal sealed record TemplatePackage(Package Package, string Hive)
{
    /// <summary>
    /// <c>dotnet new ecs-web -n NAME</c> in a folder of its own, wired to the run's local feed (a real user gets
    /// EcsBuildTasks from nuget.org).
    /// </summary>
    public ConsumerProject Create(string name, params string[] options)
    {
        var directory = Directory.CreateTempSubdirectory("ecs-template-").FullName;
        var result = Dotnet.Run(directory, ["new", "ecs-web", "-n", name, "-o", directory, "--debug:custom-hive", Hive, .. options], null);
        Assert.AreEqual(0, result.ExitCode, "dotnet new ecs-web failed:\n" + result);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Package.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "global.json"), File.ReadAllText(Path.Combine(Repository.Root, "global.json")));
        return new ConsumerProject(directory, Path.Combine(Package.Root, "packages"), name);
    }
}
