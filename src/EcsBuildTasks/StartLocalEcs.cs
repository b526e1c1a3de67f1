using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Local;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>For <c>EcsTarget=local</c>: uses the LocalEcs listening at the endpoint, or starts one for this publish.</summary>
public sealed class StartLocalEcs : EcsTask
{
    [Required]
    public string LocalEcsAssembly { get; set; } = string.Empty;

    public string? StateFile { get; set; }

    /// <summary>The dotnet host that runs LocalEcs (the SDK sets DOTNET_HOST_PATH for tasks).</summary>
    public string? DotnetHost { get; set; }

    [Output]
    public string? EndpointUrl { get; private set; }

    /// <summary>LocalEcs's built-in base image on its registry (<c>localhost:port/localecs/base:latest</c>).</summary>
    [Output]
    public string? BaseImage { get; private set; }

    /// <summary>Set when this build started LocalEcs: the build stops it at the end.</summary>
    [Output]
    public int StartedProcessId { get; private set; }

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (diagnostics.HasErrors)
        {
            return;
        }

        var endpoint = project.Settings.EndpointUrl ?? LocalEcsDefaults.EndpointUrl;
        var stateFile = string.IsNullOrWhiteSpace(StateFile) ? LocalEcsLauncher.DefaultStateFile() : StateFile;
        var host = string.IsNullOrWhiteSpace(DotnetHost) ? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet" : DotnetHost;
        LocalEcsInstance instance = null!;
        RunSynchronously(async () => instance = await new LocalEcsLauncher(DeploymentLog, TimeProvider.System).EnsureRunningAsync(endpoint, LocalEcsAssembly, stateFile, host, CancellationToken).ConfigureAwait(false));
        EndpointUrl = instance.EndpointUrl;
        BaseImage = $"localhost:{new Uri(instance.EndpointUrl).Port}/localecs/base:latest";
        StartedProcessId = instance.StartedProcessId ?? 0;
    }
}
