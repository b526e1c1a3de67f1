using System.Reflection;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>Paths into the repository and the build outputs the tests use.</summary>
internal static class Repository
{
    public static string Root => Peers.RepositoryRoot;

    /// <summary>The configuration these tests were built in (the task assembly was built in the same one).</summary>
    public static string Configuration { get; } = typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "Configuration").Value!;

    public static string TaskAssembly => Path.Combine(Root, "src", "EcsBuildTasks", "bin", Configuration, "net10.0", "EcsBuildTasks.dll");

    public static string PropsFile => Path.Combine(Root, "nuget", "build", "EcsBuildTasks.props");

    public static string TargetsFile => Path.Combine(Root, "nuget", "build", "EcsBuildTasks.targets");
}
