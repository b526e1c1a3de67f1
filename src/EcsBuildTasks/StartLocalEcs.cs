using EcsBuildTasks.Core.Deployment;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Local;
using EcsBuildTasks.Core.Settings;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// For <c>EcsTarget=local</c>: takes a lease on the LocalEcs at the endpoint for this project's build, starting the one
/// in the package when none listens. <see cref="StopLocalEcs"/> releases it; LocalEcs exits when no build holds a lease.
/// </summary>
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

    /// <summary>This build's lease, for <see cref="StopLocalEcs"/>; empty when there is none to release.</summary>
    [Output]
    public string? LeaseId { get; private set; }

    protected override void ExecuteCore(SettingsInput input, DiagnosticCollection diagnostics)
    {
        var endpoint = input.Get(EcsProperties.EndpointUrl) ?? LocalEcsDefaults.EndpointUrl;
        var stateFile = string.IsNullOrWhiteSpace(StateFile) ? LocalEcsLauncher.DefaultStateFile() : StateFile;
        var host = string.IsNullOrWhiteSpace(DotnetHost) ? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet" : DotnetHost;
        var holder = "project " + Path.GetFileNameWithoutExtension(string.IsNullOrEmpty(ProjectFile) ? ProjectDirectory.TrimEnd('/', '\\') : ProjectFile);
        var start = new LocalEcsStart(endpoint, LocalEcsAssembly, stateFile, host, holder, BuildProcess.Id(BuildEngine));
        LocalEcsLease lease = null!;
        RunSynchronously(async () => lease = await new LocalEcsLauncher(DeploymentLog, TimeProvider.System).AcquireAsync(start, CancellationToken).ConfigureAwait(false));
        EndpointUrl = lease.EndpointUrl;
        BaseImage = $"localhost:{new Uri(lease.EndpointUrl).Port}/localecs/base:latest";
        LeaseId = lease.LeaseId;
        if (lease.LeaseId is { } id && !BuildProcess.IsTaskHost(BuildEngine))
        {
            // Released by StopLocalEcs; this covers the ends that never reach it (Ctrl+C, an error before its target,
            // a killed entry process while this worker node lives on): MSBuild disposes it when the build ends.
            BuildEngine4.RegisterTaskObject(LocalEcsLeaseRelease.Key(id), new LocalEcsLeaseRelease(lease.EndpointUrl, id), RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        }
    }
}

/// <summary>Releases a LocalEcs lease when MSBuild disposes it at the end of the build, unless released already.</summary>
internal sealed class LocalEcsLeaseRelease(string endpointUrl, string leaseId) : IDisposable
{
    private int released;

    public static string Key(string leaseId) => "EcsBuildTasks.LocalEcsLease:" + leaseId;

    /// <summary>Releases the lease and says what became of LocalEcs; false when it was released already.</summary>
    public bool Release(IDeploymentLog log)
    {
        if (Interlocked.Exchange(ref released, 1) == 1)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        new LocalEcsLauncher(log, TimeProvider.System).ReleaseAsync(endpointUrl, leaseId, timeout.Token).GetAwaiter().GetResult();
        return true;
    }

    public void Dispose()
    {
        try
        {
            Release(new SilentLog());
        }
        catch (OperationCanceledException)
        {
            // LocalEcs did not answer in time: the lease ends with this process anyway.
        }
    }

    private sealed class SilentLog : IDeploymentLog
    {
        public void Info(string message)
        {
        }

        public void Detail(string message)
        {
        }

        public void Warning(EcsDiagnostic diagnostic)
        {
        }
    }
}
