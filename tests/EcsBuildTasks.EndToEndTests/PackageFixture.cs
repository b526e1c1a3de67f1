using System.Globalization;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// Packs EcsBuildTasks once per test run into a local folder feed, with a version of its own, and gives each consuming
/// project an isolated NuGet packages folder, so no test ever sees a stale copy from the user's global cache.
/// </summary>
internal static class PackageFixture
{
    private static readonly Lazy<Package> Packed = new(PackOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Package Instance => Packed.Value;

    private static Package PackOnce()
    {
        var root = Directory.CreateTempSubdirectory("ecs-package-").FullName;
        var feed = Path.Combine(root, "feed");
        var version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var result = Dotnet.Run(Repository.Root, "pack", Path.Combine(Repository.Root, "nuget", "EcsBuildTasks.csproj"),
            "-c", Repository.Configuration, "-o", feed, "-p:Version=" + version, "-nodeReuse:false");
        Assert.AreEqual(0, result.ExitCode, "dotnet pack failed:\n" + result);
        var package = Path.Combine(feed, $"EcsBuildTasks.{version}.nupkg");
        Assert.IsTrue(File.Exists(package), $"{package} was not produced:\n{result}");
        return new Package(root, feed, version, package);
    }
}

internal sealed record Package(string Root, string Feed, string Version, string File)
{
    /// <summary>Creates a consuming project in a folder of its own, wired to the local feed.</summary>
    public ConsumerProject CreateConsumer(string properties, string items = "", string sdk = "Microsoft.NET.Sdk.Web", string name = "consumer", string targets = "")
    {
        var directory = Directory.CreateTempSubdirectory("ecs-consumer-").FullName;
        System.IO.File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        System.IO.File.WriteAllText(Path.Combine(directory, "global.json"), System.IO.File.ReadAllText(Path.Combine(Repository.Root, "global.json")));
        System.IO.File.WriteAllText(Path.Combine(directory, "consumer.csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <ContainerRepository>consumer</ContainerRepository>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="EcsBuildTasks" Version="{Version}" PrivateAssets="all" />
                {items}
              </ItemGroup>
              {targets}
            </Project>
            """);
        System.IO.File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            var app = WebApplication.CreateSlimBuilder(args).Build();
            app.MapGet("/", () => "hello");
            app.Run();
            """);
        return new ConsumerProject(directory, Path.Combine(Root, "packages"), name);
    }
}

internal sealed class ConsumerProject(string directory, string packagesFolder, string name) : IDisposable
{
    public string Directory { get; } = directory;

    /// <summary>The ContainerRepository, and so the service, family and container name.</summary>
    public string Name { get; } = name;

    public string IntermediateFile(string relative) => Path.Combine(Directory, "obj", "Release", "net10.0", relative);

    /// <summary>Runs <c>dotnet</c> in the project folder with the run's own packages folder.</summary>
    public ProcessResult Dotnet(params string[] arguments) => Dotnet(new Dictionary<string, string?>(), arguments);

    public ProcessResult Dotnet(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var env = new Dictionary<string, string?>(environment) { ["NUGET_PACKAGES"] = packagesFolder };
        return EndToEndTests.Dotnet.Run(Directory, arguments, env);
    }

    /// <summary>Starts <c>dotnet</c> in the project folder without waiting; output goes to <paramref name="log"/>.</summary>
    public System.Diagnostics.Process Start(System.Text.StringBuilder log, params string[] arguments) =>
        ProcessRunner.Start("dotnet", arguments, log, Directory, EndToEndTests.Dotnet.Environment(new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packagesFolder }));

    /// <summary>
    /// Starts <c>dotnet</c> as a person's shell does, with Ctrl+C (SIGINT) handled the default way: a process inherits
    /// an ignored SIGINT from its parent (a CI runner's, a test host's), and MSBuild never sees a Ctrl+C it ignores.
    /// <c>env</c> (coreutils) lists on standard error the signal handling it was given, then resets SIGINT's and
    /// executes <c>dotnet</c> in its place (the same process id).
    /// </summary>
    public System.Diagnostics.Process StartInterruptible(System.Text.StringBuilder log, params string[] arguments) =>
        ProcessRunner.Start("env", ["--list-signal-handling", "--default-signal=INT", "dotnet", .. arguments], log, Directory, EndToEndTests.Dotnet.Environment(new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packagesFolder }));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Dotnet
{
    public static ProcessResult Run(string workingDirectory, params string[] arguments) => Run(workingDirectory, arguments, null);

    /// <summary>
    /// Runs the dotnet CLI without node reuse or the build server, so every run loads the task assembly it is testing.
    /// </summary>
    public static ProcessResult Run(string workingDirectory, string[] arguments, IReadOnlyDictionary<string, string?>? environment) =>
        ProcessRunner.Run("dotnet", arguments, workingDirectory, Environment(environment), TimeSpan.FromMinutes(10));

    public static Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? environment)
    {
        var env = new Dictionary<string, string?>
        {
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            // The tests run under `dotnet test`; its MSBuild settings must not leak into the child builds.
            ["MSBuildExtensionsPath"] = null,
            ["MSBUILD_EXE_PATH"] = null,
            ["MSBuildSDKsPath"] = null,
        };
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                env[key] = value;
            }
        }

        return env;
    }
}
