using System.Globalization;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Benchmarks;

/// <summary>What the whole-deployment benchmarks (traffic shifting, versioned) share: options, the machine's load, one deployment through the engine.</summary>
internal static class DeploymentBenchmarks
{
    public static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    public static GeneratedDefinitions Generate(SettingsInput input)
    {
        var diagnostics = new DiagnosticCollection();
        return Project.Generate(input, diagnostics) ?? throw new InvalidOperationException(string.Join("\n", diagnostics));
    }

    /// <summary>One deployment of <paramref name="input"/> by the engine, silent but for warnings.</summary>
    public static async Task<DeploymentReport> DeployAsync(SettingsInput input, TimeProvider time, HttpMessageHandler? verification = null)
    {
        var definitions = Generate(input);
        using var aws = new AwsSession(new AwsClientFactory(AwsSession.ConnectionSettings(definitions.Settings)));
        return await new Deployer(aws, new SilentLog(), time) { VerificationHandler = verification }.DeployAsync(definitions, null, null, CancellationToken.None);
    }

    private sealed class SilentLog : IDeploymentLog
    {
        public void Info(string message)
        {
        }

        public void Detail(string message)
        {
        }

        public void Warning(EcsDiagnostic diagnostic) => Console.Error.WriteLine(diagnostic);
    }
}
